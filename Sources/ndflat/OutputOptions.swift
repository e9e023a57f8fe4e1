import NDFlat

/// Reads the output-shape options (`--split-by`, `--partition-by`, `--short-names`, `--preset`).
enum OutputOptions {
  static func apply(_ parsed: ParsedArguments, to settings: inout ConvertOptions) throws {
    if let preset = try Preset.parse(parsed) {
      if settings.explode == nil { settings.explode = preset.explode }
    } else if settings.explode == nil && settings.fields == nil && settings.schema == nil
      && Preset.detect(parsed.operands.map(InputSource.init(argument:))) == .caliper
    {
      // A Caliper export needs no flags: one row per event, the envelope repeated.
      settings.explode = "data"
      if !parsed.has("quiet") {
        Terminal.error("ndflat: Caliper envelopes detected: one row per event (--explode data); --preset canvas keeps one row per envelope")
      }
    }
    if let path = parsed.value("split-by") {
      guard !path.isEmpty else { throw UsageError("--split-by needs a path, e.g. metadata.event_name") }
      settings.grouping = .split(path)
    }
    if let list = parsed.value("partition-by") {
      guard settings.grouping == nil else { throw UsageError("use --split-by or --partition-by, not both") }
      guard let spec = GroupKeySpec.partition(list) else {
        throw UsageError("--partition-by expects paths and date(path), e.g. metadata.event_name,date(metadata.event_time)")
      }
      settings.grouping = spec
      settings.partitioned = true
    }
    if settings.grouping != nil && parsed.value("output") == nil {
      throw UsageError("--split-by and --partition-by write files into a directory: give -o DIR")
    }
    if parsed.has("short-names") { settings.shortNames = true }
  }
}
