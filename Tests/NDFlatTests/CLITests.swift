// The person at the terminal, tested through the built `ndflat` binary: help and
// usage errors (golden files under Fixtures/cli), the option parser, the progress
// bar under a pseudo-terminal and never in a pipe, the closing summary and
// `--stats FILE`, rejection excerpts, `ndflat stats`, and completion scripts.
//
// Golden files are regenerated with `NDFLAT_UPDATE_GOLDEN=1 swift test --filter CLITests`
// (then review the diff).

import Foundation
import Testing

// MARK: - Locations and running

private enum CLIPaths {
  static let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures/cli")
  static let coreFixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures/core")
  static let corpus = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus")
  static let canvasCorpus = corpus.appendingPathComponent("canvas-live-events.ndjson")
  static let samples = packageRoot.appendingPathComponent("Samples")

  /// The built products: beside the test bundle / executable (as swift-argument-parser
  /// finds them), else `<package root>/.build/debug`.
  static let products: URL? = TestSupport.productsDirectory

  static var binary: URL? { products?.appendingPathComponent("ndflat") }

  static func program(_ name: String) -> String? {
    for directory in ["/usr/bin", "/bin", "/usr/local/bin"] where FileManager.default.isExecutableFile(atPath: directory + "/" + name) {
      return directory + "/" + name
    }
    return nil
  }

  static var updating: Bool { ProcessInfo.processInfo.environment["NDFLAT_UPDATE_GOLDEN"] == "1" }
}

private struct Run {
  let status: Int32
  let out: String
  let err: String
  var errLines: [Substring] { err.split(separator: "\n", omittingEmptySubsequences: true) }
}

private struct CLIError: Error, CustomStringConvertible {
  let description: String
}

/// A fresh directory, removed when released.
private final class TempDir {
  let url: URL
  init() throws {
    url = FileManager.default.temporaryDirectory.appendingPathComponent("ndflat-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }
  deinit { try? FileManager.default.removeItem(at: url) }
  func file(_ name: String) -> URL { url.appendingPathComponent(name) }
  func write(_ name: String, _ text: String) throws -> URL {
    let target = file(name)
    try Data(text.utf8).write(to: target)
    return target
  }
}

/// Runs `executable arguments…` with stdin from `stdin` (or /dev/null) and a fixed
/// 100-column `COLUMNS`, in `directory`.
private func execute(
  _ executable: String, _ arguments: [String], stdin: URL? = nil, directory: URL? = nil,
  environment extra: [String: String] = [:]
) throws -> Run {
  let scratch = try TempDir()
  let outURL = scratch.file("stdout")
  let errURL = scratch.file("stderr")
  _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
  _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
  let outHandle = try FileHandle(forWritingTo: outURL)
  let errHandle = try FileHandle(forWritingTo: errURL)
  let inHandle = try FileHandle(forReadingFrom: stdin ?? URL(fileURLWithPath: "/dev/null"))
  let process = Process()
  process.executableURL = URL(fileURLWithPath: executable)
  process.arguments = arguments
  process.currentDirectoryURL = directory ?? CLIPaths.coreFixtures
  var environment = ProcessInfo.processInfo.environment
  environment["COLUMNS"] = "100"
  environment.removeValue(forKey: "NDFLAT_UPDATE_GOLDEN")
  for (key, value) in extra { environment[key] = value }
  process.environment = environment
  process.standardOutput = outHandle
  process.standardError = errHandle
  process.standardInput = inHandle
  try process.run()
  process.waitUntilExit()
  try outHandle.close()
  try errHandle.close()
  try inHandle.close()
  return Run(
    status: process.terminationStatus,
    out: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
    err: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
}

private func ndflat(_ arguments: [String], stdin: URL? = nil, directory: URL? = nil) throws -> Run {
  guard let binary = CLIPaths.binary else {
    throw CLIError(description: "the ndflat binary was not found beside the test bundle nor in .build/debug; run `swift build`")
  }
  return try execute(binary.path, arguments, stdin: stdin, directory: directory)
}

/// `'it''s'` quoting for /bin/sh.
private func shellQuote(_ word: String) -> String {
  let safe = word.allSatisfy { $0.isLetter || $0.isNumber || "-_./=,:".contains($0) }
  return safe && !word.isEmpty ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
}

/// Compares `actual` with the golden file `name` (or rewrites it under NDFLAT_UPDATE_GOLDEN=1).
private func expectGolden(_ actual: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
  let url = CLIPaths.golden.appendingPathComponent(name)
  if CLIPaths.updating {
    try FileManager.default.createDirectory(at: CLIPaths.golden, withIntermediateDirectories: true)
    try Data(actual.utf8).write(to: url)
    return
  }
  guard let data = FileManager.default.contents(atPath: url.path) else {
    Issue.record("missing golden file \(name); run with NDFLAT_UPDATE_GOLDEN=1", sourceLocation: sourceLocation)
    return
  }
  let expected = String(decoding: data, as: UTF8.self)
  guard actual != expected else { return }
  let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
  let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
  let line = zip(a, e).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, e.count)
  let got = line < a.count ? String(a[line]) : "<end>"
  let want = line < e.count ? String(e[line]) : "<end>"
  Issue.record(
    "\(name) differs at line \(line + 1):\n  got:      \(got)\n  expected: \(want)\n(NDFLAT_UPDATE_GOLDEN=1 rewrites it)",
    sourceLocation: sourceLocation)
}

// MARK: - Help and usage errors

@Suite("CLI: help, version and usage errors")
struct CLIHelpTests {
  @Test("ndflat --help: commands, every convert option, Canvas and Caliper examples")
  func topLevel() throws {
    let run = try ndflat(["--help"])
    #expect(run.status == 0)
    #expect(run.err.isEmpty)
    try expectGolden(run.out, "help.txt")
    for word in ["convert", "stats", "completions", "Canvas Live Events", "IMS Caliper", "--progress", "--stats FILE"] {
      #expect(run.out.contains(word), "--help lacks \(word)")
    }
    #expect(try ndflat(["-h"]).out == run.out)
    #expect(try ndflat(["help"]).out == run.out)
  }

  @Test("ndflat help convert, ndflat convert --help")
  func convert() throws {
    let run = try ndflat(["help", "convert"])
    #expect(run.status == 0)
    try expectGolden(run.out, "help-convert.txt")
    #expect(try ndflat(["convert", "--help"]).out == run.out)
    #expect(run.out.hasPrefix("Usage: ndflat [convert] [options] [FILE…]"))
  }

  @Test("ndflat help stats, ndflat stats --help")
  func stats() throws {
    let run = try ndflat(["help", "stats"])
    #expect(run.status == 0)
    try expectGolden(run.out, "help-stats.txt")
    #expect(try ndflat(["stats", "--help"]).out == run.out)
    #expect(try ndflat(["stats", "-h"]).out == run.out)
  }

  @Test("ndflat help completions")
  func completions() throws {
    let run = try ndflat(["help", "completions"])
    #expect(run.status == 0)
    try expectGolden(run.out, "help-completions.txt")
  }

  @Test("every option of every command is in its help, wrapped to 80 columns")
  func everyOption() throws {
    for command in ["convert", "stats", "completions"] {
      let run = try ndflat(["help", command])
      let optionNames = run.out.split(separator: "\n")
        .filter { $0.hasPrefix("  -") || $0.hasPrefix("      --") }
      #expect(!optionNames.isEmpty, "\(command)")
      for line in run.out.split(separator: "\n") where line.contains("    --") || line.hasPrefix("  -") {
        #expect(line.count <= 80 || line.hasPrefix("  ndflat"), "\(command): too wide: \(line)")
      }
    }
    // Each long option in the completion script (generated from the same table) is in the help.
    let script = try ndflat(["completions", "bash"]).out
    let help = try ndflat(["help", "convert"]).out
    let convertOptions = script.split(separator: "\n").first { $0.contains("opts=\"--fields") } ?? ""
    for option in convertOptions.split(separator: "\"")[1].split(separator: " ") where option.hasPrefix("--") {
      #expect(help.contains(" " + option + " ") || help.contains(" " + option + "\n"), "help lacks \(option)")
    }
  }

  @Test("--version")
  func version() throws {
    let run = try ndflat(["--version"])
    #expect(run.status == 0)
    #expect(run.out.hasPrefix("ndflat ") && run.out.hasSuffix("\n"))
    #expect(try ndflat(["-V"]).out == run.out)
  }

  /// Command lines that must fail with one line on stderr and exit 2.
  static let usageCases: [[String]] = [
    ["--feilds", "id", "nested.ndjson"],
    ["--out", "x.csv", "nested.ndjson"],
    ["-format", "csv", "nested.ndjson"],
    ["--no-header=yes", "nested.ndjson"],
    ["-j"],
    ["--fields"],
    ["-x", "nested.ndjson"],
    ["--format", "xml", "nested.ndjson"],
    ["stat", "nested.ndjson"],
    ["help", "stat"],
    ["help", "nosuch"],
    ["stats", "--bye", "metadata.event_name", "nested.ndjson"],
    ["stats", "--per", "fortnight", "nested.ndjson"],
    ["stats", "--top", "0", "nested.ndjson"],
    ["completions"],
    ["completions", "fish"],
  ]

  @Test("usage errors: one line, a hint, exit 2 (golden)")
  func usageErrors() throws {
    var transcript = ""
    for arguments in Self.usageCases {
      let run = try ndflat(arguments)
      #expect(run.status == 2, "\(arguments): status \(run.status): \(run.err)")
      #expect(run.errLines.count == 1, "\(arguments): \(run.err)")
      #expect(run.out.isEmpty, "\(arguments): stdout \(run.out)")
      #expect(run.err.hasPrefix("ndflat: ") && run.err.hasSuffix("\n"))
      transcript += "$ ndflat " + arguments.map(shellQuote).joined(separator: " ") + "\n"
      transcript += run.err + "[exit \(run.status)]\n\n"
    }
    try expectGolden(transcript, "usage-errors.txt")
  }

  @Test("the did-you-mean line for a mistyped option, exactly")
  func didYouMean() throws {
    let run = try ndflat(["--feilds", "a", "nested.ndjson"])
    #expect(run.err == "ndflat: unknown option '--feilds'; did you mean '--fields'? (see 'ndflat --help')\n")
    #expect(run.status == 2)
  }
}

// MARK: - Option parser

@Suite("CLI: option parsing")
struct CLIParserTests {
  @Test("--opt=value, --opt value, -ovalue and -o value mean the same")
  func valueForms() throws {
    let forms: [[String]] = [
      ["-q", "--fields=id,who=user.name", "nested.ndjson"],
      ["-q", "--fields", "id,who=user.name", "nested.ndjson"],
      ["-q", "-fid,who=user.name", "nested.ndjson"],
      ["-q", "-f", "id,who=user.name", "nested.ndjson"],
      ["convert", "-q", "nested.ndjson", "-f", "id,who=user.name"],
    ]
    let outputs = try forms.map { try ndflat($0) }
    for (form, run) in zip(forms, outputs) {
      #expect(run.status == 0, "\(form): \(run.err)")
      #expect(run.out == outputs[0].out, "\(form)")
    }
    #expect(outputs[0].out.hasPrefix("id,who\n"))
  }

  @Test("bundled short options: -qj2 is -q -j 2")
  func bundling() throws {
    let bundled = try ndflat(["-qj2", "nested.ndjson"])
    let apart = try ndflat(["-q", "-j", "2", "nested.ndjson"])
    #expect(bundled.status == 0)
    #expect(bundled.err.isEmpty, "-q in a bundle silences the summary: \(bundled.err)")
    #expect(bundled.out == apart.out)
    let bad = try ndflat(["-qj", "nested.ndjson"])  // -j takes "nested.ndjson" as its value
    #expect(bad.status == 2)
  }

  @Test("-- ends the options; a lone - is standard input")
  func endOfOptions() throws {
    let dir = try TempDir()
    let source = try String(contentsOf: CLIPaths.coreFixtures.appendingPathComponent("nested.ndjson"), encoding: .utf8)
    _ = try dir.write("-q.ndjson", source)
    let withDashes = try ndflat(["--no-progress", "--", "-q.ndjson"], directory: dir.url)
    #expect(withDashes.status == 0, "\(withDashes.err)")
    #expect(withDashes.err.contains("records read"), "-q.ndjson is a file after --, not -q")
    let without = try ndflat(["-q.ndjson"], directory: dir.url)
    #expect(without.status == 2)
    let stdin = try ndflat(["-q", "-"], stdin: CLIPaths.coreFixtures.appendingPathComponent("nested.ndjson"))
    #expect(stdin.status == 0)
    #expect(stdin.out == withDashes.out)
  }

  @Test("stray words are file names for convert")
  func operands() throws {
    let run = try ndflat(["no-such-file.ndjson"])
    #expect(run.status == 1)
    #expect(run.err.contains("no-such-file.ndjson"))
    #expect(!run.err.contains("did you mean"))
  }

  @Test("a word near a command name, with no such file, suggests the command")
  func commandTypo() throws {
    let run = try ndflat(["stat", "nested.ndjson"])
    #expect(run.status == 2)
    #expect(run.err.contains("did you mean 'ndflat stats'?"))
  }
}

// MARK: - Progress bar

@Suite("CLI: progress bar", .serialized)
struct CLIProgressTests {
  static let script = CLIPaths.program("script")

  /// Runs `ndflat arguments…` under a pseudo-terminal (util-linux `script`) and returns
  /// everything the terminal received.
  static func underTerminal(_ arguments: [String]) throws -> String {
    guard let script, let binary = CLIPaths.binary else { throw CLIError(description: "no script(1) or binary") }
    let command = ([binary.path] + arguments).map(shellQuote).joined(separator: " ")
    let run = try execute(script, ["-q", "-e", "-c", command, "/dev/null"], directory: CLIPaths.samples)
    #expect(run.status == 0 || run.status == 3, "script: \(run.status) \(run.err)")
    return run.out
  }

  @Test("on a terminal: the bar is drawn for both passes, then cleared before the summary",
    .enabled(if: script != nil, "util-linux script(1) is not installed"))
  func terminal() throws {
    let screen = try Self.underTerminal(["canvas-sample.ndjson", "-o", "/dev/null"])
    #expect(screen.contains("\rscanning columns  ["), "\(screen.debugDescription)")
    #expect(screen.contains("\rwriting  ["), "\(screen.debugDescription)")
    #expect(screen.contains("\u{1B}[K"))
    guard let clear = screen.range(of: "\r\u{1B}[Kndflat: 300 records read") else {
      Issue.record("the bar is not cleared before the summary: \(screen.debugDescription)")
      return
    }
    // Nothing of the bar after the summary starts.
    #expect(!screen[clear.upperBound...].contains("writing  ["))
  }

  @Test("on a terminal, --no-progress and -q silence the bar; -q the summary too",
    .enabled(if: script != nil, "util-linux script(1) is not installed"))
  func silenced() throws {
    let noBar = try Self.underTerminal(["--no-progress", "canvas-sample.ndjson", "-o", "/dev/null"])
    #expect(!noBar.contains("\u{1B}["), "\(noBar.debugDescription)")
    #expect(noBar.contains("300 records read"))
    let quiet = try Self.underTerminal(["-q", "canvas-sample.ndjson", "-o", "/dev/null"])
    #expect(quiet.isEmpty, "\(quiet.debugDescription)")
  }

  @Test("rows going to the same terminal: no bar in between them",
    .enabled(if: script != nil, "util-linux script(1) is not installed"))
  func rowsOnScreen() throws {
    let screen = try Self.underTerminal(["-f", "metadata.event_name", "canvas-sample.ndjson"])
    #expect(screen.contains("asset_accessed"))
    #expect(!screen.contains("\u{1B}["), "\(screen.debugDescription)")
    #expect(screen.contains("300 records read"))
  }

  @Test("into a pipe or file: never a bar, unless --progress forces it")
  func pipe() throws {
    let sample = CLIPaths.samples.appendingPathComponent("canvas-sample.ndjson").path
    let piped = try ndflat([sample, "-o", "/dev/null"])
    #expect(piped.status == 0)
    #expect(!piped.err.contains("\r") && !piped.err.contains("\u{1B}"), "\(piped.err.debugDescription)")
    #expect(piped.err.hasPrefix("ndflat: 300 records read"))
    let forced = try ndflat(["--progress", sample, "-o", "/dev/null"])
    #expect(forced.err.hasPrefix("\rscanning columns  ["), "\(forced.err.debugDescription)")
    #expect(forced.err.contains("\r\u{1B}[Kndflat: 300 records read"))
    // --no-progress wins over --progress; --progress wins over -q for the bar.
    let both = try ndflat(["--progress", "--no-progress", sample, "-o", "/dev/null"])
    #expect(!both.err.contains("\u{1B}"))
    let quietForced = try ndflat(["-q", "--progress", sample, "-o", "/dev/null"])
    #expect(quietForced.err.contains("\rwriting  [") && !quietForced.err.contains("records read"))
  }

  @Test("standard input: bytes read, no percentage")
  func standardInput() throws {
    let sample = CLIPaths.samples.appendingPathComponent("canvas-sample.ndjson")
    // With --fields there is one pass straight from the pipe.
    let run = try ndflat(["--progress", "-f", "metadata.event_name", "-o", "/dev/null"], stdin: sample)
    #expect(run.err.contains("\rwriting  "), "\(run.err.debugDescription)")
    #expect(run.err.contains(" read  "), "\(run.err.debugDescription)")
    #expect(!run.err.contains("%"), "\(run.err.debugDescription)")
  }
}

// MARK: - Summary, --stats, rejections

@Suite("CLI: summary, --stats and rejection messages")
struct CLISummaryTests {
  @Test("the summary reconciles and names rows, columns, output, time and throughput")
  func summary() throws {
    let dir = try TempDir()
    let output = dir.file("out.csv")
    let run = try ndflat(["bad.ndjson", "-o", output.path])
    #expect(run.status == 3)
    let lines = run.err.split(separator: "\n").drop { !$0.contains("records read") }
    #expect(lines.count == 3, "\(run.err)")
    guard lines.count == 3 else { return }
    let all = Array(lines)
    #expect(all[0] == "ndflat: 4 records read = 3 written + 0 filtered + 1 rejected; 0 warnings")
    #expect(all[1].hasPrefix("        3 rows × ") && all[1].hasSuffix(" → " + output.path), "\(all[1])")
    #expect(all[2].hasPrefix("        ") && all[2].contains(" in ") && all[2].contains("B/s, "), "\(all[2])")
    #expect(all[2].contains("records/s"))
    let toStdout = try ndflat(["nested.ndjson"])
    #expect(toStdout.err.contains("→ standard output"))
  }

  @Test("--stats FILE: the documented fields, reconciled, matching the run")
  func statsFile() throws {
    let dir = try TempDir()
    let output = dir.file("out.csv")
    let statsURL = dir.file("run.json")
    let run = try ndflat(["-q", "--stats", statsURL.path, "bad.ndjson", "nested.ndjson", "-o", output.path])
    #expect(run.status == 3, "\(run.err)")
    let data = try Data(contentsOf: statsURL)
    let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let keys = [
      "records_read", "records_written", "records_filtered", "records_rejected", "rows_written", "warnings",
      "columns", "bytes_read", "elapsed_seconds", "inputs", "output", "output_files", "reconciled", "exit_status",
    ]
    // `event_types` is there when the run counted them (records per metadata.event_name).
    #expect(Set(object.keys).subtracting(["event_types"]) == Set(keys), "\(object.keys.sorted())")
    // The keys come in the documented order.
    let text = String(decoding: data, as: UTF8.self)
    let positions = keys.compactMap { text.range(of: "\"\($0)\"")?.lowerBound }
    #expect(positions == positions.sorted() && positions.count == keys.count)
    let read = try #require(object["records_read"] as? Int)
    let written = try #require(object["records_written"] as? Int)
    let filtered = try #require(object["records_filtered"] as? Int)
    let rejected = try #require(object["records_rejected"] as? Int)
    #expect(read == written + filtered + rejected)
    #expect(object["reconciled"] as? Bool == true)
    #expect(read == 7 && rejected == 1 && written == 6, "\(text)")
    #expect(object["rows_written"] as? Int == 6)
    #expect(object["exit_status"] as? Int == 3)
    #expect(object["inputs"] as? [String] == ["bad.ndjson", "nested.ndjson"])
    #expect(object["output"] as? String == output.path)
    #expect(object["output_files"] as? [String] == [output.path])
    let header = try String(contentsOf: output, encoding: .utf8).split(separator: "\n").first ?? ""
    #expect(object["columns"] as? Int == header.split(separator: ",").count)
    let bytes = try FileManager.default.attributesOfItem(atPath: CLIPaths.coreFixtures.appendingPathComponent("bad.ndjson").path)[.size] as? Int ?? 0
    let bytes2 = try FileManager.default.attributesOfItem(atPath: CLIPaths.coreFixtures.appendingPathComponent("nested.ndjson").path)[.size] as? Int ?? 0
    #expect(object["bytes_read"] as? Int == bytes + bytes2)
    #expect((object["elapsed_seconds"] as? Double ?? -1) >= 0)
  }

  @Test("--split-by: the summary and --stats name every file written")
  func grouped() throws {
    let dir = try TempDir()
    let tables = dir.file("tables")
    let statsURL = dir.file("run.json")
    let sample = CLIPaths.samples.appendingPathComponent("canvas-sample.ndjson").path
    let run = try ndflat(["--split-by", "metadata.event_name", "-o", tables.path, "--stats", statsURL.path, sample])
    #expect(run.status == 0, "\(run.err)")
    let written = try FileManager.default.contentsOfDirectory(atPath: tables.path)
    #expect(run.err.contains(" → \(written.count) files under \(tables.path)\n"), "\(run.err)")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: statsURL)) as? [String: Any])
    let files = try #require(object["output_files"] as? [String])
    #expect(Set(files.map { URL(fileURLWithPath: $0).lastPathComponent }) == Set(written))
    #expect(object["reconciled"] as? Bool == true)
  }

  @Test("--stats with standard output and standard input: output null, inputs [\"-\"]")
  func statsStdout() throws {
    let dir = try TempDir()
    let statsURL = dir.file("run.json")
    let run = try ndflat(["-q", "--stats", statsURL.path], stdin: CLIPaths.coreFixtures.appendingPathComponent("nested.ndjson"))
    #expect(run.status == 0)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: statsURL)) as? [String: Any])
    #expect(object["output"] is NSNull)
    #expect(object["output_files"] as? [String] == [])
    #expect(object["inputs"] as? [String] == ["-"])
    #expect(object["exit_status"] as? Int == 0)
    let unwritable = try ndflat(["-q", "--stats", "/nonexistent-dir/run.json", "nested.ndjson"])
    #expect(unwritable.status == 1)
    #expect(unwritable.err.contains("--stats"))
  }

  @Test("a rejected record: file, line, byte offset, an excerpt and a caret under the column")
  func excerpt() throws {
    let dir = try TempDir()
    let long = String(repeating: "x", count: 200)
    let text = "{\"a\":1}\n{bad\n{\"a\":\"x\u{01}y\", \"b\": tru}\n[1,2]\n{\"k\":\"\(long)\", \"v\": [1,2,}\n{\"é\":\"日本\",}\n"
    _ = try dir.write("events.ndjson", text)
    let run = try ndflat(["-q", "events.ndjson", "-o", "/dev/null"], directory: dir.url)
    #expect(run.status == 3)
    let lines = run.err.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    func block(_ header: String) -> [String] {
      guard let index = lines.firstIndex(where: { $0.hasPrefix(header) }) else {
        Issue.record("no line \(header) in \(run.err)")
        return []
      }
      return Array(lines[index..<min(lines.count, index + 3)])
    }
    let bad = block("ndflat: events.ndjson:2: invalid JSON")
    #expect(bad.first?.contains("(byte offset 8, column ") == true, "\(bad)")
    let column2 = Int(bad.first?.split(separator: "column ").last?.dropLast() ?? "") ?? 0
    #expect(bad.count == 3 && bad[1] == "    {bad", "\(bad)")
    #expect(bad.count == 3 && bad[2] == String(repeating: " ", count: 4 + column2 - 1) + "^", "\(bad)")
    // A control character is shown as ·, and the caret stays under it.
    let control = block("ndflat: events.ndjson:3:")
    #expect(control.count == 3 && control[1] == "    {\"a\":\"x·y\", \"b\": tru}", "\(control)")
    #expect(control.count == 3 && control[2] == "          ^", "caret under the control character: \(control)")
    let notObject = block("ndflat: events.ndjson:4: not a JSON object")
    #expect(notObject.count == 3 && notObject[1] == "    [1,2]" && notObject[2] == "    ^", "\(notObject)")
    // A long line: a window of at most ~70 columns with … where it was cut.
    let windowed = block("ndflat: events.ndjson:5:")
    #expect(windowed.count == 3, "\(windowed)")
    if windowed.count == 3 {
      #expect(windowed[1].hasPrefix("    …x") && windowed[1].hasSuffix("\"v\": [1,2,}"), "\(windowed[1])")
      #expect(windowed[1].count <= 4 + 70)
      let caret = windowed[2].count - 1
      let under = Array(windowed[1])[caret]
      #expect(under == "}", "caret under \(under): \(windowed)")
    }
    // Wide characters take two columns: the caret is still under the right character.
    let wide = block("ndflat: events.ndjson:6:")
    #expect(wide.count == 3 && wide[1] == "    {\"é\":\"日本\",}", "\(wide)")
    #expect(wide.count == 3 && wide[2] == "                ^", "caret under } after two wide characters: \(wide)")
  }

  @Test("a long record whose error lies past the kept bytes: its start, and where the column is")
  func pastExcerpt() throws {
    let dir = try TempDir()
    _ = try dir.write("long.ndjson", "{\"a\":\"" + String(repeating: "y", count: 1500) + "\", bad}\n")
    let run = try ndflat(["-q", "long.ndjson", "-o", "/dev/null"], directory: dir.url)
    let lines = run.err.split(separator: "\n").map(String.init)
    #expect(lines.count == 3, "\(run.err)")
    #expect(lines.first?.hasSuffix("(byte offset 0, column 1510)") == true)
    #expect(lines.count == 3 && lines[1].hasPrefix("    {\"a\":\"yyy") && lines[1].hasSuffix("…") && lines[1].count <= 75)
    #expect(lines.last == "    (column 1510 is further on)")
    // With --rejects the whole record is kept, so the caret can be drawn.
    let kept = try ndflat(["-q", "--rejects", dir.file("r.ndjson").path, "long.ndjson", "-o", "/dev/null"], directory: dir.url)
    let keptLines = kept.err.split(separator: "\n").map(String.init)
    #expect(keptLines.count == 3 && keptLines[1].hasSuffix("\", bad}") && keptLines[2].hasSuffix("^"), "\(kept.err)")
  }

  @Test("with a progress bar, a rejection message first clears the bar")
  func rejectionClearsBar() throws {
    let run = try ndflat(["--progress", "bad.ndjson", "-o", "/dev/null"])
    #expect(run.status == 3)
    #expect(run.err.contains("\r\u{1B}[Kndflat: bad.ndjson:3:"), "\(run.err.debugDescription)")
  }

  @Test("after ten rejections, a count of the rest")
  func manyRejections() throws {
    let dir = try TempDir()
    _ = try dir.write("bad.ndjson", String(repeating: "{bad\n", count: 13))
    let run = try ndflat(["-q", "bad.ndjson", "-o", "/dev/null"], directory: dir.url)
    #expect(run.status == 3)
    #expect(run.errLines.filter { $0.hasPrefix("ndflat: bad.ndjson:") }.count == 10)
    #expect(run.err.contains("ndflat: … and 3 more rejected records (--rejects FILE keeps them all)"))
  }
}

// MARK: - ndflat stats

@Suite("CLI: ndflat stats")
struct CLIStatsTests {
  @Test("the Canvas corpus: 79 records, 53 event types, asset_accessed ×27 (golden)",
    .enabled(if: FileManager.default.fileExists(atPath: CLIPaths.canvasCorpus.path), "no shared corpus"))
  func corpus() throws {
    let run = try ndflat(["stats", "canvas-live-events.ndjson"], directory: CLIPaths.corpus)
    #expect(run.status == 0, "\(run.err)")
    #expect(run.err.isEmpty)
    #expect(run.out.hasPrefix("canvas-live-events.ndjson: 79 records, 53 event types by metadata.event_name\n"))
    let asset = run.out.split(separator: "\n").first { $0.hasPrefix("asset_accessed ") }
    #expect(asset?.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first == "27", "\(asset ?? "")")
    try expectGolden(run.out, "stats-canvas-corpus.txt")
  }

  @Test("the bundled Canvas sample, every day drawn (golden)")
  func sample() throws {
    let run = try ndflat(["stats", "Samples/canvas-sample.ndjson"], directory: CLIPaths.packageRoot)
    #expect(run.status == 0, "\(run.err)")
    try expectGolden(run.out, "stats-canvas-sample.txt")
    #expect(run.out.contains("records per day (UTC):\n2024-09-02"))
    #expect(run.out.contains("█"))
    // Counts per type add up to the records.
    let rows = run.out.split(separator: "\n", omittingEmptySubsequences: false).drop { !$0.hasPrefix("event type") }.dropFirst()
      .prefix { !$0.isEmpty }
    let total = rows.compactMap { Int($0.split(separator: " ", omittingEmptySubsequences: true)[1]) }.reduce(0, +)
    #expect(total == 300)
    // Standard input gives the same table.
    let stdin = try ndflat(["stats"], stdin: CLIPaths.samples.appendingPathComponent("canvas-sample.ndjson"))
    #expect(stdin.out.dropFirst("standard input".count) == run.out.dropFirst("Samples/canvas-sample.ndjson".count))
  }

  @Test("Caliper envelopes are counted by data.0.type when no record has metadata.event_name")
  func caliper() throws {
    let run = try ndflat(["stats", "caliper-sample.ndjson"], directory: CLIPaths.samples)
    #expect(run.status == 0)
    #expect(run.out.contains("event types by data.0.type"), "\(run.out)")
    #expect(run.out.contains("times by data.0.eventTime"))
    #expect(run.out.contains("NavigationEvent"))
  }

  @Test("--by, --per, --top, (missing) and records without a time")
  func options() throws {
    let dir = try TempDir()
    _ = try dir.write(
      "e.ndjson",
      """
      {"metadata":{"event_name":"a","event_time":"2024-01-01T23:30:00-02:00"},"body":{"kind":"x"}}
      {"metadata":{"event_name":"a","event_time":"2024-01-02T00:00:00Z"},"body":{"kind":"y"}}
      {"metadata":{"event_name":"b","event_time":"2024-02-15T10:00:00Z"}}
      {"metadata":{"event_time":"not a time"}}
      {"metadata":{"event_name":"c"}}
      {bad

      """)
    let run = try ndflat(["stats", "e.ndjson"], directory: dir.url)
    #expect(run.status == 3, "a rejected record makes the exit status 3")
    #expect(run.err.contains("e.ndjson:6:"))
    #expect(run.out.hasPrefix("e.ndjson: 5 records (and 1 rejected), 4 event types by metadata.event_name\n"), "\(run.out)")
    // 23:30 at -02:00 is 01:30 the next day in UTC.
    #expect(run.out.contains("times by metadata.event_time: 2024-01-02 00:00:00 to 2024-02-15 10:00:00 UTC"), "\(run.out)")
    #expect(run.out.contains("records: 1 without metadata.event_time; 1 whose metadata.event_time is not a timestamp"))
    let table = run.out.split(separator: "\n")
    #expect(table.last { $0.hasPrefix("(missing)") } != nil, "\(run.out)")
    #expect(table.contains { $0.hasPrefix("2024-01-02  2  █") }, "\(run.out)")
    #expect(table.contains { $0.contains("(43 days without events)") }, "\(run.out)")

    let byKind = try ndflat(["stats", "--by", "body.kind", "--per", "month", "e.ndjson"], directory: dir.url)
    #expect(byKind.out.contains("event types by body.kind"))
    #expect(byKind.out.contains("records per month (UTC):\n2024-01  2  █"), "\(byKind.out)")
    let top = try ndflat(["stats", "--top", "1", "e.ndjson"], directory: dir.url)
    #expect(top.out.contains("… 3 more event types, 3 records (--top)"), "\(top.out)")
  }

  @Test("untrusted event names cannot drive the terminal")
  func sanitised() throws {
    let dir = try TempDir()
    _ = try dir.write("e.ndjson", "{\"metadata\":{\"event_name\":\"evil\\u001b[2Jname\"}}\n")
    let run = try ndflat(["stats", "e.ndjson"], directory: dir.url)
    #expect(!run.out.contains("\u{1B}"))
    #expect(run.out.contains("evil·[2Jname"))
  }
}

// MARK: - Completions

@Suite("CLI: completion scripts")
struct CLICompletionTests {
  static let bash = CLIPaths.program("bash")
  static let zsh = CLIPaths.program("zsh")

  /// What bash completes for `line` (a trailing space starts a new word).
  static func complete(_ line: String, script: URL) throws -> [String] {
    let probe = """
      source \(shellQuote(script.path))
      read -ra COMP_WORDS <<< "$1"
      [[ "$1" == *" " ]] && COMP_WORDS+=("")
      COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
      _ndflat
      printf '%s\\n' "${COMPREPLY[@]}"
      """
    let run = try execute(bash!, ["-c", probe, "probe", line])
    #expect(run.err.isEmpty, "\(run.err)")
    return run.out.split(separator: "\n").map(String.init)
  }

  @Test("bash: commands, options, their values and files", .enabled(if: bash != nil))
  func bashScript() throws {
    let dir = try TempDir()
    let script = try dir.write("ndflat.bash", try ndflat(["completions", "bash"]).out)
    let syntax = try execute(Self.bash!, ["-n", script.path])
    #expect(syntax.status == 0, "\(syntax.err)")
    #expect(try Self.complete("ndflat --for", script: script) == ["--format"])
    #expect(try Self.complete("ndflat --format ", script: script) == ["csv", "tsv", "json", "xlsx"])
    #expect(try Self.complete("ndflat st", script: script).contains("stats"))
    #expect(try Self.complete("ndflat stats --b", script: script) == ["--by"])
    #expect(try Self.complete("ndflat stats --per ", script: script) == ["day", "week", "month", "year"])
    #expect(try Self.complete("ndflat completions ", script: script) == ["bash", "zsh"])
    #expect(try Self.complete("ndflat help ", script: script).contains("convert"))
    #expect(try Self.complete("ndflat -f ", script: script).isEmpty)
    _ = try dir.write("events.ndjson", "")
    #expect(try Self.complete("ndflat -q \(dir.url.path)/ev", script: script) == ["\(dir.url.path)/events.ndjson"])
    #expect(try Self.complete("ndflat -o \(dir.url.path)/ev", script: script) == ["\(dir.url.path)/events.ndjson"])
  }

  @Test("zsh: valid syntax, every option with its help, value sets", .enabled(if: zsh != nil))
  func zshScript() throws {
    let dir = try TempDir()
    let text = try ndflat(["completions", "zsh"]).out
    let script = try dir.write("_ndflat", text)
    let syntax = try execute(Self.zsh!, ["-n", script.path])
    #expect(syntax.status == 0, "\(syntax.err)")
    #expect(text.hasPrefix("#compdef ndflat\n"))
    #expect(text.contains("'--format=[csv (default), tsv or json (flattened NDJSON)]:FORMAT:(csv tsv json xlsx)'"))
    #expect(text.contains("'(-f --fields)'{-f+,--fields=}'["))
    #expect(text.contains("_ndflat_stats() {"))
    #expect(text.contains("'--per=[histogram buckets"))
  }
}
