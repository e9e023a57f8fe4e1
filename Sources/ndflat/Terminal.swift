import Glibc

/// Writing to standard error, unbuffered, without `print`.
enum Terminal {
  static func error(_ text: String) {
    var line = text
    if !line.hasSuffix("\n") { line += "\n" }
    line.withUTF8 { bytes in _ = try? writeAll(2, UnsafeRawBufferPointer(bytes)) }
  }

  static func output(_ text: String) {
    var copy = text
    copy.withUTF8 { bytes in _ = try? writeAll(1, UnsafeRawBufferPointer(bytes)) }
  }

  private static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws {
    guard var pointer = bytes.baseAddress else { return }
    var remaining = bytes.count
    while remaining > 0 {
      let n = write(fd, pointer, remaining)
      if n < 0 {
        if errno == EINTR { continue }
        return
      }
      pointer += n
      remaining -= n
    }
  }

  static var stderrIsTerminal: Bool { isatty(2) == 1 }
  static var stdoutIsTerminal: Bool { isatty(1) == 1 }
}
