import Glibc

/// Thin wrappers over the C calls the engine makes, retrying `EINTR` and
/// turning failures into typed errors that name the file.
enum SystemCalls {
  static func errorText(_ code: Int32) -> String { String(cString: strerror(code)) }

  static func openForReading(_ path: String) throws -> Int32 {
    while true {
      let fd = open(path, O_RDONLY | O_CLOEXEC)
      if fd >= 0 {
        var info = stat()
        if fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR {
          close(fd)
          throw NDFlatError(.input, "\(path): is a directory")
        }
        return fd
      }
      if errno == EINTR { continue }
      throw NDFlatError(.input, "\(path): \(errorText(errno))")
    }
  }

  /// Reads up to `count` bytes; 0 at end of file.
  static func read(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int, name: String) throws -> Int {
    while true {
      let n = Glibc.read(fd, buffer, count)
      if n >= 0 { return n }
      if errno == EINTR { continue }
      throw NDFlatError(.input, "\(name): read failed: \(errorText(errno))")
    }
  }

  /// Writes all bytes, or throws (``ClosedPipe`` for `EPIPE`).
  static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, name: String) throws {
    guard var pointer = bytes.baseAddress else { return }
    var remaining = bytes.count
    while remaining > 0 {
      let n = Glibc.write(fd, pointer, remaining)
      if n < 0 {
        if errno == EINTR { continue }
        if errno == EPIPE { throw ClosedPipe() }
        throw NDFlatError(.output, "\(name): write failed: \(errorText(errno))")
      }
      pointer += n
      remaining -= n
    }
  }

  static func fileSize(path: String) -> Int? {
    var info = stat()
    guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
    return Int(info.st_size)
  }

  static func fileSize(_ fd: Int32) -> Int? {
    var info = stat()
    guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
    return Int(info.st_size)
  }
}
