// `--excel` (issue 5): UTF-8 BOM, CRLF, formula-looking strings neutralised with a
// leading `'`, JSON numbers never touched, long digit strings kept as text, long
// cells truncated with a warning; and a real spreadsheet check: LibreOffice
// headless opens the CSV, converts it to .xlsx, and python3 + openpyxl read the
// cells back: no formula anywhere, every ID with all its digits.

import Foundation
import Testing

@testable import NDFlat

// MARK: - Locations and running

private enum XLPaths {
  static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  static let packageRoot = testsDirectory.deletingLastPathComponent().deletingLastPathComponent()
  static let hostile = testsDirectory.appendingPathComponent("Fixtures/features/excel-hostile.ndjson")
  static let hostileKeys = testsDirectory.appendingPathComponent("Fixtures/features/excel-hostile-keys.ndjson")
  static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

  static let binary: URL? = TestSupport.binary

  /// A program on PATH (or the usual directories).
  static func program(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
    let directories = path.split(separator: ":").map(String.init) + ["/usr/bin", "/bin", "/usr/local/bin"]
    return directories.map { $0 + "/" + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
  }

  static var soffice: String? { program("soffice") ?? program("libreoffice") }
  static var spreadsheetToolsPresent: Bool { soffice != nil && program("python3") != nil }
}

private struct XLRun {
  let status: Int32
  let out: [UInt8]
  let err: String
}

private struct XLError: Error, CustomStringConvertible {
  let description: String
}

private final class XLTemp {
  let url: URL
  init() throws {
    url = FileManager.default.temporaryDirectory.appendingPathComponent("ndflat-xl-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }
  deinit { try? FileManager.default.removeItem(at: url) }
  func path(_ name: String) -> URL { url.appendingPathComponent(name) }
}

private func xlExecute(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> XLRun {
  let scratch = try XLTemp()
  let outURL = scratch.path("stdout")
  let errURL = scratch.path("stderr")
  _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
  _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
  let outHandle = try FileHandle(forWritingTo: outURL)
  let errHandle = try FileHandle(forWritingTo: errURL)
  let process = Process()
  process.executableURL = URL(fileURLWithPath: executable)
  process.arguments = arguments
  var merged = ProcessInfo.processInfo.environment
  for (key, value) in environment { merged[key] = value }
  process.environment = merged
  process.standardOutput = outHandle
  process.standardError = errHandle
  process.standardInput = FileHandle.nullDevice
  try process.run()
  process.waitUntilExit()
  try outHandle.close()
  try errHandle.close()
  return XLRun(
    status: process.terminationStatus, out: Array(try Data(contentsOf: outURL)),
    err: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
}

private func ndflat(_ arguments: [String]) throws -> XLRun {
  guard let binary = XLPaths.binary else {
    throw XLError(description: "the ndflat binary was not found beside the test bundle nor in .build/debug")
  }
  return try xlExecute(binary.path, arguments)
}

/// RFC 4180 over bytes; also reports whether every record ends with CRLF.
private func parseCSV(_ bytes: [UInt8]) -> (rows: [[String]], allCRLF: Bool) {
  var rows: [[String]] = []
  var row: [String] = []
  var field: [UInt8] = []
  var quoted = false
  var any = false
  var allCRLF = true
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
      if i == 0 || bytes[i - 1] != 0x0D { allCRLF = false }
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
    allCRLF = false
  }
  return (rows, allCRLF)
}

/// The fixture's columns and what `--excel` must write for each.
private let expectedExcelCells: [(column: String, raw: String, excel: String)] = [
  ("eq", "=1+1", "'=1+1"),
  ("plus", "+1", "'+1"),
  ("plus_formula", "+1+1", "'+1+1"),
  ("minus_string", "-1", "'-1"),
  ("minus_formula", "-1+1", "'-1+1"),
  ("minus_number", "-5", "-5"),
  ("minus_one_number", "-1", "-1"),
  ("at", "@x", "'@x"),
  ("at_sum", "@SUM(A1)", "'@SUM(A1)"),
  ("hyperlink", "=HYPERLINK(\"http://evil.example\",\"click\")", "'=HYPERLINK(\"http://evil.example\",\"click\")"),
  ("cmd", "=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
  ("tab", "\tx", "'\tx"),
  ("cr", "\rx", "'\rx"),
  ("id_string", "21070000000000001", "\t21070000000000001"),
  ("id_number", "21070000000000001", "\t21070000000000001"),
  ("id_20", "12345678901234567890", "\t12345678901234567890"),
  ("fifteen", "123456789012345", "123456789012345"),
  ("plain", "hello, world", "hello, world"),
  ("decimal", "1.50", "1.50"),
  ("unicode", "Zoë → 東京", "Zoë → 東京"),
]

@Suite("--excel: spreadsheet-safe CSV")
struct ExcelOutputTests {
  @Test("BOM, CRLF, formulas neutralised with a leading ', numbers untouched, long IDs kept as text")
  func bytes() throws {
    let run = try ndflat(["--excel", "-q", XLPaths.hostile.path])
    #expect(run.status == 0, "\(run.err)")
    #expect(Array(run.out.prefix(3)) == [0xEF, 0xBB, 0xBF], "UTF-8 BOM first")
    let (rows, allCRLF) = parseCSV(Array(run.out.dropFirst(3)))
    #expect(allCRLF, "every record ends with CRLF")
    #expect(rows.count == 2)
    #expect(rows[0] == expectedExcelCells.map(\.column))
    for (expected, cell) in zip(expectedExcelCells, rows[1]) {
      #expect(cell == expected.excel, "\(expected.column): \(cell.debugDescription), expected \(expected.excel.debugDescription)")
    }
  }

  @Test("header cells come from JSON keys, which are data too: neutralised like any string")
  func hostileKeys() throws {
    let run = try ndflat(["--excel", "-q", XLPaths.hostileKeys.path])
    #expect(run.status == 0)
    let (rows, _) = parseCSV(Array(run.out.dropFirst(3)))
    #expect(rows.first == ["'=1+1", "'@SUM(A1).-2+3", "'+cmd", "ok"], "header: \(rows.first ?? [])")
    #expect(rows.dropFirst().first == ["x", "1", "y", "'=HYPERLINK(1)"])
  }

  @Test("without --excel nothing is altered")
  func untouched() throws {
    let run = try ndflat(["-q", XLPaths.hostile.path])
    #expect(run.out.first != 0xEF)
    let (rows, allCRLF) = parseCSV(run.out)
    #expect(!allCRLF)
    #expect(!run.out.contains(0x0D) || rows[1].contains { $0.contains("\r") })
    for (expected, cell) in zip(expectedExcelCells, rows[1]) {
      #expect(cell == expected.raw, "\(expected.column)")
    }
  }

  @Test("a cell over 32,767 characters is cut (on a UTF-8 boundary) and counted as a warning")
  func longCells() throws {
    let long = String(repeating: "x", count: 40_000)
    let wide = String(repeating: "é", count: 20_000)  // 40,000 bytes
    let input = Array("{\"long\":\"\(long)\",\"wide\":\"\(wide)\",\"ok\":\"=1\"}\n".utf8)
    var options = ConvertOptions()
    options.excel = true
    let (bytes, report) = try Converter(options: options).convertToBytes([.memory(name: "long", bytes: input)])
    let (rows, _) = parseCSV(Array(bytes.dropFirst(3)))
    #expect(rows[1][0].count == 32_767)
    #expect(rows[1][1].count <= 32_767 && rows[1][1].count >= 16_000, "\(rows[1][1].count)")
    #expect(rows[1][1].allSatisfy { $0 == "é" }, "cut inside a character")
    #expect(rows[1][2] == "'=1")
    #expect(report.counters.warnings == 2)

    // Without --excel the cell is whole.
    let (plain, plainReport) = try Converter(options: ConvertOptions()).convertToBytes([.memory(name: "long", bytes: input)])
    #expect(parseCSV(plain).rows[1][0].count == 40_000)
    #expect(plainReport.counters.warnings == 0)
  }
}

// MARK: - A real spreadsheet

/// Reads every cell of the first sheet of an .xlsx: [[data_type, repr of value]] per row.
private let readCellsScript = """
  import json, sys
  import openpyxl
  wb = openpyxl.load_workbook(sys.argv[1])
  ws = wb.worksheets[0]
  rows = []
  for row in ws.iter_rows():
      rows.append([[c.data_type, c.value if isinstance(c.value, (str, int, float, bool)) or c.value is None else str(c.value)] for c in row])
  print(json.dumps(rows))
  """

@Suite("--excel in a real spreadsheet (LibreOffice headless + openpyxl)")
struct SpreadsheetCheckTests {
  /// Converts `csv` to .xlsx with LibreOffice (a fresh profile) and returns the cells.
  private func cells(of csv: URL, in temp: XLTemp, filter: String?) throws -> [[(type: String, value: Any?)]] {
    guard let soffice = XLPaths.soffice, let python = XLPaths.program("python3") else {
      throw XLError(description: "soffice or python3 missing")
    }
    let outDirectory = temp.path("xlsx-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: outDirectory, withIntermediateDirectories: true)
    let profile = "file://" + temp.path("lo-profile-\(UUID().uuidString)").path
    var arguments = ["-env:UserInstallation=\(profile)", "--headless", "--norestore"]
    if let filter { arguments.append("--infilter=\(filter)") }
    arguments += ["--convert-to", "xlsx", "--outdir", outDirectory.path, csv.path]
    let timeout = XLPaths.program("timeout")
    let run = try timeout.map { try xlExecute($0, ["300", soffice] + arguments, environment: ["HOME": temp.url.path]) }
      ?? xlExecute(soffice, arguments, environment: ["HOME": temp.url.path])
    let xlsx = outDirectory.appendingPathComponent(csv.deletingPathExtension().lastPathComponent + ".xlsx")
    guard run.status == 0, FileManager.default.fileExists(atPath: xlsx.path) else {
      throw XLError(description: "soffice failed (\(run.status)): \(run.err) \(String(decoding: run.out, as: UTF8.self))")
    }
    let script = temp.path("read_cells.py")
    try Data(readCellsScript.utf8).write(to: script)
    let read = try xlExecute(python, [script.path, xlsx.path])
    guard read.status == 0 else { throw XLError(description: "openpyxl failed: \(read.err)") }
    guard let rows = try JSONSerialization.jsonObject(with: Data(read.out)) as? [[[Any]]] else {
      throw XLError(description: "unreadable cells: \(String(decoding: read.out, as: UTF8.self))")
    }
    return rows.map { row in row.map { (type: $0[0] as? String ?? "?", value: $0[1] is NSNull ? nil : $0[1]) } }
  }

  private func text(_ value: Any?) -> String {
    switch value {
    case let s as String: return s
    case let n as NSNumber: return n.stringValue
    case nil: return ""
    default: return "\(value!)"
    }
  }

  @Test(
    "LibreOffice opens the --excel CSV: no formula anywhere, every ID keeps all its digits",
    .enabled(if: XLPaths.spreadsheetToolsPresent || XLPaths.isCI),
    .timeLimit(.minutes(5)))
  func libreOffice() throws {
    guard XLPaths.spreadsheetToolsPresent else {
      Issue.record("CI=true but LibreOffice (soffice) or python3 is not installed")
      return
    }
    let temp = try XLTemp()
    let csv = temp.path("hostile.csv")
    let made = try ndflat(["--excel", "-q", "-o", csv.path, XLPaths.hostile.path])
    #expect(made.status == 0, "\(made.err)")

    // The control: the same data without --excel does get evaluated / rounded, so the
    // check below means something on this LibreOffice.
    let raw = temp.path("raw.csv")
    #expect(try ndflat(["-q", "-o", raw.path, XLPaths.hostile.path]).status == 0)
    let control = try cells(of: raw, in: temp, filter: "CSV:44,34,76,1")
    let controlRow = try #require(control.dropFirst().first)
    let eq = try #require(expectedExcelCells.firstIndex { $0.column == "eq" })
    let id = try #require(expectedExcelCells.firstIndex { $0.column == "id_string" })
    #expect(controlRow[eq].type == "f", "control: LibreOffice did not treat =1+1 as a formula; the check would be vacuous")
    #expect(text(controlRow[id].value) != "21070000000000001", "control: the raw 17-digit ID was expected to lose digits")

    // As given (LibreOffice's own import defaults) and with UTF-8 chosen explicitly.
    for filter in [nil, "CSV:44,34,76,1"] as [String?] {
      let sheet = try cells(of: csv, in: temp, filter: filter)
      let label = filter ?? "default import"
      #expect(sheet.count == 2, "\(label): rows")
      for (r, row) in sheet.enumerated() {
        for (c, cell) in row.enumerated() {
          #expect(cell.type != "f", "\(label): cell \(r + 1),\(c + 1) is a formula: \(String(describing: cell.value))")
        }
      }
      guard sheet.count == 2 else { continue }
      let values = sheet[1]
      #expect(values.count == expectedExcelCells.count, "\(label): columns")
      for (index, expected) in expectedExcelCells.enumerated() where index < values.count {
        let cell = values[index]
        let shown = text(cell.value)
        switch expected.column {
        case "id_string", "id_number", "id_20":
          #expect(cell.type == "s", "\(label) \(expected.column): an ID must stay text, got \(cell.type) \(shown)")
          #expect(
            shown.trimmingCharacters(in: .whitespaces) == expected.raw,
            "\(label) \(expected.column): \(shown.debugDescription) lost digits")
        case "minus_number", "minus_one_number", "fifteen":
          #expect(cell.type == "n", "\(label) \(expected.column): a JSON number stays a number, got \(cell.type) \(shown)")
          #expect(shown == expected.raw || (cell.value as? NSNumber)?.int64Value == Int64(expected.raw), "\(label) \(expected.column): \(shown)")
        case "eq", "plus", "plus_formula", "minus_string", "minus_formula", "at", "at_sum", "hyperlink", "cmd":
          #expect(cell.type == "s", "\(label) \(expected.column): \(cell.type) \(shown)")
          #expect(shown.hasSuffix(expected.raw), "\(label) \(expected.column): the text \(expected.raw) must survive, got \(shown.debugDescription)")
          #expect(shown != "2" && shown != "0", "\(label) \(expected.column) was evaluated")
        default:
          #expect(cell.type == "s" || cell.type == "n", "\(label) \(expected.column): \(cell.type)")
        }
      }
      // Hostile keys: the header row must not hold formulas either.
      let keysCSV = temp.path("keys.csv")
      #expect(try ndflat(["--excel", "-q", "-o", keysCSV.path, XLPaths.hostileKeys.path]).status == 0)
      let keySheet = try cells(of: keysCSV, in: temp, filter: filter)
      for (r, row) in keySheet.enumerated() {
        for (c, cell) in row.enumerated() {
          #expect(cell.type != "f", "\(label): keys.csv cell \(r + 1),\(c + 1) is a formula: \(String(describing: cell.value))")
        }
      }
      if filter != nil {
        // With UTF-8 chosen, the text survives byte for byte.
        let unicode = try #require(expectedExcelCells.firstIndex { $0.column == "unicode" })
        #expect(text(values[unicode].value) == "Zoë → 東京")
        #expect(text(sheet[0][0].value) == "eq", "the BOM must not end up in the first header cell")
      }
    }
  }
}
