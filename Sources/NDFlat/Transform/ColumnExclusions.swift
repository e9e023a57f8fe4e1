import Glibc

/// `--exclude`: column names (globs allowed) to leave out, for privacy and width.
/// Excluding a path also excludes everything below it (`body.grader` takes
/// `body.grader.id` with it).
struct ColumnExclusions: Sendable {
  private let patterns: [[CChar]]
  private let prefixes: [[UInt8]]

  init(patterns: [String], separator: String) {
    let names = patterns.map {
      $0.split(separator: ".", omittingEmptySubsequences: false).joined(separator: separator)
    }
    self.patterns = names.map { Array($0.utf8CString) }
    self.prefixes = names.map { Array(($0 + separator).utf8) }
  }

  var isActive: Bool { !patterns.isEmpty }

  func excludes(_ name: [UInt8]) -> Bool {
    guard isActive else { return false }
    var subject = name.map { CChar(bitPattern: $0) }
    subject.append(0)
    for (pattern, prefix) in zip(patterns, prefixes) {
      if fnmatch(pattern, subject, 0) == 0 { return true }
      if name.count > prefix.count && Array(name.prefix(prefix.count)) == prefix { return true }
    }
    return false
  }
}
