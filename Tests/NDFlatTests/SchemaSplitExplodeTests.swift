// Heterogeneous exports (issue 3): `ndflat schema` (counts, types, presence, --json,
// --diff), `--split-by` (one file per event type, hostile values, thousands of
// groups under a small open-file limit), `--partition-by` (Hive tree, UTC dates,
// part numbering), `--explode` (Caliper), `--short-names`, `--schema` with
// `_extra`, and mapper mode (`--schema F --no-header` + `ndflat header`).
//
// Every expectation is computed independently in this file: event-type counts
// with Foundation `JSONSerialization`, and field order / number literals with a
// small order-preserving JSON reader below (JSONSerialization loses both).

import Foundation
import Testing

@testable import NDFlat

// MARK: - Locations

private enum SSEPaths {
  static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  static let packageRoot = testsDirectory.deletingLastPathComponent().deletingLastPathComponent()
  static let fixtures = testsDirectory.appendingPathComponent("Fixtures/features")
  static let corpus = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus")
  static let canvas = corpus.appendingPathComponent("canvas-live-events.ndjson")
  static let caliper = corpus.appendingPathComponent("caliper.ndjson")
  static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }
  static var canvasAvailable: Bool { FileManager.default.isReadableFile(atPath: canvas.path) }
  static var caliperAvailable: Bool { FileManager.default.isReadableFile(atPath: caliper.path) }

  /// The built `ndflat`: beside the test bundle (any scratch path), else `.build/debug`.
  static let binary: URL? = TestSupport.binary

  static func fixture(_ name: String) -> URL { fixtures.appendingPathComponent(name) }
}

/// A corpus file, or nil after recording why: missing is a failure on CI, a skip elsewhere.
private func sseCorpus(_ url: URL) -> URL? {
  if FileManager.default.isReadableFile(atPath: url.path) { return url }
  if SSEPaths.isCI {
    Issue.record("CI=true but the shared corpus file \(url.path) is missing")
  } else {
    print("note: skipping, shared corpus file \(url.path) is missing")
  }
  return nil
}

// MARK: - Running the binary

private struct SSERun {
  let status: Int32
  let out: [UInt8]
  let err: String
  var text: String { String(decoding: out, as: UTF8.self) }
}

private struct SSEError: Error, CustomStringConvertible {
  let description: String
}

private final class SSETemp {
  let url: URL
  init() throws {
    url = FileManager.default.temporaryDirectory.appendingPathComponent("ndflat-sse-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }
  deinit { try? FileManager.default.removeItem(at: url) }
  func path(_ name: String) -> URL { url.appendingPathComponent(name) }
  @discardableResult
  func write(_ name: String, _ text: String) throws -> URL {
    let target = path(name)
    try FileManager.default.createDirectory(
      at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(text.utf8).write(to: target)
    return target
  }
}

/// Runs a program with stdin from /dev/null, capturing stdout and stderr through files.
private func sseExecute(_ executable: String, _ arguments: [String], directory: URL? = nil) throws -> SSERun {
  let scratch = try SSETemp()
  let outURL = scratch.path("stdout")
  let errURL = scratch.path("stderr")
  _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
  _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
  let outHandle = try FileHandle(forWritingTo: outURL)
  let errHandle = try FileHandle(forWritingTo: errURL)
  let inHandle = try FileHandle(forReadingFrom: URL(fileURLWithPath: "/dev/null"))
  let process = Process()
  process.executableURL = URL(fileURLWithPath: executable)
  process.arguments = arguments
  if let directory { process.currentDirectoryURL = directory }
  process.standardOutput = outHandle
  process.standardError = errHandle
  process.standardInput = inHandle
  try process.run()
  process.waitUntilExit()
  try outHandle.close()
  try errHandle.close()
  try inHandle.close()
  return SSERun(
    status: process.terminationStatus, out: Array(try Data(contentsOf: outURL)),
    err: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
}

private func ndflat(_ arguments: [String], directory: URL? = nil) throws -> SSERun {
  guard let binary = SSEPaths.binary else {
    throw SSEError(description: "the ndflat binary was not found beside the test bundle nor in .build/debug")
  }
  return try sseExecute(binary.path, arguments, directory: directory)
}

/// `ndflat …` under `/bin/sh -c 'ulimit -n LIMIT; exec …'`.
private func ndflatLimited(openFiles limit: Int, _ arguments: [String]) throws -> SSERun {
  guard let binary = SSEPaths.binary else {
    throw SSEError(description: "the ndflat binary was not found")
  }
  return try sseExecute("/bin/sh", ["-c", "ulimit -n \(limit) && exec \"$0\" \"$@\"", binary.path] + arguments)
}

// MARK: - An order- and literal-preserving JSON reader

/// A JSON value with keys in document order and numbers as their literal text.
private indirect enum JV: Equatable, CustomStringConvertible {
  case object([(String, JV)])
  case array([JV])
  case string(String)
  case number(String)
  case bool(Bool)
  case null

  static func == (a: JV, b: JV) -> Bool {
    switch (a, b) {
    case (.object(let x), .object(let y)):
      return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    case (.array(let x), .array(let y)): return x == y
    case (.string(let x), .string(let y)): return x == y
    case (.number(let x), .number(let y)): return x == y
    case (.bool(let x), .bool(let y)): return x == y
    case (.null, .null): return true
    default: return false
    }
  }

  /// Compact JSON text (numbers as their literals).
  var description: String {
    switch self {
    case .object(let members): return "{" + members.map { JV.quote($0.0) + ":" + $0.1.description }.joined(separator: ",") + "}"
    case .array(let items): return "[" + items.map(\.description).joined(separator: ",") + "]"
    case .string(let s): return JV.quote(s)
    case .number(let n): return n
    case .bool(let b): return b ? "true" : "false"
    case .null: return "null"
    }
  }

  static func quote(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out + "\""
  }

  subscript(key: String) -> JV? {
    guard case .object(let members) = self else { return nil }
    return members.last { $0.0 == key }?.1
  }

  /// The value at a dotted path (object keys only).
  func at(_ path: String) -> JV? {
    var value: JV? = self
    for part in path.split(separator: ".", omittingEmptySubsequences: false) { value = value?[String(part)] }
    return value
  }

  var stringValue: String? {
    if case .string(let s) = self { return s }
    return nil
  }

  /// Number literals anywhere below, in document order.
  var numberLiterals: [String] {
    switch self {
    case .object(let members): return members.flatMap { $0.1.numberLiterals }
    case .array(let items): return items.flatMap(\.numberLiterals)
    case .number(let n): return [n]
    default: return []
    }
  }
}

private struct JVReader {
  struct Failure: Error, CustomStringConvertible { let description: String }
  let bytes: [UInt8]
  var i = 0

  static func parse(_ bytes: [UInt8]) throws -> JV {
    var reader = JVReader(bytes: bytes)
    reader.skip()
    let value = try reader.value()
    reader.skip()
    guard reader.i == bytes.count else { throw Failure(description: "trailing bytes at \(reader.i)") }
    return value
  }

  static func parse(_ text: String) throws -> JV { try parse(Array(text.utf8)) }

  mutating func skip() {
    while i < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 }
  }

  mutating func expect(_ byte: UInt8) throws {
    guard i < bytes.count, bytes[i] == byte else { throw Failure(description: "expected \(byte) at \(i)") }
    i += 1
  }

  mutating func value() throws -> JV {
    guard i < bytes.count else { throw Failure(description: "unexpected end") }
    switch bytes[i] {
    case UInt8(ascii: "{"):
      i += 1
      var members: [(String, JV)] = []
      skip()
      if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
        i += 1
        return .object([])
      }
      while true {
        skip()
        let key = try string()
        skip()
        try expect(UInt8(ascii: ":"))
        skip()
        members.append((key, try value()))
        skip()
        if i < bytes.count, bytes[i] == UInt8(ascii: ",") {
          i += 1
          continue
        }
        try expect(UInt8(ascii: "}"))
        return .object(members)
      }
    case UInt8(ascii: "["):
      i += 1
      var items: [JV] = []
      skip()
      if i < bytes.count, bytes[i] == UInt8(ascii: "]") {
        i += 1
        return .array([])
      }
      while true {
        skip()
        items.append(try value())
        skip()
        if i < bytes.count, bytes[i] == UInt8(ascii: ",") {
          i += 1
          continue
        }
        try expect(UInt8(ascii: "]"))
        return .array(items)
      }
    case UInt8(ascii: "\""): return .string(try string())
    case UInt8(ascii: "t"): try word("true"); return .bool(true)
    case UInt8(ascii: "f"): try word("false"); return .bool(false)
    case UInt8(ascii: "n"): try word("null"); return .null
    default:
      let start = i
      while i < bytes.count, "-+.eE0123456789".utf8.contains(bytes[i]) { i += 1 }
      guard i > start else { throw Failure(description: "unexpected byte \(bytes[i]) at \(i)") }
      return .number(String(decoding: bytes[start..<i], as: UTF8.self))
    }
  }

  mutating func word(_ text: String) throws {
    for byte in text.utf8 { try expect(byte) }
  }

  mutating func hex4() throws -> UInt32 {
    guard i + 4 <= bytes.count, let value = UInt32(String(decoding: bytes[i..<i + 4], as: UTF8.self), radix: 16)
    else { throw Failure(description: "bad \\u escape at \(i)") }
    i += 4
    return value
  }

  mutating func string() throws -> String {
    try expect(UInt8(ascii: "\""))
    var out: [UInt8] = []
    while true {
      guard i < bytes.count else { throw Failure(description: "unterminated string") }
      let byte = bytes[i]
      i += 1
      if byte == UInt8(ascii: "\"") { break }
      guard byte == UInt8(ascii: "\\") else {
        out.append(byte)
        continue
      }
      guard i < bytes.count else { throw Failure(description: "unterminated escape") }
      let escape = bytes[i]
      i += 1
      switch escape {
      case UInt8(ascii: "n"): out.append(0x0A)
      case UInt8(ascii: "t"): out.append(0x09)
      case UInt8(ascii: "r"): out.append(0x0D)
      case UInt8(ascii: "b"): out.append(0x08)
      case UInt8(ascii: "f"): out.append(0x0C)
      case UInt8(ascii: "u"):
        var scalar = try hex4()
        if (0xD800..<0xDC00).contains(scalar), i + 6 <= bytes.count, bytes[i] == UInt8(ascii: "\\"),
          bytes[i + 1] == UInt8(ascii: "u")
        {
          i += 2
          let low = try hex4()
          scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        }
        out.append(contentsOf: Array(String(Character(Unicode.Scalar(scalar) ?? "\u{FFFD}")).utf8))
      default: out.append(escape)
      }
    }
    return String(decoding: out, as: UTF8.self)
  }
}

// MARK: - The flatten contract, independently

/// Flattens a record the way SPEC §2 says, with `--arrays json`: objects into
/// `parent.child` names, `{}` and arrays as leaves. Names in first-seen order.
private func flatten(_ record: JV, prefix: String? = nil) -> [(String, JV)] {
  var out: [(String, JV)] = []
  var position: [String: Int] = [:]
  func visit(_ value: JV, _ name: String?) {
    if case .object(let members) = value, !members.isEmpty || name == nil {
      for (key, child) in members { visit(child, name.map { $0 + "." + key } ?? key) }
      return
    }
    guard let name else { return }
    if let index = position[name] {
      out[index].1 = value  // the last duplicate wins
    } else {
      position[name] = out.count
      out.append((name, value))
    }
  }
  visit(record, prefix)
  return out
}

/// The JSON type name ndflat's schema uses for a leaf.
private func typeName(_ leaf: JV) -> String {
  switch leaf {
  case .string: return "string"
  case .number: return "number"
  case .bool: return "boolean"
  case .null: return "null"
  case .object: return "object"
  case .array: return "array"
  }
}

/// Does a CSV cell hold `leaf` as SPEC §2 says?
private func cellMatches(_ cell: String, _ leaf: JV?) -> Bool {
  guard let leaf else { return cell.isEmpty }
  switch leaf {
  case .string(let s): return cell == s
  case .number(let n): return cell == n
  case .bool(let b): return cell == (b ? "true" : "false")
  case .null: return cell.isEmpty
  case .object, .array: return (try? JVReader.parse(cell)) == leaf
  }
}

// MARK: - CSV

/// RFC 4180 over bytes (so CRLF is two bytes, not one Character).
private func parseCSV(_ bytes: [UInt8], delimiter: UInt8 = UInt8(ascii: ",")) -> [[String]] {
  var rows: [[String]] = []
  var row: [String] = []
  var field: [UInt8] = []
  var i = 0
  var quoted = false
  var any = false
  func endField() {
    row.append(String(decoding: field, as: UTF8.self))
    field.removeAll()
  }
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
    case delimiter: endField(); any = true
    case 0x0D where i + 1 < bytes.count && bytes[i + 1] == 0x0A:
      break
    case 0x0A:
      endField()
      rows.append(row)
      row = []
      any = false
    default: field.append(byte); any = true
    }
    i += 1
  }
  if any || !field.isEmpty || !row.isEmpty {
    endField()
    rows.append(row)
  }
  return rows
}

private func readBytes(_ url: URL) throws -> [UInt8] { Array(try Data(contentsOf: url)) }

/// The non-blank lines of an NDJSON file, as raw bytes each.
private func ndjsonLines(_ url: URL) throws -> [[UInt8]] {
  try readBytes(url).split(separator: 0x0A, omittingEmptySubsequences: true)
    .map { Array($0.last == 0x0D ? $0.dropLast() : $0[...]) }
    .filter { !$0.allSatisfy { $0 == 0x20 || $0 == 0x09 } }
}

/// Every file below `directory`, relative path → size.
private func walk(_ directory: URL) -> [String: Int] {
  var found: [String: Int] = [:]
  guard let enumerator = FileManager.default.enumerator(atPath: directory.path) else { return found }
  while let relative = enumerator.nextObject() as? String {
    let attributes = try? FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent(relative).path)
    found[relative] = (attributes?[.size] as? NSNumber)?.intValue ?? -1
  }
  return found
}

/// Decoded records of a file, with their event type (via JSONSerialization, as the brief asks).
private func eventTypeCounts(_ lines: [[UInt8]], by path: [String]) throws -> [(String?, Int)] {
  var order: [String?] = []
  var counts: [String?: Int] = [:]
  for line in lines {
    var value: Any? = try JSONSerialization.jsonObject(with: Data(line), options: [.fragmentsAllowed])
    for key in path { value = (value as? [String: Any])?[key] }
    let name = value as? String
    if counts[name] == nil { order.append(name) }
    counts[name, default: 0] += 1
  }
  return order.map { ($0, counts[$0]!) }
}

/// An independent schema: per event type, fields in first-seen order with type
/// counts, present and null counts.
private struct IndependentField: Equatable {
  var name: String
  var types: [String: Int] = [:]
  var present = 0
  var nulls = 0
}

private struct IndependentType {
  var name: String?
  var records = 0
  var fields: [IndependentField] = []
  var index: [String: Int] = [:]
}

private func independentSchema(_ lines: [[UInt8]], by: String) throws -> [IndependentType] {
  var types: [IndependentType] = []
  var typeIndex: [String?: Int] = [:]
  for line in lines {
    let record = try JVReader.parse(line)
    let key: String? = {
      guard let value = record.at(by) else { return nil }
      switch value {
      case .string(let s): return s
      case .null: return nil
      default: return value.description
      }
    }()
    let t: Int
    if let existing = typeIndex[key] {
      t = existing
    } else {
      t = types.count
      typeIndex[key] = t
      types.append(IndependentType(name: key))
    }
    types[t].records += 1
    for (name, leaf) in flatten(record) {
      let f: Int
      if let existing = types[t].index[name] {
        f = existing
      } else {
        f = types[t].fields.count
        types[t].index[name] = f
        types[t].fields.append(IndependentField(name: name))
      }
      types[t].fields[f].present += 1
      types[t].fields[f].types[typeName(leaf), default: 0] += 1
      if leaf == .null { types[t].fields[f].nulls += 1 }
    }
  }
  return types
}

private func stringTypes(_ types: [JSONType: Int]) -> [String: Int] {
  Dictionary(uniqueKeysWithValues: types.map { ($0.key.rawValue, $0.value) })
}

// MARK: - schema

@Suite("schema: event types, field types, presence, --json, --diff")
struct SchemaCommandTests {
  @Test(
    "schema lists every event type of the Canvas corpus with the right counts and fields",
    .enabled(if: SSEPaths.canvasAvailable || SSEPaths.isCI))
  func canvasCorpus() throws {
    guard let canvas = sseCorpus(SSEPaths.canvas) else { return }
    let lines = try ndjsonLines(canvas)
    let expectedTypes = try eventTypeCounts(lines, by: ["metadata", "event_name"])
    #expect(lines.count == 79)
    #expect(expectedTypes.count == 53)
    #expect(expectedTypes.first { $0.0 == "asset_accessed" }?.1 == 27)

    // The terminal table: a line per type with its record count.
    let table = try ndflat(["schema", canvas.path])
    #expect(table.status == 0, "\(table.err)")
    #expect(table.text.hasPrefix("79 records, 53 event types (by metadata.event_name)"))
    for (name, count) in expectedTypes {
      #expect(table.text.contains("\n\(name ?? "(missing)"): \(count) records,"), "table lacks \(name ?? "nil") ×\(count)")
    }

    // The schema file: types in first-seen order, every field with its counts.
    let json = try ndflat(["schema", "--json", canvas.path])
    #expect(json.status == 0, "\(json.err)")
    let schema = try ExportSchema(jsonText: Data(json.out), source: "stdout")
    #expect(schema.records == 79)
    #expect(schema.by == "metadata.event_name")
    #expect(schema.eventTypes.map(\.name) == expectedTypes.map(\.0))
    #expect(schema.eventTypes.map(\.records) == expectedTypes.map(\.1))

    let independent = try independentSchema(lines, by: "metadata.event_name")
    #expect(independent.count == schema.eventTypes.count)
    for (mine, theirs) in zip(independent, schema.eventTypes) {
      #expect(mine.name == theirs.name)
      #expect(
        theirs.fields.map(\.name) == mine.fields.map(\.name),
        "fields of \(mine.name ?? "nil") differ (first-seen order)")
      for (expected, actual) in zip(mine.fields, theirs.fields) where expected.name == actual.name {
        #expect(stringTypes(actual.types) == expected.types, "\(mine.name ?? "nil").\(expected.name) types")
        #expect(actual.present == expected.present, "\(mine.name ?? "nil").\(expected.name) present")
        #expect(actual.nulls == expected.nulls, "\(mine.name ?? "nil").\(expected.name) null")
      }
    }
  }

  @Test("a field that is a string in one record and a number in another shows both, with counts")
  func mixedTypes() throws {
    let input = SSEPaths.fixture("schema-mixed.ndjson")
    var options = ConvertOptions()
    options.threads = 1
    let (schema, report) = try Converter(options: options).collectSchema([.file(input.path)], by: "metadata.event_name")
    #expect(report.counters.recordsRead == 8)
    let independent = try independentSchema(try ndjsonLines(input), by: "metadata.event_name")
    #expect(schema.eventTypes.map(\.name) == independent.map(\.name))
    #expect(schema.eventTypes.map(\.records) == independent.map(\.records))
    for (mine, theirs) in zip(independent, schema.eventTypes) {
      #expect(theirs.fields.map(\.name) == mine.fields.map(\.name))
      for (expected, actual) in zip(mine.fields, theirs.fields) {
        #expect(stringTypes(actual.types) == expected.types, "\(expected.name)")
        #expect(actual.present == expected.present, "\(expected.name)")
        #expect(actual.nulls == expected.nulls, "\(expected.name)")
      }
    }
    // Spelled out for the important field, so a pass cannot hide a shared mistake.
    let a = try #require(schema.eventTypes.first { $0.name == "a" })
    let v = try #require(a.fields.first { $0.name == "body.v" })
    #expect(v.types == [.string: 2, .number: 1, .null: 1])
    #expect(v.present == 4)
    #expect(v.nulls == 1)
    let absent = try #require(a.fields.first { $0.name == "body.sometimes" })
    #expect(absent.present == 1)
    #expect(a.records == 5)
    // Records without the type path are one clearly named group.
    let missing = try #require(schema.eventTypes.first { $0.name == nil })
    #expect(missing.records == 2)
    #expect(missing.displayName == "(missing)")

    let table = try ndflat(["schema", input.path])
    #expect(table.status == 0)
    let line = table.text.split(separator: "\n").first { $0.contains("body.v ") }
    #expect(line?.contains("string×2") == true && line?.contains("number×1") == true, "\(line ?? "no body.v line")")
    #expect(table.text.contains("(missing): 2 records"))
  }

  @Test("--json round-trips through ExportSchema(jsonText:)")
  func jsonRoundTrip() throws {
    for input in [SSEPaths.fixture("schema-mixed.ndjson"), SSEPaths.canvas] {
      guard FileManager.default.isReadableFile(atPath: input.path) else { continue }
      let run = try ndflat(["schema", "--json", input.path])
      #expect(run.status == 0)
      let read = try ExportSchema(jsonText: Data(run.out), source: "cli")
      var options = ConvertOptions()
      options.threads = 1
      let (direct, _) = try Converter(options: options).collectSchema([.file(input.path)], by: "metadata.event_name")
      #expect(read == direct, "\(input.lastPathComponent): the file read back differs from the schema collected")
      #expect(read.jsonText() == run.text, "\(input.lastPathComponent): writing the read schema again changes it")
      // And it is plain JSON for other tools.
      #expect((try? JSONSerialization.jsonObject(with: Data(run.out))) is [String: Any])
    }
  }

  @Test("--diff: new, missing, retyped fields and new/vanished types; exit 4 on drift, 0 without")
  func drift() throws {
    let temp = try SSETemp()
    let oldSchema = temp.path("old.json")
    let made = try ndflat(["schema", "--json", "-o", oldSchema.path, SSEPaths.fixture("drift-old.ndjson").path])
    #expect(made.status == 0, "\(made.err)")

    let same = try ndflat(["schema", "--diff", oldSchema.path, SSEPaths.fixture("drift-old.ndjson").path])
    #expect(same.status == 0, "no drift must exit 0: \(same.err)")
    #expect(same.text == "no drift\n")

    let changed = try ndflat(["schema", "--diff", oldSchema.path, SSEPaths.fixture("drift-new.ndjson").path])
    #expect(changed.status == 4, "drift must exit 4, got \(changed.status): \(changed.err)")
    let lines = Set(changed.text.split(separator: "\n").map(String.init))
    let expected: Set<String> = [
      "+ event type quiz_submitted",
      "- event type logged_out",
      "+ asset_accessed: body.new_field",
      "- asset_accessed: body.asset_subtype",
      "~ asset_accessed: body.asset_id: string → number",
      "~ logged_in: body.redirect_url: string → object",
    ]
    #expect(lines == expected, "diff report:\n\(changed.text)")

    // Library: the same drift, structured.
    let old = try ExportSchema(jsonText: try Data(contentsOf: oldSchema), source: "old")
    var options = ConvertOptions()
    options.threads = 1
    let (new, _) = try Converter(options: options).collectSchema(
      [.file(SSEPaths.fixture("drift-new.ndjson").path)], by: "metadata.event_name")
    let drift = SchemaDrift(old: old, new: new)
    #expect(!drift.isEmpty)
    #expect(drift.newEventTypes == ["quiz_submitted"])
    #expect(drift.vanishedEventTypes == ["logged_out"])
    let asset = try #require(drift.changes.first { $0.eventType == "asset_accessed" })
    #expect(asset.newFields == ["body.new_field"])
    #expect(asset.missingFields == ["body.asset_subtype"])
    #expect(asset.retyped.map(\.field) == ["body.asset_id"])
    // A field that was only ever null is not "retyped" when it gets a value.
    #expect(drift.changes.allSatisfy { $0.retyped.allSatisfy { $0.field != "body.maybe" } })
    #expect(SchemaDrift(old: old, new: old).isEmpty)
  }
}

// MARK: - split-by

@Suite("--split-by: one table per event type, hostile values, many groups")
struct SplitByTests {
  /// Checks that every row of each `<type>.csv` reproduces its input record, with
  /// the type's own first-seen union as header.
  private func checkSplit(lines: [[UInt8]], directory: URL, byPath: String) throws {
    let records = try lines.map { try JVReader.parse($0) }
    var typeOrder: [String] = []
    var byType: [String: [JV]] = [:]
    for record in records {
      let name = try #require(record.at(byPath)?.stringValue)
      if byType[name] == nil { typeOrder.append(name) }
      byType[name, default: []].append(record)
    }
    let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
    #expect(files == typeOrder.map { $0 + ".csv" }.sorted(), "one file per type, no stray files")
    for name in typeOrder {
      let url = directory.appendingPathComponent(name + ".csv")
      let rows = parseCSV(try readBytes(url))
      let group = byType[name]!
      // Header: that type's first-seen union.
      var union: [String] = []
      var seen = Set<String>()
      for record in group {
        for (field, _) in flatten(record) where seen.insert(field).inserted { union.append(field) }
      }
      guard let header = rows.first else {
        Issue.record("\(name).csv is empty")
        continue
      }
      #expect(header == union, "\(name).csv header is not the type's first-seen union")
      #expect(rows.count - 1 == group.count, "\(name).csv rows")
      for (index, (row, record)) in zip(rows.dropFirst(), group).enumerated() {
        #expect(row.count == header.count, "\(name).csv row \(index + 1) width")
        let leaves = Dictionary(flatten(record), uniquingKeysWith: { _, last in last })
        for (column, cell) in zip(header, row) where !cellMatches(cell, leaves[column]) {
          Issue.record("\(name).csv row \(index + 1) column \(column): got \(cell.debugDescription), input \(leaves[column]?.description ?? "absent")")
        }
        // Number literals appear exactly as in the input line.
        for literal in record.numberLiterals where !row.contains(where: { $0 == literal || $0.contains(literal) }) {
          Issue.record("\(name).csv row \(index + 1): number literal \(literal) not reproduced")
        }
      }
    }
  }

  @Test(
    "the Canvas corpus: one file per type, own header, every record reproduced exactly",
    .enabled(if: SSEPaths.canvasAvailable || SSEPaths.isCI))
  func canvasCorpus() throws {
    guard let canvas = sseCorpus(SSEPaths.canvas) else { return }
    let temp = try SSETemp()
    let out = temp.path("split")
    let run = try ndflat(["--split-by", "metadata.event_name", "-o", out.path, "-q", canvas.path])
    #expect(run.status == 0, "\(run.err)")
    let lines = try ndjsonLines(canvas)
    try checkSplit(lines: lines, directory: out, byPath: "metadata.event_name")
    #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).count == 53)

    // Same files with several workers.
    let parallel = temp.path("split-j4")
    let run4 = try ndflat(["--split-by", "metadata.event_name", "-o", parallel.path, "-q", "-j", "4", canvas.path])
    #expect(run4.status == 0)
    for name in try FileManager.default.contentsOfDirectory(atPath: out.path) {
      #expect(
        try readBytes(out.appendingPathComponent(name)) == readBytes(parallel.appendingPathComponent(name)),
        "-j 4 differs for \(name)")
    }
  }

  @Test("library: small chunks on 4 workers give the same split files as one worker")
  func parallelChunks() throws {
    let temp = try SSETemp()
    var text = ""
    for i in 0..<3000 {
      text += "{\"metadata\":{\"event_name\":\"t\(i % 7)\",\"seq\":\(i)},\"body\":{\"f\(i % 5)\":\"v\(i)\"}}\n"
    }
    let input = try temp.write("in.ndjson", text)
    var results: [[String: [UInt8]]] = []
    for threads in [1, 4] {
      var options = ConvertOptions()
      options.grouping = .split("metadata.event_name")
      options.threads = threads
      options.chunkSize = 4096
      let out = temp.path("out-\(threads)")
      let report = try Converter(options: options).convert([.file(input.path)], to: .file(out.path))
      #expect(report.counters.recordsWritten == 3000)
      #expect(report.outputFiles.count == 7)
      var files: [String: [UInt8]] = [:]
      for name in try FileManager.default.contentsOfDirectory(atPath: out.path) {
        files[name] = try readBytes(out.appendingPathComponent(name))
      }
      results.append(files)
    }
    #expect(results[0] == results[1])
    try checkSplit(lines: try ndjsonLines(input), directory: temp.path("out-1"), byPath: "metadata.event_name")
  }

  @Test("works with --format json and tsv, and --excel puts a BOM in every file")
  func formats() throws {
    let temp = try SSETemp()
    let input = SSEPaths.fixture("schema-mixed.ndjson")
    let lines = try ndjsonLines(input)
    let records = try lines.map { try JVReader.parse($0) }

    let json = try ndflat(["--split-by", "metadata.event_name", "--format", "json", "-o", temp.path("j").path, "-q", input.path])
    #expect(json.status == 0, "\(json.err)")
    let jsonFiles = try FileManager.default.contentsOfDirectory(atPath: temp.path("j").path).sorted()
    #expect(jsonFiles == ["_missing.ndjson", "a.ndjson", "b.ndjson"])
    let aLines = try ndjsonLines(temp.path("j/a.ndjson")).map { try JVReader.parse($0) }
    let aRecords = records.filter { $0.at("metadata.event_name") == .string("a") }
    #expect(aLines.count == aRecords.count)
    for (line, record) in zip(aLines, aRecords) {
      guard case .object(let members) = line else {
        Issue.record("not an object: \(line)")
        continue
      }
      let expected = flatten(record)
      #expect(members.map(\.0) == expected.map(\.0))
      #expect(zip(members, expected).allSatisfy { $0.1 == $1.1 }, "\(line) vs \(JV.object(expected))")
    }

    let tsv = try ndflat(["--split-by", "metadata.event_name", "--format", "tsv", "-o", temp.path("t").path, "-q", input.path])
    #expect(tsv.status == 0)
    #expect(try FileManager.default.contentsOfDirectory(atPath: temp.path("t").path).sorted() == ["_missing.tsv", "a.tsv", "b.tsv"])

    let excel = try ndflat(["--split-by", "metadata.event_name", "--excel", "-o", temp.path("x").path, "-q", input.path])
    #expect(excel.status == 0)
    for name in try FileManager.default.contentsOfDirectory(atPath: temp.path("x").path) {
      let bytes = try readBytes(temp.path("x").appendingPathComponent(name))
      #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF], "\(name) lacks the BOM")
    }
  }

  @Test("hostile split values: safe, distinct file names, each with its own rows, nothing outside the directory")
  func hostileValues() throws {
    let temp = try SSETemp()
    let long = String(repeating: "L", count: 10 * 1024)
    let values: [String?] = [
      "../../x", "a/b", "a_b", "a?b", "A/B", "a\\b", "CON", "con.txt", "nul", "com1.log", "LPT9", "",
      long, long + "!", "\u{0000}", "\u{0001}\u{001F}\t\n", ".", "..", "...", ".hidden", "_empty", "_missing",
      "Étude", "日本語", "a b", "x.csv", nil,
    ]
    var text = ""
    for (index, value) in values.enumerated() {
      let name = value.map { JV.quote($0) } ?? "null"
      text += "{\"metadata\":{\"event_name\":\(name),\"n\":\(index)}}\n"
    }
    text += "{\"metadata\":{\"n\":\(values.count)}}\n"  // absent: same group as null
    let input = try temp.write("in/in.ndjson", text)
    let out = temp.path("a/b/out")
    let before = walk(temp.url)
    let run = try ndflat(["--split-by", "metadata.event_name", "-o", out.path, "-q", input.path])
    #expect(run.status == 0, "\(run.err)")

    // Nothing was written outside out/ (and nothing was touched).
    var after = walk(temp.url)
    for key in after.keys where key == "a/b/out" || key.hasPrefix("a/b/out/") { after[key] = nil }
    var expectedAfter = before
    expectedAfter["a"] = after["a"]
    expectedAfter["a/b"] = after["a/b"]
    #expect(after == expectedAfter, "files appeared outside the output directory: \(Set(after.keys).subtracting(before.keys))")
    #expect(!FileManager.default.fileExists(atPath: temp.path("x").path))
    #expect(!FileManager.default.fileExists(atPath: temp.path("x.csv").path))

    let files = try FileManager.default.contentsOfDirectory(atPath: out.path)
    // One file per distinct value (null and absent share the "missing" group).
    #expect(files.count == values.count, "files: \(files.sorted())")
    let reserved = Set<String>(["CON", "PRN", "AUX", "NUL"]).union((1...9).flatMap { ["COM\($0)", "LPT\($0)"] })
    var seenValues: [String?] = []
    for file in files {
      #expect(file.hasSuffix(".csv"), "\(file)")
      #expect(!file.hasPrefix("."), "hidden or relative name: \(file)")
      #expect(file.utf8.count <= 255, "name too long: \(file.utf8.count) bytes")
      #expect(file.utf8.allSatisfy { $0 < 0x80 && $0 >= 0x20 && $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: "\\") })
      let lowered = Set(files.map { $0.lowercased() })
      #expect(lowered.count == files.count, "names that differ only by case")
      // Windows: a device name followed by any extension is still the device (CON.txt = CON).
      let base = String(file.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).first ?? "").uppercased()
      #expect(!reserved.contains(base), "\(file) is a reserved device name on Windows (base \(base))")

      let rows = parseCSV(try readBytes(out.appendingPathComponent(file)))
      #expect(rows.first == ["metadata.event_name", "metadata.n"] || rows.first == ["metadata.n"] || rows.first == ["metadata.event_name", "metadata.n"])
      for row in rows.dropFirst() {
        let header = rows[0]
        let nIndex = try #require(header.firstIndex(of: "metadata.n"))
        let n = try #require(Int(row[nIndex]))
        let expected = n < values.count ? values[n] : nil
        if let nameIndex = header.firstIndex(of: "metadata.event_name") {
          #expect(row[nameIndex] == (expected ?? ""), "\(file): value of record \(n)")
        }
        if n < values.count { seenValues.append(expected) }
      }
    }
    #expect(seenValues.count == values.count, "every record in exactly one file")
    // The 10 KB values each got their own file (cut names stay distinct).
    #expect(files.filter { $0.hasPrefix("LLLL") }.count == 2)
  }

  @Test("a split path with an array index (data.0.type) groups by that value, as --fields reads it")
  func arrayIndexPath() throws {
    let temp = try SSETemp()
    let input = try temp.write(
      "idx.ndjson",
      #"{"data":[{"type":"A"},{"type":"B"}],"n":1}"# + "\n" + #"{"data":[{"type":"B"}],"n":2}"# + "\n"
        + #"{"data":[{"type":"A"}],"n":3}"# + "\n")
    let run = try ndflat(["--split-by", "data.0.type", "-o", temp.path("out").path, "-q", input.path])
    #expect(run.status == 0)
    let files = try FileManager.default.contentsOfDirectory(atPath: temp.path("out").path).sorted()
    #expect(files == ["A.csv", "B.csv"], "--split-by data.0.type: \(files)")

    var options = ConvertOptions()
    options.threads = 1
    let (schema, _) = try Converter(options: options).collectSchema([.file(input.path)], by: "data.0.type")
    #expect(schema.eventTypes.map(\.displayName) == ["A", "B"], "schema --by data.0.type: \(schema.eventTypes.map(\.displayName))")
    #expect(schema.eventTypes.map(\.records) == [2, 1])
  }

  @Test(
    "5,000 distinct event types → 5,000 files under `ulimit -n 100`",
    .timeLimit(.minutes(2)))
  func manyGroups() throws {
    let temp = try SSETemp()
    var text = ""
    for round in 0..<2 {
      for i in 0..<5000 {
        text += "{\"metadata\":{\"event_name\":\"type_\(i)\",\"n\":\(i),\"round\":\(round)},\"body\":{\"f\(i % 3)\":\(i)}}\n"
      }
    }
    let input = try temp.write("many.ndjson", text)
    let out = temp.path("out")
    let started = Date()
    let run = try ndflatLimited(openFiles: 100, ["--split-by", "metadata.event_name", "-o", out.path, "-q", "-j", "4", input.path])
    let elapsed = Date().timeIntervalSince(started)
    print("note: 5,000 groups / 10,000 records under ulimit -n 100 took \(String(format: "%.2f", elapsed)) s")
    #expect(run.status == 0, "status \(run.status): \(run.err)")
    let files = try FileManager.default.contentsOfDirectory(atPath: out.path)
    #expect(files.count == 5000)
    for i in [0, 1, 2, 999, 2500, 4999] {
      let rows = parseCSV(try readBytes(out.appendingPathComponent("type_\(i).csv")))
      #expect(rows == [
        ["metadata.event_name", "metadata.n", "metadata.round", "body.f\(i % 3)"],
        ["type_\(i)", "\(i)", "0", "\(i)"],
        ["type_\(i)", "\(i)", "1", "\(i)"],
      ], "type_\(i).csv")
    }
    // Every file has its header and both rows.
    var lines = 0
    for file in files { lines += try readBytes(out.appendingPathComponent(file)).filter { $0 == 0x0A }.count }
    #expect(lines == 5000 * 3)
    #expect(!files.contains { $0.hasPrefix(".ndflat") }, "working directory left behind")
  }
}

// MARK: - partition-by

@Suite("--partition-by: Hive tree, UTC dates, part numbering")
struct PartitionByTests {
  /// UTC calendar date of an ISO timestamp, computed with Foundation (test only).
  static func utcDate(_ text: String) -> String? {
    var normal = text
    if normal.count > 10 {
      let index = normal.index(normal.startIndex, offsetBy: 10)
      if normal[index] == " " { normal.replaceSubrange(index...index, with: "T") }
    }
    normal = normal.replacingOccurrences(of: " +", with: "+").replacingOccurrences(of: " -", with: "-")
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    let plain = ISO8601DateFormatter()
    guard let date = formatter.date(from: normal) ?? plain.date(from: normal) else { return nil }
    let day = DateFormatter()
    day.locale = Locale(identifier: "en_US_POSIX")
    day.timeZone = TimeZone(identifier: "UTC")
    day.dateFormat = "yyyy-MM-dd"
    return day.string(from: date)
  }

  @Test("event name and UTC date: an event at 23:30-05:00 lands on the next day; a second run adds part-00001")
  func hiveTree() throws {
    let temp = try SSETemp()
    let input = SSEPaths.fixture("partition.ndjson")
    let out = temp.path("tree")
    let spec = "metadata.event_name,date(metadata.event_time)"
    let first = try ndflat(["--partition-by", spec, "-o", out.path, "-q", input.path])
    #expect(first.status == 0, "\(first.err)")
    let expected: Set<String> = [
      "event_name=asset_accessed/date=2024-07-31/part-00000.csv",
      "event_name=asset_accessed/date=2024-07-30/part-00000.csv",
      "event_name=logged_in/date=2024-07-30/part-00000.csv",
      "event_name=logged_in/date=2025-01-01/part-00000.csv",
      "event_name=..%2F..%2Fetc/date=2024-07-30/part-00000.csv",
      "event_name=__HIVE_DEFAULT_PARTITION__/date=2024-07-30/part-00000.csv",
      "event_name=asset_accessed/date=__HIVE_DEFAULT_PARTITION__/part-00000.csv",
    ]
    let files = Set(walk(out).keys.filter { $0.hasSuffix(".csv") })
    #expect(files == expected)
    let late = parseCSV(try readBytes(out.appendingPathComponent("event_name=asset_accessed/date=2024-07-31/part-00000.csv")))
    #expect(late.count == 2)
    #expect(late.last?.contains("2024-07-30T23:30:00-05:00") == true, "\(late)")

    // Every row is in the directory of its own name and UTC date.
    let records = try ndjsonLines(input).map { try JVReader.parse($0) }
    var rowCount = 0
    for file in files {
      let rows = parseCSV(try readBytes(out.appendingPathComponent(file)))
      let header = rows[0]
      for row in rows.dropFirst() {
        rowCount += 1
        let cells = Dictionary(uniqueKeysWithValues: zip(header, row))
        let record = try #require(records.first { flatten($0).allSatisfy { cellMatches(cells[$0.0] ?? "", $0.1) } })
        let name = record.at("metadata.event_name")?.stringValue
        let date = record.at("metadata.event_time")?.stringValue.flatMap(PartitionByTests.utcDate)
        if let name, name == "asset_accessed" || name == "logged_in" {
          #expect(file.hasPrefix("event_name=\(name)/date=\(date ?? "__HIVE_DEFAULT_PARTITION__")/"), "\(file)")
        }
      }
    }
    #expect(rowCount == records.count)

    let partZero = out.appendingPathComponent("event_name=asset_accessed/date=2024-07-31/part-00000.csv")
    let zeroBytes = try readBytes(partZero)
    let zeroModified = try FileManager.default.attributesOfItem(atPath: partZero.path)[.modificationDate] as? Date
    Thread.sleep(forTimeInterval: 1.1)
    let second = try ndflat(["--partition-by", spec, "-o", out.path, "-q", input.path])
    #expect(second.status == 0)
    let after = Set(walk(out).keys.filter { $0.hasSuffix(".csv") })
    #expect(after == expected.union(expected.map { $0.replacingOccurrences(of: "part-00000", with: "part-00001") }))
    #expect(try readBytes(partZero) == zeroBytes, "part-00000 was rewritten")
    let modifiedAgain = try FileManager.default.attributesOfItem(atPath: partZero.path)[.modificationDate] as? Date
    #expect(zeroModified == modifiedAgain, "part-00000 was touched")
    #expect(try readBytes(out.appendingPathComponent("event_name=asset_accessed/date=2024-07-31/part-00001.csv")) == zeroBytes)
  }

  @Test(
    "the Canvas corpus partitions by name and UTC day, every record once",
    .enabled(if: SSEPaths.canvasAvailable || SSEPaths.isCI))
  func canvasCorpus() throws {
    guard let canvas = sseCorpus(SSEPaths.canvas) else { return }
    let temp = try SSETemp()
    let out = temp.path("tree")
    let run = try ndflat(["--partition-by", "metadata.event_name,date(metadata.event_time)", "-o", out.path, "-q", canvas.path])
    #expect(run.status == 0, "\(run.err)")
    var expected: [String: Int] = [:]
    for line in try ndjsonLines(canvas) {
      let record = try JVReader.parse(line)
      let name = try #require(record.at("metadata.event_name")?.stringValue)
      let date = record.at("metadata.event_time")?.stringValue.flatMap(PartitionByTests.utcDate) ?? "__HIVE_DEFAULT_PARTITION__"
      expected["event_name=\(name)/date=\(date)/part-00000.csv", default: 0] += 1
    }
    var actual: [String: Int] = [:]
    for file in walk(out).keys where file.hasSuffix(".csv") {
      actual[file] = parseCSV(try readBytes(out.appendingPathComponent(file))).count - 1
    }
    #expect(actual == expected)
  }

  @Test("two long values that share a prefix and a 32-bit name hash still get separate partitions")
  func longValuesNeverCollide() throws {
    // FNV-1a-32 of these two 210-byte values is equal (found by a birthday search), and
    // both are cut to the same first 111 bytes: a naming scheme of "prefix + hash" gives
    // both the same directory. Values must never share a file.
    let temp = try SSETemp()
    let prefix = String(repeating: "y", count: 200)
    let input = try temp.write(
      "in.ndjson",
      "{\"k\":\"\(prefix)6wvILwMOR0\",\"i\":0}\n{\"k\":\"\(prefix)BV2Ixxio39\",\"i\":1}\n")
    let out = temp.path("tree")
    let run = try ndflat(["--partition-by", "k", "-o", out.path, "-q", input.path])
    #expect(run.status == 0, "status \(run.status): \(run.err)")
    let files = walk(out).keys.filter { $0.hasSuffix(".csv") }
    #expect(files.count == 2, "\(files)")

    let split = try ndflat(["--split-by", "k", "-o", temp.path("split").path, "-q", input.path])
    #expect(split.status == 0)
    #expect(try FileManager.default.contentsOfDirectory(atPath: temp.path("split").path).count == 2)
  }
}

// MARK: - explode

@Suite("--explode: one row per array element (Caliper)")
struct ExplodeTests {
  /// Expected rows: per record, per element of `data`, the element's leaves under
  /// `data.` plus the record's other leaves.
  fileprivate static func expectedRows(_ records: [JV]) -> [[String: JV]] {
    var rows: [[String: JV]] = []
    for record in records {
      guard case .object(let members) = record, case .array(let items)? = record["data"] else { continue }
      let rest = flatten(.object(members.filter { $0.0 != "data" }))
      for item in items {
        var row = Dictionary(rest, uniquingKeysWith: { _, b in b })
        for (name, leaf) in flatten(item, prefix: "data") { row[name] = leaf }
        rows.append(row)
      }
    }
    return rows
  }

  @Test(
    "caliper.ndjson: one row per event, the envelope repeated",
    .enabled(if: SSEPaths.caliperAvailable || SSEPaths.isCI))
  func caliperCorpus() throws {
    guard let caliper = sseCorpus(SSEPaths.caliper) else { return }
    let lines = try ndjsonLines(caliper)
    // Independent event count.
    var events = 0
    for line in lines {
      let object = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any]
      events += (object?["data"] as? [Any])?.count ?? 0
    }
    #expect(lines.count == 47)
    let run = try ndflat(["--explode", "data", "-q", caliper.path])
    #expect(run.status == 0, "\(run.err)")
    let rows = parseCSV(run.out)
    #expect(rows.count - 1 == events)
    let header = rows[0]
    let expected = ExplodeTests.expectedRows(try lines.map { try JVReader.parse($0) })
    #expect(expected.count == events)
    for (index, (row, want)) in zip(rows.dropFirst(), expected).enumerated() {
      for name in want.keys where !header.contains(name) { Issue.record("row \(index + 1): no column \(name)") }
      for (column, cell) in zip(header, row) where !cellMatches(cell, want[column]) {
        Issue.record("row \(index + 1) \(column): got \(cell.debugDescription), expected \(want[column]?.description ?? "absent")")
      }
    }
    #expect(!header.contains("data"), "the exploded array itself must not be a column")
  }

  @Test("several events per envelope; empty, missing and null arrays give no rows and are counted")
  func emptyAndMissing() throws {
    let input = SSEPaths.fixture("explode.ndjson")
    var options = ConvertOptions()
    options.explode = "data"
    options.threads = 1
    let (bytes, report) = try Converter(options: options).convertToBytes([.file(input.path)])
    let records = try ndjsonLines(input).map { try JVReader.parse($0) }
    let expected = ExplodeTests.expectedRows(records)
    let rows = parseCSV(bytes)
    #expect(rows.count - 1 == expected.count)
    #expect(expected.count == 5)
    for (row, want) in zip(rows.dropFirst(), expected) {
      for (column, cell) in zip(rows[0], row) {
        #expect(cellMatches(cell, want[column]), "\(column): \(cell) vs \(want[column]?.description ?? "absent")")
      }
    }
    // Lines 3 ([]), 4 (no data) and 5 (null) are empty: counted and filtered.
    #expect(report.counters.explodedEmpty == 3)
    #expect(report.counters.recordsRead == 5)
    #expect(report.counters.recordsWritten == 2)
    #expect(report.counters.recordsFiltered == 3)
    #expect(report.counters.rowsWritten == 5)
    #expect(report.counters.isBalanced)

    // The same through the CLI summary.
    let run = try ndflat(["--explode", "data", input.path])
    #expect(run.status == 0)
    #expect(run.err.contains("5 records read = 2 written + 3 filtered + 0 rejected"), "\(run.err)")
  }

  @Test("a record whose data is an object, not an array, is not silently dropped")
  func notAnArray() throws {
    var options = ConvertOptions()
    options.explode = "data"
    options.threads = 1
    let input: [UInt8] = Array("{\"a\":1,\"data\":{\"x\":9}}\n".utf8)
    let (bytes, report) = try Converter(options: options).convertToBytes([.memory(name: "obj", bytes: input)])
    // Either a row (the object as the single element) or a rejection that names the
    // record; never an "empty array" filter that loses {"x":9} without a word.
    let rows = parseCSV(bytes)
    let produced = rows.count > 1
    let rejected = report.counters.recordsRejected == 1
    #expect(produced || rejected, "data {\"x\":9} vanished: counters \(report.counters)")
    #expect(report.counters.explodedEmpty == 0, "an object is not an empty or missing array")
  }
}

// MARK: - short names

@Suite("--short-names")
struct ShortNamesTests {
  @Test("prefixes dropped only where no two columns collide; colliding columns keep theirs")
  func collisionRule() throws {
    let input = SSEPaths.fixture("short-names.ndjson")
    let run = try ndflat(["--short-names", "-q", input.path])
    #expect(run.status == 0)
    let rows = parseCSV(run.out)
    #expect(rows.first == [
      "event_name", "metadata.user_id", "metadata.id", "metadata.body.x", "user_agent", "body.id", "body.user_id", "name",
      "body.x", "metadata", "x",
    ])
    #expect(rows.dropFirst().first == ["e", "1", "m", "mbx", "ua", "b", "2", "n", "bx", "plain", "top"])
    // With a top-level column of the same short name, both keep their prefix.
    #expect(Set(rows[0]).count == rows[0].count, "duplicate column names")

    // --fields: renamed columns are left alone, the rest follow the rule.
    let fields = try ndflat(["--short-names", "-q", "-f", "metadata.event_name,body.id,metadata.id,ID=metadata.user_id", input.path])
    #expect(parseCSV(fields.out).first == ["event_name", "body.id", "metadata.id", "ID"])
  }

  @Test("split files shorten per file; flattened NDJSON keys are shortened too")
  func otherFormats() throws {
    let input = SSEPaths.fixture("short-names.ndjson")
    let json = try ndflat(["--short-names", "--format", "json", "-q", input.path])
    #expect(json.status == 0)
    let first = try JVReader.parse(Array(json.out.split(separator: 0x0A).first ?? []))
    guard case .object(let members) = first else {
      Issue.record("not an object")
      return
    }
    #expect(members.map(\.0) == [
      "event_name", "metadata.user_id", "metadata.id", "metadata.body.x", "user_agent", "body.id", "body.user_id", "name",
      "body.x", "metadata", "x",
    ], "--short-names is ignored by --format json")
  }
}

// MARK: - schema file, _extra and mapper mode

@Suite("--schema FILE: _extra and mapper mode")
struct SchemaColumnsTests {
  /// The part of `record` whose leaves are not in `known`, pruned of emptied objects.
  fileprivate static func outside(_ record: JV, known: Set<String>, prefix: String? = nil) -> JV? {
    guard case .object(let members) = record else { return nil }
    var kept: [(String, JV)] = []
    for (key, value) in members {
      let name = prefix.map { $0 + "." + key } ?? key
      if case .object(let inner) = value, !inner.isEmpty {
        if let rest = outside(value, known: known, prefix: name) { kept.append((key, rest)) }
      } else if !known.contains(name) {
        kept.append((key, value))
      }
    }
    return kept.isEmpty ? nil : .object(kept)
  }

  @Test(
    "fields outside the schema go, as compact JSON, into _extra: nothing dropped",
    .enabled(if: SSEPaths.canvasAvailable || SSEPaths.isCI))
  func extraColumn() throws {
    guard let canvas = sseCorpus(SSEPaths.canvas) else { return }
    let temp = try SSETemp()
    let lines = try ndjsonLines(canvas)
    // A schema from the first 30 records only, so later types and fields are "outside".
    let head = try temp.write("head.ndjson", lines.prefix(30).map { String(decoding: $0, as: UTF8.self) }.joined(separator: "\n") + "\n")
    let schemaFile = temp.path("head.schema.json")
    let made = try ndflat(["schema", "--json", "-o", schemaFile.path, "-q", head.path])
    #expect(made.status == 0)
    let schema = try ExportSchema(jsonText: try Data(contentsOf: schemaFile), source: "head")
    let known = Set(schema.columns())

    let run = try ndflat(["--schema", schemaFile.path, "-q", canvas.path])
    #expect(run.status == 0, "\(run.err)")
    let rows = parseCSV(run.out)
    #expect(rows[0] == schema.columns() + ["_extra"])
    #expect(rows.count - 1 == lines.count)
    var extras = 0
    for (index, (row, line)) in zip(rows.dropFirst(), lines).enumerated() {
      let record = try JVReader.parse(line)
      let leaves = Dictionary(flatten(record), uniquingKeysWith: { _, b in b })
      for (column, cell) in zip(rows[0].dropLast(), row.dropLast()) where !cellMatches(cell, leaves[column]) {
        Issue.record("row \(index + 1) \(column): \(cell.debugDescription) vs \(leaves[column]?.description ?? "absent")")
      }
      let extraCell = row.last ?? ""
      let expected = SchemaColumnsTests.outside(record, known: known)
      if let expected {
        extras += 1
        // Compare as JSON values (JSONSerialization), and number literals as text.
        let actualObject = try? JSONSerialization.jsonObject(with: Data(extraCell.utf8)) as? NSDictionary
        let expectedObject = try JSONSerialization.jsonObject(with: Data(expected.description.utf8)) as? NSDictionary
        #expect(actualObject != nil && actualObject == expectedObject, "row \(index + 1) _extra: \(extraCell) vs \(expected)")
        for literal in expected.numberLiterals where !extraCell.contains(literal) {
          Issue.record("row \(index + 1) _extra lost the number literal \(literal)")
        }
        #expect(!extraCell.contains(": ") && !extraCell.contains("\n"), "_extra is not compact")
      } else {
        #expect(extraCell.isEmpty, "row \(index + 1): _extra should be empty, is \(extraCell)")
      }
    }
    #expect(extras > 0, "the test needs rows with fields outside the schema")
  }

  @Test(
    "mapper mode: 3 slices with --schema F --no-header under `ndflat header` equal one run",
    .enabled(if: SSEPaths.canvasAvailable || SSEPaths.isCI))
  func mapperMode() throws {
    guard let canvas = sseCorpus(SSEPaths.canvas) else { return }
    let temp = try SSETemp()
    let schemaFile = temp.path("canvas.schema.json")
    #expect(try ndflat(["schema", "--json", "-o", schemaFile.path, "-q", canvas.path]).status == 0)
    let lines = try ndjsonLines(canvas)
    let cuts = [0, 20, 51, lines.count]
    var combined = try ndflat(["header", "--schema", schemaFile.path]).out
    for part in 0..<3 {
      let slice = lines[cuts[part]..<cuts[part + 1]].map { String(decoding: $0, as: UTF8.self) }.joined(separator: "\n") + "\n"
      let file = try temp.write("part\(part).ndjson", slice)
      let run = try ndflat(["--schema", schemaFile.path, "--no-header", "-q", file.path])
      #expect(run.status == 0)
      combined += run.out
    }
    let whole = try ndflat(["--schema", schemaFile.path, "-q", canvas.path])
    #expect(whole.status == 0)
    #expect(combined == whole.out, "mapper output differs from one run")
    #expect(parseCSV(whole.out).count == lines.count + 1)

    // The same for TSV.
    var tsv = try ndflat(["header", "--schema", schemaFile.path, "--format", "tsv"]).out
    for part in 0..<3 {
      let run = try ndflat(["--schema", schemaFile.path, "--no-header", "--format", "tsv", "-q", temp.path("part\(part).ndjson").path])
      tsv += run.out
    }
    #expect(tsv == (try ndflat(["--schema", schemaFile.path, "--format", "tsv", "-q", canvas.path])).out)
  }
}
