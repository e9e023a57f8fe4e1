/// Worksheet names derived from untrusted values (`--split-by` values, file names),
/// following Excel's rules:
///
/// - at most 31 characters (counted in UTF-16 units, so also at most 31 code
///   points, which is what libxlsxwriter checks); cut at a character boundary;
/// - none of `[ ] : * ? / \`, and no control characters (C0, DEL, C1), invalid
///   UTF-8 or the XML non-characters U+FFFE / U+FFFF — each becomes `_`;
/// - not starting or ending with `'` (it becomes `_`); surrounding white space
///   is trimmed;
/// - not `History` (reserved by Excel; it becomes `History_`);
/// - an empty value becomes `(empty)`;
/// - unique ignoring case (Unicode lower-casing, which also covers Excel's and
///   libxlsxwriter's ASCII comparison): a name already taken gets ` (2)`,
///   ` (3)`, … with the base shortened so the whole stays within 31.
///
/// The workbook holds at most ``maxSheets`` worksheets (continuation sheets
/// included); asking for more throws a limit error that points to CSV output.
/// Each worksheet in constant-memory mode keeps a temporary file open, so the
/// cap also bounds open files.
struct SheetNamer {
  /// Excel's limit on a worksheet name.
  static let maxLength = 31
  /// The documented cap on worksheets in one workbook.
  static let defaultMaxSheets = 1_000

  let maxSheets: Int
  /// Case-folded names in use.
  private var used: Set<String> = []

  init(maxSheets: Int = SheetNamer.defaultMaxSheets) {
    self.maxSheets = maxSheets
  }

  /// Names handed out so far.
  var count: Int { used.count }

  /// A valid, unused name for the value `raw` (any bytes).
  mutating func name(for raw: [UInt8]) throws -> String {
    try unique(Self.sanitize(raw), firstSuffix: 2, alwaysSuffix: false)
  }

  /// A valid, unused name for a String value.
  mutating func name(for value: String) throws -> String {
    try name(for: Array(value.utf8))
  }

  /// The name of part `part` (2, 3, …) of sheet `base` after a row-limit rollover:
  /// `base (part)`, or the next free number.
  mutating func continuation(of base: String, part: Int) throws -> String {
    try unique(base, firstSuffix: part, alwaysSuffix: true)
  }

  private mutating func unique(_ base: String, firstSuffix: Int, alwaysSuffix: Bool) throws -> String {
    guard used.count < maxSheets else {
      throw NDFlatError(
        .limit,
        "more than \(maxSheets) worksheets in one workbook (one per distinct --split-by value): "
          + "use --format csv (one file per value) for this many groups")
    }
    if !alwaysSuffix && !used.contains(Self.key(base)) {
      used.insert(Self.key(base))
      return base
    }
    var n = firstSuffix
    while true {
      let suffix = " (\(n))"
      let candidate = Self.truncate(base, to: Self.maxLength - suffix.utf16.count, trimApostrophe: true) + suffix
      if !used.contains(Self.key(candidate)) {
        used.insert(Self.key(candidate))
        return candidate
      }
      n += 1
    }
  }

  private static func key(_ name: String) -> String { name.lowercased() }

  /// A valid sheet name for `raw` (not yet made unique).
  static func sanitize(_ raw: [UInt8]) -> String {
    let decoded = String(decoding: raw, as: UTF8.self)
    var scalars = String.UnicodeScalarView()
    for scalar in decoded.unicodeScalars {
      switch scalar.value {
      case 0x00...0x1F, 0x7F...0x9F, 0xFFFD, 0xFFFE, 0xFFFF:
        scalars.append("_")
      case 0x5B, 0x5D, 0x3A, 0x2A, 0x3F, 0x2F, 0x5C:  // [ ] : * ? / \
        scalars.append("_")
      default:
        scalars.append(scalar)
      }
    }
    var name = String(scalars).trimmingWhiteSpace()
    if name.isEmpty { name = "(empty)" }
    name = truncate(name, to: maxLength, trimApostrophe: false)
    name = fixApostrophes(name)
    if name.lowercased() == "history" { name += "_" }
    return name
  }

  /// `name` cut to at most `units` UTF-16 units at a character boundary.
  private static func truncate(_ name: String, to units: Int, trimApostrophe: Bool) -> String {
    guard name.utf16.count > units else { return name }
    var result = ""
    var used = 0
    for character in name {
      let width = character.utf16.count
      if used + width > units { break }
      result.append(character)
      used += width
    }
    if result.isEmpty {
      // One character wider than the room (a long emoji sequence): take its scalars.
      for scalar in name.unicodeScalars {
        let width = scalar.utf16.count
        if used + width > units { break }
        result.unicodeScalars.append(scalar)
        used += width
      }
    }
    return trimApostrophe ? fixApostrophes(result) : result
  }

  private static func fixApostrophes(_ name: String) -> String {
    var scalars = Array(name.unicodeScalars)
    guard !scalars.isEmpty else { return "(empty)" }
    if scalars[0] == "'" { scalars[0] = "_" }
    if scalars[scalars.count - 1] == "'" { scalars[scalars.count - 1] = "_" }
    var view = String.UnicodeScalarView()
    view.append(contentsOf: scalars)
    return String(view)
  }
}

extension String {
  fileprivate func trimmingWhiteSpace() -> String {
    let scalars = Array(unicodeScalars)
    var start = 0
    var end = scalars.count
    while start < end && scalars[start].properties.isWhitespace { start += 1 }
    while end > start && scalars[end - 1].properties.isWhitespace { end -= 1 }
    var view = String.UnicodeScalarView()
    view.append(contentsOf: scalars[start..<end])
    return String(view)
  }
}
