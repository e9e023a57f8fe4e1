import Glibc

/// `--split-by` / `--partition-by`: one file per group under a directory.
///
/// Files are written in a hidden temporary directory inside the target and moved
/// into place only when the run succeeds. At most ``maxOpenFiles`` descriptors
/// are open at once (least recently used ones are closed and reopened for
/// appending), so many thousands of groups work.
final class GroupedOutput {
  struct Group {
    /// Path relative to the temporary (and the final) directory.
    var relativePath: String
    var fd: Int32 = -1
    var lastUse = 0
  }

  /// Descriptors kept open at most: 64, or fewer under a low `ulimit -n`.
  static let maxOpenFiles: Int = {
    var limit = rlimit()
    guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 64 }
    return max(4, min(64, Int(limit.rlim_cur) / 4))
  }()

  private let directory: String
  private let temporary: String
  private let spec: GroupKeySpec
  private let partitioned: Bool
  private let fileExtension: String
  private let header: ([UInt8]) -> [UInt8]?
  private var groups: [[UInt8]: Int] = [:]
  private var entries: [Group] = []
  private var names = UniqueNames()
  private var openCount = 0
  private var clock = 0
  private var finished = false

  /// - Parameter header: the bytes each new file starts with (a header line), per group key.
  init(
    directory: String, spec: GroupKeySpec, partitioned: Bool, fileExtension: String,
    header: @escaping ([UInt8]) -> [UInt8]?
  ) throws {
    self.directory = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
    self.spec = spec
    self.partitioned = partitioned
    self.fileExtension = fileExtension
    self.header = header
    try GroupedOutput.makeDirectories(self.directory)
    var template = Array((self.directory + "/.ndflat-XXXXXX").utf8CString)
    let made = template.withUnsafeMutableBufferPointer { buffer -> UnsafeMutablePointer<CChar>? in
      guard let base = buffer.baseAddress else { return nil }
      return mkdtemp(base)
    }
    guard let made else {
      throw NDFlatError(.output, "\(directory): cannot create a working directory: \(SystemCalls.errorText(errno))")
    }
    temporary = String(cString: made)
    TemporaryDirectories.register(temporary)
  }

  deinit { discard() }

  /// How many files the run has made.
  var fileCount: Int { entries.count }

  /// Appends bytes (whole rows) to the group's file, creating it with its header first.
  func write(key: [UInt8], _ bytes: UnsafeRawBufferPointer) throws {
    let index = try group(for: key)
    clock += 1
    entries[index].lastUse = clock
    if entries[index].fd < 0 { try open(index, creating: false) }
    try SystemCalls.writeAll(entries[index].fd, bytes, name: entries[index].relativePath)
  }

  private func group(for key: [UInt8]) throws -> Int {
    if let index = groups[key] { return index }
    let relative = relativePath(for: key)
    let index = entries.count
    entries.append(Group(relativePath: relative))
    groups[key] = index
    try open(index, creating: true)
    if let head = header(key) {
      try head.withUnsafeBytes { try SystemCalls.writeAll(entries[index].fd, $0, name: relative) }
    }
    return index
  }

  private func relativePath(for key: [UInt8]) -> String {
    let values = GroupKeyReader.decode(key)
    if partitioned {
      var parts: [String] = []
      for (part, value) in zip(spec.parts, values) {
        parts.append(GroupNaming.label(part.label) + "=" + GroupNaming.partitionValue(value))
      }
      return parts.joined(separator: "/") + "/part." + fileExtension
    }
    let stem = GroupNaming.fileStem(values.first ?? nil)
    return names.name(for: key, stem: stem) + "." + fileExtension
  }

  private func open(_ index: Int, creating: Bool) throws {
    if openCount >= GroupedOutput.maxOpenFiles { closeLeastRecentlyUsed() }
    let path = temporary + "/" + entries[index].relativePath
    if creating, let slash = path.lastIndex(of: "/") { try GroupedOutput.makeDirectories(String(path[..<slash])) }
    let flags = O_WRONLY | O_CLOEXEC | (creating ? O_CREAT | O_EXCL : O_APPEND)
    let fd = Glibc.open(path, flags, 0o666)
    guard fd >= 0 else {
      throw NDFlatError(.output, "\(directory)/\(entries[index].relativePath): \(SystemCalls.errorText(errno))")
    }
    entries[index].fd = fd
    openCount += 1
  }

  private func closeLeastRecentlyUsed() {
    var oldest = -1
    for index in entries.indices where entries[index].fd >= 0 {
      if oldest < 0 || entries[index].lastUse < entries[oldest].lastUse { oldest = index }
    }
    guard oldest >= 0 else { return }
    close(entries[oldest].fd)
    entries[oldest].fd = -1
    openCount -= 1
  }

  /// Closes every file and moves it into the target directory. Split files
  /// replace files of the same name; partition files take the first free
  /// `part-NNNNN` number, so several runs can fill one tree.
  func commit() throws -> [String] {
    var written: [String] = []
    for index in entries.indices {
      if entries[index].fd >= 0 {
        guard close(entries[index].fd) == 0 else {
          throw NDFlatError(.output, "\(entries[index].relativePath): \(SystemCalls.errorText(errno))")
        }
        entries[index].fd = -1
      }
      let source = temporary + "/" + entries[index].relativePath
      if partitioned {
        written.append(try placePart(source, relative: entries[index].relativePath))
      } else {
        let target = directory + "/" + entries[index].relativePath
        guard rename(source, target) == 0 else {
          throw NDFlatError(.output, "\(target): cannot move into place: \(SystemCalls.errorText(errno))")
        }
        written.append(target)
      }
    }
    openCount = 0
    finished = true
    GroupedOutput.removeTree(temporary)
    TemporaryDirectories.forget(temporary)
    return written
  }

  private func placePart(_ source: String, relative: String) throws -> String {
    let slash = relative.lastIndex(of: "/").map { String(relative[..<$0]) } ?? ""
    let targetDirectory = directory + "/" + slash
    try GroupedOutput.makeDirectories(targetDirectory)
    var number = 0
    while true {
      let target = targetDirectory + "/part-" + String(number).leftPadded5 + "." + fileExtension
      if link(source, target) == 0 {
        unlink(source)
        return target
      }
      guard errno == EEXIST else {
        throw NDFlatError(.output, "\(target): \(SystemCalls.errorText(errno))")
      }
      number += 1
    }
  }

  /// Removes everything written so far (on failure).
  func discard() {
    guard !finished else { return }
    finished = true
    for index in entries.indices where entries[index].fd >= 0 { close(entries[index].fd) }
    GroupedOutput.removeTree(temporary)
    TemporaryDirectories.forget(temporary)
  }

  static func makeDirectories(_ path: String) throws {
    var current = path.hasPrefix("/") ? "" : "."
    for component in path.split(separator: "/") {
      current += "/" + component
      if mkdir(current, 0o777) != 0 && errno != EEXIST {
        throw NDFlatError(.output, "\(current): cannot create directory: \(SystemCalls.errorText(errno))")
      }
    }
  }

  /// `rm -r` of a directory this run made.
  static func removeTree(_ path: String) {
    guard let dir = opendir(path) else {
      unlink(path)
      return
    }
    while let entry = readdir(dir) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
      }
      if name == "." || name == ".." { continue }
      let child = path + "/" + name
      var info = stat()
      if lstat(child, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR {
        removeTree(child)
      } else {
        unlink(child)
      }
    }
    closedir(dir)
    rmdir(path)
  }
}

extension String {
  fileprivate var leftPadded5: String { count >= 5 ? self : String(repeating: "0", count: 5 - count) + self }
}
