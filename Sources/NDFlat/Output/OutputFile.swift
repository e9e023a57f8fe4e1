import Glibc

/// Where output bytes go: standard output, or a file written under a temporary
/// name and renamed into place only when the run succeeds — so a failed run never
/// leaves a half-written file under the final name.
final class OutputFile {
  let fd: Int32
  let name: String
  private let finalPath: String?
  private let temporaryPath: String?
  private var buffer = ByteArena(capacity: 1 << 16)
  private var closed = false
  /// A device or FIFO opened directly: closed at the end, never renamed.
  private var ownsDescriptor = false
  /// In-memory output (``Converter/convertToBytes(_:)``).
  private(set) var collected: [UInt8]?

  /// Collects the output in memory.
  init(memory: ()) {
    fd = -1
    name = "<memory>"
    finalPath = nil
    temporaryPath = nil
    collected = []
  }

  /// Standard output.
  init(standardOutput: ()) {
    fd = 1
    name = "<stdout>"
    finalPath = nil
    temporaryPath = nil
  }

  /// A file at `path`, created beside it under a temporary name. A path that
  /// names something other than a regular file (`/dev/null`, `/dev/full`, a FIFO,
  /// `/dev/stdout`) is opened and written directly: renaming over it would
  /// replace the device.
  init(path: String) throws {
    var info = stat()
    if stat(path, &info) == 0 && (info.st_mode & S_IFMT) != S_IFREG {
      if (info.st_mode & S_IFMT) == S_IFDIR {
        throw NDFlatError(.output, "\(path): is a directory")
      }
      let fd = open(path, O_WRONLY | O_CLOEXEC)
      guard fd >= 0 else { throw NDFlatError(.output, "\(path): \(SystemCalls.errorText(errno))") }
      self.fd = fd
      self.name = path
      self.finalPath = nil
      self.temporaryPath = nil
      self.ownsDescriptor = true
      return
    }
    let (fd, temporary) = try TemporaryFiles.create(near: path, prefix: "ndflat")
    self.fd = fd
    self.name = path
    self.finalPath = path
    self.temporaryPath = temporary
  }

  deinit {
    buffer.release()
    if !closed { discard() }
  }

  /// Writes bytes, buffering small pieces.
  func write(_ bytes: UnsafeRawBufferPointer) throws {
    if buffer.count + bytes.count > buffer.capacity {
      try flush()
      if bytes.count >= buffer.capacity {
        if collected != nil {
          collected?.append(contentsOf: bytes)
          return
        }
        try SystemCalls.writeAll(fd, bytes, name: name)
        return
      }
    }
    buffer.append(bytes)
  }

  func write(_ bytes: [UInt8]) throws {
    try bytes.withUnsafeBytes { try write($0) }
  }

  func flush() throws {
    guard buffer.count > 0 else { return }
    defer { buffer.count = 0 }
    if collected != nil {
      collected?.append(contentsOf: buffer.bytes)
      return
    }
    try SystemCalls.writeAll(fd, buffer.bytes, name: name)
  }

  /// Flushes and, for a file, renames it into place.
  func commit() throws {
    try flush()
    if ownsDescriptor {
      ownsDescriptor = false
      if close(fd) != 0 { throw NDFlatError(.output, "\(name): \(SystemCalls.errorText(errno))") }
      return
    }
    guard let finalPath, let temporaryPath else { return }
    closed = true
    if close(fd) != 0 {
      let reason = SystemCalls.errorText(errno)
      unlink(temporaryPath)
      TemporaryFiles.forget(temporaryPath)
      throw NDFlatError(.output, "\(name): \(reason)")
    }
    fchmodDefault(temporaryPath)
    guard rename(temporaryPath, finalPath) == 0 else {
      let reason = SystemCalls.errorText(errno)
      unlink(temporaryPath)
      TemporaryFiles.forget(temporaryPath)
      throw NDFlatError(.output, "\(name): cannot rename into place: \(reason)")
    }
    TemporaryFiles.forget(temporaryPath)
  }

  /// mkstemp makes files 0600; give the final file the usual 0666 & ~umask.
  private func fchmodDefault(_ path: String) {
    let mask = umask(0)
    umask(mask)
    chmod(path, 0o666 & ~mask)
  }

  /// Removes the temporary file (on failure).
  func discard() {
    guard let temporaryPath, !closed else { return }
    closed = true
    close(fd)
    unlink(temporaryPath)
    TemporaryFiles.forget(temporaryPath)
  }
}
