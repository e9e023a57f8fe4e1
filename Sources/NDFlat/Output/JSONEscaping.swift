/// JSON string escaping into a byte arena, used for captured subtrees and for
/// flattened NDJSON output. Input bytes are valid UTF-8 (yajl validates them).
extension ByteArena {
  /// Appends `bytes` as a quoted JSON string.
  @inline(__always)
  mutating func appendJSONString(_ bytes: UnsafePointer<UInt8>, _ length: Int) {
    reserve(length &+ 2)
    append(UInt8(ascii: "\""))
    var runStart = 0
    var i = ByteScan.firstJSONSpecial(bytes, from: 0, length)
    while i < length {
      if i > runStart { append(bytes + runStart, i &- runStart) }
      appendEscape(bytes[i])
      runStart = i &+ 1
      i = ByteScan.firstJSONSpecial(bytes, from: runStart, length)
    }
    if length > runStart { append(bytes + runStart, length &- runStart) }
    append(UInt8(ascii: "\""))
  }

  mutating func appendJSONString(_ bytes: [UInt8]) {
    bytes.withUnsafeBufferPointer { buffer in
      if let start = buffer.baseAddress {
        appendJSONString(start, buffer.count)
      } else {
        append(UInt8(ascii: "\""))
        append(UInt8(ascii: "\""))
      }
    }
  }

  private mutating func appendEscape(_ byte: UInt8) {
    append(UInt8(ascii: "\\"))
    switch byte {
    case UInt8(ascii: "\""): append(UInt8(ascii: "\""))
    case UInt8(ascii: "\\"): append(UInt8(ascii: "\\"))
    case 0x0A: append(UInt8(ascii: "n"))
    case 0x0D: append(UInt8(ascii: "r"))
    case 0x09: append(UInt8(ascii: "t"))
    case 0x08: append(UInt8(ascii: "b"))
    case 0x0C: append(UInt8(ascii: "f"))
    default:
      let hex: StaticString = "0123456789abcdef"
      append(UInt8(ascii: "u"))
      append(UInt8(ascii: "0"))
      append(UInt8(ascii: "0"))
      hex.withUTF8Buffer { digits in
        append(digits[Int(byte >> 4)])
        append(digits[Int(byte & 0x0F)])
      }
    }
  }
}
