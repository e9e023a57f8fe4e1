/// `--excel` rules for one text cell: what a spreadsheet would misread, and the
/// one-byte prefix that stops it.
enum SpreadsheetSafety {
  /// Excel's limit on the characters in a cell.
  static let maxCellLength = 32_767

  /// The prefix a cell needs, if any:
  /// - a string a spreadsheet would run as a formula (first byte `=` `+` `-` `@`,
  ///   tab or CR) gets `'` (OWASP's advice); JSON numbers never do;
  /// - a run of more than 15 digits (string or number, optionally negative) gets a
  ///   tab, so it is read as text and keeps every digit.
  @inline(__always)
  static func prefix(for kind: ValueKind, _ bytes: UnsafePointer<UInt8>, _ length: Int) -> UInt8? {
    guard length > 0 else { return nil }
    if isLongDigitRun(bytes, length) { return 0x09 }
    if kind == .string {
      switch bytes[0] {
      case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D:
        return UInt8(ascii: "'")
      default: return nil
      }
    }
    return nil
  }

  /// More than 15 digits, with an optional leading minus sign, and nothing else.
  static func isLongDigitRun(_ bytes: UnsafePointer<UInt8>, _ length: Int) -> Bool {
    var start = 0
    if bytes[0] == UInt8(ascii: "-") { start = 1 }
    guard length - start > 15 else { return false }
    for index in start..<length where bytes[index] &- 0x30 > 9 { return false }
    return true
  }

  /// The longest prefix of at most ``maxCellLength`` bytes that ends on a UTF-8 boundary.
  static func truncatedLength(_ bytes: UnsafePointer<UInt8>, _ length: Int) -> Int {
    var cut = min(length, maxCellLength)
    while cut > 0 && cut < length && bytes[cut] & 0xC0 == 0x80 { cut -= 1 }
    return cut
  }
}
