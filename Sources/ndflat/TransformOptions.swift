import NDFlat

/// Reads the event-aware transform options (`--where`, `--utc`, `--exclude`, …) into settings.
enum TransformOptions {
  static func apply(_ parsed: ParsedArguments, to settings: inout ConvertOptions) throws {
    for text in parsed.all("where") {
      guard let condition = WhereCondition(parsing: text) else {
        throw UsageError("--where expects PATH=V, PATH!=V or PATH~GLOB, got '\(text)'")
      }
      settings.wheres.append(condition)
    }
    settings.excludes = parsed.all("exclude").flatMap {
      $0.split(separator: ",", omittingEmptySubsequences: true).map(String.init)
    }
    if parsed.has("utc") { settings.utc = true }
    if let form = parsed.value("time-format") {
      guard let format = TimeFormat(rawValue: form) else {
        throw UsageError("unknown --time-format '\(form)'; expected iso, excel or epoch-ms")
      }
      settings.timeFormat = format
    }
    for text in parsed.all("local-time") {
      guard let spec = LocalTimeSpec(parsing: text) else {
        throw UsageError("--local-time expects PATH=TZPATH, e.g. metadata.event_time=metadata.time_zone")
      }
      settings.localTimes.append(spec)
    }
    if parsed.has("excel") { settings.excel = true }
  }
}
