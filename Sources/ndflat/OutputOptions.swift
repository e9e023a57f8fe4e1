import Foundation
import NDFlat

/// Reads the output-shape options (`--split-by`, `--partition-by`, `--short-names`, `--preset`).
enum OutputOptions {
  static func apply(_ parsed: ParsedArguments, to settings: inout ConvertOptions) throws {
    if let preset = try Preset.parse(parsed) {
      if settings.explode == nil { settings.explode = preset.explode }
    } else if settings.explode == nil && settings.fields == nil && settings.schema == nil
      && !namesEnvelopePaths(parsed) && Preset.detect(parsed.operands.map(InputSource.init(argument:))) == .caliper
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

  /// Does an option name a path into the envelope's array (`data.0.type`)? Then the
  /// user thinks in envelopes, and a Caliper export is not exploded for them.
  static func namesEnvelopePaths(_ parsed: ParsedArguments) -> Bool {
    let options = ["where", "split-by", "partition-by", "local-time", "exclude", "by"]
    return options.flatMap { parsed.all($0) }.contains { text in
      let scalars = Array(text.unicodeScalars)
      for index in scalars.indices.dropLast() where scalars[index] == "." {
        if CharacterSet.decimalDigits.contains(scalars[index + 1]) { return true }
      }
      return false
    }
  }
}
