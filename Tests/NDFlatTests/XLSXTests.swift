// Tests for `--format xlsx` (issue 8): workbooks written through libxlsxwriter are
// read back with an independent reader, openpyxl (Fixtures/xlsx/read_workbook.py),
// and checked cell by cell: types and values, no formula anywhere, bold frozen
// header, autofilter, widths, the row-limit rollover, date cells, truncation,
// and that a failed run leaves nothing under the final name.
//
// openpyxl missing: the reader tests fail on CI (CI=true) and are skipped elsewhere
// (`pip install openpyxl`). Pure-Swift tests (sheet names, number rule, text
// preparation) always run.

import Foundation
import Testing

@testable import NDFlat

// MARK: - The independent reader

private enum XLSXReader {
  static let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures/xlsx")
  static let script = fixtures.appendingPathComponent("read_workbook.py").path
  static let corpus = packageRoot.deletingLastPathComponent()
    .appendingPathComponent("shared/corpus/canvas-live-events.ndjson").path

  static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

  static let available: Bool = {
    (try? run(["python3", "-c", "import openpyxl"]))?.status == 0
  }()

  /// Run where openpyxl is installed, and always on CI (where its absence fails).
  static var shouldRun: Bool { available || isCI }

  static func run(_ arguments: [String]) throws -> (status: Int32, output: Data, error: Data) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    final class Box: @unchecked Sendable { var data = Data() }
    let error = Box()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async {
      error.data = err.fileHandleForReading.readDataToEndOfFile()
      group.leave()
    }
    let output = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return (process.terminationStatus, output, error.data)
  }

  /// The workbook at `path` as openpyxl sees it.
  static func read(_ path: String) throws -> Workbook {
    guard available else {
      throw NDFlatError(.usage, "openpyxl is not installed (pip install openpyxl): CI=true needs it")
    }
    let result = try run(["python3", script, path])
    guard result.status == 0 else {
      throw NDFlatError(.input, "read_workbook.py failed: " + String(decoding: result.error, as: UTF8.self))
    }
    let object = try JSONSerialization.jsonObject(with: result.output) as! [String: Any]
    let sheets = (object["sheets"] as! [[String: Any]]).map(Sheet.init)
    return Workbook(sheets: sheets, formulaTags: object["formula_tags"] as! Int)
  }
}

private struct Workbook {
  var sheets: [Sheet]
  var formulaTags: Int
}

private struct Sheet {
  var name: String
  var freeze: String?
  var filter: String?
  var widths: [String: Double]
  var rows: [[XCell?]]

  init(_ json: [String: Any]) {
    name = json["name"] as! String
    freeze = json["freeze"] as? String
    filter = json["filter"] as? String
    widths = (json["widths"] as? [String: Any] ?? [:]).mapValues { ($0 as! NSNumber).doubleValue }
    rows = (json["rows"] as! [[Any]]).map { row in row.map { ($0 as? [String: Any]).map(XCell.init) } }
  }

  /// The cell at (row, column), 0-based; nil when empty or outside the used range.
  func cell(_ row: Int, _ column: Int) -> XCell? {
    guard row < rows.count, column < rows[row].count else { return nil }
    return rows[row][column]
  }
}

/// One non-empty cell: openpyxl's data type (`s`, `n`, `b`, `d`, `f`…) and value.
private struct XCell: CustomStringConvertible {
  var type: String
  var text: String?
  var bool: Bool?
  /// `repr(float)` and `%.15g` of a number.
  var repr: String?
  var g15: String?
  var format: String
  var bold: Bool

  init(_ json: [String: Any]) {
    type = json["t"] as! String
    format = json["fmt"] as? String ?? ""
    bold = json["bold"] as? Bool ?? false
    let value = json["v"]
    if let number = value as? [String: Any] {
      repr = number["repr"] as? String
      g15 = number["g15"] as? String
    } else if let string = value as? String {
      text = string
    } else if let flag = value as? NSNumber {
      bool = flag.boolValue
    }
  }

  var description: String {
    "\(type):\(text ?? repr ?? bool.map { "\($0)" } ?? "?")"
  }
}

// MARK: - Expectations

/// What a spreadsheet shows for a JSON value (the contract of issue 8).
private enum Expected: Equatable, CustomStringConvertible {
  case empty
  case text(String)
  case number(Double)
  case boolean(Bool)
  case date(String)

  var description: String {
    switch self {
    case .empty: return "empty"
    case .text(let s): return "text(\(s.debugDescription))"
    case .number(let d): return "number(\(d))"
    case .boolean(let b): return "boolean(\(b))"
    case .date(let s): return "date(\(s))"
    }
  }
}

/// Checks one cell against its expectation; returns a failure message or nil.
private func mismatch(_ cell: XCell?, _ expected: Expected) -> String? {
  if let cell, cell.type == "f" { return "formula cell \(cell)" }
  switch expected {
  case .empty:
    return cell == nil ? nil : "expected empty, got \(cell!)"
  case .text(let s):
    guard let cell, cell.type == "s", cell.text == s else { return "expected \(expected), got \(cell.map(\.description) ?? "empty")" }
  case .number(let d):
    // A spreadsheet keeps 15 significant digits: compare at that precision.
    guard let cell, cell.type == "n", cell.g15 == String(format: "%.15g", d) else {
      return "expected \(expected), got \(cell.map(\.description) ?? "empty")"
    }
  case .boolean(let b):
    guard let cell, cell.type == "b", cell.bool == b else { return "expected \(expected), got \(cell.map(\.description) ?? "empty")" }
  case .date(let iso):
    guard let cell, cell.type == "d", cell.text == iso, cell.format == XLSXSink.dateFormatCode else {
      return "expected \(expected), got \(cell.map { "\($0) fmt=\($0.format)" } ?? "empty")"
    }
  }
  return nil
}

/// Significant digits of a JSON number literal's value, counted on its text
/// (independently of NumberCells): digits without leading zeros, and without
/// trailing zeros of the digit string.
private func significantDigits(_ literal: String) -> Int {
  var mantissa = literal.hasPrefix("-") ? String(literal.dropFirst()) : literal
  if let e = mantissa.firstIndex(where: { $0 == "e" || $0 == "E" }) { mantissa = String(mantissa[..<e]) }
  var digits = mantissa.filter(\.isNumber)
  while digits.hasPrefix("0") { digits.removeFirst() }
  while digits.hasSuffix("0") { digits.removeLast() }
  return digits.count
}

/// The expectation for a number literal: a number when its value has at most 15
/// significant digits and is a normal double (or zero), else its text.
private func expectedNumber(_ literal: String) -> Expected {
  guard let value = Double(literal) else { return .text(literal) }
  if significantDigits(literal) == 0 { return .number(0) }
  if significantDigits(literal) <= 15 && value.isFinite && abs(value) >= Double.leastNormalMagnitude {
    return .number(value)
  }
  return .text(literal)
}

/// Text as openpyxl reports it: it does not decode Excel's `_xHHHH_` escapes,
/// which libxlsxwriter uses for control characters and ndflat for NUL and for a
/// literal `_xHHHH_` (whose `_` becomes `_x005F_`).
private func openpyxlView(_ text: String) -> String {
  var out = ""
  let scalars = Array(text.unicodeScalars)
  var i = 0
  while i < scalars.count {
    let s = scalars[i]
    if s.value < 0x20 && s != "\t" && s != "\n" {
      out += String(format: "_x%04X_", s.value)
    } else if s == "_" && i + 6 < scalars.count && scalars[i + 1] == "x" && scalars[i + 6] == "_"
      && scalars[(i + 2)...(i + 5)].allSatisfy({ $0.properties.isASCIIHexDigit })
    {
      out += "_x005F_"
    } else {
      out.unicodeScalars.append(s)
    }
    i += 1
  }
  return out
}

private func expected(_ value: FlatValue?) -> Expected {
  guard let value else { return .empty }
  switch value.kind {
  case .null: return .empty
  case .boolean: return .boolean(value.text == "true")
  case .number: return expectedNumber(value.text)
  case .string: return value.text.isEmpty ? .empty : .text(openpyxlView(value.text))
  case .json: return .text(value.text)
  }
}

/// With --utc: a string that is a complete timestamp with an offset, on or after
/// 1900-03-01, is a date cell; openpyxl shows it in UTC rounded to milliseconds.
private func expectedDate(_ value: FlatValue?) -> Expected? {
  guard let value, value.kind == .string, let stamp = Timestamp.parse(value.text) else { return nil }
  let ms = stamp.epochSeconds * 1000 + (Int64(stamp.nanoseconds) + 500_000) / 1_000_000
  let seconds = ms >= 0 ? ms / 1000 : (ms - 999) / 1000
  guard seconds >= -2_203_891_200,  // 1900-03-01T00:00:00Z
    let rounded = Timestamp(epochSeconds: seconds, nanoseconds: Int32(ms - seconds * 1000) * 1_000_000, fractionDigits: 3)
  else { return nil }
  return .date(rounded.formatted(.excel).replacingOccurrences(of: " ", with: "T"))
}

// MARK: - Helpers

private func scratchDirectory() throws -> String {
  let base = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
  var template = Array((base + "/ndflat-xlsx-test-XXXXXX").utf8CString)
  guard let made = mkdtemp(&template) else { throw NDFlatError(.output, "mkdtemp failed") }
  return String(cString: made)
}

private func listDirectory(_ path: String) -> [String] {
  (try? FileManager.default.contentsOfDirectory(atPath: path))?.sorted() ?? []
}

private func xlsxOptions(fields: String? = nil, threads: Int = 1) -> ConvertOptions {
  var o = ConvertOptions()
  o.format = .xlsx
  o.threads = threads
  if let fields { o.fields = FieldSpec.parseList(fields) }
  return o
}

/// Rows in ``XLSXCellEncoding``, as workers produce them.
private enum CellSpec {
  case empty, string(String), number(String), bool(Bool), json(String)
}

private func encode(_ rows: [[CellSpec]]) -> [UInt8] {
  var out: [UInt8] = []
  for row in rows {
    out.append(XLSXCellEncoding.rowMarker)
    for cell in row {
      let kind: XLSXCellEncoding.Kind
      var text: [UInt8] = []
      switch cell {
      case .empty: kind = .empty
      case .string(let s): kind = .string; text = Array(s.utf8)
      case .number(let s): kind = .number; text = Array(s.utf8)
      case .bool(let b): kind = b ? .trueValue : .falseValue
      case .json(let s): kind = .json; text = Array(s.utf8)
      }
      out.append(kind.rawValue)
      if kind.hasText {
        withUnsafeBytes(of: UInt32(text.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(contentsOf: text)
      }
    }
  }
  return out
}

private func names(_ list: [String]) -> [[UInt8]] { list.map { Array($0.utf8) } }

// MARK: - Converter end to end, read back with openpyxl

@Suite("XLSX workbooks read back with openpyxl", .enabled(if: XLSXReader.shouldRun, "openpyxl not installed (pip install openpyxl)"))
struct XLSXReadBackTests {
  /// Every cell of the shared corpus, all columns, against the engine's own
  /// flattening (Converter.forEachRow) and the typing rules of issue 8.
  @Test(arguments: zip([1, 2, 2], [false, false, true]))
  func corpusCellByCell(threads: Int, utc: Bool) throws {
    try #require(FileManager.default.isReadableFile(atPath: XLSXReader.corpus), "corpus missing at \(XLSXReader.corpus)")
    let dir = try scratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/canvas.xlsx"
    var o = xlsxOptions(threads: threads)
    o.chunkSize = 16 << 10  // several chunks, so ordering across workers is exercised
    o.utc = utc
    let report = try Converter(options: o).convert([.file(XLSXReader.corpus)], to: .file(path))
    #expect(listDirectory(dir) == ["canvas.xlsx"])

    var records: [FlatRow] = []
    _ = try Converter(options: ConvertOptions()).forEachRow([.file(XLSXReader.corpus)]) { records.append($0) }
    #expect(records.count == report.counters.recordsWritten)

    let book = try XLSXReader.read(path)
    #expect(book.formulaTags == 0)
    #expect(book.sheets.count == 1)
    let sheet = try #require(book.sheets.first)
    #expect(sheet.name == "canvas")
    #expect(sheet.freeze == "A2")
    #expect(sheet.filter == "A1:\(columnLetters(report.columns.count - 1))\(records.count + 1)")
    // With --utc, a column whose sampled rows hold a timestamp says so in its header.
    let dateColumns = Set(report.columns.filter { name in records.contains { expectedDate($0[name]) != nil } })
    #expect(!dateColumns.isEmpty)  // the corpus has event times
    for (column, name) in report.columns.enumerated() {
      let header = sheet.cell(0, column)
      let title = utc && dateColumns.contains(name) ? name + " (UTC)" : name
      #expect(header?.type == "s" && header?.text == title && header?.bold == true, "header \(column)")
    }
    var failures: [String] = []
    var numeric = 0
    var textual = 0
    var dates = 0
    for (index, record) in records.enumerated() {
      for (column, name) in report.columns.enumerated() {
        var want = expected(record[name])
        if utc, let date = expectedDate(record[name]) { want = date }
        if case .number = want { numeric += 1 }
        if case .text = want { textual += 1 }
        if case .date = want { dates += 1 }
        if let problem = mismatch(sheet.cell(index + 1, column), want) {
          failures.append("row \(index + 2) \(name): \(problem)")
        }
      }
    }
    #expect(failures.isEmpty, "\(failures.count) cells differ; first: \(failures.prefix(5))")
    #expect(numeric > 0 && textual > 0)
    #expect(utc == (dates > 0))
    #expect(sheet.rows.count == records.count + 1)
  }

  /// The hostile fixture, every cell written out by hand.
  @Test func hostileFixture() throws {
    let dir = try scratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/hostile.xlsx"
    let input = XLSXReader.fixtures.appendingPathComponent("hostile.ndjson").path
    let report = try Converter(options: xlsxOptions()).convert([.file(input)], to: .file(path))
    #expect(report.columns == ["id", "s", "n", "b", "j.a", "j.o", "j"])
    let book = try XLSXReader.read(path)
    #expect(book.formulaTags == 0)
    let sheet = try #require(book.sheets.first)
    #expect(sheet.name == "hostile")

    let rows: [[Expected]] = [
      [.text("21070000000000001"), .text("=1+1"), .number(-5), .boolean(true), .empty, .empty, .empty],
      [.text("21070000000000002"), .text("=HYPERLINK(\"http://x\",\"y\")"), .text("12345678901234567890"), .boolean(false), .empty, .empty, .empty],
      [.text("3"), .text("@SUM(A1)"), .number(1.1), .empty, .text("[1,2.50,\"x\"]"), .text("{}"), .empty],
      [.empty, .text("\tleading tab"), .text("1e400"), .empty, .empty, .empty, .text("[]")],
      [.empty, .text("+1"), .number(4), .empty, .empty, .empty, .empty],
      [.empty, .text("-2"), .text("21070000000000001"), .empty, .empty, .empty, .empty],
      [.empty, .text("Zoë 日本語 🎉 café"), .number(0.1), .empty, .empty, .empty, .empty],
      [.empty, .text("_x005F_x0041_ literal"), .number(0), .empty, .empty, .empty, .empty],
      [.empty, .text("nul_x0000_and_x0001_ctl"), .text("9007199254740993"), .empty, .empty, .empty, .empty],
      [.empty, .text("  spaces  "), .text("1e-400"), .empty, .empty, .empty, .empty],
      [.empty, .text("line_x000D_\nbreak"), .number(123456789012345000000), .empty, .empty, .empty, .empty],
      [.empty, .text("true"), .number(0.00001), .empty, .empty, .empty, .empty],
      [.empty, .empty, .number(100), .empty, .empty, .empty, .empty],
      [.empty, .empty, .empty, .empty, .empty, .empty, .empty],
      [.empty, .text("2024-07-30T19:04:35.872+02:00"), .number(17.31), .empty, .empty, .empty, .empty],
    ]
    for (column, name) in report.columns.enumerated() {
      #expect(sheet.cell(0, column)?.text == name && sheet.cell(0, column)?.bold == true)
    }
    for (r, row) in rows.enumerated() {
      for (c, want) in row.enumerated() {
        let problem = mismatch(sheet.cell(r + 1, c), want)
        #expect(problem == nil, "row \(r + 2) column \(report.columns[c]): \(problem ?? "")")
      }
    }
    // Exact doubles where the literal's value is exactly a double's shortest form.
    #expect(sheet.cell(1, 2)?.repr == "-5.0")
    #expect(sheet.cell(3, 2)?.repr == "1.1")
    #expect(sheet.cell(15, 2)?.repr == "17.31")
    #expect(sheet.rows.count == rows.count + 1)
    #expect(sheet.freeze == "A2")
    #expect(sheet.filter == "A1:G16")
    // Widths from the header and the sampled rows, within [8, 60].
    #expect(sheet.widths.count == 7)
    #expect(sheet.widths.values.allSatisfy { $0 >= 8 && $0 <= 61 })
    #expect((sheet.widths["B"] ?? 0) > (sheet.widths["D"] ?? 0))
  }

  /// `-f` fields, and a field path that names an object (its compact JSON).
  @Test func fieldsAndThreads() throws {
    let dir = try scratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let input = XLSXReader.fixtures.appendingPathComponent("hostile.ndjson").path
    let path = dir + "/f.xlsx"
    _ = try Converter(options: xlsxOptions(fields: "n,ID=id,j", threads: 2)).convert([.file(input)], to: .file(path))
    let sheet = try #require(try XLSXReader.read(path).sheets.first)
    #expect(sheet.cell(0, 0)?.text == "n" && sheet.cell(0, 1)?.text == "ID" && sheet.cell(0, 2)?.text == "j")
    #expect(mismatch(sheet.cell(1, 0), .number(-5)) == nil)
    #expect(mismatch(sheet.cell(1, 1), .text("21070000000000001")) == nil)
    #expect(mismatch(sheet.cell(3, 2), .text("{\"a\":[1,2.50,\"x\"],\"o\":{}}")) == nil)
    #expect(mismatch(sheet.cell(4, 2), .text("[]")) == nil)
  }

  /// A small injected row limit: the sheet continues in `name (2)`, `name (3)`
  /// with the header repeated, and every row arrives once, in order.
  @Test func rowLimitRollover() throws {
    let dir = try scratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/roll.xlsx"
    let sink = try XLSXSink(target: .file(path), columns: names(["i", "name"]), rowLimit: 4)
    let rows = (1...10).map { [CellSpec.number("\($0)"), .string("row \($0)")] }
    // Split across two writes, as chunks would be.
    try encode(Array(rows[..<3])).withUnsafeBytes { try sink.write($0) }
    try encode(Array(rows[3...])).withUnsafeBytes { try sink.write($0) }
    try sink.commit()
    #expect(sink.sheetNames == ["roll", "roll (2)", "roll (3)", "roll (4)"])

    let book = try XLSXReader.read(path)
    #expect(book.sheets.map(\.name) == ["roll", "roll (2)", "roll (3)", "roll (4)"])
    var seen: [Int] = []
    for sheet in book.sheets {
      #expect(sheet.cell(0, 0)?.text == "i" && sheet.cell(0, 1)?.text == "name" && sheet.cell(0, 0)?.bold == true)
      #expect(sheet.freeze == "A2")
      #expect(sheet.rows.count <= 4)
      #expect(sheet.filter == "A1:B\(sheet.rows.count)")
      for r in 1..<sheet.rows.count {
        let n = Int(sheet.cell(r, 0)?.g15 ?? "") ?? -1
        #expect(sheet.cell(r, 1)?.text == "row \(n)")
        seen.append(n)
      }
    }
    #expect(seen == Array(1...10))
  }

  /// Date cells (the `--utc` path): timestamps with an offset become UTC
  /// date-time cells with a visible format, and the header says the zone.
  @Test func dateCells() throws {
    let dir = try scratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/dates.xlsx"
    let sink = try XLSXSink(target: .file(path), columns: names(["t", "u", "note"]), dateCells: true)
    let rows: [[CellSpec]] = [
      [.string("2024-07-30T19:04:35.872+02:00"), .string("not a time"), .string("x")],
      [.string("2019-11-05 07:38:00 -0800"), .empty, .string("2024-07-30T19:04:35")],  // no offset: text
      [.string("2024-02-29T23:59:59.999999Z"), .string("1899-12-31T00:00:00Z"), .number("5")],
      [.string("2016-12-31T23:59:60Z"), .string("2024-01-01T00:00:00+05:45"), .empty],
      [.empty, .string("1900-03-01T00:00:00Z"), .empty],
    ]
    try encode(rows).withUnsafeBytes { try sink.write($0) }
    try sink.commit()
    let sheet = try #require(try XLSXReader.read(path).sheets.first)
    #expect(sheet.cell(0, 0)?.text == "t (UTC)")
    #expect(sheet.cell(0, 1)?.text == "u (UTC)")
    #expect(sheet.cell(0, 2)?.text == "note")
    let want: [[Expected]] = [
      [.date("2024-07-30T17:04:35.872"), .text("not a time"), .text("x")],
      [.date("2019-11-05T15:38:00.000"), .empty, .text("2024-07-30T19:04:35")],
      [.date("2024-03-01T00:00:00.000"), .text("1899-12-31T00:00:00Z"), .number(5)],
      [.date("2017-01-01T00:00:00.000"), .date("2023-12-31T18:15:00.000"), .empty],
      [.empty, .date("1900-03-01T00:00:00.000"), .empty],
    ]
    for (r, row) in want.enumerated() {
      for (c, cell) in row.enumerated() {
        let problem = mismatch(sheet.cell(r + 1, c), cell)
        #expect(problem == nil, "row \(r + 2) column \(c): \(problem ?? "")")
      }
    }
    #expect((sheet.widths["A"] ?? 0) >= 23)
  }

  /// Cells over 32,767 characters are cut (at a character boundary) and counted.
  @Test func truncation() throws {
    let dir = try scratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/long.xlsx"
    let sink = try XLSXSink(target: .file(path), columns: names(["a", "b"]))
    let long = String(repeating: "abcdefghij", count: 4_000)  // 40,000
    let emoji = String(repeating: "🎉", count: 20_000)  // 40,000 UTF-16 units
    let exact = String(repeating: "x", count: 32_767)
    try encode([[.string(long), .json("[" + long + "]")], [.string(emoji), .string(exact)]]).withUnsafeBytes {
      try sink.write($0)
    }
    try sink.commit()
    #expect(sink.truncatedCells == 3)
    #expect(sink.warnings == 3)
    let sheet = try #require(try XLSXReader.read(path).sheets.first)
    #expect(sheet.cell(1, 0)?.text == String(long.prefix(32_767)))
    #expect(sheet.cell(1, 1)?.text == "[" + String(long.prefix(32_766)))
    #expect(sheet.cell(2, 0)?.text == String(repeating: "🎉", count: 16_383))
    #expect(sheet.cell(2, 1)?.text == exact)
  }

  /// Extra sheets through the split-by API: hostile names made valid and unique.
  @Test func additionalSheets() throws {
    let dir = try scratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/split.xlsx"
    let sink = try XLSXSink(target: .file(path), columns: [])
    let a = try sink.sheet(named: Array("../../x".utf8), columns: names(["k"]))
    let b = try sink.sheet(named: Array("Logged_In".utf8), columns: names(["k", "v"]))
    let c = try sink.sheet(named: Array("logged_in".utf8), columns: names(["k"]))
    let d = try sink.sheet(named: [0x66, 0xFF, 0x3A], columns: names(["k"]))
    try encode([[.string("a1")], [.string("a2")]]).withUnsafeBytes { try sink.write($0, sheet: a) }
    try encode([[.string("b1"), .bool(true)]]).withUnsafeBytes { try sink.write($0, sheet: b) }
    try encode([[.string("c1")]]).withUnsafeBytes { try sink.write($0, sheet: c) }
    try encode([[.number("1e400")]]).withUnsafeBytes { try sink.write($0, sheet: d) }
    try sink.commit()
    let book = try XLSXReader.read(path)
    #expect(book.sheets.map(\.name) == [".._.._x", "Logged_In", "logged_in (2)", "f__"])
    #expect(book.sheets[0].cell(2, 0)?.text == "a2")
    #expect(book.sheets[1].cell(1, 1)?.bool == true)
    #expect(book.sheets[1].filter == "A1:B2")
    #expect(book.sheets[2].cell(1, 0)?.text == "c1")
    #expect(book.sheets[3].cell(1, 0)?.text == "1e400")
  }

  /// In-memory and no-header workbooks.
  @Test func memoryTargetWithoutHeader() throws {
    let sink = try XLSXSink(target: .memory, columns: names(["a"]), header: false)
    try encode([[.number("1")], [.number("2")]]).withUnsafeBytes { try sink.write($0) }
    try sink.commit()
    let bytes = try #require(sink.collected)
    #expect(bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]))  // a zip archive
    let dir = try scratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/m.xlsx"
    FileManager.default.createFile(atPath: path, contents: Data(bytes))
    let sheet = try #require(try XLSXReader.read(path).sheets.first)
    #expect(sheet.name == "data")
    #expect(sheet.cell(0, 0)?.g15 == "1" && sheet.cell(1, 0)?.g15 == "2")
    #expect(sheet.freeze == nil && sheet.filter == nil)
  }
}

private func columnLetters(_ index: Int) -> String {
  var n = index + 1
  var s = ""
  while n > 0 {
    let r = (n - 1) % 26
    s = String(UnicodeScalar(UInt8(65 + r))) + s
    n = (n - 1) / 26
  }
  return s
}

// MARK: - Failures leave nothing behind

@Suite("XLSX failures")
struct XLSXFailureTests {
  @Test func failedRunLeavesNoFile() throws {
    let dir = try scratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/out.xlsx"
    // With --fields there is no discovery pass: the workbook is open when the input fails.
    #expect(throws: NDFlatError.self) {
      try Converter(options: xlsxOptions(fields: "a")).convert([.file(dir + "/missing.ndjson")], to: .file(path))
    }
    #expect(listDirectory(dir).isEmpty)
  }

  @Test func failedRunKeepsAnExistingFile() throws {
    let dir = try scratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/out.xlsx"
    FileManager.default.createFile(atPath: path, contents: Data("old".utf8))
    #expect(throws: NDFlatError.self) {
      try Converter(options: xlsxOptions(fields: "a")).convert([.file(dir + "/missing.ndjson")], to: .file(path))
    }
    #expect(listDirectory(dir) == ["out.xlsx"])
    #expect(FileManager.default.contents(atPath: path) == Data("old".utf8))
  }

  @Test func discardedSinkLeavesNoFile() throws {
    let dir = try scratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let sink = try XLSXSink(target: .file(dir + "/d.xlsx"), columns: names(["a"]))
    try encode((0..<500).map { [.string("row \($0)")] }).withUnsafeBytes { try sink.write($0) }
    #expect(listDirectory(dir).count == 1)  // the temporary file
    sink.discard()
    #expect(listDirectory(dir).isEmpty)
  }

  @Test func tooManyColumns() throws {
    let dir = try scratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let fields = (0...XLSXSink.maxColumns).map { "f\($0)" }.joined(separator: ",")
    do {
      _ = try Converter(options: xlsxOptions(fields: fields)).convert(
        [.memory(name: "x", bytes: Array("{\"f1\":1}\n".utf8))], to: .file(dir + "/wide.xlsx"))
      Issue.record("expected a limit error")
    } catch let error as NDFlatError {
      #expect(error.kind == .limit)
      #expect(error.message.contains("16385 columns"))
      #expect(error.message.contains("16384"))
    }
    #expect(listDirectory(dir).isEmpty)
    // Exactly the limit is fine.
    #expect(throws: Never.self) { try XLSXSink.checkColumns(XLSXSink.maxColumns) }
  }

  @Test func sheetCap() throws {
    let sink = try XLSXSink(target: .memory, columns: [], maxSheets: 3)
    for name in ["a", "b", "c"] { _ = try sink.sheet(named: Array(name.utf8), columns: names(["k"])) }
    do {
      _ = try sink.sheet(named: Array("d".utf8), columns: names(["k"]))
      Issue.record("expected a limit error")
    } catch let error as NDFlatError {
      #expect(error.kind == .limit)
      #expect(error.message.contains("more than 3 worksheets"))
      #expect(error.message.contains("--format csv"))
    }
    sink.discard()
  }
}

// MARK: - Sheet names

@Suite("XLSX sheet names")
struct XLSXSheetNameTests {
  private static let forbidden = Set("[]:*?/\\".unicodeScalars)

  private func isValid(_ name: String) -> Bool {
    !name.isEmpty && name.utf16.count <= 31 && !name.hasPrefix("'") && !name.hasSuffix("'")
      && !name.unicodeScalars.contains { Self.forbidden.contains($0) || $0.value < 0x20 || $0.value == 0xFFFD }
      && name.lowercased() != "history"
  }

  @Test func hostileValues() throws {
    var namer = SheetNamer()
    let cases: [([UInt8], String)] = [
      (Array("../../x".utf8), ".._.._x"),
      (Array("a/b".utf8), "a_b"),
      (Array("[x]".utf8), "_x_"),
      (Array(":*?".utf8), "___"),
      (Array("a\\b".utf8), "a_b (2)"),  // collides with a/b after sanitising
      (Array("'quoted'".utf8), "_quoted_"),
      (Array("".utf8), "(empty)"),
      (Array("   ".utf8), "(empty) (2)"),
      ([0x61, 0xFF, 0xFE, 0x62], "a__b"),  // invalid UTF-8
      ([0x61, 0x00, 0x0A, 0x62], "a__b (2)"),  // control characters
      (Array("History".utf8), "History_"),
      (Array("asset_accessed".utf8), "asset_accessed"),
      (Array("Asset_Accessed".utf8), "Asset_Accessed (2)"),  // differs only in case
      (Array("ASSET_ACCESSED".utf8), "ASSET_ACCESSED (3)"),
      (Array("CAFÉ".utf8), "CAFÉ"),
      (Array("café".utf8), "café (2)"),
    ]
    for (raw, want) in cases {
      let name = try namer.name(for: raw)
      #expect(name == want, "\(raw)")
      #expect(isValid(name), "\(name)")
    }
  }

  @Test func longNames() throws {
    var namer = SheetNamer()
    let forty = String(repeating: "abcdefghij", count: 4)
    let first = try namer.name(for: forty)
    #expect(first == String(forty.prefix(31)))
    let second = try namer.name(for: forty + "zzz")  // same first 31 characters
    #expect(second == String(forty.prefix(27)) + " (2)")
    #expect(second.utf16.count == 31)
    // Emoji are two UTF-16 units: never split, and 31 units at most.
    let emoji = try namer.name(for: String(repeating: "🎉", count: 20))
    #expect(emoji == String(repeating: "🎉", count: 15))
    // An apostrophe brought to the end by the cut is replaced.
    let apostrophe = try namer.name(for: String(repeating: "q", count: 30) + "'tail")
    #expect(apostrophe == String(repeating: "q", count: 30) + "_")
    for name in [first, second, emoji, apostrophe] { #expect(isValid(name)) }
  }

  @Test func continuations() throws {
    var namer = SheetNamer()
    #expect(try namer.name(for: "events") == "events")
    #expect(try namer.name(for: "events (2)") == "events (2)")  // a value that looks like a continuation
    #expect(try namer.continuation(of: "events", part: 2) == "events (3)")
    #expect(try namer.continuation(of: "events", part: 4) == "events (4)")
    let long = String(repeating: "x", count: 31)
    #expect(try namer.name(for: long) == long)
    #expect(try namer.continuation(of: long, part: 2) == String(repeating: "x", count: 27) + " (2)")
  }

  @Test func capIsDocumented() throws {
    #expect(SheetNamer.defaultMaxSheets == 1_000)
    var namer = SheetNamer(maxSheets: 2)
    _ = try namer.name(for: "a")
    _ = try namer.name(for: "b")
    #expect(throws: NDFlatError.self) { try namer.name(for: "c") }
  }
}

// MARK: - The number rule

@Suite("XLSX number cells")
struct XLSXNumberTests {
  @Test func table() {
    let numeric: [(String, Double)] = [
      ("-5", -5), ("4.0", 4), ("100.0", 100), ("17.31", 17.31), ("1.0e-05", 1e-5), ("1.10", 1.1),
      ("0", 0), ("-0", 0), ("0.1", 0.1), ("123456789012345", 123456789012345),
      ("123456789012345000000", 1.23456789012345e20), ("1E+2", 100), ("0.000000000000000000000000001", 1e-27),
      ("1.7976931348623e308", 1.7976931348623e308), ("2.2250738585073e-308", 2.2250738585073e-308),
      ("999999999999999", 999999999999999), ("-0.0000", 0), ("12.5e-1", 1.25),
    ]
    for (literal, value) in numeric {
      #expect(NumberCells.value(literal) == value, "\(literal)")
    }
    let text = [
      "21070000000000001", "12345678901234567890", "1e400", "-1e400", "1e-400", "4e-320",
      "9007199254740993", "1234567890123456", "0.1234567890123456", "1.7976931348624e308",
      "1e99999999999999999999", "2.225073858507e-308", "",
    ]
    for literal in text {
      #expect(NumberCells.value(literal) == nil, "\(literal)")
    }
    #expect(NumberCells.value("-0")?.sign == .minus)
  }

  /// Random literals against an independent oracle: Swift's correctly rounded
  /// `Double(String)` for the value and a digit count on the text for the rule.
  @Test func randomLiterals() {
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<20_000 {
      var literal = Bool.random(using: &generator) ? "-" : ""
      let intDigits = Int.random(in: 1...19, using: &generator)
      var intPart = String(Int.random(in: 1...9, using: &generator))
      for _ in 1..<intDigits { intPart += String(Int.random(in: 0...9, using: &generator)) }
      if Int.random(in: 0...5, using: &generator) == 0 { intPart = "0" }
      literal += intPart
      if Bool.random(using: &generator) {
        literal += "."
        for _ in 0..<Int.random(in: 1...12, using: &generator) {
          literal += String(Int.random(in: 0...9, using: &generator))
        }
      }
      if Int.random(in: 0...2, using: &generator) == 0 {
        literal += ["e", "E"].randomElement(using: &generator)!
        literal += ["", "+", "-"].randomElement(using: &generator)!
        literal += String(Int.random(in: 0...330, using: &generator))
      }
      let want = expectedNumber(literal)
      let got = NumberCells.value(literal)
      switch want {
      case .number(let value):
        #expect(got == value, "\(literal)")
        if let got, got != 0 {
          // The rule's promise: 15 significant digits give the literal's value back.
          #expect(String(format: "%.15g", got) == String(format: "%.15g", Double(literal)!))
        }
      default:
        #expect(got == nil, "\(literal)")
      }
    }
  }
}

// MARK: - Text preparation

@Suite("XLSX text")
struct XLSXTextTests {
  private func prepared(_ bytes: [UInt8], limit: Int = XLSXText.maxCellCharacters) -> (String, Bool) {
    var text = XLSXText()
    defer { text.release() }
    let truncated = bytes.withUnsafeBytes { text.prepare($0, limit: limit) }
    return (String(cString: UnsafeRawPointer(text.buffer).assumingMemoryBound(to: CChar.self)), truncated)
  }

  @Test func escapesAndReplacements() {
    #expect(prepared(Array("plain =1+1".utf8)) == ("plain =1+1", false))
    #expect(prepared(Array("_x0041_".utf8)) == ("_x005F_x0041_", false))
    #expect(prepared(Array("_x004_ _xZZZZ_ _X0041_".utf8)) == ("_x004_ _xZZZZ_ _X0041_", false))
    #expect(prepared([0x61, 0x00, 0x62]) == ("a_x0000_b", false))
    #expect(prepared([0x61, 0xFF, 0x62]) == ("a\u{FFFD}b", false))
    #expect(prepared([0xED, 0xA0, 0x80]) == ("\u{FFFD}\u{FFFD}\u{FFFD}", false))  // an encoded surrogate
    #expect(prepared([0xEF, 0xBF, 0xBE]) == ("\u{FFFD}", false))  // U+FFFE
    #expect(prepared(Array("Zoë 🎉".utf8)) == ("Zoë 🎉", false))
    #expect(prepared([0xE6, 0x97]) == ("\u{FFFD}", false))  // cut short
  }

  @Test func limits() {
    #expect(prepared(Array("abcdef".utf8), limit: 4) == ("abcd", true))
    #expect(prepared(Array("ab🎉".utf8), limit: 3) == ("ab", true))  // no half surrogate pair
    #expect(prepared(Array("ab🎉".utf8), limit: 4) == ("ab🎉", false))
    #expect(prepared([0x61, 0x00], limit: 7) == ("a", true))  // the escape would not fit
    #expect(prepared([0x00], limit: 7) == ("_x0000_", false))
  }
}

// MARK: - At Excel's real row limit (outside CI; takes a while)

@Suite("XLSX real row limit", .enabled(if: ProcessInfo.processInfo.environment["NDFLAT_XLSX_FULL_LIMIT"] == "1", "set NDFLAT_XLSX_FULL_LIMIT=1"))
struct XLSXFullLimitTests {
  @Test func rolloverAtExcelsLimit() throws {
    let dir = try scratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/big.xlsx"
    let sink = try XLSXSink(target: .file(path), columns: names(["i"]))
    let total = XLSXSink.maxRows + 9  // 1,048,575 data rows fit in the first sheet
    var written = 0
    while written < total {
      let n = min(100_000, total - written)
      try encode((0..<n).map { [.number("\(written + $0)")] }).withUnsafeBytes { try sink.write($0) }
      written += n
    }
    try sink.commit()
    #expect(sink.sheetNames == ["big", "big (2)"])
    let script = """
      import openpyxl, sys
      wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
      for ws in wb.worksheets:
          rows = list(ws.iter_rows(values_only=True)) if ws.title.endswith("(2)") else None
          print(ws.title, ws.max_row, rows and [r[0] for r in rows])
      """
    let result = try XLSXReader.run(["python3", "-c", script, path])
    let lines = String(decoding: result.output, as: UTF8.self).split(separator: "\n")
    #expect(lines.first == "big 1048576 None")
    #expect(lines.last == "big (2) 11 ['i', 1048575, 1048576, 1048577, 1048578, 1048579, 1048580, 1048581, 1048582, 1048583, 1048584]")
  }
}
