/// One requested column: `path`, or `NAME=path` to rename it.
public struct FieldSpec: Sendable, Hashable {
  /// The header name.
  public var name: String
  /// The flattened path, segments joined by the separator; a numeric segment indexes an array.
  public var path: String

  public init(name: String, path: String) {
    self.name = name
    self.path = path
  }

  /// Parses `path` or `NAME=path`.
  public init(parsing text: String) {
    if let equals = text.firstIndex(of: "=") {
      self.init(name: String(text[..<equals]), path: String(text[text.index(after: equals)...]))
    } else {
      self.init(name: text, path: text)
    }
  }

  /// Parses a comma-separated list such as `a,b,NAME=c.d`.
  public static func parseList(_ list: String) -> [FieldSpec] {
    list.split(separator: ",", omittingEmptySubsequences: true).map { FieldSpec(parsing: String($0)) }
  }

  /// The path's segments: a field path is always written with `.` between keys,
  /// whatever `--sep` says (the separator shapes output column names only).
  var segments: [[UInt8]] {
    path.split(separator: ".", omittingEmptySubsequences: false).map { Array($0.utf8) }
  }

  /// The header text: the given name, or for an unrenamed path its segments
  /// joined by the output separator.
  func headerName(separator: String) -> String {
    guard name == path, separator != "." else { return name }
    return path.split(separator: ".", omittingEmptySubsequences: false).joined(separator: separator)
  }
}
