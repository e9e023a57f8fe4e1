/// A snapshot of a run in progress, for a progress bar.
public struct RunProgress: Sendable {
  public enum Phase: Sendable {
    /// Pass one: finding the columns.
    case discovering
    /// Writing rows (the only pass with `--fields` or NDJSON output).
    case writing
  }

  public var phase: Phase
  /// Bytes read from disk so far in this phase (compressed bytes for gzip).
  public var bytesRead: Int
  /// The inputs' total size on disk, when every input is a regular file.
  public var totalBytes: Int?
  /// Records seen so far in this phase.
  public var records: Int
  /// Is any input gzip or standard input (so an ETA from bytes is unreliable)?
  public var isStreamed: Bool

  public init(phase: Phase, bytesRead: Int, totalBytes: Int?, records: Int, isStreamed: Bool) {
    self.phase = phase
    self.bytesRead = bytesRead
    self.totalBytes = totalBytes
    self.records = records
    self.isStreamed = isStreamed
  }
}
