import Glibc
import NDFlat

/// The closing summary on stderr, and the same facts as JSON for `--stats FILE`.
///
///     ndflat: 79 records read = 78 written + 0 filtered + 1 rejected; 0 warnings
///             78 rows × 186 columns → events.csv
///             2.61 MB in 0.05 s (52.2 MB/s, 1,580 records/s)
///             top event types: asset_accessed 27, logged_in 5, …
enum Summary {
  /// What the summary needs besides the engine's report.
  struct Context {
    /// Inputs as named on the command line (`-` for standard input).
    var inputs: [String]
    /// The output path, or nil for standard output.
    var output: String?
    /// The files written (when known; else `output` alone).
    var outputFiles: [String]? = nil
    /// Records per event type, most frequent first (when the engine counted them).
    var eventTypes: [(name: String, count: Int)]? = nil
  }

  /// How many event types the summary names.
  static let topEventTypes = 5

  /// The summary's lines (the first one starts with `ndflat: `).
  static func lines(_ report: RunReport, _ context: Context) -> [String] {
    let c = report.counters
    var first = "ndflat: \(grouped(c.recordsRead)) records read = \(grouped(c.recordsWritten)) written"
    first += " + \(grouped(c.recordsFiltered)) filtered + \(grouped(c.recordsRejected)) rejected"
    if !c.isBalanced { first += " (does not add up: please report this)" }
    first += "; \(grouped(c.warnings)) warning" + (c.warnings == 1 ? "" : "s")
    var lines = [first]
    var shape = "\(grouped(c.rowsWritten)) row" + (c.rowsWritten == 1 ? "" : "s")
    shape += " × \(grouped(report.columns.count)) column" + (report.columns.count == 1 ? "" : "s")
    if let files = context.outputFiles, files.count != 1 {
      shape += " → \(grouped(files.count)) files" + (context.output.map { " under \($0)" } ?? "")
    } else {
      shape += " → " + (context.outputFiles?.first ?? context.output ?? "standard output")
    }
    lines.append(shape)
    let seconds = max(report.elapsed, 0.000_001)
    var speed = "\(ProgressLine.bytes(report.bytesRead)) in \(duration(report.elapsed))"
    speed += " (\(ProgressLine.decimalUnits(Double(report.bytesRead) / seconds, suffix: "B/s"))"
    speed += ", \(grouped(Int((Double(c.recordsRead) / seconds).rounded()))) records/s)"
    lines.append(speed)
    if let types = context.eventTypes, !types.isEmpty {
      var text = "top event types: "
      text += types.prefix(topEventTypes).map { "\($0.name) \(grouped($0.count))" }.joined(separator: ", ")
      if types.count > topEventTypes { text += ", and \(grouped(types.count - topEventTypes)) more" }
      lines.append(text)
    }
    return lines.enumerated().map { $0.offset == 0 ? $0.element : "        " + $0.element }
  }

  static func print(_ report: RunReport, _ context: Context) {
    Terminal.error(lines(report, context).joined(separator: "\n"))
  }

  /// The `--stats FILE` document. Fields, in this order:
  ///
  /// - `records_read`: non-blank lines (records) read from all inputs.
  /// - `records_written`: records that produced output.
  /// - `records_filtered`: records left out on purpose (`--where`, an empty `--explode` array).
  /// - `records_rejected`: records that were not valid JSON, not objects, or over a limit.
  /// - `rows_written`: rows written (more than records with `--explode`).
  /// - `warnings`: non-fatal oddities (e.g. a timestamp that did not parse).
  /// - `columns`: the number of output columns.
  /// - `bytes_read`: input bytes read from disk (compressed size for gzip).
  /// - `elapsed_seconds`: wall-clock time of the run, in seconds (millisecond precision).
  /// - `inputs`: the inputs as named on the command line, `"-"` for standard input.
  /// - `output`: the `-o` path, or `null` for standard output.
  /// - `output_files`: every file written: the `-o` file, or with `--split-by` /
  ///   `--partition-by` each file under the `-o` directory; `[]` for standard output.
  /// - `reconciled`: `true` when records_read = records_written + records_filtered + records_rejected.
  /// - `exit_status`: 0, or 3 when records were rejected.
  /// - `event_types` (when counted): records per event type, most frequent first.
  static func json(_ report: RunReport, _ context: Context, exitStatus: Int32) -> String {
    let c = report.counters
    var fields: [(String, String)] = [
      ("records_read", "\(c.recordsRead)"),
      ("records_written", "\(c.recordsWritten)"),
      ("records_filtered", "\(c.recordsFiltered)"),
      ("records_rejected", "\(c.recordsRejected)"),
      ("rows_written", "\(c.rowsWritten)"),
      ("warnings", "\(c.warnings)"),
      ("columns", "\(report.columns.count)"),
      ("bytes_read", "\(report.bytesRead)"),
      ("elapsed_seconds", ProgressLine.fixed(report.elapsed, digits: 3)),
      ("inputs", "[" + context.inputs.map(jsonString).joined(separator: ", ") + "]"),
      ("output", context.output.map(jsonString) ?? "null"),
      ("output_files", "[" + (context.outputFiles ?? context.output.map { [$0] } ?? []).map(jsonString).joined(separator: ", ") + "]"),
      ("reconciled", c.isBalanced ? "true" : "false"),
      ("exit_status", "\(exitStatus)"),
    ]
    if let types = context.eventTypes {
      let members = types.map { "    \(jsonString($0.name)): \($0.count)" }
      fields.append(("event_types", members.isEmpty ? "{}" : "{\n" + members.joined(separator: ",\n") + "\n  }"))
    }
    return "{\n" + fields.map { "  \(jsonString($0.0)): \($0.1)" }.joined(separator: ",\n") + "\n}\n"
  }

  /// Prints the summary (unless `-q`) and writes `--stats FILE` (when asked).
  static func finish(_ report: RunReport, parsed: ParsedArguments, context: Context? = nil) throws {
    let context =
      context
      ?? Context(
        inputs: parsed.operands.isEmpty ? ["-"] : parsed.operands, output: parsed.value("output"),
        outputFiles: report.outputFiles.isEmpty ? nil : report.outputFiles,
        eventTypes: report.valueCounts.isEmpty
          ? nil : report.valueCounts.compactMap { entry in entry.value.map { (name: $0, count: entry.count) } })
    if !parsed.has("quiet") { print(report, context) }
    if let path = parsed.value("stats") {
      let status: Int32 = report.counters.recordsRejected > 0 ? 3 : 0
      try writeFile(path, json(report, context, exitStatus: status))
    }
  }

  static func writeFile(_ path: String, _ text: String) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else {
      throw NDFlatError(.output, "cannot write --stats file \(path): \(String(cString: strerror(errno)))")
    }
    defer { close(fd) }
    var copy = text
    let failed: Int32? = copy.withUTF8 { bytes in
      guard var pointer = bytes.baseAddress else { return nil }
      var remaining = bytes.count
      while remaining > 0 {
        let n = write(fd, pointer, remaining)
        if n < 0 {
          if errno == EINTR { continue }
          return errno
        }
        pointer += n
        remaining -= n
      }
      return nil
    }
    if let failed {
      throw NDFlatError(.output, "cannot write --stats file \(path): \(String(cString: strerror(failed)))")
    }
  }

  // MARK: Formatting

  /// `1234567` → `1,234,567`.
  static func grouped(_ number: Int) -> String {
    let digits = String(number.magnitude)
    var text = ""
    for (index, digit) in digits.enumerated() {
      if index > 0 && (digits.count - index) % 3 == 0 { text.append(",") }
      text.append(digit)
    }
    return (number < 0 ? "-" : "") + text
  }

  /// `0.05 s`, `12.3 s`, `4 min 05 s`, `1 h 02 min`.
  static func duration(_ seconds: Double) -> String {
    let value = seconds.isFinite ? max(0, seconds) : 0
    if value < 10 { return ProgressLine.fixed(value, digits: 2) + " s" }
    if value < 60 { return ProgressLine.fixed(value, digits: 1) + " s" }
    let whole = Int(value.rounded())
    func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
    if whole < 3600 { return "\(whole / 60) min \(two(whole % 60)) s" }
    return "\(whole / 3600) h \(two(whole % 3600 / 60)) min"
  }

  /// A JSON string literal.
  static func jsonString(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case _ where scalar.value < 0x20 || scalar == "\u{2028}" || scalar == "\u{2029}":
        let hex = String(scalar.value, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out + "\""
  }
}
