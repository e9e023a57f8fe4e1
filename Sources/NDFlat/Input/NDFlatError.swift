/// A fatal error: the run stops (exit status 1), unlike a rejected record.
public struct NDFlatError: Error, CustomStringConvertible, Sendable {
  public enum Kind: Sendable {
    case input
    case output
    case usage
    case limit
  }

  public let kind: Kind
  public let message: String

  public init(_ kind: Kind, _ message: String) {
    self.kind = kind
    self.message = message
  }

  public var description: String { message }
}

/// The pipe that output goes to was closed by its reader (`| head`): stop quietly.
public struct ClosedPipe: Error, Sendable {}
