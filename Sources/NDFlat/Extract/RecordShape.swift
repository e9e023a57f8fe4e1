/// A 128-bit fingerprint of a record's *shape*: its keys and its structure
/// (`{ } [ ] ,` outside strings), but not its values.
///
/// The discovery pass only needs paths; a line whose shape was already seen in an
/// accepted record cannot add a path, so it need not be parsed again. Finding the
/// shape skips string values eight bytes at a time, several times faster than a
/// parse. Two lanes of 64 bits make an accidental match of different shapes
/// vanishingly unlikely (about 2⁻¹²⁸ per pair).
import Glibc

struct RecordShape: Hashable {
  let a: UInt64
  let b: UInt64

  @inline(__always)
  private static func mix(_ h: inout UInt64, _ value: UInt64, _ multiplier: UInt64) {
    h = (h ^ value) &* multiplier
    h ^= h >> 29
  }

  /// The shape of a line, or `nil` when it does not look like one JSON object
  /// (then it is simply parsed).
  static func of(_ line: UnsafeRawBufferPointer) -> RecordShape? {
    guard let raw = line.baseAddress, line.count > 1 else { return nil }
    let p = raw.assumingMemoryBound(to: UInt8.self)
    let n = line.count
    var h1: UInt64 = 0x9E37_79B9_7F4A_7C15
    var h2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    let m1: UInt64 = 0xFF51_AFD7_ED55_8CCD
    let m2: UInt64 = 0xC4CE_B9FE_1A85_EC53
    var i = 0
    while i < n {
      // Structure between strings: few bytes (`:`, `,`, braces, numbers).
      guard let found = memchr(p + i, 0x22, n &- i) else {
        hashStructure(p, i, n, &h1, &h2)
        break
      }
      let open = p.distance(to: found.assumingMemoryBound(to: UInt8.self))
      hashStructure(p, i, open, &h1, &h2)
      guard let close = closingQuote(p, after: open, n) else { return nil }
      var k = close &+ 1
      while k < n && (p[k] == 0x20 || p[k] == 0x09) { k &+= 1 }
      if k < n && p[k] == UInt8(ascii: ":") {
        hashKey(p + (open + 1), close - open - 1, &h1, &h2)
        i = k &+ 1
      } else {
        i = close &+ 1
      }
    }
    return RecordShape(a: h1, b: h2)
  }

  @inline(__always)
  private static func hashStructure(
    _ p: UnsafePointer<UInt8>, _ from: Int, _ to: Int, _ h1: inout UInt64, _ h2: inout UInt64
  ) {
    var i = from
    while i < to {
      switch p[i] {
      case UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: ","):
        mix(&h1, UInt64(p[i]), 0xFF51_AFD7_ED55_8CCD)
        mix(&h2, UInt64(p[i]) &+ 0x100, 0xC4CE_B9FE_1A85_EC53)
      default:
        break
      }
      i &+= 1
    }
  }

  @inline(__always)
  private static func hashKey(_ key: UnsafePointer<UInt8>, _ length: Int, _ h1: inout UInt64, _ h2: inout UInt64) {
    var j = 0
    while j &+ 8 <= length {
      let word = UnsafeRawPointer(key + j).loadUnaligned(as: UInt64.self)
      mix(&h1, word, 0xFF51_AFD7_ED55_8CCD)
      mix(&h2, word, 0xC4CE_B9FE_1A85_EC53)
      j &+= 8
    }
    var tail: UInt64 = 0
    var shift: UInt64 = 0
    while j < length {
      tail |= UInt64(key[j]) << shift
      shift &+= 8
      j &+= 1
    }
    let last = tail ^ (UInt64(length) << 56) ^ 0x3A
    mix(&h1, last, 0xFF51_AFD7_ED55_8CCD)
    mix(&h2, last, 0xC4CE_B9FE_1A85_EC53)
  }

  /// The index of the quote closing the string opened at `open` (a quote after an
  /// odd run of backslashes is escaped).
  @inline(__always)
  private static func closingQuote(_ p: UnsafePointer<UInt8>, after open: Int, _ n: Int) -> Int? {
    var from = open &+ 1
    while from < n {
      guard let found = memchr(p + from, 0x22, n &- from) else { return nil }
      let quote = p.distance(to: found.assumingMemoryBound(to: UInt8.self))
      var backslashes = 0
      var k = quote &- 1
      while k > open && p[k] == UInt8(ascii: "\\") {
        backslashes &+= 1
        k &-= 1
      }
      if backslashes & 1 == 0 { return quote }
      from = quote &+ 1
    }
    return nil
  }
}
