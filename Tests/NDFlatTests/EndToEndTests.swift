// End-to-end tests of the `ndflat` binary: fixtures under Fixtures/core with
// hand-written expected outputs, output files, standard input, help, version,
// usage errors and exit statuses (SPEC §3–§4).

import Foundation
import Testing

// MARK: - Locations

private enum Paths {
  static let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures/core")
  static let corpus = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus")

  static func fixture(_ name: String) -> URL { fixtures.appendingPathComponent(name) }

  /// The directory holding the built products, found as swift-argument-parser does:
  /// beside the test bundle / executable, else `<package root>/.build/debug`.
  static let productsDirectory: URL? = TestSupport.productsDirectory

  static var binary: URL? { productsDirectory?.appendingPathComponent("ndflat") }
}

// MARK: - Running the binary

private struct ToolRun {
  let status: Int32
  let stdout: Data
  let stderr: Data
  var out: String { String(decoding: stdout, as: UTF8.self) }
  var err: String { String(decoding: stderr, as: UTF8.self) }
  /// Non-empty lines of stderr.
  var errLines: [Substring] { err.split(separator: "\n", omittingEmptySubsequences: true) }
}

private struct MissingBinary: Error, CustomStringConvertible {
  var description: String {
    "the ndflat binary was not found beside the test bundle nor in \(Paths.packageRoot.path)/.build/debug; run `swift build`"
  }
}

/// A fresh directory for one test, removed afterwards.
private final class Scratch {
  let url: URL
  init() throws {
    url = FileManager.default.temporaryDirectory.appendingPathComponent("ndflat-e2e-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }
  deinit { try? FileManager.default.removeItem(at: url) }
  func file(_ name: String) -> URL { url.appendingPathComponent(name) }
  func contents() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: url.path).sorted() }
}

/// Runs `ndflat arguments…` with stdin from `stdin` (or empty), capturing stdout and stderr.
private func ndflat(
  _ arguments: [String], stdin: URL? = nil, directory: URL? = nil, environment: [String: String] = [:]
) throws -> ToolRun {
  guard let binary = Paths.binary else { throw MissingBinary() }
  let scratch = try Scratch()
  let outURL = scratch.file("stdout")
  let errURL = scratch.file("stderr")
  FileManager.default.createFile(atPath: outURL.path, contents: nil)
  FileManager.default.createFile(atPath: errURL.path, contents: nil)
  let outHandle = try FileHandle(forWritingTo: outURL)
  let errHandle = try FileHandle(forWritingTo: errURL)
  let process = Process()
  process.executableURL = binary
  process.arguments = arguments
  process.currentDirectoryURL = directory ?? Paths.fixtures
  if !environment.isEmpty {
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
  }
  process.standardOutput = outHandle
  process.standardError = errHandle
  let inHandle: FileHandle
  if let stdin {
    inHandle = try FileHandle(forReadingFrom: stdin)
  } else {
    inHandle = FileHandle(forReadingAtPath: "/dev/null")!
  }
  process.standardInput = inHandle
  try process.run()
  process.waitUntilExit()
  try outHandle.close()
  try errHandle.close()
  try inHandle.close()
  return ToolRun(
    status: process.terminationStatus, stdout: try Data(contentsOf: outURL), stderr: try Data(contentsOf: errURL))
}

private func fixtureText(_ name: String) throws -> String {
  String(decoding: try Data(contentsOf: Paths.fixture(name)), as: UTF8.self)
}

/// Shows where two outputs first differ.
private func firstDifference(_ a: String, _ b: String) -> String {
  let x = Array(a.utf8)
  let y = Array(b.utf8)
  let index = Array(zip(x, y)).firstIndex { $0 != $1 } ?? min(x.count, y.count)
  let from = max(0, index - 40)
  return "at byte \(index): got …\(String(decoding: x[from..<min(x.count, index + 40)], as: UTF8.self).debugDescription)… expected …\(String(decoding: y[from..<min(y.count, index + 40)], as: UTF8.self).debugDescription)…"
}

private func expectOutput(_ run: ToolRun, equalsFixture name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
  let expected = try fixtureText(name)
  #expect(run.out == expected, "\(firstDifference(run.out, expected))", sourceLocation: sourceLocation)
}

// MARK: - Tests

@Suite("ndflat binary end to end")
struct EndToEndTests {
  @Test("the binary is built and found")
  func binaryFound() {
    #expect(Paths.binary != nil, "\(MissingBinary())")
  }

  @Test("nested.ndjson → CSV")
  func csv() throws {
    let run = try ndflat(["nested.ndjson"])
    #expect(run.status == 0, "stderr: \(run.err)")
    try expectOutput(run, equalsFixture: "nested.csv")
    // The summary reconciles on stderr.
    #expect(run.err.contains("3 records read = 3 written + 0 filtered + 0 rejected"), "stderr: \(run.err)")
  }

  @Test("nested.ndjson → CSV with the explicit convert command and -j 2")
  func csvConvertCommand() throws {
    let run = try ndflat(["convert", "-q", "-j", "2", "nested.ndjson"])
    #expect(run.status == 0, "stderr: \(run.err)")
    try expectOutput(run, equalsFixture: "nested.csv")
    #expect(run.err.isEmpty, "-q must keep stderr quiet: \(run.err)")
  }

  @Test("nested.ndjson → TSV")
  func tsv() throws {
    let run = try ndflat(["-q", "--format", "tsv", "nested.ndjson"])
    #expect(run.status == 0, "stderr: \(run.err)")
    try expectOutput(run, equalsFixture: "nested.tsv")
  }

  @Test("nested.ndjson → flattened NDJSON")
  func json() throws {
    let run = try ndflat(["-q", "--format=json", "nested.ndjson"])
    #expect(run.status == 0, "stderr: \(run.err)")
    try expectOutput(run, equalsFixture: "nested.json.ndjson")
  }

  @Test("nested.ndjson → CSV with --arrays index")
  func indexed() throws {
    let run = try ndflat(["-q", "--arrays", "index", "nested.ndjson"])
    #expect(run.status == 0, "stderr: \(run.err)")
    try expectOutput(run, equalsFixture: "nested.index.csv")
  }

  @Test("-f with renames, an array index, an object path and a missing field")
  func fields() throws {
    let run = try ndflat(["-q", "-f", "id,who=user.name,data.0.type,user.address,missing", "nested.ndjson"])
    #expect(run.status == 0, "stderr: \(run.err)")
    try expectOutput(run, equalsFixture: "fields.expected.csv")
    let long = try ndflat(["-q", "--fields=id,who=user.name,data.0.type,user.address,missing", "nested.ndjson"])
    #expect(long.out == run.out)
  }

  @Test("--no-header writes rows only")
  func noHeader() throws {
    let run = try ndflat(["-q", "--no-header", "nested.ndjson"])
    #expect(run.status == 0)
    let expected = try fixtureText("nested.csv")
    let header = expected.prefix { $0 != "\n" }
    #expect(run.out == String(expected.dropFirst(header.count + 1)))
  }

  @Test("several files in a row share one header and one column union")
  func severalFiles() throws {
    let run = try ndflat(["-q", "nested.ndjson", "nested.ndjson"])
    #expect(run.status == 0)
    let expected = try fixtureText("nested.csv")
    let header = expected.prefix { $0 != "\n" }
    let rows = String(expected.dropFirst(header.count + 1))
    #expect(run.out == header + "\n" + rows + rows)
  }

  @Test("-o FILE writes the file, nothing on stdout, no temporary file left")
  func outputFile() throws {
    let scratch = try Scratch()
    let target = scratch.file("out.csv")
    let run = try ndflat(["-q", "nested.ndjson", "-o", target.path])
    #expect(run.status == 0, "stderr: \(run.err)")
    #expect(run.stdout.isEmpty)
    let written = String(decoding: try Data(contentsOf: target), as: UTF8.self)
    #expect(written == (try fixtureText("nested.csv")))
    #expect(try scratch.contents() == ["out.csv"])
    // Overwriting an existing file replaces it whole.
    let again = try ndflat(["-q", "--format", "json", "--output", target.path, "nested.ndjson"])
    #expect(again.status == 0)
    #expect(String(decoding: try Data(contentsOf: target), as: UTF8.self) == (try fixtureText("nested.json.ndjson")))
    #expect(try scratch.contents() == ["out.csv"])
  }

  @Test("a fatal error leaves nothing under -o's name and no temporary file")
  func outputFileOnFatalError() throws {
    let scratch = try Scratch()
    let target = scratch.file("out.csv")
    let run = try ndflat(["-q", "nested.ndjson", "does-not-exist.ndjson", "-o", target.path])
    #expect(run.status == 1)
    #expect(try scratch.contents() == [])
  }

  @Test("standard input when no file is given, and for '-'")
  func standardInput() throws {
    let none = try ndflat(["-q"], stdin: Paths.fixture("nested.ndjson"))
    #expect(none.status == 0, "stderr: \(none.err)")
    try expectOutput(none, equalsFixture: "nested.csv")
    let dash = try ndflat(["-q", "-"], stdin: Paths.fixture("nested.ndjson"))
    #expect(dash.status == 0, "stderr: \(dash.err)")
    try expectOutput(dash, equalsFixture: "nested.csv")
    let json = try ndflat(["-q", "--format", "json", "-"], stdin: Paths.fixture("nested.ndjson"))
    try expectOutput(json, equalsFixture: "nested.json.ndjson")
    let tsv = try ndflat(["-q", "--format", "tsv"], stdin: Paths.fixture("nested.ndjson"))
    try expectOutput(tsv, equalsFixture: "nested.tsv")
  }

  @Test("standard input spooled for the two passes leaves no temporary file behind")
  func standardInputSpoolRemoved() throws {
    let scratch = try Scratch()
    let run = try ndflat(["-q"], stdin: Paths.fixture("nested.ndjson"), environment: ["TMPDIR": scratch.url.path])
    #expect(run.status == 0, "stderr: \(run.err)")
    try expectOutput(run, equalsFixture: "nested.csv")
    let left = try scratch.contents()
    #expect(left == [], "left in TMPDIR: \(left)")
  }

  @Test("line numbers in messages restart with each input file")
  func lineNumbersPerFile() throws {
    let run = try ndflat(["nested.ndjson", "bad.ndjson"])
    #expect(run.status == 3)
    #expect(run.err.contains("bad.ndjson:3"), "stderr: \(run.err)")
    #expect(!run.err.contains("nested.ndjson:"), "stderr: \(run.err)")
  }

  @Test("rejections with -o: the file is still written, exit 3")
  func rejectionsWithOutputFile() throws {
    let scratch = try Scratch()
    let target = scratch.file("out.csv")
    let run = try ndflat(["bad.ndjson", "-o", target.path])
    #expect(run.status == 3)
    #expect(String(decoding: try Data(contentsOf: target), as: UTF8.self) == (try fixtureText("bad.expected.csv")))
    #expect(try scratch.contents() == ["out.csv"])
  }

  @Test("a closed output pipe ends the run quietly")
  func closedPipe() throws {
    guard let binary = Paths.binary else { throw MissingBinary() }
    let scratch = try Scratch()
    // About 8 MB of records, far more than a pipe buffer holds.
    let record = #"{"id":12345,"text":"\#(String(repeating: "x", count: 200))","n":{"a":[1,2,3]}}"# + "\n"
    let big = scratch.file("big.ndjson")
    try Data(String(repeating: record, count: 40_000).utf8).write(to: big)
    let errURL = scratch.file("stderr")
    FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let errHandle = try FileHandle(forWritingTo: errURL)
    let pipe = Pipe()
    let process = Process()
    process.executableURL = binary
    process.arguments = ["-j", "2", "--format", "json", big.path]
    process.standardOutput = pipe
    process.standardError = errHandle
    process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
    try process.run()
    try pipe.fileHandleForWriting.close()
    let head = try pipe.fileHandleForReading.read(upToCount: 4096) ?? Data()
    #expect(!head.isEmpty)
    try pipe.fileHandleForReading.close()
    process.waitUntilExit()
    try errHandle.close()
    let err = String(decoding: try Data(contentsOf: errURL), as: UTF8.self)
    let quietExit = process.terminationReason == .exit && process.terminationStatus == 0
    let sigpipe = process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGPIPE
    #expect(quietExit || sigpipe, "reason \(process.terminationReason.rawValue), status \(process.terminationStatus)")
    #expect(!err.lowercased().contains("broken pipe") && !err.lowercased().contains("error"), "stderr: \(err)")
    #expect(try scratch.contents() == ["big.ndjson", "stderr"])
  }

  @Test("gzip input is recognised by its content, not its name")
  func gzipInput() throws {
    guard let gzip = ["/usr/bin/gzip", "/bin/gzip"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
      Issue.record("gzip is not installed; cannot build the gzip fixture")
      return
    }
    let scratch = try Scratch()
    let compressed = scratch.file("events.txt")
    FileManager.default.createFile(atPath: compressed.path, contents: nil)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: gzip)
    process.arguments = ["-c", Paths.fixture("nested.ndjson").path]
    let handle = try FileHandle(forWritingTo: compressed)
    process.standardOutput = handle
    try process.run()
    process.waitUntilExit()
    try handle.close()
    let run = try ndflat(["-q", compressed.path])
    #expect(run.status == 0, "stderr: \(run.err)")
    try expectOutput(run, equalsFixture: "nested.csv")
    let viaStdin = try ndflat(["-q"], stdin: compressed)
    try expectOutput(viaStdin, equalsFixture: "nested.csv")
  }

  @Test("--help exits 0 and documents --fields")
  func help() throws {
    for flag in ["--help", "-h"] {
      let run = try ndflat([flag])
      #expect(run.status == 0)
      #expect(run.out.contains("--fields"))
      #expect(run.out.contains("--format"))
      #expect(run.err.isEmpty)
    }
    let convertHelp = try ndflat(["help", "convert"])
    #expect(convertHelp.status == 0)
    #expect(convertHelp.out.contains("--fields"))
  }

  @Test("--version prints the version and exits 0")
  func version() throws {
    let run = try ndflat(["--version"])
    #expect(run.status == 0)
    let text = run.out.trimmingCharacters(in: .whitespacesAndNewlines)
    #expect(text.hasPrefix("ndflat "))
    let version = text.dropFirst("ndflat ".count)
    #expect(!version.isEmpty && version.allSatisfy { $0.isNumber || $0 == "." || $0.isLetter || $0 == "-" })
    #expect(version.first?.isNumber == true)
  }

  @Test(
    "usage errors exit 2 with one line on stderr",
    arguments: [
      ["--format", "xml", "nested.ndjson"],
      ["--feilds", "id", "nested.ndjson"],
      ["--arrays", "sideways", "nested.ndjson"],
      ["-j", "0", "nested.ndjson"],
      ["--fields"],
      ["--fields", ",", "nested.ndjson"],
      ["--sep", "", "nested.ndjson"],
    ])
  func usageErrors(_ arguments: [String]) throws {
    let run = try ndflat(arguments)
    #expect(run.status == 2, "\(arguments): status \(run.status), stderr: \(run.err)")
    #expect(run.errLines.count == 1, "\(arguments): stderr should be one line: \(run.err)")
    #expect(run.err.hasSuffix("\n"))
    #expect(run.stdout.isEmpty, "\(arguments): nothing on stdout")
  }

  @Test("--format xml names the bad value")
  func badFormatMessage() throws {
    let run = try ndflat(["--format", "xml", "nested.ndjson"])
    #expect(run.status == 2)
    #expect(run.err.contains("xml"))
  }

  @Test("an unknown option suggests the nearest one")
  func suggestion() throws {
    let run = try ndflat(["--feilds", "id", "nested.ndjson"])
    #expect(run.status == 2)
    #expect(run.errLines.count == 1)
    #expect(run.err.contains("--feilds"))
    #expect(run.err.contains("--fields"))
  }

  @Test("a bad line: the run finishes, exit 3, stderr names file:line")
  func badLine() throws {
    let run = try ndflat(["bad.ndjson"])
    #expect(run.status == 3, "stderr: \(run.err)")
    try expectOutput(run, equalsFixture: "bad.expected.csv")
    #expect(run.err.contains("bad.ndjson:3"), "stderr: \(run.err)")
    #expect(run.err.contains("4 records read = 3 written + 0 filtered + 1 rejected"), "stderr: \(run.err)")
  }

  @Test("--rejects keeps the rejected record byte for byte")
  func rejectsFile() throws {
    let scratch = try Scratch()
    let rejects = scratch.file("rejects.ndjson")
    let run = try ndflat(["-q", "--rejects", rejects.path, "bad.ndjson"])
    #expect(run.status == 3)
    #expect(String(decoding: try Data(contentsOf: rejects), as: UTF8.self) == "{\"a\":\n")
    #expect(try scratch.contents() == ["rejects.ndjson"])
  }

  @Test("a missing input file exits 1 and names the file")
  func missingFile() throws {
    let run = try ndflat(["no-such-file.ndjson"])
    #expect(run.status == 1)
    #expect(run.err.contains("no-such-file.ndjson"), "stderr: \(run.err)")
    #expect(run.stdout.isEmpty)
  }

  @Test(
    "-f metadata.event_name,metadata.event_time,body on the Canvas corpus",
    .enabled(
      if: FileManager.default.fileExists(atPath: Paths.corpus.appendingPathComponent("canvas-live-events.ndjson").path)
        || ProcessInfo.processInfo.environment["CI"] == "true",
      "corpus not found at ../shared/corpus (set CI=true to make this a failure)"))
  func corpusFields() throws {
    let file = Paths.corpus.appendingPathComponent("canvas-live-events.ndjson")
    guard FileManager.default.fileExists(atPath: file.path) else {
      Issue.record("corpus missing at \(file.path) and CI=true")
      return
    }
    let run = try ndflat(["-f", "metadata.event_name,metadata.event_time,body", file.path])
    #expect(run.status == 0, "stderr: \(run.err)")
    #expect(run.err.contains("79 records read = 79 written + 0 filtered + 0 rejected"), "stderr: \(run.err)")
    #expect(run.out.hasPrefix("metadata.event_name,metadata.event_time,body\n"))
    // Body cells are quoted JSON that may hold newlines only inside quotes, so
    // count records by parsing: a quote-aware line count.
    var rows = 0
    var inQuotes = false
    for byte in run.out.utf8 {
      if byte == UInt8(ascii: "\"") { inQuotes.toggle() }
      if byte == 0x0A && !inQuotes { rows += 1 }
    }
    #expect(rows == 80, "header + 79 rows expected, got \(rows) lines")
    // Each event name matches the input, in order.
    let inputLines = String(decoding: try Data(contentsOf: file), as: UTF8.self)
      .split(separator: "\n").filter { !$0.allSatisfy(\.isWhitespace) }
    let names = try inputLines.map { line -> String in
      let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
      return (object?["metadata"] as? [String: Any])?["event_name"] as? String ?? ""
    }
    let outputNames = run.out.split(separator: "\n").dropFirst().compactMap { line -> String? in
      line.first == "\"" || line.first == "," ? nil : String(line.prefix { $0 != "," })
    }
    #expect(Array(outputNames.prefix(names.count)) == Array(names.prefix(outputNames.count)))
    #expect(outputNames.count == names.filter { !$0.isEmpty }.count)
  }
}
