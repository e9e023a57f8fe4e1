/// Where records come from: a file path, or standard input.
public enum InputSource: Sendable, Hashable, CustomStringConvertible {
  case file(String)
  case standardInput
  /// Bytes already in memory (tests, embedding); `name` is used in messages.
  case memory(name: String, bytes: [UInt8])

  /// `-` means standard input, anything else a path.
  public init(argument: String) {
    self = argument == "-" ? .standardInput : .file(argument)
  }

  /// The name used in messages.
  public var description: String {
    switch self {
    case .file(let path): return path
    case .standardInput: return "<stdin>"
    case .memory(let name, _): return name
    }
  }
}
