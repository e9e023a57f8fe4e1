/// What a worker made of one chunk, written out by the consumer in input order.
final class ChunkResult: @unchecked Sendable {
  var sequence = 0
  var inputIndex = 0
  var output = ByteArena(capacity: 1 << 16)
  var counters = RunCounters()
  /// Rejections with line numbers relative to the chunk (made absolute by the consumer).
  var rejections: [Rejection] = []
  /// Column names first met in this chunk, in order (discovery pass).
  var newColumns: [[UInt8]] = []
  /// Grouped output: the group keys met in this chunk (a row names one by index).
  var groupKeys: [[UInt8]] = []
  /// Grouped output: per row, its group's index in ``groupKeys`` and where its bytes end.
  var rowGroups: [(key: Int32, end: Int)] = []
  /// Grouped discovery: (group index in ``groupKeys``, column name) first met in this chunk.
  var groupColumns: [(key: Int32, name: [UInt8])] = []
  /// `countBy`: records per value in this chunk.
  var valueCounts = ValueCounter()
  /// Lines in the chunk (blank ones included).
  var lineCount = 0
  /// A fatal error inside the worker.
  var error: NDFlatError?

  deinit {
    output.release()
    valueCounts.release()
  }

  func reset() {
    output.count = 0
    counters = RunCounters()
    rejections.removeAll(keepingCapacity: true)
    newColumns.removeAll()
    valueCounts.reset()
    groupKeys.removeAll(keepingCapacity: true)
    rowGroups.removeAll(keepingCapacity: true)
    groupColumns.removeAll(keepingCapacity: true)
    lineCount = 0
    error = nil
  }
}
