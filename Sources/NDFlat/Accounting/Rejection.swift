/// A record that was not converted, and why. Nothing is lost: the exact bytes can
/// be kept in a rejects file.
public struct Rejection: Sendable, Equatable {
  /// The input it came from (as named in messages).
  public var input: String
  /// 1-based line number within that input.
  public var line: Int
  /// Byte offset of the record's first byte in the (decompressed) input.
  public var offset: Int
  /// 1-based byte column of the error within the line, when known.
  public var column: Int?
  /// What was wrong.
  public var reason: String
  /// The record's exact bytes (kept when a rejects file or an excerpt needs them).
  public var bytes: [UInt8]
  /// Its bytes already went to the rejects file while it was read (a record over
  /// the size limit is never held in memory).
  var streamed = false
  /// Parallel runs: the over-limit record's bytes wait in this file, to be copied
  /// into the rejects file in input order.
  var spoolPath: String?

  public init(input: String, line: Int, offset: Int, column: Int?, reason: String, bytes: [UInt8]) {
    self.input = input
    self.line = line
    self.offset = offset
    self.column = column
    self.reason = reason
    self.bytes = bytes
  }

  /// One line for stderr: `file:line: reason (byte offset N, column C)`.
  public var message: String {
    var text = "\(input):\(line): \(reason) (byte offset \(offset)"
    if let column { text += ", column \(column)" }
    return text + ")"
  }
}
