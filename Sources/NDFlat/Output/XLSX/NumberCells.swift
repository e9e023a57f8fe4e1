import Glibc

/// Which JSON number literals become numeric cells in a workbook.
///
/// **The rule.** A literal becomes a numeric cell when its exact decimal value
/// has at most 15 significant digits and lies in the normal range of a double
/// (zero, or a magnitude between 2.2250738585072014e-308 and 1.7976931348623157e308).
/// Those are exactly the values that survive a round trip decimal → double →
/// decimal at 15 significant digits (`DBL_DIG`), which is also all the precision
/// a spreadsheet shows or computes with. Anything else becomes a text cell that
/// holds the literal exactly as it came in.
///
/// What counts is the value, not its spelling: leading zeros of the value and
/// trailing zeros after its last non-zero digit are not significant.
///
/// | literal | cell |
/// |---|---|
/// | `-5`, `4.0`, `100.0`, `17.31`, `1.0e-05` | number (−5, 4, 100, 17.31, 0.00001) |
/// | `1.10` | number 1.1 — the value is exact; the trailing zero was only spelling |
/// | `-0` | number zero |
/// | `123456789012345000000` | number (15 significant digits) |
/// | `9007199254740993`, `21070000000000001` | text (16 and 17 significant digits) |
/// | `12345678901234567890` | text (20 significant digits) |
/// | `1e400`, `1e-400`, `4e-320` | text (overflow, underflow, subnormal) |
///
/// Parsing is exact: the significand (at most 15 digits) fits a double exactly,
/// and the power of ten is applied with one correctly rounded operation when it
/// is at most 10^22, else by `strtod` on a short digits-only string (no decimal
/// point, so no locale dependence).
enum NumberCells {
  /// Digits a spreadsheet keeps (`DBL_DIG`).
  static let maxSignificantDigits = 15

  /// Exact powers of ten representable in a double.
  private static let powersOfTen: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
  ]

  /// The value for a numeric cell, or nil when the literal must stay text.
  static func value(_ text: UnsafeRawBufferPointer) -> Double? {
    guard let base = text.baseAddress, text.count > 0 else { return nil }
    return value(base.assumingMemoryBound(to: UInt8.self), text.count)
  }

  /// Convenience for tests.
  static func value(_ literal: String) -> Double? {
    var literal = literal
    return literal.withUTF8 { value(UnsafeRawBufferPointer($0)) }
  }

  /// `p[0..<count]` is a JSON number literal (`-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?`);
  /// anything else returns nil.
  static func value(_ p: UnsafePointer<UInt8>, _ count: Int) -> Double? {
    var i = 0
    var negative = false
    if i < count, p[i] == UInt8(ascii: "-") {
      negative = true
      i += 1
    }
    var significand: UInt64 = 0
    var significantDigits = 0
    /// Zeros since the last non-zero digit (not yet known to be significant).
    var trailingZeros = 0
    var fractionDigits = 0
    var sawDigit = false
    var inFraction = false
    while i < count {
      let c = p[i]
      if c == UInt8(ascii: ".") {
        guard !inFraction, sawDigit else { return nil }
        inFraction = true
        i += 1
        continue
      }
      let d = c &- UInt8(ascii: "0")
      guard d < 10 else { break }
      sawDigit = true
      if inFraction { fractionDigits += 1 }
      if d == 0 {
        if significantDigits > 0 { trailingZeros += 1 }
      } else {
        if significantDigits > 0 {
          significantDigits += trailingZeros + 1
          guard significantDigits <= maxSignificantDigits else { return nil }
          for _ in 0..<trailingZeros { significand &*= 10 }
          significand = significand &* 10 &+ UInt64(d)
        } else {
          significantDigits = 1
          significand = UInt64(d)
        }
        trailingZeros = 0
      }
      i += 1
    }
    guard sawDigit else { return nil }
    var exponent = 0
    if i < count, p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E") {
      i += 1
      var exponentNegative = false
      if i < count, p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-") {
        exponentNegative = p[i] == UInt8(ascii: "-")
        i += 1
      }
      var sawExponentDigit = false
      while i < count {
        let d = p[i] &- UInt8(ascii: "0")
        guard d < 10 else { break }
        sawExponentDigit = true
        if exponent < 1_000_000 { exponent = exponent * 10 + Int(d) }
        i += 1
      }
      guard sawExponentDigit else { return nil }
      if exponentNegative { exponent = -exponent }
    }
    guard i == count else { return nil }
    if significantDigits == 0 { return negative ? -0.0 : 0.0 }

    // value = significand × 10^power, significand has `significantDigits` digits.
    let power = exponent + trailingZeros - fractionDigits
    let leadingPower = power + significantDigits - 1
    guard leadingPower <= 308, leadingPower >= -308 else { return nil }
    var magnitude: Double
    if power >= 0 && power <= 22 {
      magnitude = Double(significand) * powersOfTen[power]
    } else if power < 0 && power >= -22 {
      magnitude = Double(significand) / powersOfTen[-power]
    } else {
      magnitude = slowValue(significand: significand, power: power)
    }
    guard magnitude.isFinite, magnitude >= Double.leastNormalMagnitude else { return nil }
    return negative ? -magnitude : magnitude
  }

  /// `strtod` of `"<significand>e<power>"`: correctly rounded, and free of the
  /// locale's decimal point because there is none.
  private static func slowValue(significand: UInt64, power: Int) -> Double {
    var text = "\(significand)e\(power)"
    return text.withUTF8 { utf8 in
      withUnsafeTemporaryAllocation(of: CChar.self, capacity: utf8.count + 1) { buffer in
        for (index, byte) in utf8.enumerated() { buffer[index] = CChar(bitPattern: byte) }
        buffer[utf8.count] = 0
        return strtod(buffer.baseAddress.unsafelyUnwrapped, nil)
      }
    }
  }
}
