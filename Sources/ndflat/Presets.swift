import NDFlat

/// Presets for the two event feeds ndflat was made for, and the detection that
/// applies them when no flag is given.
enum Preset: String, CaseIterable {
  /// Canvas Live Events: `{"metadata":{…,"event_name":…},"body":{…}}`, one type per record.
  case canvas
  /// IMS Caliper envelopes: `{"sensor":…,"sendTime":…,"data":[events]}`; one row per event.
  case caliper

  /// The event-type path for `schema` and `stats`.
  var typePath: String {
    switch self {
    case .canvas: return "metadata.event_name"
    case .caliper: return "data.type"
    }
  }

  /// The array to explode (Caliper's `data`).
  var explode: String? { self == .caliper ? "data" : nil }

  /// Reads `--preset NAME`.
  static func parse(_ parsed: ParsedArguments) throws -> Preset? {
    guard let name = parsed.value("preset") else { return nil }
    guard let preset = Preset(rawValue: name) else {
      throw UsageError("unknown --preset '\(name)'; expected canvas or caliper")
    }
    return preset
  }

  /// Looks at the first record of the first file: a Caliper envelope (a `data`
  /// array, no `metadata`) or Canvas. Standard input is never peeked at.
  static func detect(_ inputs: [InputSource]) -> Preset {
    guard case .file = inputs.first ?? .standardInput, let first = inputs.first else { return .canvas }
    struct Enough: Error {}
    var options = ConvertOptions()
    options.fields = FieldSpec.parseList("metadata,data")
    options.threads = 1
    var found = Preset.canvas
    do {
      _ = try Converter(options: options).forEachRow([first]) { row in
        if row["metadata"] == nil, let data = row["data"], data.kind == .json, data.text.hasPrefix("[") {
          found = .caliper
        }
        throw Enough()
      }
    } catch {}
    return found
  }
}
