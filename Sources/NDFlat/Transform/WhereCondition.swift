import Glibc

/// One `--where` condition: `PATH=V`, `PATH!=V` or `PATH~GLOB`, where `V` may be a
/// list `a,b,c` (any of them matches).
public struct WhereCondition: Sendable, Hashable {
  public enum Operator: Sendable, Hashable {
    case equals, notEquals, glob
  }

  public var path: String
  public var op: Operator
  public var values: [String]

  public init(path: String, op: Operator, values: [String]) {
    self.path = path
    self.op = op
    self.values = values
  }

  /// Parses `PATH=V`, `PATH!=V`, `PATH~GLOB` (lists split on commas).
  public init?(parsing text: String) {
    let pairs: [(String, Operator)] = [("!=", .notEquals), ("~", .glob), ("=", .equals)]
    for (token, op) in pairs {
      if let range = text.range(of: token) {
        let path = String(text[..<range.lowerBound])
        guard !path.isEmpty else { return nil }
        let rest = String(text[range.upperBound...])
        self.init(
          path: path, op: op,
          values: rest.split(separator: ",", omittingEmptySubsequences: false).map(String.init))
        return
      }
    }
    return nil
  }

  var segments: [[UInt8]] {
    path.split(separator: ".", omittingEmptySubsequences: false).map { Array($0.utf8) }
  }

}

/// A ``WhereCondition`` made ready for the record loop: values as bytes, the
/// path's trie node found once.
struct WhereMatcher {
  let condition: WhereCondition
  let segments: [[UInt8]]
  private let values: [[UInt8]]
  /// Glob patterns as C strings.
  private let patterns: [[CChar]]
  /// The bytes a line must contain to possibly match (skip-before-parse), when usable.
  let requiredBytes: [[UInt8]]?

  init(_ condition: WhereCondition) {
    self.condition = condition
    segments = condition.segments
    values = condition.values.map { Array($0.utf8) }
    patterns = condition.values.map { Array($0.utf8CString) }
    // Only `=` with non-empty plain values can rule a line out by a byte search.
    if condition.op == .equals && values.allSatisfy({ !$0.isEmpty }) {
      requiredBytes = values
    } else {
      requiredBytes = nil
    }
  }

  /// Does a value (its text, or `nil` when absent) satisfy the condition?
  func matches(_ text: UnsafeRawBufferPointer?) -> Bool {
    switch condition.op {
    case .equals:
      guard let text else { return false }
      return values.contains { WhereMatcher.equal($0, text) }
    case .notEquals:
      guard let text else { return true }
      return !values.contains { WhereMatcher.equal($0, text) }
    case .glob:
      guard let text else { return false }
      var subject = [CChar](repeating: 0, count: text.count + 1)
      for (index, byte) in text.enumerated() { subject[index] = CChar(bitPattern: byte) }
      return patterns.contains { pattern in fnmatch(pattern, subject, 0) == 0 }
    }
  }

  private static func equal(_ value: [UInt8], _ text: UnsafeRawBufferPointer) -> Bool {
    guard value.count == text.count else { return false }
    for index in 0..<value.count where value[index] != text[index] { return false }
    return true
  }
}
