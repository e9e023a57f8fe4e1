import Foundation
import NDFlat

/// `ndflat schema [options] [FILE…]`: per event type, every flattened field with
/// its JSON types, presence, nulls and an example; `--json` writes the schema file
/// that `convert --schema` reads; `--diff OLD.json` reports drift (exit 4).
enum SchemaCommand {
  static let options: [OptionSpec] = [
    OptionSpec("by", value: "PATH", "the event-type path (default metadata.event_name; data.type for Caliper)"),
    OptionSpec("json", "write the machine-readable schema file instead of tables"),
    OptionSpec("output", short: "o", value: "PATH", "write here instead of standard output"),
    OptionSpec("diff", value: "OLD.json", "compare with an earlier schema file: new, missing, retyped fields; exit 4 on drift"),
    OptionSpec("preset", value: "NAME", "canvas or caliper (default: detected from the first record)"),
    OptionSpec("explode", value: "PATH", "one row per element of the array at PATH (Caliper: data)"),
    OptionSpec("arrays", value: "MODE", "json (default) or index, as for convert"),
    OptionSpec("sep", value: "STR", "separator joining nested keys (default '.')"),
    OptionSpec("input", value: "FORM", "auto (default), ndjson, array or concat"),
    OptionSpec("quiet", short: "q", "no summary on stderr"),
    OptionSpec("help", short: "h", "show this help"),
  ]

  static let help = """
    Usage: ndflat schema [options] [FILE…]

    Lists, per event type, every flattened field in first-seen order with the JSON
    types seen (a field that is a string in one record and a number in another
    shows both, with counts), how often it is present and null, and an example.
    Records without the event-type path are counted under (missing).

    Options:
    \(Help.options(options))

    Examples:
      ndflat schema canvas-export.ndjson.gz
      ndflat schema --json canvas-export.ndjson.gz -o canvas.schema.json
      ndflat schema --diff canvas.schema.json next-week.ndjson.gz   # exit 4 on drift
      ndflat schema caliper.ndjson                 # Caliper: --explode data --by data.type, detected
      ndflat --schema canvas.schema.json export.ndjson -o table.csv # columns from the schema, the rest in _extra

    Exit status: 0 done (no drift), 4 drift found (--diff), 3 some records rejected,
    2 usage error, 1 fatal error.
    """

  static func run(_ arguments: [String]) throws -> Int32 {
    let parsed = try OptionParser(specs: options).parse(arguments)
    if parsed.has("help") {
      Terminal.output(help + "\n")
      return 0
    }
    let inputs = parsed.operands.map(InputSource.init(argument:))
    let preset = try Preset.parse(parsed) ?? (parsed.has("by") || parsed.has("explode") ? .canvas : Preset.detect(inputs))
    var settings = ConvertOptions()
    settings.threads = 1
    settings.explode = parsed.value("explode") ?? preset.explode
    if let arrays = parsed.value("arrays") {
      guard let mode = ArrayMode(rawValue: arrays) else { throw UsageError("unknown --arrays '\(arrays)'") }
      settings.arrays = mode
    }
    if let sep = parsed.value("sep") { settings.separator = sep }
    try InputOptions.apply(parsed, to: &settings)
    let by = parsed.value("by") ?? preset.typePath
    let old: ExportSchema? = try parsed.value("diff").map { path in
      guard let data = FileManager.default.contents(atPath: path) else {
        throw NDFlatError(.input, "\(path): cannot read the schema file")
      }
      return try ExportSchema(jsonText: data, source: path)
    }
    let converter = try Converter(options: settings)
    let reporter = RejectionReporter()
    converter.onRejection = { reporter.report($0) }
    let (schema, report) = try converter.collectSchema(inputs, by: by)
    reporter.finish()
    var text: String
    var status: Int32 = report.counters.recordsRejected > 0 ? 3 : 0
    if let old {
      let drift = SchemaDrift(old: old, new: schema)
      text = drift.report
      if !drift.isEmpty { status = 4 }
    } else {
      text = parsed.has("json") ? schema.jsonText() : schema.tableText()
    }
    if let path = parsed.value("output") {
      guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
        throw NDFlatError(.output, "\(path): cannot write")
      }
    } else {
      Terminal.output(text)
    }
    if !parsed.has("quiet") {
      let c = report.counters
      Terminal.error(
        "ndflat: \(c.recordsRead) records read = \(c.recordsWritten) described + \(c.recordsFiltered) filtered + \(c.recordsRejected) rejected; \(schema.eventTypes.count) event types")
    }
    return status
  }
}
