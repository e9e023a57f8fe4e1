/// Where formatted rows go, in input order: a byte stream (CSV, TSV, NDJSON) or a
/// workbook. Written only from the consuming thread.
protocol OutputSink: AnyObject {
  /// Bytes a worker formatted for one chunk (rows, or encoded cells for xlsx).
  func write(_ bytes: UnsafeRawBufferPointer) throws
  /// Finishes the output and puts it in place.
  func commit() throws
  /// Abandons the output: nothing is left under the final name.
  func discard()
}

extension OutputFile: OutputSink {}
