/// Turns cell text into the NUL-terminated UTF-8 that `worksheet_write_string`
/// takes, so that a spreadsheet shows exactly the original text:
///
/// - Excel decodes `_xHHHH_` in cell text as the character U+HHHH (ECMA-376
///   ST_Xstring), so a literal `_x0041_` is written as `_x005F_x0041_` (the
///   escaped underscore) and still reads back as `_x0041_`.
/// - A NUL byte (JSON `\u0000`) cannot appear in XML nor in a C string: it is
///   written as `_x0000_`, the same escape libxlsxwriter uses for the other
///   control characters U+0001–U+001F.
/// - Bytes that are not well-formed UTF-8 (including encoded surrogates) and the
///   non-characters U+FFFE / U+FFFF, which XML 1.0 forbids, become U+FFFD.
/// - Text longer than a cell holds (32,767 characters) is cut at a character
///   boundary and reported as truncated. The limit is checked both in UTF-16
///   units of the original text (what Excel counts) and in code points of the
///   escaped text (what libxlsxwriter checks).
struct XLSXText {
  /// Excel's limit on the characters in one cell.
  static let maxCellCharacters = 32_767

  private(set) var buffer: UnsafeMutablePointer<UInt8>
  private var capacity: Int

  init() {
    capacity = 4096
    buffer = .allocate(capacity: capacity)
  }

  func release() { buffer.deallocate() }

  private mutating func reserve(_ needed: Int) {
    guard needed > capacity else { return }
    var newCapacity = capacity
    while newCapacity < needed { newCapacity *= 2 }
    let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
    buffer.deallocate()
    buffer = grown
    capacity = newCapacity
  }

  /// Prepares `text` in ``buffer`` (NUL-terminated). Returns whether it was truncated.
  mutating func prepare(_ text: UnsafeRawBufferPointer, limit: Int = maxCellCharacters) -> Bool {
    let count = text.count
    guard let raw = text.baseAddress, count > 0 else {
      buffer[0] = 0
      return false
    }
    let p = raw.assumingMemoryBound(to: UInt8.self)
    if count <= limit && Self.isPlain(p, count) {
      reserve(count + 1)
      buffer.update(from: p, count: count)
      buffer[count] = 0
      return false
    }
    return prepareSlowly(p, count, limit: limit)
  }

  /// ASCII without NUL and without an `_xHHHH_` sequence: copied as it is.
  @inline(__always)
  private static func isPlain(_ p: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    var i = 0
    while i < count {
      let c = p[i]
      if c == 0 || c >= 0x80 { return false }
      if c == UInt8(ascii: "_") && startsEscape(p, i, count) { return false }
      i &+= 1
    }
    return true
  }

  /// Is `p[i...]` the seven bytes `_xHHHH_`?
  @inline(__always)
  private static func startsEscape(_ p: UnsafePointer<UInt8>, _ i: Int, _ count: Int) -> Bool {
    guard i + 6 < count, p[i + 1] == UInt8(ascii: "x"), p[i + 6] == UInt8(ascii: "_") else { return false }
    for k in 2...5 where !isHex(p[i + k]) { return false }
    return true
  }

  @inline(__always)
  private static func isHex(_ c: UInt8) -> Bool {
    (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "f"))
      || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "F"))
  }

  private mutating func prepareSlowly(_ p: UnsafePointer<UInt8>, _ count: Int, limit: Int) -> Bool {
    // At most 7 output bytes per input byte (an escape), and at most 4 per
    // output code point, of which there are at most `limit`.
    reserve(min(count * 7, limit * 4) + 8)
    var out = 0
    var units = 0  // UTF-16 units of the original characters kept
    var points = 0  // code points of the escaped output
    var i = 0
    while i < count {
      let (scalar, length) = Self.decode(p, i, count)
      let replacement: UInt32? = scalar == nil || scalar == 0xFFFE || scalar == 0xFFFF ? 0xFFFD : nil
      let value = replacement ?? scalar.unsafelyUnwrapped
      let charUnits = value >= 0x10000 ? 2 : 1
      var escape: StaticString? = nil
      if value == 0 {
        escape = "_x0000_"
      } else if value == UInt32(UInt8(ascii: "_")) && Self.startsEscape(p, i, count) {
        escape = "_x005F_"
      }
      let charPoints = escape == nil ? 1 : 7
      if units + charUnits > limit || points + charPoints > limit {
        buffer[out] = 0
        return true
      }
      units += charUnits
      points += charPoints
      if let escape {
        buffer.advanced(by: out).update(from: escape.utf8Start, count: escape.utf8CodeUnitCount)
        out += escape.utf8CodeUnitCount
        i += 1
        continue
      }
      if replacement != nil {
        buffer[out] = 0xEF
        buffer[out + 1] = 0xBF
        buffer[out + 2] = 0xBD
        out += 3
      } else {
        buffer.advanced(by: out).update(from: p + i, count: length)
        out += length
      }
      i += length
    }
    buffer[out] = 0
    return false
  }

  /// Decodes one UTF-8 sequence at `p[i]`: its scalar (nil when ill-formed) and
  /// how many bytes it takes (an ill-formed sequence takes its maximal prefix, at least 1).
  @inline(__always)
  static func decode(_ p: UnsafePointer<UInt8>, _ i: Int, _ count: Int) -> (UInt32?, Int) {
    let b0 = p[i]
    if b0 < 0x80 { return (UInt32(b0), 1) }
    let need: Int
    var value: UInt32
    var low: UInt8 = 0x80
    var high: UInt8 = 0xBF
    switch b0 {
    case 0xC2...0xDF: need = 1; value = UInt32(b0 & 0x1F)
    case 0xE0: need = 2; value = UInt32(b0 & 0x0F); low = 0xA0
    case 0xE1...0xEC, 0xEE...0xEF: need = 2; value = UInt32(b0 & 0x0F)
    case 0xED: need = 2; value = UInt32(b0 & 0x0F); high = 0x9F  // no surrogates
    case 0xF0: need = 3; value = UInt32(b0 & 0x07); low = 0x90
    case 0xF1...0xF3: need = 3; value = UInt32(b0 & 0x07)
    case 0xF4: need = 3; value = UInt32(b0 & 0x07); high = 0x8F
    default: return (nil, 1)
    }
    var k = 1
    while k <= need {
      guard i + k < count else { return (nil, k) }
      let b = p[i + k]
      let lo = k == 1 ? low : 0x80
      let hi = k == 1 ? high : 0xBF
      guard b >= lo && b <= hi else { return (nil, k) }
      value = value << 6 | UInt32(b & 0x3F)
      k += 1
    }
    return (value, need + 1)
  }

  /// Display width in characters, counted up to `cap` (for column widths).
  static func displayLength(_ text: UnsafeRawBufferPointer, cap: Int) -> Int {
    var n = 0
    for byte in text where byte & 0xC0 != 0x80 {
      n += 1
      if n >= cap { return cap }
    }
    return n
  }
}
