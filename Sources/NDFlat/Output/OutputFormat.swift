/// The form of the output.
public enum OutputFormat: String, Sendable, CaseIterable {
  /// RFC 4180 CSV.
  case csv
  /// Tab-separated, with `\t` `\n` `\r` `\\` escaped.
  case tsv
  /// Flattened NDJSON: one flat object per record, keys in document order.
  case json
  /// An Excel workbook with typed cells (see ``XLSXCellEncoding``).
  case xlsx

  /// The file extension for this format (used for split and partition files).
  public var fileExtension: String {
    switch self {
    case .csv: return "csv"
    case .tsv: return "tsv"
    case .json: return "ndjson"
    case .xlsx: return "xlsx"
    }
  }
}

/// How arrays are flattened.
public enum ArrayMode: String, Sendable, CaseIterable {
  /// An array is one cell holding its compact JSON text.
  case json
  /// Each element gets its own column: `path.0`, `path.1`, …
  case index
}
