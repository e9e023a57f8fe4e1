/// Eight-bytes-at-a-time tests for the escaping loops (SWAR): most cells need no
/// escaping, so whole words are skipped until one holds a byte that matters.
import Glibc

enum ByteScan {
  /// Does `haystack` contain `needle`? (memchr for the first byte, then memcmp.)
  static func contains(_ haystack: UnsafeRawBufferPointer, _ needle: UnsafeRawBufferPointer) -> Bool {
    guard let needleBase = needle.baseAddress, needle.count > 0 else { return true }
    guard let base = haystack.baseAddress, haystack.count >= needle.count else { return false }
    let first = Int32(needle[0])
    var position = 0
    let last = haystack.count - needle.count
    while position <= last {
      guard let hit = memchr(base + position, first, last - position + 1) else { return false }
      let offset = base.distance(to: UnsafeRawPointer(hit))
      if memcmp(base + offset, needleBase, needle.count) == 0 { return true }
      position = offset + 1
    }
    return false
  }

  static let ones: UInt64 = 0x0101_0101_0101_0101
  static let highs: UInt64 = 0x8080_8080_8080_8080

  /// Does any byte of `word` equal zero?
  @inline(__always)
  static func hasZero(_ word: UInt64) -> Bool {
    (word &- ones) & ~word & highs != 0
  }

  /// Does any byte of `word` equal `byte`?
  @inline(__always)
  static func has(_ word: UInt64, _ byte: UInt8) -> Bool {
    hasZero(word ^ (ones &* UInt64(byte)))
  }

  /// Does any byte of `word` lie below `limit` (at most 128)?
  @inline(__always)
  static func hasLess(_ word: UInt64, _ limit: UInt8) -> Bool {
    (word &- ones &* UInt64(limit)) & ~word & highs != 0
  }

  @inline(__always)
  static func load(_ pointer: UnsafePointer<UInt8>) -> UInt64 {
    UnsafeRawPointer(pointer).loadUnaligned(as: UInt64.self)
  }

  /// Index of the first byte needing a JSON escape (`"`, `\`, or a control byte), or `length`.
  @inline(__always)
  static func firstJSONSpecial(_ bytes: UnsafePointer<UInt8>, from start: Int, _ length: Int) -> Int {
    var i = start
    while i &+ 8 <= length {
      let word = load(bytes + i)
      if hasLess(word, 0x20) || has(word, UInt8(ascii: "\"")) || has(word, UInt8(ascii: "\\")) { break }
      i &+= 8
    }
    while i < length {
      let byte = bytes[i]
      if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { return i }
      i &+= 1
    }
    return length
  }

  /// Does the field need CSV quoting (delimiter, `"`, CR or LF)?
  @inline(__always)
  static func needsCSVQuotes(_ bytes: UnsafePointer<UInt8>, _ length: Int, delimiter: UInt8) -> Bool {
    var i = 0
    while i &+ 8 <= length {
      let word = load(bytes + i)
      if has(word, delimiter) || has(word, UInt8(ascii: "\"")) || has(word, 0x0A) || has(word, 0x0D) {
        return true
      }
      i &+= 8
    }
    while i < length {
      let byte = bytes[i]
      if byte == delimiter || byte == UInt8(ascii: "\"") || byte == 0x0A || byte == 0x0D { return true }
      i &+= 1
    }
    return false
  }

  /// Index of the first tab, newline, carriage return or backslash, or `length`.
  @inline(__always)
  static func firstTSVSpecial(_ bytes: UnsafePointer<UInt8>, from start: Int, _ length: Int) -> Int {
    var i = start
    while i &+ 8 <= length {
      let word = load(bytes + i)
      if hasLess(word, 0x0E) || has(word, UInt8(ascii: "\\")) { break }
      i &+= 8
    }
    while i < length {
      let byte = bytes[i]
      if byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == UInt8(ascii: "\\") { return i }
      i &+= 1
    }
    return length
  }
}
