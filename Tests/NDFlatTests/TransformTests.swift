// Event-aware transforms (issue 5): `--where` (=, !=, ~glob, lists, repeated, and
// the skip-before-parse shortcut giving exactly the parsed result), `--utc` and
// `--time-format`, `--local-time` across DST and for half-hour zones, `--exclude`.
//
// Expected values come from the test itself: JSONSerialization for record values,
// Foundation's ISO8601DateFormatter / DateFormatter for instants (test side only;
// the product has its own integer parser).

import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

@testable import NDFlat

// MARK: - Locations and running

private enum TRPaths {
  static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  static let packageRoot = testsDirectory.deletingLastPathComponent().deletingLastPathComponent()
  static let fixtures = testsDirectory.appendingPathComponent("Fixtures/features")
  static let corpus = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus")
  static let canvas = corpus.appendingPathComponent("canvas-live-events.ndjson")
  static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }
  static var canvasAvailable: Bool { FileManager.default.isReadableFile(atPath: canvas.path) }

  static let binary: URL? = TestSupport.binary

  static func fixture(_ name: String) -> URL { fixtures.appendingPathComponent(name) }
}

private func trCanvas() -> URL? {
  if TRPaths.canvasAvailable { return TRPaths.canvas }
  if TRPaths.isCI {
    Issue.record("CI=true but the shared corpus file \(TRPaths.canvas.path) is missing")
  } else {
    print("note: skipping, shared corpus file \(TRPaths.canvas.path) is missing")
  }
  return nil
}

private struct TRRun {
  let status: Int32
  let out: [UInt8]
  let err: String
}

private struct TRError: Error, CustomStringConvertible {
  let description: String
}

private final class TRTemp {
  let url: URL
  init() throws {
    url = FileManager.default.temporaryDirectory.appendingPathComponent("ndflat-tr-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }
  deinit { try? FileManager.default.removeItem(at: url) }
  func write(_ name: String, _ bytes: [UInt8]) throws -> URL {
    let target = url.appendingPathComponent(name)
    try Data(bytes).write(to: target)
    return target
  }
}

private func ndflat(_ arguments: [String]) throws -> TRRun {
  guard let binary = TRPaths.binary else {
    throw TRError(description: "the ndflat binary was not found beside the test bundle nor in .build/debug")
  }
  let scratch = try TRTemp()
  let outURL = scratch.url.appendingPathComponent("stdout")
  let errURL = scratch.url.appendingPathComponent("stderr")
  _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
  _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
  let outHandle = try FileHandle(forWritingTo: outURL)
  let errHandle = try FileHandle(forWritingTo: errURL)
  let process = Process()
  process.executableURL = binary
  process.arguments = arguments
  process.standardOutput = outHandle
  process.standardError = errHandle
  process.standardInput = FileHandle.nullDevice
  try process.run()
  process.waitUntilExit()
  try outHandle.close()
  try errHandle.close()
  return TRRun(
    status: process.terminationStatus, out: Array(try Data(contentsOf: outURL)),
    err: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
}

// MARK: - Reading

/// Non-blank lines, raw.
private func lines(_ bytes: [UInt8]) -> [[UInt8]] {
  bytes.split(separator: 0x0A, omittingEmptySubsequences: true)
    .map { Array($0.last == 0x0D ? $0.dropLast() : $0[...]) }
    .filter { !$0.isEmpty }
}

private func object(_ line: [UInt8]) throws -> [String: Any] {
  guard let value = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
    throw TRError(description: "not an object: \(String(decoding: line, as: UTF8.self))")
  }
  return value
}

/// The flatten contract over a JSONSerialization tree: non-empty objects into
/// `a.b` names; `{}`, arrays and scalars are leaves.
private func flatten(_ record: [String: Any], prefix: String? = nil) -> [String: Any] {
  var out: [String: Any] = [:]
  for (key, value) in record {
    let name = prefix.map { $0 + "." + key } ?? key
    if let inner = value as? [String: Any], !inner.isEmpty {
      out.merge(flatten(inner, prefix: name)) { _, b in b }
    } else {
      out[name] = value
    }
  }
  return out
}

/// Sorted-key JSON text of a JSONSerialization value, for comparing structures.
private func canonical(_ value: Any) -> String {
  guard let data = try? JSONSerialization.data(withJSONObject: [value], options: [.sortedKeys, .fragmentsAllowed]) else {
    return "\(value)"
  }
  return String(decoding: data, as: UTF8.self)
}

private func value(_ record: [String: Any], _ path: String) -> Any? {
  var current: Any? = record
  for part in path.split(separator: ".") { current = (current as? [String: Any])?[String(part)] }
  return current
}

/// RFC 4180 over bytes.
private func parseCSV(_ bytes: [UInt8]) -> [[String]] {
  var rows: [[String]] = []
  var row: [String] = []
  var field: [UInt8] = []
  var quoted = false
  var any = false
  var i = 0
  while i < bytes.count {
    let byte = bytes[i]
    if quoted {
      if byte == UInt8(ascii: "\"") {
        if i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "\"") {
          field.append(byte)
          i += 2
          continue
        }
        quoted = false
      } else {
        field.append(byte)
      }
      i += 1
      continue
    }
    switch byte {
    case UInt8(ascii: "\""): quoted = true; any = true
    case UInt8(ascii: ","): row.append(String(decoding: field, as: UTF8.self)); field = []; any = true
    case 0x0D where i + 1 < bytes.count && bytes[i + 1] == 0x0A: break
    case 0x0A:
      row.append(String(decoding: field, as: UTF8.self))
      rows.append(row)
      row = []
      field = []
      any = false
    default: field.append(byte); any = true
    }
    i += 1
  }
  if any {
    row.append(String(decoding: field, as: UTF8.self))
    rows.append(row)
  }
  return rows
}

// MARK: - Time, independently (Foundation, test side only)

private enum TestTime {
  /// A complete RFC 3339 timestamp with an offset, as SPEC §3 describes it.
  static let pattern = try! NSRegularExpression(
    pattern: #"^(\d{4}-\d\d-\d\d)[Tt ](\d\d:\d\d:\d\d)(\.\d{1,9})? ?([Zz]|[+-]\d\d(?::?\d\d)?)$"#)
  /// What `--utc` looks at: `YYYY-MM-DD`, `T`/space, `hh:`.
  static let lookalike = try! NSRegularExpression(pattern: #"^\d{4}-\d\d-\d\d[Tt ]\d\d:"#)

  static func matches(_ regex: NSRegularExpression, _ text: String) -> NSTextCheckingResult? {
    regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text))
  }

  /// Date (whole seconds) and the fraction text (with its dot, or "").
  static func parse(_ text: String) -> (Date, String)? {
    guard let match = matches(pattern, text) else { return nil }
    func group(_ index: Int) -> String? {
      guard let range = Range(match.range(at: index), in: text) else { return nil }
      return String(text[range])
    }
    // Field ranges, checked here so a lenient Foundation parser cannot roll Feb 30 into March.
    let date = group(1)!.split(separator: "-").map { Int($0)! }
    let time = group(2)!.split(separator: ":").map { Int($0)! }
    let leap = date[0] % 4 == 0 && (date[0] % 100 != 0 || date[0] % 400 == 0)
    let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    guard (1...12).contains(date[1]), (1...days[date[1] - 1]).contains(date[2]), time[0] <= 23, time[1] <= 59,
      time[2] <= 59
    else { return nil }
    let offsetDigits = group(4)!.filter(\.isNumber)
    if offsetDigits.count >= 2 {
      guard Int(offsetDigits.prefix(2))! <= 23, Int(offsetDigits.dropFirst(2)).map({ $0 <= 59 }) ?? true else { return nil }
    }
    var offset = group(4)!.uppercased()
    if offset != "Z" {
      offset = offset.replacingOccurrences(of: ":", with: "")
      if offset.count == 3 { offset += "00" }
      offset.insert(":", at: offset.index(offset.startIndex, offsetBy: 3))
    }
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    guard let date = formatter.date(from: "\(group(1)!)T\(group(2)!)\(offset)") else { return nil }
    return (date, group(3) ?? "")
  }

  static func utc(_ date: Date, _ format: String) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = format
    return formatter.string(from: date)
  }

  /// The `--utc` rewrite of a timestamp in each `--time-format`.
  static func expected(_ text: String, format: String) -> String? {
    guard let (date, fraction) = parse(text) else { return nil }
    switch format {
    case "iso": return utc(date, "yyyy-MM-dd'T'HH:mm:ss") + fraction + "Z"
    case "excel": return utc(date, "yyyy-MM-dd HH:mm:ss") + fraction
    default:
      let digits = fraction.dropFirst() + "000"
      let seconds = Int64(date.timeIntervalSince1970.rounded())
      return String(seconds * 1000 + Int64(digits.prefix(3))!)
    }
  }

  /// Wall time of an instant in a zone, `yyyy-MM-dd'T'HH:mm:ss` + fraction + `±HH:MM`.
  static func local(_ text: String, zone: String) -> String? {
    guard let (date, fraction) = parse(text), let tz = TimeZone(identifier: zone) else { return nil }
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = tz
    formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
    let seconds = tz.secondsFromGMT(for: date)
    let sign = seconds < 0 ? "-" : "+"
    let offset = String(format: "%@%02d:%02d", sign, abs(seconds) / 3600, abs(seconds) / 60 % 60)
    return formatter.string(from: date) + fraction + offset
  }
}

// MARK: - --where

@Suite("--where filters")
struct WhereTests {
  /// The `n` of each kept record, in order, and the run's counters.
  private func kept(_ conditions: [String], threads: Int = 1) throws -> ([String], RunCounters) {
    var options = ConvertOptions()
    options.wheres = try conditions.map { text in
      guard let condition = WhereCondition(parsing: text) else { throw TRError(description: "bad condition \(text)") }
      return condition
    }
    options.fields = FieldSpec.parseList("metadata.n")
    options.header = false
    options.threads = threads
    let (bytes, report) = try Converter(options: options).convertToBytes([.file(TRPaths.fixture("where.ndjson").path)])
    return (lines(bytes).map { String(decoding: $0, as: UTF8.self) }, report.counters)
  }

  @Test(
    "=, !=, ~glob, value lists and repeated conditions",
    arguments: [
      (["metadata.event_name=asset_accessed"], ["1", "2", "3", "11"]),
      (["metadata.event_name!=asset_accessed"], ["4", "5", "6", "7", "8", "9", "10", "12"]),
      (["metadata.event_name~asset*"], ["1", "2", "3", "5", "10", "11"]),
      (["metadata.event_name~*_in"], ["4"]),
      (["metadata.event_name~[al]*"], ["1", "2", "3", "4", "5", "10", "11"]),
      (["metadata.event_name~asset_?ccessed"], ["1", "2", "3", "11"]),
      (["metadata.event_name=logged_in,asset_accessed"], ["1", "2", "3", "4", "11"]),
      (["metadata.event_name!=logged_in,asset_accessed"], ["5", "6", "7", "8", "9", "10", "12"]),
      (["metadata.event_name~logged_*,*x"], ["4", "5"]),
      (["metadata.n=1,4,12"], ["1", "4", "12"]),
      (["metadata.event_name=123"], ["8"]),
      (["metadata.event_name=asset/accessed"], ["10"]),
      (["metadata.event_name~asset*", "metadata.n!=1,2"], ["3", "5", "10", "11"]),
      (["metadata.event_name=asset_accessed", "body.kind=a"], ["1", "11"]),
      (["metadata.event_name=asset_accessed", "body.kind=a", "metadata.n!=11"], ["1"]),
    ])
  func operators(conditions: [String], expected: [String]) throws {
    for threads in [1, 3] {
      let (rows, counters) = try kept(conditions, threads: threads)
      #expect(rows == expected, "\(conditions) -j \(threads)")
      #expect(counters.recordsRead == 12)
      #expect(counters.recordsWritten == expected.count)
      #expect(counters.recordsFiltered == 12 - expected.count, "filtered records are counted")
      #expect(counters.isBalanced)
    }
  }

  @Test("a path with an array index (data.0.type) filters the same with and without --fields")
  func arrayIndexPath() throws {
    let input: [UInt8] = Array(
      (#"{"data":[{"type":"A"},{"type":"B"}],"n":1}"# + "\n" + #"{"data":[{"type":"B"}],"n":2}"# + "\n"
        + #"{"data":[],"n":3}"# + "\n").utf8)
    for (fields, arrays) in [(true, ArrayMode.json), (false, .json), (false, .index)] {
      var options = ConvertOptions()
      options.wheres = [WhereCondition(parsing: "data.0.type=A")!]
      options.format = .json
      options.arrays = arrays
      if fields { options.fields = FieldSpec.parseList("n") }
      let (bytes, report) = try Converter(options: options).convertToBytes([.memory(name: "idx", bytes: input)])
      let kept = try lines(bytes).map { try object($0)["n"] as? Int }
      #expect(kept == [1], "--where data.0.type=A, fields: \(fields), arrays: \(arrays): kept \(kept)")
      #expect(report.counters.recordsWritten == 1 && report.counters.recordsFiltered == 2)
    }
  }

  @Test(
    "Caliper: --where data.0.type=NavigationEvent keeps the same records in every mode",
    .enabled(if: FileManager.default.isReadableFile(atPath: TRPaths.corpus.appendingPathComponent("caliper.ndjson").path)))
  func caliperIndexPath() throws {
    let caliper = TRPaths.corpus.appendingPathComponent("caliper.ndjson")
    var expected = 0
    for line in lines(Array(try Data(contentsOf: caliper))) {
      let data = try object(line)["data"] as? [[String: Any]]
      if data?.first?["type"] as? String == "NavigationEvent" { expected += 1 }
    }
    #expect(expected == 27)
    let withFields = try ndflat(["-q", "--where", "data.0.type=NavigationEvent", "-f", "sensor", "--no-header", caliper.path])
    #expect(lines(withFields.out).count == expected)
    let allColumns = try ndflat(["-q", "--where", "data.0.type=NavigationEvent", "--format", "json", caliper.path])
    #expect(lines(allColumns.out).count == expected, "all-columns mode keeps \(lines(allColumns.out).count) of \(expected)")
  }

  @Test("the CLI reconciles: read = written + filtered + rejected")
  func reconciliation() throws {
    let run = try ndflat([
      "--where", "metadata.event_name~asset*", "--where", "metadata.n!=1,2", "-f", "metadata.n",
      TRPaths.fixture("where.ndjson").path,
    ])
    #expect(run.status == 0)
    #expect(run.err.contains("12 records read = 4 written + 8 filtered + 0 rejected"), "\(run.err)")
  }

  @Test(
    "skip-before-parse: --where output equals filtering the full output, escapes included",
    .enabled(if: TRPaths.canvasAvailable || TRPaths.isCI))
  func shortcutIsInvisible() throws {
    guard let canvas = trCanvas() else { return }
    let temp = try TRTemp()
    // The corpus plus lines where the value is spelled with escapes (\u0061 = a), so a
    // byte search for "asset_accessed" must not be allowed to drop them.
    let escapes = Array(try Data(contentsOf: TRPaths.fixture("where-escapes.ndjson")))
    var corpusBytes = Array(try Data(contentsOf: canvas))
    if corpusBytes.last != 0x0A { corpusBytes.append(0x0A) }
    let input = try temp.write("mixed.ndjson", corpusBytes + escapes)

    for threads in ["1", "4"] {
      let all = try ndflat(["--format", "json", "-q", "-j", threads, input.path])
      let filtered = try ndflat([
        "--format", "json", "-q", "-j", threads, "--where", "metadata.event_name=asset_accessed", input.path,
      ])
      #expect(all.status == 0 && filtered.status == 0)
      var expected: [[UInt8]] = []
      for line in lines(all.out) where (try object(line))["metadata.event_name"] as? String == "asset_accessed" {
        expected.append(line)
      }
      #expect(lines(filtered.out) == expected, "-j \(threads): shortcut output differs from filtering the full output")
      #expect(expected.count == 27 + 4, "27 corpus records + 4 escaped ones")
    }

    // The same through CSV: the header is the union over the kept records only.
    let csv = try ndflat(["-q", "--where", "metadata.event_name=asset_accessed", input.path])
    let rows = parseCSV(csv.out)
    var union: [String] = []
    var keptRecords: [[String: Any]] = []
    for line in lines(Array(try Data(contentsOf: input))) {
      let record = try object(line)
      guard value(record, "metadata.event_name") as? String == "asset_accessed" else { continue }
      keptRecords.append(record)
      for key in flatten(record).keys where !union.contains(key) { union.append(key) }
    }
    #expect(Set(rows[0]) == Set(union))
    #expect(rows.count - 1 == keptRecords.count)
  }
}

// MARK: - --utc and --time-format

@Suite("--utc and --time-format")
struct UTCTests {
  @Test(
    "the Canvas corpus: every timestamp with an offset becomes the same instant in UTC, nothing else changes, no warnings",
    .enabled(if: TRPaths.canvasAvailable || TRPaths.isCI))
  func canvasCorpus() throws {
    guard let canvas = trCanvas() else { return }
    let input = lines(Array(try Data(contentsOf: canvas)))
    var options = ConvertOptions()
    options.format = .json
    options.utc = true
    options.threads = 1
    let (bytes, report) = try Converter(options: options).convertToBytes([.file(canvas.path)])
    let output = lines(bytes)
    #expect(output.count == input.count)
    var rewritten = 0
    var lookalikes: [String] = []
    for (index, (inLine, outLine)) in zip(input, output).enumerated() {
      let before = flatten(try object(inLine))
      let after = try object(outLine)
      #expect(Set(before.keys) == Set(after.keys), "line \(index + 1) keys")
      for (key, old) in before {
        guard let text = old as? String else {
          #expect(canonical(old) == canonical(after[key] ?? "absent"), "line \(index + 1) \(key)")
          continue
        }
        let new = after[key] as? String
        if let expected = TestTime.expected(text, format: "iso") {
          rewritten += 1
          #expect(new == expected, "line \(index + 1) \(key): \(text) → \(new ?? "nil"), expected \(expected)")
          #expect(new?.hasSuffix("Z") == true)
          if let new, let a = TestTime.parse(text), let b = TestTime.parse(new) {
            #expect(a.0 == b.0 && a.1 == b.1, "same instant, same fraction")
          }
        } else {
          if TestTime.matches(TestTime.lookalike, text) != nil { lookalikes.append(text) }
          #expect(new == text, "line \(index + 1) \(key): a non-timestamp changed: \(text) → \(new ?? "nil")")
        }
      }
    }
    print("note: --utc rewrote \(rewritten) timestamps in the Canvas corpus; \(report.counters.warnings) warnings; timestamp-like values that are not complete timestamps: \(lookalikes)")
    #expect(rewritten > 100)
    #expect(report.counters.warnings == lookalikes.count, "warnings only for genuinely non-timestamp values: \(lookalikes)")
    #expect(report.counters.warnings == 0)
  }

  /// The fixture's values by key, with the expected rewrite and warning status.
  @Test(
    "offsets, fractions, leap days, New Year, invalid fields, no offset, in iso, excel and epoch-ms",
    arguments: ["iso", "excel", "epoch-ms"])
  func fixture(format: String) throws {
    let input = TRPaths.fixture("timestamps.ndjson")
    let run = try ndflat(["--utc", "--time-format", format, "--format", "json", input.path])
    #expect(run.status == 0, "\(run.err)")
    let source = lines(Array(try Data(contentsOf: input)))
    let output = lines(run.out)
    #expect(output.count == source.count)
    var warnings = 0
    var checked = 0
    var rewritten = 0
    for (inLine, outLine) in zip(source, output) {
      let before = flatten(try object(inLine))
      let after = try object(outLine)
      for (key, old) in before {
        guard let text = old as? String else { continue }
        checked += 1
        if let expected = TestTime.expected(text, format: format) {
          rewritten += 1
          if format == "epoch-ms" {
            // A number in flattened NDJSON.
            let number = after[key] as? NSNumber
            #expect(number.map { "\($0.int64Value)" } == expected, "\(key): \(text) → \(String(describing: after[key]))")
            let rawLine = String(decoding: outLine, as: UTF8.self)
            #expect(rawLine.contains("\"\(key)\":\(expected)"), "epoch-ms is written as a JSON number: \(rawLine)")
          } else {
            #expect(after[key] as? String == expected, "\(key): \(text) → \(String(describing: after[key])), expected \(expected)")
          }
        } else {
          #expect(after[key] as? String == text, "\(key): not a complete timestamp, must be left untouched")
          if TestTime.matches(TestTime.lookalike, text) != nil { warnings += 1 }
        }
      }
    }
    #expect(checked >= 40)
    #expect(rewritten >= 30, "rewritten \(rewritten)")
    let summary = run.err.split(separator: "\n").first { $0.contains("records read") } ?? ""
    #expect(summary.hasSuffix("; \(warnings) warnings"), "warning count: \(summary) (expected \(warnings))")
  }

  @Test("CSV cells are rewritten too, and a run without --utc alters nothing")
  func csvAndUntouched() throws {
    let input = TRPaths.fixture("timestamps.ndjson")
    let plain = try ndflat(["--format", "json", "-q", input.path])
    let flat = lines(plain.out)
    for (inLine, outLine) in zip(lines(Array(try Data(contentsOf: input))), flat) {
      let before = flatten(try object(inLine))
      let after = try object(outLine)
      for (key, old) in before {
        if let text = old as? String { #expect(after[key] as? String == text, "without --utc \(key) changed") }
      }
    }
    let csv = try ndflat(["--utc", "-q", "-f", "t=offsets.minus_0800_space,u=offsets.kathmandu", input.path])
    let rows = parseCSV(csv.out)
    #expect(rows.count == 5, "a row per record")
    #expect(Array(rows.prefix(2)) == [["t", "u"], ["2024-07-31T03:04:35Z", "2024-07-30T07:19:35Z"]])
  }

  @Test("a timestamp inside an array (--arrays json) is rewritten like any other string")
  func insideArrays() throws {
    let input: [UInt8] = Array(#"{"times":["2024-07-30T13:04:35+05:45","x"],"nested":[{"at":"2024-07-30T13:04:35-06:00"}]}"#.utf8) + [0x0A]
    var options = ConvertOptions()
    options.format = .json
    options.utc = true
    let (bytes, _) = try Converter(options: options).convertToBytes([.memory(name: "arrays", bytes: input)])
    let out = try object(lines(bytes)[0])
    #expect((out["times"] as? [Any])?.first as? String == "2024-07-30T07:19:35Z", "\(out)")
    #expect(((out["nested"] as? [Any])?.first as? [String: Any])?["at"] as? String == "2024-07-30T19:04:35Z", "\(out)")

    // With --arrays index the elements are cells and are rewritten.
    options.arrays = .index
    let (indexed, _) = try Converter(options: options).convertToBytes([.memory(name: "arrays", bytes: input)])
    let cells = try object(lines(indexed)[0])
    #expect(cells["times.0"] as? String == "2024-07-30T07:19:35Z")
    #expect(cells["nested.0.at"] as? String == "2024-07-30T19:04:35Z")
  }
}

// MARK: - --local-time

@Suite("--local-time")
struct LocalTimeTests {
  @Test(
    "America/Denver across 2024-03-10 and 2024-11-03, Asia/Kolkata, Asia/Kathmandu; unknown or absent zone → empty + warning",
    arguments: ["iso", "excel"])
  func zones(format: String) throws {
    let input = TRPaths.fixture("local-time.ndjson")
    let run = try ndflat([
      "--local-time", "metadata.event_time=metadata.time_zone", "--time-format", format,
      "-f", "metadata.event_time,metadata.time_zone", input.path,
    ])
    #expect(run.status == 0, "\(run.err)")
    let rows = parseCSV(run.out)
    #expect(rows.first == ["metadata.event_time", "metadata.event_time_local", "metadata.time_zone"])
    var warnings = 0
    for row in rows.dropFirst() {
      let (time, local, zone) = (row[0], row[1], row[2])
      guard var expected = TestTime.local(time, zone: zone) else {
        #expect(local.isEmpty, "\(time) in \(zone.debugDescription): expected an empty cell, got \(local)")
        warnings += 1
        continue
      }
      if format == "excel" {
        expected = String(expected.dropLast(6)).replacingOccurrences(of: "T", with: " ")
      }
      #expect(local == expected, "\(time) in \(zone)")
    }
    // Spelled out: the DST jump and the half-hour zone.
    let byTime = Dictionary(rows.dropFirst().map { ($0[0] + "|" + $0[2], $0[1]) }, uniquingKeysWith: { a, _ in a })
    if format == "iso" {
      #expect(byTime["2024-03-10T08:59:59.999Z|America/Denver"] == "2024-03-10T01:59:59.999-07:00")
      #expect(byTime["2024-03-10T09:00:00Z|America/Denver"] == "2024-03-10T03:00:00-06:00")
      #expect(byTime["2024-11-03T07:30:00Z|America/Denver"] == "2024-11-03T01:30:00-06:00")
      #expect(byTime["2024-11-03T08:30:00Z|America/Denver"] == "2024-11-03T01:30:00-07:00")
      #expect(byTime["2024-07-30T19:04:35.872Z|Asia/Kolkata"] == "2024-07-31T00:34:35.872+05:30")
    }
    #expect(warnings == 3)
    #expect(run.err.contains("; \(warnings) warnings"), "\(run.err)")
  }

  @Test(
    "the Canvas corpus with the Canvas paths: a local time for every record with a zone",
    .enabled(if: TRPaths.canvasAvailable || TRPaths.isCI))
  func canvasCorpus() throws {
    guard let canvas = trCanvas() else { return }
    let run = try ndflat(["--local-time", "metadata.event_time=metadata.time_zone", "--format", "json", "-q", canvas.path])
    #expect(run.status == 0)
    for line in lines(run.out) {
      let record = try object(line)
      guard let time = record["metadata.event_time"] as? String, let zone = record["metadata.time_zone"] as? String else {
        #expect(record["metadata.event_time_local"] == nil)
        continue
      }
      #expect(record["metadata.event_time_local"] as? String == TestTime.local(time, zone: zone), "\(time) \(zone)")
    }
  }
}

// MARK: - --exclude

@Suite("--exclude")
struct ExcludeTests {
  @Test(
    "globs and subtrees leave out exactly those columns; every other cell is unchanged",
    arguments: [
      ["metadata.user_login,metadata.client_ip,metadata.user_agent"],
      ["metadata.user_*"],
      ["body.*", "metadata.client_ip"],
      ["metadata"],
      ["*_id"],
      ["body.*_id,metadata.context_*"],
    ])
  func globs(excludes: [String]) throws {
    guard let canvas = trCanvas() else { return }
    // SPEC: globs allowed; excluding a path takes everything below it.
    let patterns = excludes.flatMap { $0.split(separator: ",").map(String.init) }.flatMap { [$0, $0 + ".*"] }
    let full = try ndflat(["-q", canvas.path])
    var arguments = ["-q"]
    for exclude in excludes { arguments += ["--exclude", exclude] }
    let cut = try ndflat(arguments + [canvas.path])
    #expect(cut.status == 0)
    let fullRows = parseCSV(full.out)
    let cutRows = parseCSV(cut.out)
    func excluded(_ name: String) -> Bool {
      patterns.contains { fnmatch($0, name, 0) == 0 }
    }
    let keptHeader = fullRows[0].filter { !excluded($0) }
    #expect(cutRows[0] == keptHeader, "\(excludes)")
    #expect(keptHeader.count < fullRows[0].count, "the exclusion must remove something")
    #expect(cutRows.count == fullRows.count)
    let positions = keptHeader.compactMap { fullRows[0].firstIndex(of: $0) }
    for (a, b) in zip(fullRows.dropFirst(), cutRows.dropFirst()) {
      #expect(positions.map { a[$0] } == b)
    }

    // Flattened NDJSON drops the same keys.
    let json = try ndflat(["-q", "--format", "json"] + excludes.flatMap { ["--exclude", $0] } + [canvas.path])
    for line in lines(json.out) {
      let keys = try object(line).keys
      #expect(!keys.contains(where: excluded), "\(keys.filter(excluded))")
    }
  }

  @Test("an excluded path can still be used by --where")
  func whereOnExcluded() throws {
    let run = try ndflat([
      "-q", "--exclude", "metadata.event_name", "--where", "metadata.event_name=logged_in", TRPaths.fixture("where.ndjson").path,
    ])
    let rows = parseCSV(run.out)
    #expect(rows.count == 2)
    #expect(!rows[0].contains("metadata.event_name"))
  }
}
