/// `--local-time PATH=TZPATH`: a column `PATH_local` holding the time at PATH in
/// the IANA zone named at TZPATH in the same record.
public struct LocalTimeSpec: Sendable, Hashable {
  public var path: String
  public var zonePath: String

  public init(path: String, zonePath: String) {
    self.path = path
    self.zonePath = zonePath
  }

  /// Parses `PATH=TZPATH`.
  public init?(parsing text: String) {
    guard let equals = text.firstIndex(of: "=") else { return nil }
    let path = String(text[..<equals])
    let zone = String(text[text.index(after: equals)...])
    guard !path.isEmpty, !zone.isEmpty else { return nil }
    self.init(path: path, zonePath: zone)
  }

  /// The added column's name.
  func columnName(separator: String) -> String {
    let joined = path.split(separator: ".", omittingEmptySubsequences: false).joined(separator: separator)
    return joined + "_local"
  }

  var segments: [[UInt8]] { path.split(separator: ".", omittingEmptySubsequences: false).map { Array($0.utf8) } }
  var zoneSegments: [[UInt8]] {
    zonePath.split(separator: ".", omittingEmptySubsequences: false).map { Array($0.utf8) }
  }
}
