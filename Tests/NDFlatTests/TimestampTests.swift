// Tests for Timestamp (RFC 3339 parsing, UTC formatting) and LocalTimeConverter.
//
// Every expected value below was computed independently with Python 3.11
// `datetime` / `zoneinfo` and pasted as a literal; none is derived from the
// code under test.

import Testing

@testable import NDFlat

struct TimestampTests {
  /// An input accepted by the parser with its expected UTC renderings.
  struct ParseCase: Sendable, CustomTestStringConvertible {
    let input: String
    let iso: String
    let excel: String
    let epochMs: Int64
    init(_ input: String, iso: String, excel: String, epochMs: Int64) {
      self.input = input
      self.iso = iso
      self.excel = excel
      self.epochMs = epochMs
    }
    var testDescription: String { input }
  }

  /// A UTC instant with its expected wall-time renderings in `zone`.
  struct LocalCase: Sendable, CustomTestStringConvertible {
    let utc: String
    let zone: String
    let iso: String
    let excel: String
    init(_ utc: String, zone: String, iso: String, excel: String) {
      self.utc = utc
      self.zone = zone
      self.iso = iso
      self.excel = excel
    }
    var testDescription: String { "\(utc) in \(zone)" }
  }

  // MARK: - Tables (expected values from Python datetime / zoneinfo)

  static let accepted: [ParseCase] = [
    ParseCase("2024-07-30T19:04:35.872Z", iso: "2024-07-30T19:04:35.872Z", excel: "2024-07-30 19:04:35.872", epochMs: 1722366275872),  // Z, 3-digit fraction
    ParseCase("2024-07-30T12:04:35-12:00", iso: "2024-07-31T00:04:35Z", excel: "2024-07-31 00:04:35", epochMs: 1722384275000),  // offset -12:00
    ParseCase("2024-07-30T12:04:35-11:00", iso: "2024-07-30T23:04:35Z", excel: "2024-07-30 23:04:35", epochMs: 1722380675000),  // offset -11:00
    ParseCase("2024-07-30T12:04:35-09:30", iso: "2024-07-30T21:34:35Z", excel: "2024-07-30 21:34:35", epochMs: 1722375275000),  // offset -09:30
    ParseCase("2024-07-30T12:04:35-03:00", iso: "2024-07-30T15:04:35Z", excel: "2024-07-30 15:04:35", epochMs: 1722351875000),  // offset -03:00
    ParseCase("2024-07-30T12:04:35+01:00", iso: "2024-07-30T11:04:35Z", excel: "2024-07-30 11:04:35", epochMs: 1722337475000),  // offset +01:00
    ParseCase("2024-07-30T12:04:35+05:30", iso: "2024-07-30T06:34:35Z", excel: "2024-07-30 06:34:35", epochMs: 1722321275000),  // offset +05:30
    ParseCase("2024-07-30T12:04:35+05:45", iso: "2024-07-30T06:19:35Z", excel: "2024-07-30 06:19:35", epochMs: 1722320375000),  // offset +05:45
    ParseCase("2024-07-30T12:04:35+12:45", iso: "2024-07-29T23:19:35Z", excel: "2024-07-29 23:19:35", epochMs: 1722295175000),  // offset +12:45
    ParseCase("2024-07-30T12:04:35+14:00", iso: "2024-07-29T22:04:35Z", excel: "2024-07-29 22:04:35", epochMs: 1722290675000),  // offset +14:00
    ParseCase("2024-07-30T02:04:35+14:00", iso: "2024-07-29T12:04:35Z", excel: "2024-07-29 12:04:35", epochMs: 1722254675000),  // offset +14:00 crosses to previous day
    ParseCase("2024-07-30T20:04:35-12:00", iso: "2024-07-31T08:04:35Z", excel: "2024-07-31 08:04:35", epochMs: 1722413075000),  // offset -12:00 crosses to next day
    ParseCase("2024-07-30T12:04:35+23:59", iso: "2024-07-29T12:05:35Z", excel: "2024-07-29 12:05:35", epochMs: 1722254735000),  // largest accepted offset
    ParseCase("2024-07-30T12:04:35-00:00", iso: "2024-07-30T12:04:35Z", excel: "2024-07-30 12:04:35", epochMs: 1722341075000),  // offset -00:00
    ParseCase("2024-07-30T12:04:35+00:00", iso: "2024-07-30T12:04:35Z", excel: "2024-07-30 12:04:35", epochMs: 1722341075000),  // offset +00:00
    ParseCase("2024-07-30 12:04:35 -0800", iso: "2024-07-30T20:04:35Z", excel: "2024-07-30 20:04:35", epochMs: 1722369875000),  // space separator, space before -HHMM
    ParseCase("2024-07-30T12:04:35+0530", iso: "2024-07-30T06:34:35Z", excel: "2024-07-30 06:34:35", epochMs: 1722321275000),  // +HHMM
    ParseCase("2024-07-30T12:04:35-08", iso: "2024-07-30T20:04:35Z", excel: "2024-07-30 20:04:35", epochMs: 1722369875000),  // -HH
    ParseCase("2024-07-30T12:04:35+09", iso: "2024-07-30T03:04:35Z", excel: "2024-07-30 03:04:35", epochMs: 1722308675000),  // +HH
    ParseCase("2024-07-30T12:04:35.250 +02", iso: "2024-07-30T10:04:35.250Z", excel: "2024-07-30 10:04:35.250", epochMs: 1722333875250),  // fraction, space, +HH
    ParseCase("2024-07-30t12:04:35z", iso: "2024-07-30T12:04:35Z", excel: "2024-07-30 12:04:35", epochMs: 1722341075000),  // lower-case t and z
    ParseCase("2024-07-30T12:04:35 Z", iso: "2024-07-30T12:04:35Z", excel: "2024-07-30 12:04:35", epochMs: 1722341075000),  // space before Z
    ParseCase("2024-07-30T12:04:35Z", iso: "2024-07-30T12:04:35Z", excel: "2024-07-30 12:04:35", epochMs: 1722341075000),  // no fraction
    ParseCase("2024-07-30T12:04:35.1Z", iso: "2024-07-30T12:04:35.1Z", excel: "2024-07-30 12:04:35.1", epochMs: 1722341075100),  // 1-digit fraction
    ParseCase("2024-07-30T12:04:35.000Z", iso: "2024-07-30T12:04:35.000Z", excel: "2024-07-30 12:04:35.000", epochMs: 1722341075000),  // 3 zero digits kept
    ParseCase("2024-07-30T12:04:35.123456+02:00", iso: "2024-07-30T10:04:35.123456Z", excel: "2024-07-30 10:04:35.123456", epochMs: 1722333875123),  // 6-digit fraction
    ParseCase("2024-07-30T12:04:35.123456789-03:30", iso: "2024-07-30T15:34:35.123456789Z", excel: "2024-07-30 15:34:35.123456789", epochMs: 1722353675123),  // 9-digit fraction
    ParseCase("2024-07-30T12:04:35.000000001Z", iso: "2024-07-30T12:04:35.000000001Z", excel: "2024-07-30 12:04:35.000000001", epochMs: 1722341075000),  // 9-digit fraction, 1 ns
    ParseCase("2024-02-29T12:00:00Z", iso: "2024-02-29T12:00:00Z", excel: "2024-02-29 12:00:00", epochMs: 1709208000000),  // leap day 2024
    ParseCase("2000-02-29T23:59:59.999Z", iso: "2000-02-29T23:59:59.999Z", excel: "2000-02-29 23:59:59.999", epochMs: 951868799999),  // leap day 2000 (div by 400)
    ParseCase("2100-02-28T00:00:00Z", iso: "2100-02-28T00:00:00Z", excel: "2100-02-28 00:00:00", epochMs: 4107456000000),  // 2100-02-28 (2100 not leap)
    ParseCase("1900-02-28T23:00:00-01:00", iso: "1900-03-01T00:00:00Z", excel: "1900-03-01 00:00:00", epochMs: -2203891200000),  // 1900-02-28 rolls to 1900-03-01
    ParseCase("2024-02-28T23:00:00-02:00", iso: "2024-02-29T01:00:00Z", excel: "2024-02-29 01:00:00", epochMs: 1709168400000),  // rolls into leap day
    ParseCase("2023-02-28T23:00:00-02:00", iso: "2023-03-01T01:00:00Z", excel: "2023-03-01 01:00:00", epochMs: 1677632400000),  // rolls past Feb in non-leap year
    ParseCase("2024-03-01T00:30:00+01:00", iso: "2024-02-29T23:30:00Z", excel: "2024-02-29 23:30:00", epochMs: 1709249400000),  // rolls back to leap day
    ParseCase("2023-12-31T23:30:00-01:00", iso: "2024-01-01T00:30:00Z", excel: "2024-01-01 00:30:00", epochMs: 1704069000000),  // New Year forwards
    ParseCase("2024-01-01T00:15:00+01:00", iso: "2023-12-31T23:15:00Z", excel: "2023-12-31 23:15:00", epochMs: 1704064500000),  // New Year backwards
    ParseCase("2024-12-31T23:59:59.999999999Z", iso: "2024-12-31T23:59:59.999999999Z", excel: "2024-12-31 23:59:59.999999999", epochMs: 1735689599999),  // last ns of 2024
    ParseCase("1970-01-01T00:00:00Z", iso: "1970-01-01T00:00:00Z", excel: "1970-01-01 00:00:00", epochMs: 0),  // epoch
    ParseCase("1970-01-01T01:00:00+01:00", iso: "1970-01-01T00:00:00Z", excel: "1970-01-01 00:00:00", epochMs: 0),  // epoch via offset
    ParseCase("1969-12-31T23:59:59.999Z", iso: "1969-12-31T23:59:59.999Z", excel: "1969-12-31 23:59:59.999", epochMs: -1),  // 1 ms before epoch
    ParseCase("1969-12-31T23:59:59.9999Z", iso: "1969-12-31T23:59:59.9999Z", excel: "1969-12-31 23:59:59.9999", epochMs: -1),  // sub-ms before epoch floors
    ParseCase("1969-12-31T23:59:59.0005Z", iso: "1969-12-31T23:59:59.0005Z", excel: "1969-12-31 23:59:59.0005", epochMs: -1000),  // floor division before epoch
    ParseCase("1960-06-15T08:00:00.5+01:00", iso: "1960-06-15T07:00:00.5Z", excel: "1960-06-15 07:00:00.5", epochMs: -301251599500),  // pre-epoch with offset
    ParseCase("2016-12-31T23:59:60Z", iso: "2017-01-01T00:00:00Z", excel: "2017-01-01 00:00:00", epochMs: 1483228800000),  // leap second -> next day
    ParseCase("2015-06-30T23:59:60.5+00:00", iso: "2015-07-01T00:00:00.5Z", excel: "2015-07-01 00:00:00.5", epochMs: 1435708800500),  // leap second with fraction
    ParseCase("0001-01-01T00:00:00Z", iso: "0001-01-01T00:00:00Z", excel: "0001-01-01 00:00:00", epochMs: -62135596800000),  // minimum instant
    ParseCase("0001-01-01T10:00:00+10:00", iso: "0001-01-01T00:00:00Z", excel: "0001-01-01 00:00:00", epochMs: -62135596800000),  // minimum instant via offset
    ParseCase("9999-12-31T23:59:59.999999999Z", iso: "9999-12-31T23:59:59.999999999Z", excel: "9999-12-31 23:59:59.999999999", epochMs: 253402300799999),  // maximum instant
    ParseCase("9999-12-31T22:59:59-01:00", iso: "9999-12-31T23:59:59Z", excel: "9999-12-31 23:59:59", epochMs: 253402300799000),  // maximum second via offset
  ]

  static let rejected: [String] = [
    "2024-07-30T12:04:35.1234567890Z",  // 10-digit fraction
    "2024-07-30T12:04:35.123456789012Z",  // 12-digit fraction
    "2024-07-30T12:04:35.Z",  // dot without digits
    "2023-02-29T00:00:00Z",  // 2023-02-29
    "1900-02-29T00:00:00Z",  // 1900-02-29
    "2100-02-29T00:00:00Z",  // 2100-02-29
    "2024-13-01T00:00:00Z",  // month 13
    "2024-00-10T00:00:00Z",  // month 0
    "2024-01-32T00:00:00Z",  // day 32
    "2024-04-31T00:00:00Z",  // April 31
    "2024-01-00T00:00:00Z",  // day 0
    "2024-07-30T24:00:00Z",  // hour 24
    "2024-07-30T12:60:00Z",  // minute 60
    "2024-07-30T12:00:61Z",  // second 61
    "2024-07-30T12:04:35+24:00",  // offset hour 24
    "2024-07-30T12:04:35+05:60",  // offset minute 60
    "2024-07-30T12:04:35+5:30",  // 1-digit offset hour
    "2024-07-30T12:04:35+05:3",  // 1-digit offset minute
    "2024-07-30T12:04:35+053",  // 3-digit offset
    "2024-07-30T12:04:35+05:30:00",  // offset with seconds
    "2024-07-30T12:04:35Zjunk",  // trailing garbage
    "2024-07-30T12:04:35Z ",  // trailing space
    "2024-07-30T12:04:35+05:30x",  // garbage after offset
    " 2024-07-30T12:04:35Z",  // leading space
    "2024-07-30T12:04:35  Z",  // two spaces before offset
    "2024-07-30  12:04:35Z",  // two spaces as separator
    "2024-07-30X12:04:35Z",  // bad separator
    "2024-07-30T12:04:35",  // no offset
    "2024-07-30 12:04:35.872",  // no offset, excel form
    "2024-07-30T12:04:35.123",  // no offset, fraction
    "2024-07-30T12:04:35 ",  // space but no offset
    "2024-07-30",  // date only
    "2024-07-30Z",  // date only with Z
    "",  // empty string
    "2024-07-30T12:04Z",  // no seconds
    "2024-7-30T12:04:35Z",  // 1-digit month
    "2024/07/30T12:04:35Z",  // slashes
    "24-07-30T12:04:35Z",  // 2-digit year
    "+2024-07-30T12:04:35Z",  // signed year
    "2024-07-30T12:04:35UTC",  // zone abbreviation
    "0001-01-01T00:00:00+01:00",  // UTC year 0000
    "9999-12-31T23:59:59-01:00",  // UTC year 10000
    "9999-12-31T23:59:60Z",  // leap second into year 10000
  ]

  static let local: [LocalCase] = [
    LocalCase("2024-03-10T08:59:00Z", zone: "America/Denver", iso: "2024-03-10T01:59:00-07:00", excel: "2024-03-10 01:59:00"),  // last minute of MST
    LocalCase("2024-03-10T08:59:59.5Z", zone: "America/Denver", iso: "2024-03-10T01:59:59.5-07:00", excel: "2024-03-10 01:59:59.5"),  // last second of MST
    LocalCase("2024-03-10T09:00:00Z", zone: "America/Denver", iso: "2024-03-10T03:00:00-06:00", excel: "2024-03-10 03:00:00"),  // MDT begins
    LocalCase("2024-03-10T09:01:00Z", zone: "America/Denver", iso: "2024-03-10T03:01:00-06:00", excel: "2024-03-10 03:01:00"),  // first minute of MDT
    LocalCase("2024-11-03T07:30:00Z", zone: "America/Denver", iso: "2024-11-03T01:30:00-06:00", excel: "2024-11-03 01:30:00"),  // first 01:30 (MDT)
    LocalCase("2024-11-03T07:59:59Z", zone: "America/Denver", iso: "2024-11-03T01:59:59-06:00", excel: "2024-11-03 01:59:59"),  // last second of MDT
    LocalCase("2024-11-03T08:00:00Z", zone: "America/Denver", iso: "2024-11-03T01:00:00-07:00", excel: "2024-11-03 01:00:00"),  // MST resumes
    LocalCase("2024-11-03T08:30:00Z", zone: "America/Denver", iso: "2024-11-03T01:30:00-07:00", excel: "2024-11-03 01:30:00"),  // second 01:30 (MST)
    LocalCase("2024-07-30T19:04:35.872Z", zone: "America/Denver", iso: "2024-07-30T13:04:35.872-06:00", excel: "2024-07-30 13:04:35.872"),  // summer
    LocalCase("2024-01-01T06:59:59Z", zone: "America/Denver", iso: "2023-12-31T23:59:59-07:00", excel: "2023-12-31 23:59:59"),  // New Year local, previous year
    LocalCase("1800-06-01T12:00:00Z", zone: "America/Denver", iso: "1800-06-01T05:00:04-06:59:56", excel: "1800-06-01 05:00:04"),  // local mean time, seconds offset
    LocalCase("2024-07-30T19:04:35.872Z", zone: "Asia/Kolkata", iso: "2024-07-31T00:34:35.872+05:30", excel: "2024-07-31 00:34:35.872"),  // +05:30
    LocalCase("2023-12-31T20:00:00Z", zone: "Asia/Kolkata", iso: "2024-01-01T01:30:00+05:30", excel: "2024-01-01 01:30:00"),  // +05:30 into New Year
    LocalCase("2024-07-30T18:15:00Z", zone: "Asia/Kathmandu", iso: "2024-07-31T00:00:00+05:45", excel: "2024-07-31 00:00:00"),  // +05:45 to midnight
    LocalCase("2024-07-30T12:04:35.123456Z", zone: "Asia/Kathmandu", iso: "2024-07-30T17:49:35.123456+05:45", excel: "2024-07-30 17:49:35.123456"),  // +05:45, 6 digits
    LocalCase("2024-01-15T12:00:00Z", zone: "Europe/London", iso: "2024-01-15T12:00:00+00:00", excel: "2024-01-15 12:00:00"),  // zero offset
    LocalCase("2024-07-15T12:00:00Z", zone: "Europe/London", iso: "2024-07-15T13:00:00+01:00", excel: "2024-07-15 13:00:00"),  // BST
    LocalCase("2024-07-30T12:04:35Z", zone: "Pacific/Kiritimati", iso: "2024-07-31T02:04:35+14:00", excel: "2024-07-31 02:04:35"),  // +14:00
    LocalCase("2024-07-30T12:04:35Z", zone: "Pacific/Pago_Pago", iso: "2024-07-30T01:04:35-11:00", excel: "2024-07-30 01:04:35"),  // -11:00
    LocalCase("2024-07-30T12:04:35.9Z", zone: "America/St_Johns", iso: "2024-07-30T09:34:35.9-02:30", excel: "2024-07-30 09:34:35.9"),  // -02:30
    LocalCase("2024-07-30T12:04:35Z", zone: "UTC", iso: "2024-07-30T12:04:35+00:00", excel: "2024-07-30 12:04:35"),  // UTC
  ]

  // MARK: - Parsing and UTC formatting

  @Test("accepted inputs format as expected", arguments: accepted)
  func accepts(_ c: ParseCase) throws {
    let ts = try #require(Timestamp.parse(c.input))
    #expect(ts.formatted(.iso) == c.iso)
    #expect(ts.formatted(.excel) == c.excel)
    #expect(ts.formatted(.epochMs) == String(c.epochMs))
    #expect(ts.epochMilliseconds == c.epochMs)
  }

  @Test("rejected inputs parse to nil", arguments: rejected)
  func rejects(_ input: String) {
    #expect(Timestamp.parse(input) == nil)
  }

  @Test("accepted inputs parse identically from raw bytes", arguments: accepted)
  func parsesRawBytes(_ c: ParseCase) throws {
    let bytes = Array(c.input.utf8)
    let ts = bytes.withUnsafeBytes { Timestamp.parse($0) }
    #expect(ts == Timestamp.parse(c.input))
    let parsed = try #require(ts)
    // The buffer API writes exactly the bytes of the String API.
    for format in TimeFormat.allCases {
      var out = [UInt8](repeating: 0, count: Timestamp.maxFormattedLength)
      let n = out.withUnsafeMutableBufferPointer { buf in
        buf.baseAddress.map { parsed.format(format, to: $0) } ?? 0
      }
      #expect(String(decoding: out[..<n], as: UTF8.self) == parsed.formatted(format))
    }
  }

  @Test func parsesSliceWithoutReadingPastIt() throws {
    // A value embedded in a larger line: only the slice may be read.
    let line = Array(#"{"ts":"2024-07-30T12:04:35.123456789-03:30","n":1}"#.utf8)
    let ts = try #require(line.withUnsafeBytes { Timestamp.parse(UnsafeRawBufferPointer(rebasing: $0[7..<42])) })
    #expect(ts.formatted(.iso) == "2024-07-30T15:34:35.123456789Z")
    // Cutting the same slice one byte short leaves an incomplete offset.
    #expect(line.withUnsafeBytes { Timestamp.parse(UnsafeRawBufferPointer(rebasing: $0[7..<41])) } == nil)
    // One byte longer includes the closing quote: trailing garbage.
    #expect(line.withUnsafeBytes { Timestamp.parse(UnsafeRawBufferPointer(rebasing: $0[7..<43])) } == nil)
  }

  @Test func emptyBufferIsNil() {
    #expect(Timestamp.parse(UnsafeRawBufferPointer(start: nil, count: 0)) == nil)
  }

  @Test func storedComponents() throws {
    // 2024-07-30T15:34:35.123456789Z = 1722353675 s (Python).
    let a = try #require(Timestamp.parse("2024-07-30T12:04:35.123456789-03:30"))
    #expect(a.epochSeconds == 1_722_353_675)
    #expect(a.nanoseconds == 123_456_789)
    #expect(a.fractionDigits == 9)
    // 1969-12-31T23:59:59.9999Z = -1 s + 0.9999 s.
    let b = try #require(Timestamp.parse("1969-12-31T23:59:59.9999Z"))
    #expect(b.epochSeconds == -1)
    #expect(b.nanoseconds == 999_900_000)
    #expect(b.fractionDigits == 4)
    let c = try #require(Timestamp.parse("2024-07-30T12:04:35Z"))
    #expect(c.nanoseconds == 0)
    #expect(c.fractionDigits == 0)
  }

  @Test func leapSecondEqualsNextMinute() {
    #expect(Timestamp.parse("2016-12-31T23:59:60Z") == Timestamp.parse("2017-01-01T00:00:00Z"))
  }

  @Test func sameInstantDifferentPrecisionIsNotEqual() {
    // Precision is part of the value: "…35Z" and "…35.000Z" print differently.
    #expect(Timestamp.parse("2024-07-30T12:04:35Z") != Timestamp.parse("2024-07-30T12:04:35.000Z"))
  }

  @Test func memberwiseInitValidates() {
    #expect(Timestamp(epochSeconds: 0, nanoseconds: 5, fractionDigits: 9)?.formatted(.iso) == "1970-01-01T00:00:00.000000005Z")
    #expect(Timestamp(epochSeconds: 0, nanoseconds: -1) == nil)
    #expect(Timestamp(epochSeconds: 0, nanoseconds: 1_000_000_000) == nil)
    #expect(Timestamp(epochSeconds: 0, fractionDigits: 10) == nil)
    #expect(Timestamp(epochSeconds: -62_135_596_801) == nil)  // 0000-12-31T23:59:59Z
    #expect(Timestamp(epochSeconds: 253_402_300_800) == nil)  // 10000-01-01T00:00:00Z
  }

  @Test func writeAppendsToSink() throws {
    let ts = try #require(Timestamp.parse("2024-07-30T19:04:35.872Z"))
    var out = Array("x,".utf8)
    ts.write(.epochMs, into: &out)
    out.append(UInt8(ascii: ","))
    ts.write(.excel, into: &out)
    #expect(String(decoding: out, as: UTF8.self) == "x,1722366275872,2024-07-30 19:04:35.872")
  }

  @Test func formatRawValues() {
    #expect(TimeFormat(rawValue: "iso") == .iso)
    #expect(TimeFormat(rawValue: "excel") == .excel)
    #expect(TimeFormat(rawValue: "epoch-ms") == .epochMs)
    #expect(TimeFormat(rawValue: "epochMs") == nil)
  }

  // MARK: - LocalTimeConverter

  @Test("local wall time matches zoneinfo", arguments: local)
  func localTime(_ c: LocalCase) throws {
    let ts = try #require(Timestamp.parse(c.utc))
    let converter = LocalTimeConverter()
    #expect(converter.formatted(ts, zoneName: c.zone, format: .iso) == c.iso)
    #expect(converter.formatted(ts, zoneName: c.zone, format: .excel) == c.excel)
    // Epoch has no zone: the local column falls back to the excel layout.
    #expect(converter.formatted(ts, zoneName: c.zone, format: .epochMs) == c.excel)
  }

  @Test func localTimeRawBufferAPI() throws {
    let ts = try #require(Timestamp.parse("2024-03-10T09:01:00Z"))
    let converter = LocalTimeConverter()
    let name = Array("America/Denver".utf8)
    var out = [UInt8](repeating: 0, count: Timestamp.maxFormattedLength)
    let n = name.withUnsafeBytes { zone in
      out.withUnsafeMutableBufferPointer { buf in
        buf.baseAddress.flatMap { converter.format(ts, zoneName: zone, format: .iso, to: $0) }
      }
    }
    let count = try #require(n)
    #expect(String(decoding: out[..<count], as: UTF8.self) == "2024-03-10T03:01:00-06:00")
    #expect(name.withUnsafeBytes { converter.secondsFromGMT(ts, zoneName: $0) } == -21_600)
  }

  @Test func unknownZoneIsNil() throws {
    let ts = try #require(Timestamp.parse("2024-07-30T19:04:35.872Z"))
    let converter = LocalTimeConverter()
    for format in TimeFormat.allCases {
      #expect(converter.formatted(ts, zoneName: "Mars/Olympus_Mons", format: format) == nil)
      #expect(converter.formatted(ts, zoneName: "", format: format) == nil)
    }
    #expect(Array("Not/AZone".utf8).withUnsafeBytes { converter.secondsFromGMT(ts, zoneName: $0) } == nil)
  }

  @Test func cacheHandlesSwitchingZones() throws {
    // One converter, zones alternating (exercises the last-name fast path,
    // the dictionary cache and the negative cache). Expected values: Python.
    let ts = try #require(Timestamp.parse("2024-07-30T19:04:35.872Z"))
    let converter = LocalTimeConverter()
    let sequence: [(String, String?)] = [
      ("America/Denver", "2024-07-30T13:04:35.872-06:00"),
      ("America/Denver", "2024-07-30T13:04:35.872-06:00"),
      ("Asia/Kolkata", "2024-07-31T00:34:35.872+05:30"),
      ("Bogus/Zone", nil),
      ("Bogus/Zone", nil),
      ("America/Denver", "2024-07-30T13:04:35.872-06:00"),
      ("Asia/Kathmandu", "2024-07-31T00:49:35.872+05:45"),
      ("Asia/Kolkata", "2024-07-31T00:34:35.872+05:30"),
      ("Asia/Kolkatb", nil),  // same length as the previous name
    ]
    for (zone, expected) in sequence {
      #expect(converter.formatted(ts, zoneName: zone, format: .iso) == expected, "\(zone)")
    }
  }

  @Test func localYearRange() throws {
    let converter = LocalTimeConverter()
    // 9999-12-31T23:00:00Z is 10000-01-01T08:00 in Tokyo: not printable.
    let last = try #require(Timestamp.parse("9999-12-31T23:00:00Z"))
    #expect(converter.formatted(last, zoneName: "Asia/Tokyo", format: .iso) == nil)
    #expect(converter.formatted(last, zoneName: "UTC", format: .excel) == "9999-12-31 23:00:00")
    // Year 0000 is printable. Python gives Denver's offset for year 1 as
    // -6:59:56 (LMT) but cannot represent year 0, so the wall time is by hand:
    // 0001-01-01T00:00:00 - 6:59:56 = 0000-12-31T17:00:04.
    let first = try #require(Timestamp.parse("0001-01-01T00:00:00Z"))
    #expect(
      converter.formatted(first, zoneName: "America/Denver", format: .iso)
        == "0000-12-31T17:00:04-06:59:56")
  }
}
