/// Opens the sink for a format and target.
enum OutputSinkFactory {
  static func open(
    _ target: OutputTarget, format: OutputFormat, columns: [[UInt8]], options: ConvertOptions
  ) throws -> OutputSink {
    if format == .xlsx {
      throw NDFlatError(.usage, "--format xlsx is not available in this build")
    }
    switch target {
    case .standardOutput: return OutputFile(standardOutput: ())
    case .memory: return OutputFile(memory: ())
    case .file(let path): return try OutputFile(path: path)
    }
  }
}
