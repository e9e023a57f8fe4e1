/// Opens the sink for a format and target.
enum OutputSinkFactory {
  static func open(
    _ target: OutputTarget, format: OutputFormat, columns: [[UInt8]], options: ConvertOptions
  ) throws -> OutputSink {
    if format == .xlsx {
      // With --utc, timestamps become date-time cells. The workers' rewrite then
      // hands over `…Z` text, which the sink parses back; `--time-format excel`
      // (no offset) or `epoch-ms` (a number) would leave text or numbers instead.
      return try XLSXSink(
        target: target, columns: columns, header: options.header,
        dateCells: options.utc && options.timeFormat == .iso)
    }
    switch target {
    case .standardOutput: return OutputFile(standardOutput: ())
    case .memory: return OutputFile(memory: ())
    case .file(let path): return try OutputFile(path: path)
    }
  }
}
