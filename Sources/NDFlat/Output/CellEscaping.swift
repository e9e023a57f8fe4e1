/// CSV and TSV cell escaping into a byte arena.
extension ByteArena {
  /// Appends a CSV field: quoted when it holds the delimiter, `"`, CR or LF (RFC 4180).
  @inline(__always)
  mutating func appendCSVField(_ bytes: UnsafePointer<UInt8>, _ length: Int, delimiter: UInt8) {
    if ByteScan.needsCSVQuotes(bytes, length, delimiter: delimiter) {
      appendQuotedCSV(bytes, length)
    } else {
      append(bytes, length)
    }
  }

  /// Appends a CSV field that starts with `prefix` (a spreadsheet-safety marker).
  mutating func appendCSVField(_ bytes: UnsafePointer<UInt8>, _ length: Int, delimiter: UInt8, prefix: UInt8?) {
    guard let prefix else {
      appendCSVField(bytes, length, delimiter: delimiter)
      return
    }
    if ByteScan.needsCSVQuotes(bytes, length, delimiter: delimiter) {
      appendQuotedCSV(bytes, length, prefix: prefix)
    } else {
      append(prefix)
      append(bytes, length)
    }
  }

  private mutating func appendQuotedCSV(_ bytes: UnsafePointer<UInt8>, _ length: Int, prefix: UInt8? = nil) {
    reserve(length &+ 3)
    append(UInt8(ascii: "\""))
    if let prefix { append(prefix) }
    var runStart = 0
    var i = 0
    while i < length {
      if bytes[i] == UInt8(ascii: "\"") {
        append(bytes + runStart, i &+ 1 &- runStart)
        append(UInt8(ascii: "\""))
        runStart = i &+ 1
      }
      i &+= 1
    }
    if length > runStart { append(bytes + runStart, length &- runStart) }
    append(UInt8(ascii: "\""))
  }

  /// Appends a TSV field with tab, newline, carriage return and backslash escaped.
  @inline(__always)
  mutating func appendTSVField(_ bytes: UnsafePointer<UInt8>, _ length: Int) {
    var runStart = 0
    var i = ByteScan.firstTSVSpecial(bytes, from: 0, length)
    while i < length {
      if i > runStart { append(bytes + runStart, i &- runStart) }
      append(UInt8(ascii: "\\"))
      switch bytes[i] {
      case 0x09: append(UInt8(ascii: "t"))
      case 0x0A: append(UInt8(ascii: "n"))
      case 0x0D: append(UInt8(ascii: "r"))
      default: append(UInt8(ascii: "\\"))
      }
      runStart = i &+ 1
      i = ByteScan.firstTSVSpecial(bytes, from: runStart, length)
    }
    if length > runStart { append(bytes + runStart, length &- runStart) }
  }

  /// Appends a whole byte array.
  mutating func append(_ bytes: [UInt8]) {
    bytes.withUnsafeBufferPointer { buffer in
      if let start = buffer.baseAddress { append(start, buffer.count) }
    }
  }
}
