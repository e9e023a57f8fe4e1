import Glibc

/// yajl decodes a lone UTF-16 surrogate escape (`"\ud800"`) into `?` or into
/// bytes that are not UTF-8, silently changing the data. A record holding one is
/// rejected instead; this finds it with a scan over the backslashes only.
enum LoneSurrogates {
  /// The 1-based column of the first lone surrogate escape, if any.
  static func firstColumn(in bytes: UnsafeRawBufferPointer) -> Int? {
    guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
    let count = bytes.count
    var index = 0
    while index < count {
      guard let hit = memchr(base + index, 0x5C, count - index) else { return nil }
      let slash = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
      guard slash + 1 < count else { return nil }
      if base[slash + 1] != UInt8(ascii: "u") {
        index = slash + 2  // an escaped character (maybe a backslash): skip it
        continue
      }
      guard let unit = hexUnit(base, slash + 2, count) else {
        index = slash + 2
        continue
      }
      if unit >= 0xD800 && unit <= 0xDBFF {
        // A high surrogate must be followed at once by an escaped low one.
        if slash + 11 < count, base[slash + 6] == 0x5C, base[slash + 7] == UInt8(ascii: "u"),
          let low = hexUnit(base, slash + 8, count), low >= 0xDC00 && low <= 0xDFFF
        {
          index = slash + 12
          continue
        }
        return slash + 1
      }
      if unit >= 0xDC00 && unit <= 0xDFFF { return slash + 1 }
      index = slash + 6
    }
    return nil
  }

  private static func hexUnit(_ base: UnsafePointer<UInt8>, _ start: Int, _ count: Int) -> UInt32? {
    guard start + 4 <= count else { return nil }
    var value: UInt32 = 0
    for index in start..<(start + 4) {
      let byte = base[index]
      let digit: UInt32
      switch byte {
      case 0x30...0x39: digit = UInt32(byte - 0x30)
      case 0x41...0x46: digit = UInt32(byte - 0x41 + 10)
      case 0x61...0x66: digit = UInt32(byte - 0x61 + 10)
      default: return nil
      }
      value = value << 4 | digit
    }
    return value
  }
}
