// Conformance over the shared corpus (Canvas Live Events and IMS Caliper exports):
// every record and every column of the CSV, TSV and flattened-NDJSON output is
// checked against an independent decode of the same input line.
//
// The independent decode: Foundation `JSONSerialization` for strings, booleans,
// null and structure, and a small tokenizer in this file that keeps key order and
// each number's literal text (which JSONSerialization cannot give). The two are
// cross-checked against each other for every record before being used.

import Foundation
import Testing

@testable import NDFlat

// MARK: - Locating the corpus

private enum Corpus {
  static let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  static let directory = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus")
  static let files = ["canvas-live-events.ndjson", "caliper.ndjson"]
  static func url(_ name: String) -> URL { directory.appendingPathComponent(name) }
  static var available: Bool { files.allSatisfy { FileManager.default.isReadableFile(atPath: url($0).path) } }
  static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }
  /// Run when the corpus is there, or on CI (where a missing corpus is a failure).
  static var shouldRun: Bool { available || isCI }
}

// MARK: - An order- and literal-preserving JSON reader

/// A JSON value with object keys in document order and numbers as their literal text.
private indirect enum JValue: Equatable, CustomStringConvertible {
  case object([(String, JValue)])
  case array([JValue])
  case string(String)
  case number(String)
  case bool(Bool)
  case null

  static func == (a: JValue, b: JValue) -> Bool {
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

  var description: String {
    switch self {
    case .object(let members): return "{" + members.map { JValue.quote($0.0) + ":" + $0.1.description }.joined(separator: ",") + "}"
    case .array(let items): return "[" + items.map(\.description).joined(separator: ",") + "]"
    case .string(let s): return JValue.quote(s)
    case .number(let n): return n
    case .bool(let b): return b ? "true" : "false"
    case .null: return "null"
    }
  }

  /// A JSON string literal (the description is valid compact JSON).
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

  /// Number literals in document order.
  var numberLiterals: [String] {
    switch self {
    case .object(let members): return members.flatMap { $0.1.numberLiterals }
    case .array(let items): return items.flatMap(\.numberLiterals)
    case .number(let n): return [n]
    default: return []
    }
  }
}

private struct JReadError: Error, CustomStringConvertible {
  let description: String
}

/// A strict recursive-descent JSON reader over bytes.
private struct JReader {
  let bytes: [UInt8]
  var i = 0

  init(_ bytes: [UInt8]) { self.bytes = bytes }

  static func parse(_ bytes: [UInt8]) throws -> JValue {
    var reader = JReader(bytes)
    reader.skipWhitespace()
    let value = try reader.value()
    reader.skipWhitespace()
    guard reader.i == bytes.count else { throw JReadError(description: "trailing bytes at \(reader.i)") }
    return value
  }

  static func parse(_ text: String) throws -> JValue { try parse(Array(text.utf8)) }

  mutating func skipWhitespace() {
    while i < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 }
  }

  mutating func expect(_ byte: UInt8) throws {
    guard i < bytes.count, bytes[i] == byte else {
      throw JReadError(description: "expected '\(Character(UnicodeScalar(byte)))' at \(i)")
    }
    i += 1
  }

  mutating func value() throws -> JValue {
    guard i < bytes.count else { throw JReadError(description: "unexpected end") }
    switch bytes[i] {
    case UInt8(ascii: "{"):
      i += 1
      var members: [(String, JValue)] = []
      skipWhitespace()
      if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
        i += 1
        return .object(members)
      }
      while true {
        skipWhitespace()
        let key = try string()
        skipWhitespace()
        try expect(UInt8(ascii: ":"))
        skipWhitespace()
        members.append((key, try value()))
        skipWhitespace()
        guard i < bytes.count else { throw JReadError(description: "unterminated object") }
        if bytes[i] == UInt8(ascii: ",") {
          i += 1
          continue
        }
        try expect(UInt8(ascii: "}"))
        return .object(members)
      }
    case UInt8(ascii: "["):
      i += 1
      var items: [JValue] = []
      skipWhitespace()
      if i < bytes.count, bytes[i] == UInt8(ascii: "]") {
        i += 1
        return .array(items)
      }
      while true {
        skipWhitespace()
        items.append(try value())
        skipWhitespace()
        guard i < bytes.count else { throw JReadError(description: "unterminated array") }
        if bytes[i] == UInt8(ascii: ",") {
          i += 1
          continue
        }
        try expect(UInt8(ascii: "]"))
        return .array(items)
      }
    case UInt8(ascii: "\""):
      return .string(try string())
    case UInt8(ascii: "t"):
      try literal("true")
      return .bool(true)
    case UInt8(ascii: "f"):
      try literal("false")
      return .bool(false)
    case UInt8(ascii: "n"):
      try literal("null")
      return .null
    default:
      return .number(try number())
    }
  }

  mutating func literal(_ word: String) throws {
    for byte in word.utf8 { try expect(byte) }
  }

  /// A number per RFC 8259's grammar; returns its exact text.
  mutating func number() throws -> String {
    let start = i
    func digits() -> Int {
      let from = i
      while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 { i += 1 }
      return i - from
    }
    if i < bytes.count, bytes[i] == UInt8(ascii: "-") { i += 1 }
    guard i < bytes.count else { throw JReadError(description: "bad number at \(start)") }
    if bytes[i] == UInt8(ascii: "0") {
      i += 1
    } else if digits() == 0 {
      throw JReadError(description: "bad number at \(start)")
    }
    if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
      i += 1
      guard digits() > 0 else { throw JReadError(description: "bad fraction at \(start)") }
    }
    if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
      i += 1
      if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
      guard digits() > 0 else { throw JReadError(description: "bad exponent at \(start)") }
    }
    return String(decoding: bytes[start..<i], as: UTF8.self)
  }

  mutating func hex4() throws -> UInt32 {
    guard i + 4 <= bytes.count, let value = UInt32(String(decoding: bytes[i..<(i + 4)], as: UTF8.self), radix: 16)
    else { throw JReadError(description: "bad \\u escape at \(i)") }
    i += 4
    return value
  }

  mutating func string() throws -> String {
    try expect(UInt8(ascii: "\""))
    var out: [UInt8] = []
    while true {
      guard i < bytes.count else { throw JReadError(description: "unterminated string") }
      let byte = bytes[i]
      i += 1
      if byte == UInt8(ascii: "\"") { break }
      if byte < 0x20 { throw JReadError(description: "raw control character in string at \(i - 1)") }
      if byte != UInt8(ascii: "\\") {
        out.append(byte)
        continue
      }
      guard i < bytes.count else { throw JReadError(description: "unterminated escape") }
      let kind = bytes[i]
      i += 1
      switch kind {
      case UInt8(ascii: "\""): out.append(0x22)
      case UInt8(ascii: "\\"): out.append(0x5C)
      case UInt8(ascii: "/"): out.append(0x2F)
      case UInt8(ascii: "b"): out.append(0x08)
      case UInt8(ascii: "f"): out.append(0x0C)
      case UInt8(ascii: "n"): out.append(0x0A)
      case UInt8(ascii: "r"): out.append(0x0D)
      case UInt8(ascii: "t"): out.append(0x09)
      case UInt8(ascii: "u"):
        var scalar = try hex4()
        if (0xD800..<0xDC00).contains(scalar), i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"),
          bytes[i + 1] == UInt8(ascii: "u")
        {
          let save = i
          i += 2
          let low = try hex4()
          if (0xDC00..<0xE000).contains(low) {
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
          } else {
            i = save
          }
        }
        let unicode = UnicodeScalar(scalar) ?? "\u{FFFD}"
        out.append(contentsOf: Array(String(Character(unicode)).utf8))
      default:
        throw JReadError(description: "bad escape at \(i - 1)")
      }
    }
    guard let text = String(validating: out, as: UTF8.self) else {
      throw JReadError(description: "invalid UTF-8 in string")
    }
    return text
  }
}

// MARK: - Cross-check against JSONSerialization

/// Does the order-preserving reading agree with Foundation's? Returns the first disagreement.
private func disagreement(_ mine: JValue, _ foundation: Any, at path: String = "$") -> String? {
  switch mine {
  case .object(let members):
    guard let dictionary = foundation as? [String: Any] else { return "\(path): not an object in JSONSerialization" }
    let keys = members.map(\.0)
    guard Set(keys).count == keys.count else { return "\(path): duplicate keys (not expected in the corpus)" }
    guard Set(keys) == Set(dictionary.keys) else { return "\(path): key sets differ" }
    for (key, value) in members {
      if let problem = disagreement(value, dictionary[key]!, at: path + "." + key) { return problem }
    }
    return nil
  case .array(let items):
    guard let array = foundation as? [Any], array.count == items.count else { return "\(path): array differs" }
    for (index, (item, other)) in zip(items, array).enumerated() {
      if let problem = disagreement(item, other, at: path + "[\(index)]") { return problem }
    }
    return nil
  case .string(let text):
    return (foundation as? String) == text ? nil : "\(path): string differs"
  case .bool(let flag):
    guard let number = foundation as? NSNumber else { return "\(path): not a boolean" }
    return number.boolValue == flag ? nil : "\(path): boolean differs"
  case .null:
    return foundation is NSNull ? nil : "\(path): not null"
  case .number(let literal):
    guard foundation is NSNumber, let number = foundation as? NSNumber else { return "\(path): not a number" }
    guard let expected = Double(literal) else { return "\(path): literal \(literal) does not read as a number" }
    let actual = number.doubleValue
    let tolerance = max(1e-9, abs(expected) * 1e-12)
    return abs(actual - expected) <= tolerance || (expected.isInfinite && actual.isInfinite)
      ? nil : "\(path): number \(literal) read as \(actual)"
  }
}

/// Structural equality of two JSONSerialization trees.
private func foundationEqual(_ a: Any, _ b: Any) -> Bool {
  switch (a, b) {
  case (let x as [String: Any], let y as [String: Any]):
    return x.count == y.count && x.allSatisfy { key, value in y[key].map { foundationEqual(value, $0) } ?? false }
  case (let x as [Any], let y as [Any]):
    return x.count == y.count && zip(x, y).allSatisfy { foundationEqual($0, $1) }
  case (let x as String, let y as String): return x == y
  case (is NSNull, is NSNull): return true
  case (let x as NSNumber, let y as NSNumber): return x == y
  default: return false
  }
}

private func foundationParse(_ text: String) throws -> Any {
  try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
}

// MARK: - The flatten contract, independently

/// One expected cell: a path and its flattened value.
private struct ExpectedCell {
  let path: String
  let value: JValue
}

/// Flattens a record per SPEC §2: objects recurse with ".", `{}` stays `{}`;
/// arrays are leaves (`--arrays json`) or recurse by index with `[]` kept (`--arrays index`).
private func flatten(_ record: JValue, indexArrays: Bool = false) -> [ExpectedCell] {
  var cells: [ExpectedCell] = []
  func join(_ path: String?, _ key: String) -> String { path.map { $0 + "." + key } ?? key }
  func walk(_ value: JValue, _ path: String?) {
    switch value {
    case .object(let members) where !members.isEmpty || path == nil:
      for (key, child) in members { walk(child, join(path, key)) }
    case .array(let items) where indexArrays && !items.isEmpty:
      for (index, child) in items.enumerated() { walk(child, join(path, String(index))) }
    default:
      if let path { cells.append(ExpectedCell(path: path, value: value)) }
    }
  }
  walk(record, nil)
  return cells
}

/// The first-seen union of paths over `records`.
private func unionOfPaths(_ records: [[ExpectedCell]]) -> [String] {
  var columns: [String] = []
  var seen: Set<String> = []
  for cells in records {
    for cell in cells where seen.insert(cell.path).inserted { columns.append(cell.path) }
  }
  return columns
}

/// The CSV/TSV text of a scalar leaf; `nil` for `{}`, `[]` and arrays (compared structurally).
private func cellText(_ value: JValue) -> String? {
  switch value {
  case .string(let s): return s
  case .number(let n): return n
  case .bool(let b): return b ? "true" : "false"
  case .null: return ""
  case .object, .array: return nil
  }
}

// MARK: - Output readers

/// RFC 4180: fields separated by `,`, records by LF (CRLF accepted), `"` quoting with `""`.
private func parseCSV(_ text: String) throws -> [[String]] {
  let bytes = Array(text.utf8)
  var rows: [[String]] = []
  var row: [String] = []
  var field: [UInt8] = []
  var i = 0
  var fieldStarted = false
  func endField() {
    row.append(String(decoding: field, as: UTF8.self))
    field = []
    fieldStarted = false
  }
  while i < bytes.count {
    let byte = bytes[i]
    if byte == UInt8(ascii: "\"") && !fieldStarted && field.isEmpty {
      i += 1
      while true {
        guard i < bytes.count else { throw JReadError(description: "unterminated quoted CSV field") }
        if bytes[i] == UInt8(ascii: "\"") {
          if i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "\"") {
            field.append(UInt8(ascii: "\""))
            i += 2
            continue
          }
          i += 1
          break
        }
        field.append(bytes[i])
        i += 1
      }
      fieldStarted = true
      guard i == bytes.count || bytes[i] == UInt8(ascii: ",") || bytes[i] == 0x0A || bytes[i] == 0x0D else {
        throw JReadError(description: "text after a closing quote at byte \(i)")
      }
      continue
    }
    if byte == UInt8(ascii: ",") {
      endField()
      i += 1
      continue
    }
    if byte == 0x0A || (byte == 0x0D && i + 1 < bytes.count && bytes[i + 1] == 0x0A) {
      endField()
      rows.append(row)
      row = []
      i += byte == 0x0D ? 2 : 1
      continue
    }
    guard byte != UInt8(ascii: "\"") && byte != 0x0D && byte != 0x0A else {
      throw JReadError(description: "unquoted special byte at \(i)")
    }
    field.append(byte)
    fieldStarted = true
    i += 1
  }
  if fieldStarted || !row.isEmpty {
    endField()
    rows.append(row)
  }
  return rows
}

/// TSV: fields split on tab, lines on LF, `\t` `\n` `\r` `\\` unescaped.
private func parseTSV(_ text: String) throws -> [[String]] {
  var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
  if lines.last == "" { lines.removeLast() }
  return try lines.map { line in
    try line.split(separator: "\t", omittingEmptySubsequences: false).map { raw in
      var out = ""
      var escaped = false
      for character in raw {
        if escaped {
          switch character {
          case "t": out.append("\t")
          case "n": out.append("\n")
          case "r": out.append("\r")
          case "\\": out.append("\\")
          default: throw JReadError(description: "unknown TSV escape \\\(character)")
          }
          escaped = false
        } else if character == "\\" {
          escaped = true
        } else {
          out.append(character)
        }
      }
      if escaped { throw JReadError(description: "dangling backslash in TSV") }
      return out
    }
  }
}

// MARK: - Loading a corpus file

private struct LoadedRecord {
  let line: Int
  let text: String
  let value: JValue
  let foundation: Any
  let cells: [ExpectedCell]
}

private struct LoadedCorpus {
  let name: String
  let bytes: [UInt8]
  let records: [LoadedRecord]
  /// Union of flattened paths in first-seen order.
  let columns: [String]
}

private func load(_ name: String) throws -> LoadedCorpus {
  let data = try Data(contentsOf: Corpus.url(name))
  let bytes = Array(data)
  var text = String(decoding: bytes, as: UTF8.self)
  if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
  var records: [LoadedRecord] = []
  var columns: [String] = []
  var seen: Set<String> = []
  for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
    var line = String(rawLine)
    if line.hasSuffix("\r") { line.removeLast() }
    if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
    let value = try JReader.parse(line)
    let foundation = try foundationParse(line)
    if let problem = disagreement(value, foundation) {
      Issue.record("\(name):\(index + 1): the test's reader and JSONSerialization disagree: \(problem)")
    }
    let cells = flatten(value)
    for cell in cells where !seen.contains(cell.path) {
      seen.insert(cell.path)
      columns.append(cell.path)
    }
    records.append(LoadedRecord(line: index + 1, text: line, value: value, foundation: foundation, cells: cells))
  }
  return LoadedCorpus(name: name, bytes: bytes, records: records, columns: columns)
}

/// Compares one output cell (text from CSV/TSV) with the expected value; returns a problem.
private func checkTextCell(_ cell: String, expected: JValue?) -> String? {
  guard let expected else { return cell.isEmpty ? nil : "expected an empty cell (absent), got \(cell.debugDescription)" }
  if let text = cellText(expected) {
    return cell == text ? nil : "expected \(text.debugDescription), got \(cell.debugDescription)"
  }
  // An array or {}: compact JSON text.
  guard let parsed = try? JReader.parse(cell) else { return "cell is not JSON: \(cell.debugDescription)" }
  guard let cellFoundation = try? foundationParse(cell), let expectedFoundation = try? foundationParse(expected.description)
  else { return "JSONSerialization cannot read \(cell.debugDescription)" }
  if !foundationEqual(cellFoundation, expectedFoundation) { return "JSON differs: expected \(expected), got \(cell)" }
  if parsed != expected { return "JSON order or literal text differs: expected \(expected), got \(cell)" }
  if parsed.numberLiterals != expected.numberLiterals {
    return "number literals differ: expected \(expected.numberLiterals), got \(parsed.numberLiterals)"
  }
  if !isCompact(cell) { return "JSON is not compact: \(cell)" }
  return nil
}

/// No whitespace outside strings.
private func isCompact(_ json: String) -> Bool {
  var inString = false
  var escaped = false
  for byte in json.utf8 {
    if inString {
      if escaped {
        escaped = false
      } else if byte == UInt8(ascii: "\\") {
        escaped = true
      } else if byte == UInt8(ascii: "\"") {
        inString = false
      }
    } else if byte == UInt8(ascii: "\"") {
      inString = true
    } else if [0x20, 0x09, 0x0A, 0x0D].contains(byte) {
      return false
    }
  }
  return true
}

private func convertCorpus(
  _ corpus: LoadedCorpus, _ configure: (inout ConvertOptions) -> Void
) throws -> (output: String, report: RunReport) {
  var options = ConvertOptions()
  configure(&options)
  let converter = try Converter(options: options)
  var rejected: [Rejection] = []
  converter.onRejection = { rejected.append($0) }
  let (bytes, report) = try converter.convertToBytes([.memory(name: corpus.name, bytes: corpus.bytes)])
  #expect(rejected.isEmpty, "\(corpus.name): rejected \(rejected.map(\.message))")
  return (String(decoding: bytes, as: UTF8.self), report)
}

private func checkCounters(_ report: RunReport, _ corpus: LoadedCorpus, expected: Int) {
  let c = report.counters
  #expect(corpus.records.count == expected, "\(corpus.name): the test read \(corpus.records.count) records")
  #expect(c.recordsRead == expected, "\(corpus.name): recordsRead")
  #expect(c.recordsWritten == expected, "\(corpus.name): recordsWritten")
  #expect(c.recordsFiltered == 0, "\(corpus.name): recordsFiltered")
  #expect(c.recordsRejected == 0, "\(corpus.name): recordsRejected")
  #expect(c.rowsWritten == expected, "\(corpus.name): rowsWritten")
  #expect(c.recordsRead == c.recordsWritten + c.recordsFiltered + c.recordsRejected)
  #expect(c.isBalanced)
}

// MARK: - Tests

@Suite("Conformance over the shared corpus")
struct ConformanceTests {
  static let cases: [(file: String, records: Int)] = [("canvas-live-events.ndjson", 79), ("caliper.ndjson", 47)]

  /// Loads a corpus file, or records why not (a failure on CI, a note elsewhere).
  fileprivate static func loadOrReport(_ name: String) throws -> LoadedCorpus? {
    guard Corpus.available else {
      Issue.record("corpus missing at \(Corpus.directory.path) and CI=true: conformance cannot be checked")
      return nil
    }
    return try load(name)
  }

  @Test(
    "CSV: every record, every column equals the independent decode",
    .enabled(if: Corpus.shouldRun, "corpus not found at ../shared/corpus (set CI=true to make this a failure)"),
    arguments: [0, 1], [ArrayMode.json, .index])
  func csv(_ which: Int, _ arrays: ArrayMode) throws {
    let (file, count) = Self.cases[which]
    guard let corpus = try Self.loadOrReport(file) else { return }
    let (output, report) = try convertCorpus(corpus) {
      $0.format = .csv
      $0.arrays = arrays
    }
    checkCounters(report, corpus, expected: count)
    let recordCells = corpus.records.map { arrays == .index ? flatten($0.value, indexArrays: true) : $0.cells }
    let columns = unionOfPaths(recordCells)
    #expect(report.columns == columns, "\(file): columns are not the first-seen union")

    let rows = try parseCSV(output)
    try #require(rows.count == count + 1, "\(file): \(rows.count) CSV rows for \(count) records")
    #expect(rows[0] == columns, "\(file): CSV header")
    var problems: [String] = []
    for ((record, cells), row) in zip(zip(corpus.records, recordCells), rows.dropFirst()) {
      guard row.count == columns.count else {
        problems.append("line \(record.line): \(row.count) cells for \(columns.count) columns")
        continue
      }
      let byPath = Dictionary(cells.map { ($0.path, $0.value) }, uniquingKeysWith: { _, last in last })
      for (column, cell) in zip(columns, row) {
        if let problem = checkTextCell(cell, expected: byPath[column]) {
          problems.append("line \(record.line), column \(column): \(problem)")
        }
      }
    }
    #expect(problems.isEmpty, "\(file): \(problems.count) wrong cells, first: \(problems.prefix(8))")
  }

  @Test(
    "TSV: every record, every column equals the independent decode",
    .enabled(if: Corpus.shouldRun, "corpus not found at ../shared/corpus (set CI=true to make this a failure)"),
    arguments: [0, 1])
  func tsv(_ which: Int) throws {
    let (file, count) = Self.cases[which]
    guard let corpus = try Self.loadOrReport(file) else { return }
    let (output, report) = try convertCorpus(corpus) { $0.format = .tsv }
    checkCounters(report, corpus, expected: count)
    let rows = try parseTSV(output)
    try #require(rows.count == count + 1)
    #expect(rows[0] == corpus.columns)
    var problems: [String] = []
    for (record, row) in zip(corpus.records, rows.dropFirst()) {
      guard row.count == corpus.columns.count else {
        problems.append("line \(record.line): \(row.count) cells")
        continue
      }
      let byPath = Dictionary(record.cells.map { ($0.path, $0.value) }, uniquingKeysWith: { _, last in last })
      for (column, cell) in zip(corpus.columns, row) {
        if let problem = checkTextCell(cell, expected: byPath[column]) {
          problems.append("line \(record.line), column \(column): \(problem)")
        }
      }
    }
    #expect(problems.isEmpty, "\(file): \(problems.count) wrong cells, first: \(problems.prefix(8))")
  }

  @Test(
    "flattened NDJSON: every record's keys, order and values equal the independent decode",
    .enabled(if: Corpus.shouldRun, "corpus not found at ../shared/corpus (set CI=true to make this a failure)"),
    arguments: [0, 1], [ArrayMode.json, .index])
  func json(_ which: Int, _ arrays: ArrayMode) throws {
    let (file, count) = Self.cases[which]
    guard let corpus = try Self.loadOrReport(file) else { return }
    let (output, report) = try convertCorpus(corpus) {
      $0.format = .json
      $0.arrays = arrays
    }
    checkCounters(report, corpus, expected: count)
    var lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    #expect(lines.last == "", "\(file): output must end with a newline")
    if lines.last == "" { lines.removeLast() }
    try #require(lines.count == count, "\(file): \(lines.count) output lines for \(count) records")
    var problems: [String] = []
    for (record, line) in zip(corpus.records, lines) {
      let cells = arrays == .index ? flatten(record.value, indexArrays: true) : record.cells
      // Foundation: a flat object with exactly the expected keys and equal values.
      guard let flat = try? foundationParse(line) as? [String: Any] else {
        problems.append("line \(record.line): output is not a JSON object: \(line.prefix(120))")
        continue
      }
      guard case .object(let members)? = try? JReader.parse(line) else {
        problems.append("line \(record.line): the test's reader cannot read the output")
        continue
      }
      if !isCompact(line) { problems.append("line \(record.line): output is not compact") }
      let expectedKeys = cells.map(\.path)
      if members.map(\.0) != expectedKeys {
        problems.append("line \(record.line): keys \(members.map(\.0)) != \(expectedKeys)")
        continue
      }
      for ((key, got), cell) in zip(members, cells) {
        // Literal text (numbers), order and types, from the test's reader…
        if got != cell.value {
          problems.append("line \(record.line), key \(key): expected \(cell.value), got \(got)")
          continue
        }
        if got.numberLiterals != cell.value.numberLiterals {
          problems.append("line \(record.line), key \(key): number literals differ")
        }
        // …and values and structure from JSONSerialization, on both sides.
        guard let gotFoundation = flat[key], let expectedFoundation = try? foundationParse(cell.value.description)
        else {
          problems.append("line \(record.line), key \(key): missing in JSONSerialization's reading")
          continue
        }
        if !foundationEqual(gotFoundation, expectedFoundation) {
          problems.append("line \(record.line), key \(key): JSONSerialization values differ")
        }
      }
    }
    #expect(problems.isEmpty, "\(file): \(problems.count) problems, first: \(problems.prefix(8))")
  }

  @Test(
    "the same output with 4 threads and small chunks",
    .enabled(if: Corpus.shouldRun, "corpus not found at ../shared/corpus (set CI=true to make this a failure)"),
    arguments: [0, 1])
  func parallel(_ which: Int) throws {
    let (file, _) = Self.cases[which]
    guard let corpus = try Self.loadOrReport(file) else { return }
    for format in [OutputFormat.csv, .json] {
      let single = try convertCorpus(corpus) { $0.format = format }
      let parallel = try convertCorpus(corpus) {
        $0.format = format
        $0.threads = 4
        $0.chunkSize = 1024
      }
      #expect(parallel.output == single.output, "\(file) \(format): -j 4 differs from -j 1")
      #expect(parallel.report.counters == single.report.counters)
      #expect(parallel.report.columns == single.report.columns)
    }
  }

  @Test("the test's own readers work (so a pass means something)")
  func selfCheck() throws {
    let value = try JReader.parse(#"{"b":[1.10,-0,{"x":1e400}],"a":"\u00e9\ud83d\ude00\/","n":null,"t":true,"e":{}}"#)
    #expect(value.numberLiterals == ["1.10", "-0", "1e400"])
    guard case .object(let members) = value else {
      Issue.record("not an object")
      return
    }
    #expect(members.map(\.0) == ["b", "a", "n", "t", "e"])
    #expect(members[1].1 == .string("é😀/"))
    #expect(flatten(value).map(\.path) == ["b", "a", "n", "t", "e"])
    #expect(flatten(try JReader.parse(#"{"a":{"b":{"c":1},"d":{}}}"#)).map(\.path) == ["a.b.c", "a.d"])
    #expect(
      flatten(try JReader.parse(#"{"a":[1,{"b":[]},[2]],"c":[]}"#), indexArrays: true).map(\.path)
        == ["a.0", "a.1.b", "a.2.0", "c"])
    #expect(JValue.string("q\"\\\u{1}é").description == #""q\"\\\u0001é""#)
    #expect(try parseCSV("a,b\n\"x,\"\"y\"\"\n\",\n") == [["a", "b"], ["x,\"y\"\n", ""]])
    #expect(try parseTSV("a\tb\nx\\ty\t\\\\\n") == [["a", "b"], ["x\ty", "\\"]])
    #expect(checkTextCell("[1.10]", expected: .array([.number("1.1")])) != nil)
    #expect(checkTextCell("[1.10]", expected: .array([.number("1.10")])) == nil)
    #expect(checkTextCell("[1.10, 2]", expected: .array([.number("1.10"), .number("2")])) != nil)
    #expect(checkTextCell("", expected: nil) == nil)
    #expect(checkTextCell("", expected: .null) == nil)
    #expect(checkTextCell("x", expected: nil) != nil)
    #expect(disagreement(.number("4.0"), try foundationParse("4.0")) == nil)
    #expect(disagreement(.string("x"), try foundationParse("\"y\"")) != nil)
  }
}
