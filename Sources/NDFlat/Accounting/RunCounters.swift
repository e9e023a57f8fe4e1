/// What a run (or one chunk of it) did with its records.
///
/// The reconciliation every run ends with: `recordsRead == recordsWritten +
/// recordsFiltered + recordsRejected`.
public struct RunCounters: Sendable, Equatable {
  /// Non-blank lines (or values) seen.
  public var recordsRead = 0
  /// Records that produced output.
  public var recordsWritten = 0
  /// Records left out on purpose (`--where`, an empty `--explode` array).
  public var recordsFiltered = 0
  /// Records that were not valid, not objects, or over a limit.
  public var recordsRejected = 0
  /// Rows written (differs from records with `--explode`).
  public var rowsWritten = 0
  /// Non-fatal oddities (a timestamp that did not parse, a truncated cell, …).
  public var warnings = 0
  /// Lines read, blank ones included.
  public var lines = 0
  /// Records whose `--explode` array was empty or missing (counted in ``recordsFiltered``).
  public var explodedEmpty = 0

  public init() {}

  /// Adds another chunk's counts.
  public mutating func add(_ other: RunCounters) {
    recordsRead += other.recordsRead
    recordsWritten += other.recordsWritten
    recordsFiltered += other.recordsFiltered
    recordsRejected += other.recordsRejected
    rowsWritten += other.rowsWritten
    warnings += other.warnings
    lines += other.lines
    explodedEmpty += other.explodedEmpty
  }

  /// Does the reconciliation hold?
  public var isBalanced: Bool {
    recordsRead == recordsWritten + recordsFiltered + recordsRejected
  }
}
