import NDFlat

/// `ndflat [convert] [options] [FILE…]`: the main job.
enum ConvertCommand {
  static let options: [OptionSpec] = [
    OptionSpec("fields", short: "f", value: "LIST", "exactly these columns, in order: a,b,NAME=path (data.0.type indexes an array)"),
    OptionSpec("format", value: "FORMAT", "csv (default), tsv or json (flattened NDJSON)"),
    OptionSpec("output", short: "o", value: "PATH", "write here (via a temporary name, renamed at the end); default stdout"),
    OptionSpec("arrays", value: "MODE", "json (default: an array is one cell of compact JSON) or index (path.0, path.1, …)"),
    OptionSpec("sep", value: "STR", "separator joining nested keys into column names (default '.')"),
    OptionSpec("null", value: "TEXT", "CSV/TSV text for null and absent values (default empty)"),
    OptionSpec("no-header", "write rows only, no header line"),
    OptionSpec("split-by", value: "PATH", "one file per distinct value at PATH under -o DIR, each with its own header (e.g. metadata.event_name)"),
    OptionSpec("partition-by", value: "LIST", "Hive-style tree under -o DIR, e.g. metadata.event_name,date(metadata.event_time)"),
    OptionSpec("short-names", "drop the metadata./body. prefixes where no two columns collide"),
    OptionSpec("preset", value: "NAME", "canvas or caliper: sensible defaults for the feed (caliper: --explode data)"),
    OptionSpec("schema", value: "FILE", "columns from a schema file ('ndflat schema --json'); other fields go, as JSON, into _extra"),
    OptionSpec("schema-type", value: "NAME", "with --schema: only this event type's columns"),
    OptionSpec("explode", value: "PATH", "one row per element of the array at PATH, its fields under PATH. (Caliper: --explode data)"),
    OptionSpec("where", value: "EXPR", repeatable: true, "keep records where PATH=V, PATH!=V or PATH~GLOB (V may be a,b,c); repeatable, all must hold"),
    OptionSpec("exclude", value: "PATHS", repeatable: true, "leave out these columns (comma list, globs allowed, e.g. metadata.client_ip,metadata.user_*)"),
    OptionSpec("utc", "rewrite every string that is a complete timestamp with an offset into UTC"),
    OptionSpec("time-format", value: "FORM", "how rewritten timestamps are written: iso (default), excel or epoch-ms"),
    OptionSpec("local-time", value: "PATH=TZPATH", repeatable: true, "add PATH_local: the time at PATH in the IANA zone named at TZPATH"),
    OptionSpec("excel", "spreadsheet-safe CSV: BOM, CRLF, formulas neutralised, long digit strings kept as text"),
    OptionSpec("input", value: "FORM", "auto (default), ndjson, array (a top-level JSON array) or concat (values one after another)"),
    OptionSpec("max-errors", value: "N", "stop with an error once N records have been rejected"),
    OptionSpec("rejects", value: "FILE", "keep each rejected record here, byte for byte, one per line"),
    OptionSpec("max-record-bytes", value: "N", "reject records longer than N bytes (default 67108864)"),
    OptionSpec("max-depth", value: "N", "reject records nested deeper than N levels (default 1000)"),
    OptionSpec("max-columns", value: "N", "refuse to produce more than N columns (default 100000)"),
    OptionSpec("threads", short: "j", value: "N", "worker threads (default: all cores)"),
    OptionSpec("progress", "draw the progress bar on stderr even when it is not a terminal"),
    OptionSpec("no-progress", "no progress bar (default: a bar when stderr is a terminal)"),
    OptionSpec("quiet", short: "q", "no progress bar and no summary on stderr (rejections are still reported)"),
    OptionSpec("stats", value: "FILE", "write the run's summary as JSON to FILE (records, columns, bytes, time, …)"),
    OptionSpec("help", short: "h", "show this help"),
  ]

  static let help = """
    Usage: ndflat [convert] [options] [FILE…]

    Converts NDJSON event exports (Canvas Live Events, IMS Caliper, any NDJSON) into
    CSV, TSV or flattened NDJSON. Reads the files in order, or standard input when
    there is none or FILE is '-'. Gzip input is recognised by its content.

    Without --fields, the columns are the union of every flattened path in the
    whole input, in first-seen order (files are read twice; standard input is
    spooled to a temporary file). Numbers keep their exact text; nested keys join
    with '.'; an array is one cell holding its compact JSON.

    A bad record (invalid JSON, not an object, over a limit) is rejected, named on
    stderr by file, line and byte offset with an excerpt, and the run goes on.
    While it runs, a progress bar is drawn on stderr when that is a terminal; at
    the end a summary reconciles: records read = written + filtered + rejected.

    Options:
    \(Help.options(options))

    Canvas Live Events ({"metadata":{…},"body":{…}} per line):
      ndflat canvas.ndjson.gz -o canvas.csv
          every column (metadata.*, then body.*), one table
      ndflat -f metadata.event_name,time=metadata.event_time,metadata.user_id canvas.ndjson
          three columns in this order, the second renamed 'time'
      ndflat --split-by metadata.event_name -o tables canvas.ndjson.gz
          one CSV per event type under tables/, each with its own columns
      ndflat --where metadata.event_name=asset_accessed,logged_in --utc canvas.ndjson
          two event types only, every timestamp rewritten into UTC
      ndflat --excel --local-time metadata.event_time=metadata.time_zone canvas.ndjson -o c.csv
          spreadsheet-safe CSV with the event time in each user's own time zone

    IMS Caliper ({"sensor":…,"data":[{event}, …]} per line):
      ndflat --explode data -f type=data.type,time=data.eventTime,actor=data.actor.id caliper.ndjson
          one row per event in each envelope's data array
      ndflat -f sensor,type=data.0.type,time=data.0.eventTime caliper.ndjson
          the first event of each envelope only (a number indexes an array)
      ndflat --explode data --format json caliper.ndjson > caliper.flat.ndjson
          flattened NDJSON, one line per event

    Any NDJSON:
      zcat export.ndjson.gz | ndflat --format tsv --sep _ > export.tsv
      ndflat --rejects bad.ndjson --stats run.json day1.ndjson day2.ndjson -o week.csv

    Exit status: 0 all good, 3 finished but some records were rejected,
    2 usage error, 1 fatal error (nothing is left under the output's name).
    """

  static func run(_ arguments: [String]) throws -> Int32 {
    let parsed = try OptionParser(specs: options).parse(arguments)
    if parsed.has("help") {
      Terminal.output(help + "\n")
      return 0
    }
    var settings = ConvertOptions()
    settings.threads = Machine.coreCount
    if let fields = parsed.value("fields") {
      settings.fields = FieldSpec.parseList(fields)
      if settings.fields?.isEmpty ?? true { throw UsageError("--fields needs at least one field") }
    }
    if let format = parsed.value("format") {
      guard let value = OutputFormat(rawValue: format) else {
        throw UsageError("unknown --format '\(format)'; expected csv, tsv or json")
      }
      settings.format = value
    }
    if let arrays = parsed.value("arrays") {
      guard let value = ArrayMode(rawValue: arrays) else {
        throw UsageError("unknown --arrays '\(arrays)'; expected json or index")
      }
      settings.arrays = value
    }
    if let sep = parsed.value("sep") {
      guard !sep.isEmpty else { throw UsageError("--sep must not be empty") }
      settings.separator = sep
    }
    if let null = parsed.value("null") { settings.nullText = null }
    if parsed.has("no-header") { settings.header = false }
    settings.maxRecordBytes = try integer(parsed, "max-record-bytes", default: settings.maxRecordBytes, range: 1...(1 << 30))
    settings.maxDepth = try integer(parsed, "max-depth", default: settings.maxDepth, range: 1...100_000)
    settings.maxColumns = try integer(parsed, "max-columns", default: settings.maxColumns, range: 1...10_000_000)
    settings.threads = try integer(parsed, "threads", default: settings.threads, range: 1...256)
    try TransformOptions.apply(parsed, to: &settings)
    try InputOptions.apply(parsed, to: &settings)
    try SchemaOptions.apply(parsed, to: &settings)
    try OutputOptions.apply(parsed, to: &settings)

    let inputs = parsed.operands.map(InputSource.init(argument:))
    let target: OutputTarget = parsed.value("output").map { .file($0) } ?? .standardOutput
    // Records per event type for the summary: Canvas's event name, or Caliper's type.
    if settings.countBy == nil {
      settings.countBy = settings.explode.map { "\($0).type" } ?? "metadata.event_name"
    }
    let converter = try Converter(options: settings)
    converter.rejectsPath = parsed.value("rejects")
    let progress = ProgressDisplay.make(parsed)
    defer { progress?.finish() }
    converter.onProgress = progress?.callback
    let reporter = RejectionReporter(progress: progress)
    converter.onRejection = { reporter.report($0) }
    let report = try converter.convert(inputs, to: target)
    progress?.finish()
    reporter.finish()
    try Summary.finish(report, parsed: parsed)
    return report.counters.recordsRejected > 0 ? 3 : 0
  }

  static func integer(_ parsed: ParsedArguments, _ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
    guard let text = parsed.value(name) else { return value }
    guard let number = Int(text), range.contains(number) else {
      throw UsageError("--\(name) expects a whole number from \(range.lowerBound) to \(range.upperBound), got '\(text)'")
    }
    return number
  }
}
