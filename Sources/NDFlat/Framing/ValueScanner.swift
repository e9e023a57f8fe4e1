/// Finds where JSON values begin and end in a byte stream without parsing them:
/// strings, escapes and bracket depth only. Used to cut `array` and `concat`
/// inputs into records, which yajl then parses one by one.
struct ValueScanner {
  /// A record found in a buffer: its byte range and the line it starts on (0-based,
  /// counted from the start of the scan).
  struct Found {
    var start: Int
    var end: Int
    var line: Int
  }

  enum Separator {
    /// Values separated by whitespace only.
    case whitespace
    /// Array elements: whitespace and commas, until the closing `]`.
    case arrayElements
  }

  let separator: Separator
  /// Array form: the opening `[` has been seen.
  private(set) var arrayOpened = false
  /// Array form: the closing `]` has been seen; anything after it is stray.
  private(set) var arrayClosed = false

  init(separator: Separator) { self.separator = separator }

  @inline(__always)
  private static func isSpace(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
  }

  /// Scans `bytes` from 0 and returns the complete values in it and the index up
  /// to which the bytes are consumed (the start of an unfinished value, or the end).
  /// `lines` receives the newlines in the consumed part.
  mutating func scan(
    _ bytes: UnsafePointer<UInt8>, count: Int, atEnd: Bool, limit: Int = .max
  ) -> (records: [Found], consumed: Int, lines: Int) {
    var records: [Found] = []
    var index = 0
    var line = 0
    var consumedLines = 0
    var consumed = 0
    while index < count && records.count < limit {
      let byte = bytes[index]
      if ValueScanner.isSpace(byte) || (separator == .arrayElements && !arrayClosed && byte == UInt8(ascii: ",")) {
        if byte == 0x0A { line += 1 }
        index += 1
        consumed = index
        consumedLines = line
        continue
      }
      if separator == .arrayElements && !arrayOpened && byte == UInt8(ascii: "[") {
        arrayOpened = true
        index += 1
        consumed = index
        consumedLines = line
        continue
      }
      if separator == .arrayElements && !arrayClosed && byte == UInt8(ascii: "]") {
        arrayClosed = true
        index += 1
        consumed = index
        consumedLines = line
        continue
      }
      // A value (or stray bytes) starts here.
      let start = index
      let startLine = line
      guard let end = ValueScanner.valueEnd(bytes, from: index, count: count, line: &line, atEnd: atEnd) else {
        break
      }
      records.append(Found(start: start, end: end, line: startLine))
      index = end
      consumed = index
      consumedLines = line
    }
    return (records, consumed, consumedLines)
  }

  /// The end of the value starting at `start`, or `nil` if the buffer ends first
  /// (and more may come). Counts newlines inside the value into `line`.
  private static func valueEnd(
    _ bytes: UnsafePointer<UInt8>, from start: Int, count: Int, line: inout Int, atEnd: Bool
  ) -> Int? {
    let first = bytes[start]
    var index = start
    var newlines = 0
    if first == UInt8(ascii: "{") || first == UInt8(ascii: "[") {
      var depth = 0
      var inString = false
      while index < count {
        let byte = bytes[index]
        if inString {
          if byte == UInt8(ascii: "\\") {
            index += 1
          } else if byte == UInt8(ascii: "\"") {
            inString = false
          } else if byte == 0x0A {
            newlines += 1
          }
        } else {
          switch byte {
          case UInt8(ascii: "\""): inString = true
          case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
          case UInt8(ascii: "}"), UInt8(ascii: "]"):
            depth -= 1
            if depth == 0 {
              line += newlines
              return index + 1
            }
          case 0x0A: newlines += 1
          default: break
          }
        }
        index += 1
      }
    } else if first == UInt8(ascii: "\"") {
      index += 1
      while index < count {
        let byte = bytes[index]
        if byte == UInt8(ascii: "\\") {
          index += 1
        } else if byte == UInt8(ascii: "\"") {
          return index + 1
        } else if byte == 0x0A {
          // A raw newline cannot be inside a string: the value ends here (and is invalid).
          return index
        }
        index += 1
      }
    } else {
      // A scalar or stray bytes: up to the next whitespace or structural byte.
      index += 1
      while index < count {
        let byte = bytes[index]
        if isSpace(byte) || byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") || byte == UInt8(ascii: ",")
          || byte == UInt8(ascii: "]") || byte == UInt8(ascii: "\"")
        {
          return index
        }
        index += 1
      }
    }
    if atEnd {
      line += newlines
      return count
    }
    return nil
  }
}
