import Foundation
import NDFlat

/// `ndflat header --schema FILE`: the header line that mapper-mode rows
/// (`ndflat --schema FILE --no-header`) share, so the outputs of many workers
/// concatenate under one header.
enum HeaderCommand {
  static let options: [OptionSpec] = [
    OptionSpec("schema", value: "FILE", "the schema file (from 'ndflat schema --json')"),
    OptionSpec("schema-type", value: "NAME", "only this event type's columns (as with convert)"),
    OptionSpec("format", value: "FORMAT", "csv (default) or tsv"),
    OptionSpec("help", short: "h", "show this help"),
  ]

  static let help = """
    Usage: ndflat header --schema FILE [--format csv|tsv]

    Prints the header line of 'ndflat --schema FILE --no-header' rows: the schema's
    columns and _extra. Workers in Spark (RDD.pipe), Hadoop streaming or GNU
    parallel each convert a slice without a header; this header goes on top.

    Options:
    \(Help.options(options))

    Example:
      ndflat header --schema canvas.schema.json > table.csv
      cat part-*.ndjson | parallel --pipe ndflat -q --schema canvas.schema.json --no-header >> table.csv
    """

  static func run(_ arguments: [String]) throws -> Int32 {
    let parsed = try OptionParser(specs: options).parse(arguments)
    if parsed.has("help") {
      Terminal.output(help + "\n")
      return 0
    }
    guard parsed.operands.isEmpty else { throw UsageError("header takes no files, only --schema FILE") }
    var settings = ConvertOptions()
    try SchemaOptions.apply(parsed, to: &settings)
    guard settings.schema != nil else { throw UsageError("header needs --schema FILE") }
    if let format = parsed.value("format") {
      guard let value = OutputFormat(rawValue: format), value == .csv || value == .tsv else {
        throw UsageError("header writes csv or tsv, not '\(format)'")
      }
      settings.format = value
    }
    let (bytes, _) = try Converter(options: settings).convertToBytes([.memory(name: "header", bytes: [])])
    Terminal.output(String(decoding: bytes, as: UTF8.self))
    return 0
  }
}

/// Reads `--schema FILE` (and `--schema-type NAME`) into settings.
enum SchemaOptions {
  static func apply(_ parsed: ParsedArguments, to settings: inout ConvertOptions) throws {
    guard let path = parsed.value("schema") else {
      if parsed.has("schema-type") { throw UsageError("--schema-type needs --schema FILE") }
      return
    }
    guard let data = FileManager.default.contents(atPath: path) else {
      throw NDFlatError(.input, "\(path): cannot read the schema file")
    }
    let schema = try ExportSchema(jsonText: data, source: path)
    if let type = parsed.value("schema-type"), !schema.eventTypes.contains(where: { $0.name == type }) {
      throw UsageError("event type '\(type)' is not in \(path)")
    }
    settings.schema = schema
    settings.schemaEventType = parsed.value("schema-type")
    if settings.explode == nil { settings.explode = schema.explode }
    settings.separator = schema.separator
    settings.arrays = schema.arrays
  }
}
