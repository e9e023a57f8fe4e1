/// How an input's records are laid out.
public enum InputForm: String, Sendable, CaseIterable {
  /// Decide per input from its first value: `[` → array; a first value followed
  /// by a newline → NDJSON; values run together or spread over lines → concat.
  case auto
  /// One record per line.
  case ndjson
  /// A top-level JSON array whose elements are the records.
  case array
  /// JSON values one after another, with or without whitespace (`}{`).
  case concat
}
