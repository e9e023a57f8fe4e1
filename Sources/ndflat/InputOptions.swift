import NDFlat

/// Reads the input-shape and fault options (`--input`, `--max-errors`) into settings.
enum InputOptions {
  static func apply(_ parsed: ParsedArguments, to settings: inout ConvertOptions) throws {
    if let form = parsed.value("input") {
      guard let value = InputForm(rawValue: form) else {
        throw UsageError("unknown --input '\(form)'; expected auto, ndjson, array or concat")
      }
      settings.inputForm = value
    }
    if let path = parsed.value("explode") {
      guard !path.isEmpty else { throw UsageError("--explode needs a path, e.g. --explode data") }
      settings.explode = path
    }
    if let text = parsed.value("max-errors") {
      guard let limit = Int(text), limit >= 1 else {
        throw UsageError("--max-errors expects a whole number of at least 1, got '\(text)'")
      }
      settings.maxErrors = limit
    }
  }
}
