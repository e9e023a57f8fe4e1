/// Opens the sink for a format and target.
enum OutputSinkFactory {
  static func open(
    _ target: OutputTarget, format: OutputFormat, columns: [[UInt8]], options: ConvertOptions
  ) throws -> OutputSink {
    if format == .xlsx {
      // Date cells follow `--utc` once ConvertOptions has it (issue 5); until then
      // XLSXSink's `dateCells` is reached only from tests.
      return try XLSXSink(target: target, columns: columns, header: options.header)
    }
    switch target {
    case .standardOutput: return OutputFile(standardOutput: ())
    case .memory: return OutputFile(memory: ())
    case .file(let path): return try OutputFile(path: path)
    }
  }
}
