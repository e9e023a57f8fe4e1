// Hand-written RFC 3339 timestamp parsing and formatting.
//
// No Foundation date formatters and no floating point: the parser works on raw
// bytes, the formatters write raw bytes, and calendar arithmetic uses Howard
// Hinnant's `days_from_civil` / `civil_from_days` algorithms
// (http://howardhinnant.github.io/date_algorithms.html).

/// Output representation for a timestamp column.
public enum TimeFormat: String, Sendable, CaseIterable {
  /// `2024-07-30T19:04:35.872Z` — UTC, `T` separator, trailing `Z`.
  case iso
  /// `2024-07-30 19:04:35.872` — UTC, space separator, no zone designator
  /// (the form spreadsheet applications recognise as a date-time).
  case excel
  /// Integer milliseconds since 1970-01-01T00:00:00Z (floor division, so times
  /// before the epoch round towards negative infinity).
  case epochMs = "epoch-ms"
}

/// An instant in UTC with nanosecond resolution that remembers how many
/// fractional-second digits it was written with, so it can be re-emitted at
/// exactly the input precision.
///
/// Every value produced by ``parse(_:)-(UnsafeRawBufferPointer)`` or
/// ``init(epochSeconds:nanoseconds:fractionDigits:)`` lies between
/// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999999999Z.
public struct Timestamp: Equatable, Sendable {
  /// Whole seconds since 1970-01-01T00:00:00Z (UTC). Negative before 1970.
  public let epochSeconds: Int64
  /// Sub-second part, always in `0...999_999_999` and always added to
  /// `epochSeconds` (so `-0.5 s` is `epochSeconds == -1, nanoseconds == 500_000_000`).
  public let nanoseconds: Int32
  /// Number of fractional digits in the source text, `0...9`. Formatting prints
  /// exactly this many digits (and no `.` when it is 0).
  public let fractionDigits: UInt8

  /// Smallest representable instant: 0001-01-01T00:00:00Z.
  public static let minEpochSeconds: Int64 = -62_135_596_800
  /// Largest representable whole second: 9999-12-31T23:59:59Z.
  public static let maxEpochSeconds: Int64 = 253_402_300_799

  /// Creates a timestamp, or returns nil if any component is out of range
  /// (seconds outside years 0001–9999, nanoseconds outside `0...999_999_999`,
  /// or more than 9 fraction digits).
  public init?(epochSeconds: Int64, nanoseconds: Int32 = 0, fractionDigits: UInt8 = 0) {
    guard epochSeconds >= Timestamp.minEpochSeconds,
      epochSeconds <= Timestamp.maxEpochSeconds,
      nanoseconds >= 0, nanoseconds <= 999_999_999,
      fractionDigits <= 9
    else { return nil }
    self.init(unchecked: epochSeconds, nanoseconds, fractionDigits)
  }

  @inline(__always)
  init(unchecked epochSeconds: Int64, _ nanoseconds: Int32, _ fractionDigits: UInt8) {
    self.epochSeconds = epochSeconds
    self.nanoseconds = nanoseconds
    self.fractionDigits = fractionDigits
  }

  /// Milliseconds since the Unix epoch, floor-divided (sub-millisecond digits
  /// are dropped; because `nanoseconds` is never negative this rounds towards
  /// negative infinity for pre-1970 instants).
  public var epochMilliseconds: Int64 {
    epochSeconds * 1000 + Int64(nanoseconds / 1_000_000)
  }
}

// MARK: - Parsing

extension Timestamp {
  /// Parses an RFC 3339 / ISO 8601 date-time with a mandatory UTC offset.
  ///
  /// Accepted grammar (nothing may precede or follow it):
  ///
  ///     YYYY-MM-DD ( "T" | "t" | " " ) hh:mm:ss [ "." 1*9DIGIT ] [ " " ]
  ///       ( "Z" | "z" | ("+"|"-") hh ":" mm | ("+"|"-") hhmm | ("+"|"-") hh )
  ///
  /// Validation: month 1–12, day within the month (Gregorian leap years),
  /// hour 0–23, minute 0–59, second 0–60, offset hour 0–23, offset minute 0–59.
  /// A fraction longer than 9 digits is rejected.
  ///
  /// **Leap seconds:** second `60` is accepted and normalised arithmetically,
  /// i.e. `23:59:60Z` is treated as `23:59:59Z` plus one second, which is the
  /// next day's `00:00:00Z`. (UTC instants cannot represent the leap second
  /// itself.)
  ///
  /// Returns nil for anything else — notably a date-time *without* an offset,
  /// whose meaning is ambiguous and which callers must leave untouched — and
  /// when the resulting UTC instant falls outside years 0001–9999.
  ///
  /// Does not allocate.
  public static func parse(_ bytes: UnsafeRawBufferPointer) -> Timestamp? {
    guard let base = bytes.baseAddress else { return nil }
    return parse(base.assumingMemoryBound(to: UInt8.self), count: bytes.count)
  }

  /// Convenience wrapper around ``parse(_:)-(UnsafeRawBufferPointer)`` for
  /// `String` input (uses the string's UTF-8 bytes).
  public static func parse(_ s: String) -> Timestamp? {
    var s = s
    return s.withUTF8 { parse(UnsafeRawBufferPointer($0)) }
  }

  /// Byte-level parser; `p` points at `count` UTF-8 bytes.
  static func parse(_ p: UnsafePointer<UInt8>, count: Int) -> Timestamp? {
    // Shortest valid input: "YYYY-MM-DDThh:mm:ssZ".
    guard count >= 20 else { return nil }
    guard let date = parseDate(p), let time = parseTime(p + 10) else { return nil }

    var i = 19
    var nanos: Int32 = 0
    var digits: UInt8 = 0
    if p[i] == UInt8(ascii: ".") {
      guard let frac = parseFraction(p, from: i + 1, count: count) else { return nil }
      nanos = frac.nanos
      digits = frac.digits
      i += 1 + Int(frac.digits)
    }
    if i < count, p[i] == UInt8(ascii: " ") { i += 1 }
    guard let offset = parseOffset(p + i, count: count - i) else { return nil }

    let days = TimeMath.daysFromCivil(year: date.year, month: date.month, day: date.day)
    let seconds = days * 86_400 + time - offset
    guard seconds >= minEpochSeconds, seconds <= maxEpochSeconds else { return nil }
    return Timestamp(unchecked: seconds, nanos, digits)
  }

  /// Parses `YYYY-MM-DD` at `p[0..<10]` and validates month and day.
  @inline(__always)
  private static func parseDate(_ p: UnsafePointer<UInt8>) -> (year: Int64, month: Int64, day: Int64)? {
    guard p[4] == UInt8(ascii: "-"), p[7] == UInt8(ascii: "-"),
      let year = TimeMath.digits4(p),
      let month = TimeMath.digits2(p + 5), month >= 1, month <= 12,
      let day = TimeMath.digits2(p + 8), day >= 1,
      day <= TimeMath.daysInMonth(year: year, month: month)
    else { return nil }
    return (year, month, day)
  }

  /// Parses `Thh:mm:ss` at `p[0..<9]` (separator `T`, `t` or space) and
  /// returns seconds since midnight (`hh:mm:60` counts as `hh:mm:59` + 1 s).
  @inline(__always)
  private static func parseTime(_ p: UnsafePointer<UInt8>) -> Int64? {
    let sep = p[0]
    guard sep == UInt8(ascii: "T") || sep == UInt8(ascii: "t") || sep == UInt8(ascii: " "),
      p[3] == UInt8(ascii: ":"), p[6] == UInt8(ascii: ":"),
      let hour = TimeMath.digits2(p + 1), hour <= 23,
      let minute = TimeMath.digits2(p + 4), minute <= 59,
      let second = TimeMath.digits2(p + 7), second <= 60
    else { return nil }
    return hour * 3600 + minute * 60 + second
  }

  /// Parses 1–9 fraction digits starting at `p[start]`; nil if there are none
  /// or more than nine.
  @inline(__always)
  private static func parseFraction(
    _ p: UnsafePointer<UInt8>, from start: Int, count: Int
  ) -> (nanos: Int32, digits: UInt8)? {
    var i = start
    var value: Int32 = 0
    while i < count, let d = TimeMath.digit(p[i]) {
      guard i - start < 9 else { return nil }
      value = value * 10 + Int32(d)
      i += 1
    }
    let n = i - start
    guard n > 0 else { return nil }
    return (value * TimeMath.pow10(9 - n), UInt8(n))
  }

  /// Parses the offset, which must run to exactly `count` bytes: `Z`, `z`,
  /// `±hh:mm`, `±hhmm` or `±hh`. Returns the offset east of UTC in seconds.
  @inline(__always)
  private static func parseOffset(_ p: UnsafePointer<UInt8>, count: Int) -> Int64? {
    guard count >= 1 else { return nil }
    let c = p[0]
    if c == UInt8(ascii: "Z") || c == UInt8(ascii: "z") {
      return count == 1 ? 0 : nil
    }
    let sign: Int64
    switch c {
    case UInt8(ascii: "+"): sign = 1
    case UInt8(ascii: "-"): sign = -1
    default: return nil
    }
    guard count >= 3, let hours = TimeMath.digits2(p + 1), hours <= 23 else { return nil }
    let minutes: Int64
    switch count {
    case 3: minutes = 0
    case 5:
      guard let m = TimeMath.digits2(p + 3) else { return nil }
      minutes = m
    case 6:
      guard p[3] == UInt8(ascii: ":"), let m = TimeMath.digits2(p + 4) else { return nil }
      minutes = m
    default: return nil
    }
    guard minutes <= 59 else { return nil }
    return sign * (hours * 3600 + minutes * 60)
  }
}

// MARK: - Digit and calendar helpers

/// Small byte-level and calendar helpers shared by `Timestamp` and
/// `LocalTimeConverter` (namespaced to avoid clashing with other module code).
enum TimeMath {
  /// Value of an ASCII digit, or nil.
  @inline(__always)
  static func digit(_ c: UInt8) -> UInt8? {
    let d = c &- UInt8(ascii: "0")
    return d < 10 ? d : nil
  }

  /// Two ASCII digits at `p[0...1]` as a number.
  @inline(__always)
  static func digits2(_ p: UnsafePointer<UInt8>) -> Int64? {
    guard let a = digit(p[0]), let b = digit(p[1]) else { return nil }
    return Int64(a) * 10 + Int64(b)
  }

  /// Four ASCII digits at `p[0...3]` as a number.
  @inline(__always)
  static func digits4(_ p: UnsafePointer<UInt8>) -> Int64? {
    guard let hi = digits2(p), let lo = digits2(p + 2) else { return nil }
    return hi * 100 + lo
  }

  /// `10^n` for `n` in `0...9`.
  @inline(__always)
  static func pow10(_ n: Int) -> Int32 {
    var r: Int32 = 1
    for _ in 0..<n { r &*= 10 }
    return r
  }

  /// Gregorian leap-year rule.
  @inline(__always)
  static func isLeapYear(_ y: Int64) -> Bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
  }

  /// Number of days in `month` (1–12) of `year`.
  @inline(__always)
  static func daysInMonth(year: Int64, month: Int64) -> Int64 {
    switch month {
    case 2: return isLeapYear(year) ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }

  /// Days since 1970-01-01 for a proleptic Gregorian date
  /// (Howard Hinnant's `days_from_civil`).
  @inline(__always)
  static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400  // [0, 399]
    let mp = month > 2 ? month - 3 : month + 9  // March = 0
    let doy = (153 * mp + 2) / 5 + day - 1  // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy  // [0, 146096]
    return era * 146_097 + doe - 719_468
  }

  /// Seconds from 0000-01-01T00:00:00 to 1970-01-01T00:00:00.
  static let secondsFrom0000To1970: Int64 = 62_167_219_200

  /// Proleptic Gregorian date `days` days after 0000-01-01 (Howard Hinnant's
  /// `civil_from_days`), in unsigned 32-bit arithmetic for the formatting hot
  /// path. Valid for years 0000–9999 (and well beyond).
  @inline(__always)
  static func civilFromDays(since0000 days: UInt32) -> (year: UInt32, month: UInt32, day: UInt32) {
    // Hinnant counts from 0000-03-01 (Jan + Feb of leap year 0000 = 60 days).
    // Adding one 400-year era (146 097 days) keeps Jan/Feb 0000 non-negative;
    // it is subtracted again from the year below.
    let z = days &+ (146_097 - 60)
    let era = z / 146_097
    let doe = z &- era &* 146_097  // [0, 146096]
    let yoe = (doe &- doe / 1460 &+ doe / 36_524 &- doe / 146_096) / 365  // [0, 399]
    let doy = doe &- (365 &* yoe &+ yoe / 4 &- yoe / 100)  // [0, 365]
    let mp = (5 &* doy &+ 2) / 153  // [0, 11], March = 0
    let day = doy &- (153 &* mp &+ 2) / 5 &+ 1
    let month = mp < 10 ? mp &+ 3 : mp &- 9
    // Intermediate wrap-around is harmless: the final year is in range.
    let year = yoe &+ era &* 400 &- 400 &+ (month <= 2 ? 1 : 0)
    return (year, month, day)
  }
}

// MARK: - Formatting

extension Timestamp {
  /// Minimum capacity, in bytes, of a buffer passed to ``format(_:to:)`` or to
  /// `LocalTimeConverter.format`.
  public static let maxFormattedLength = 40

  /// Writes the timestamp in `format` to `buffer` and returns the number of
  /// bytes of output. `buffer` must have room for at least
  /// ``maxFormattedLength`` (40) bytes; bytes past the returned count may be
  /// used as scratch space. Does not allocate.
  public func format(_ format: TimeFormat, to buffer: UnsafeMutablePointer<UInt8>) -> Int {
    switch format {
    case .iso:
      let n = writeWallTime(localSeconds: epochSeconds, separator: UInt8(ascii: "T"), to: buffer)
      buffer[n] = UInt8(ascii: "Z")
      return n + 1
    case .excel:
      return writeWallTime(localSeconds: epochSeconds, separator: UInt8(ascii: " "), to: buffer)
    case .epochMs:
      return TimeMath.writeDecimal(epochMilliseconds, to: buffer)
    }
  }

  /// Appends the formatted timestamp to `out` (convenience for byte sinks).
  public func write(_ format: TimeFormat, into out: inout [UInt8]) {
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Timestamp.maxFormattedLength) { tmp in
      guard let base = tmp.baseAddress else { return }
      let n = self.format(format, to: base)
      out.append(contentsOf: UnsafeBufferPointer(start: base, count: n))
    }
  }

  /// The timestamp formatted as a `String` (convenience for tests and
  /// non-hot-path callers).
  public func formatted(_ format: TimeFormat) -> String {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(Timestamp.maxFormattedLength)
    write(format, into: &bytes)
    return String(decoding: bytes, as: UTF8.self)
  }

  /// Writes `YYYY-MM-DD<sep>hh:mm:ss[.fff…]` for `localSeconds` (seconds since
  /// 1970-01-01T00:00:00 in whatever wall clock the caller wants), using this
  /// timestamp's nanoseconds and fraction precision. Returns bytes written
  /// (19–29). The year must be in 0000–9999.
  func writeWallTime(
    localSeconds: Int64, separator: UInt8, to p: UnsafeMutablePointer<UInt8>
  ) -> Int {
    // Non-negative for years >= 0000, so unsigned division is exact flooring.
    let since0000 = UInt64(bitPattern: localSeconds &+ TimeMath.secondsFrom0000To1970)
    let secondOfDay = UInt32(truncatingIfNeeded: since0000 % 86_400)
    let date = TimeMath.civilFromDays(since0000: UInt32(truncatingIfNeeded: since0000 / 86_400))
    TimeMath.write4(date.year, to: p)
    p[4] = UInt8(ascii: "-")
    TimeMath.write2(date.month, to: p + 5)
    p[7] = UInt8(ascii: "-")
    TimeMath.write2(date.day, to: p + 8)
    p[10] = separator
    TimeMath.write2(secondOfDay / 3600, to: p + 11)
    p[13] = UInt8(ascii: ":")
    TimeMath.write2(secondOfDay / 60 % 60, to: p + 14)
    p[16] = UInt8(ascii: ":")
    TimeMath.write2(secondOfDay % 60, to: p + 17)
    return 19 + writeFraction(to: p + 19)
  }

  /// Writes `.` and the fraction, returning `fractionDigits + 1` (or 0 and
  /// nothing at all when `fractionDigits == 0`).
  ///
  /// Always stores all nine digits (10 bytes) and counts only the first
  /// `fractionDigits`: constant divisors are cheaper than a variable one, and
  /// callers' buffers hold at least `maxFormattedLength` bytes.
  @inline(__always)
  private func writeFraction(to p: UnsafeMutablePointer<UInt8>) -> Int {
    let n = Int(min(fractionDigits, 9))
    guard n > 0 else { return 0 }
    let ns = UInt32(truncatingIfNeeded: nanoseconds)
    p[0] = UInt8(ascii: ".")
    p[1] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: ns / 100_000_000)
    let rest = ns % 100_000_000
    TimeMath.write4(rest / 10_000, to: p + 2)
    TimeMath.write4(rest % 10_000, to: p + 6)
    return n + 1
  }
}

extension TimeMath {
  /// Writes two decimal digits of `v` (0–99).
  @inline(__always)
  static func write2(_ v: UInt32, to p: UnsafeMutablePointer<UInt8>) {
    p[0] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: v / 10)
    p[1] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: v % 10)
  }

  /// Writes four decimal digits of `v` (0–9999).
  @inline(__always)
  static func write4(_ v: UInt32, to p: UnsafeMutablePointer<UInt8>) {
    write2(v / 100, to: p)
    write2(v % 100, to: p + 2)
  }

  /// Writes `v` in decimal (with a leading `-` when negative) and returns the
  /// number of bytes written (at most 20).
  static func writeDecimal(_ v: Int64, to p: UnsafeMutablePointer<UInt8>) -> Int {
    var n = 0
    // Work in UInt64 magnitude so Int64.min cannot overflow.
    var magnitude = v.magnitude
    if v < 0 {
      p[0] = UInt8(ascii: "-")
      n = 1
    }
    var digits = 0
    var probe = magnitude
    repeat {
      digits += 1
      probe /= 10
    } while probe != 0
    var i = n + digits - 1
    repeat {
      p[i] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude % 10)
      magnitude /= 10
      i -= 1
    } while magnitude != 0
    return n + digits
  }
}
