/// A run of whole records cut from one input, handed to a worker.
///
/// The chunk owns its bytes. Line numbers are counted by the worker (relative to
/// the chunk) and made absolute in input order by the writer.
final class Chunk: @unchecked Sendable {
  /// Position in the run, for writing results in input order.
  var sequence = 0
  /// Index of the input (file) in the run, for messages.
  var inputIndex = 0
  /// The byte offset of `bytes[0]` in its (decompressed) input.
  var startOffset = 0
  var bytes: ByteArena
  /// A line longer than the record limit that the reader skipped: its length.
  var oversizeLength: Int?
  /// `array`/`concat` input: newlines before the skipped value (its line, 0-based).
  var oversizeLine: Int?
  /// Parallel runs with a rejects file: where the skipped record's bytes were spooled.
  var oversizeSpool: String?
  /// `array`/`concat` input: where each record lies (NDJSON chunks are split by the worker).
  var records: [ValueScanner.Found]?
  /// Newlines in the chunk (`array`/`concat` input), for line numbers.
  var newlines = 0
  /// The reader hit a damaged end (truncated gzip): the reason, reported after this chunk's records.
  var damage: String?

  init(capacity: Int) { bytes = ByteArena(capacity: capacity) }

  deinit { bytes.release() }

  /// Makes the chunk ready for reuse.
  func reset() {
    bytes.count = 0
    oversizeLength = nil
    oversizeLine = nil
    oversizeSpool = nil
    damage = nil
    records = nil
    newlines = 0
    startOffset = 0
  }
}
