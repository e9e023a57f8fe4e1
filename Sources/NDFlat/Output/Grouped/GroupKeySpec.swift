/// What decides which file a row goes to: `--split-by PATH` (one part) or
/// `--partition-by a.b,date(c.d)` (several; `date(…)` takes the UTC day of a timestamp).
public struct GroupKeySpec: Sendable, Hashable {
  public struct Part: Sendable, Hashable {
    /// The path as written (`.`-separated).
    public var path: String
    /// `date(path)`: the UTC calendar day of the timestamp there.
    public var isDate: Bool
    /// The partition directory's name (`event_name` for `metadata.event_name`).
    public var label: String

    var segments: [[UInt8]] { path.split(separator: ".", omittingEmptySubsequences: false).map { Array($0.utf8) } }
  }

  public var parts: [Part]

  public init(parts: [Part]) { self.parts = parts }

  /// `--split-by PATH`.
  public static func split(_ path: String) -> GroupKeySpec {
    GroupKeySpec(parts: [Part(path: path, isDate: false, label: path)])
  }

  /// `--partition-by a.b,date(c.d)`; `nil` when the list is malformed.
  public static func partition(_ list: String) -> GroupKeySpec? {
    var parts: [Part] = []
    for item in list.split(separator: ",", omittingEmptySubsequences: false) {
      var text = item.trimmingCharacters(in: " ")
      var isDate = false
      if text.hasPrefix("date(") && text.hasSuffix(")") {
        isDate = true
        text = String(text.dropFirst(5).dropLast())
      }
      guard !text.isEmpty, !text.contains("(") else { return nil }
      let last = text.split(separator: ".").last.map(String.init) ?? text
      parts.append(Part(path: text, isDate: isDate, label: isDate ? "date" : last))
    }
    return parts.isEmpty ? nil : GroupKeySpec(parts: parts)
  }
}

extension StringProtocol {
  fileprivate func trimmingCharacters(in character: Character) -> String {
    var text = Substring(self)
    while text.first == character { text.removeFirst() }
    while text.last == character { text.removeLast() }
    return String(text)
  }
}

/// Computes a row's group key: each part's value, in order, as bytes.
/// A part is `nil` when absent or null (or, for `date(…)`, not a timestamp).
struct GroupKeyReader {
  private let parts: [GroupKeySpec.Part]
  private var lookups: [PathLookup]

  init(_ spec: GroupKeySpec) {
    parts = spec.parts
    lookups = spec.parts.map { PathLookup($0.segments) }
  }

  /// The key of the current row of `x`, encoded as one byte string: per part,
  /// `0x01`, a 4-byte little-endian length and the value, or `0x00` when missing.
  mutating func key(_ x: UnsafeMutablePointer<Extraction>) -> [UInt8] {
    var key: [UInt8] = []
    func append(_ value: some Collection<UInt8>) {
      key.append(1)
      let length = UInt32(value.count)
      for shift in stride(from: 0, to: 32, by: 8) { key.append(UInt8(truncatingIfNeeded: length >> UInt32(shift))) }
      key.append(contentsOf: value)
    }
    for index in 0..<parts.count {
      guard let found = lookups[index].value(x), found.kind != .null else {
        key.append(0)
        continue
      }
      let text = found.text
      if parts[index].isDate {
        guard let stamp = Timestamp.parse(text) else {
          key.append(0)
          continue
        }
        append(Array(stamp.formatted(.iso).utf8.prefix(10)))
      } else {
        append(text)
      }
    }
    return key
  }

  /// Splits an encoded key back into its parts (`nil` for a missing part).
  static func decode(_ key: [UInt8]) -> [[UInt8]?] {
    var parts: [[UInt8]?] = []
    var index = 0
    while index < key.count {
      if key[index] == 0 {
        parts.append(nil)
        index += 1
        continue
      }
      guard index + 5 <= key.count else { break }
      var length = 0
      for byte in 0..<4 { length |= Int(key[index + 1 + byte]) << (8 * byte) }
      let start = index + 5
      let end = min(key.count, start + length)
      parts.append(Array(key[start..<end]))
      index = end
    }
    return parts
  }
}
