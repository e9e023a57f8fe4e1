import NDFlat

/// Prints the first rejections to stderr as they happen, each with an excerpt of
/// the record and a caret under the column, then a count of the rest:
///
///     ndflat: events.ndjson:3: invalid JSON: invalid char in json text (byte offset 101, column 3)
///         {bad
///           ^
final class RejectionReporter {
  private let limit: Int
  private let progress: ProgressDisplay?
  private(set) var count = 0

  init(limit: Int = 10, progress: ProgressDisplay? = nil) {
    self.limit = limit
    self.progress = progress
  }

  func report(_ rejection: Rejection) {
    count += 1
    guard count <= limit else { return }
    progress?.clear()
    var text = "ndflat: " + rejection.message
    for line in Excerpt.lines(rejection.bytes, column: rejection.column) { text += "\n    " + line }
    Terminal.error(text)
  }

  func finish() {
    if count > limit {
      progress?.clear()
      Terminal.error("ndflat: … and \(count - limit) more rejected records (--rejects FILE keeps them all)")
    }
  }
}

/// A short, safe excerpt of a record with a caret under a byte column.
enum Excerpt {
  /// Terminal columns the excerpt may take.
  static let width = 70

  /// One display cell (or two, or none) standing for a run of bytes.
  fileprivate struct Unit {
    var text: String
    var width: Int
    var byteEnd: Int
  }

  /// The excerpt line, and a caret line when `column` (1-based byte column) falls
  /// within the record or just after it. Control characters, invalid UTF-8 and
  /// invisible or direction-changing characters are shown as `·`.
  static func lines(_ bytes: [UInt8], column: Int?) -> [String] {
    var end = bytes.count
    while end > 0 && (bytes[end - 1] == 0x0A || bytes[end - 1] == 0x0D) { end -= 1 }
    let units = decode(bytes[0..<end])
    guard !units.isEmpty else { return [] }
    // The unit holding the column's byte (units.count: just past the end).
    var caret: Int?
    if let column, column >= 1, column - 1 <= end {
      caret = units.firstIndex { $0.byteEnd > column - 1 } ?? units.count
    }
    let total = units.reduce(0) { $0 + $1.width }
    var first = 0
    var last = units.count  // exclusive
    if total > width {
      // Keep the caret about a third of the way in.
      let anchor = min(caret ?? 0, units.count)
      var before = 0
      first = anchor
      while first > 0 && before + units[first - 1].width <= width / 3 {
        first -= 1
        before += units[first].width
      }
      var used = before + 2
      last = anchor
      while last < units.count && used + units[last].width <= width - 1 {
        used += units[last].width
        last += 1
      }
      while first > 0 && used + units[first - 1].width <= width - 1 {
        first -= 1
        used += units[first].width
      }
    }
    let prefix = first > 0 ? "…" : ""
    let suffix = last < units.count ? "…" : ""
    var line = prefix
    for unit in units[first..<last] { line += unit.text }
    line += suffix
    var result = [line]
    if let caret, caret >= first, caret <= last {
      let offset = prefix.count + units[first..<caret].reduce(0) { $0 + $1.width }
      result.append(String(repeating: " ", count: offset) + "^")
    } else if let column, column - 1 > end {
      // Only the record's first bytes were kept (all of it with --rejects).
      result[0] = line.hasSuffix("…") ? line : line + "…"
      result.append("(column \(column) is further on)")
    }
    return result
  }

  /// Splits bytes into display units, decoding UTF-8 by hand so that every byte is accounted for.
  fileprivate static func decode(_ bytes: ArraySlice<UInt8>) -> [Unit] {
    var units: [Unit] = []
    var index = bytes.startIndex
    while index < bytes.endIndex {
      let lead = bytes[index]
      var length = 1
      var value = UInt32(lead)
      if lead >= 0xC2 && lead <= 0xDF {
        length = 2
        value = UInt32(lead & 0x1F)
      } else if lead >= 0xE0 && lead <= 0xEF {
        length = 3
        value = UInt32(lead & 0x0F)
      } else if lead >= 0xF0 && lead <= 0xF4 {
        length = 4
        value = UInt32(lead & 0x07)
      } else if lead >= 0x80 {
        length = 0
      }
      if length > 1 {
        if index + length > bytes.endIndex {
          length = 0
        } else {
          for offset in 1..<length {
            let byte = bytes[index + offset]
            guard byte & 0xC0 == 0x80 else {
              length = 0
              break
            }
            value = value << 6 | UInt32(byte & 0x3F)
          }
        }
      }
      if length == 0 {
        // Invalid UTF-8: one dot per byte.
        index += 1
        units.append(Unit(text: "·", width: 1, byteEnd: index - bytes.startIndex))
        continue
      }
      index += length
      let end = index - bytes.startIndex
      guard let scalar = Unicode.Scalar(value), !isHidden(scalar) else {
        units.append(Unit(text: "·", width: 1, byteEnd: end))
        continue
      }
      let cells = cellWidth(scalar)
      if cells == 0, !units.isEmpty {
        // A combining mark joins the character before it.
        units[units.count - 1].text.unicodeScalars.append(scalar)
        units[units.count - 1].byteEnd = end
        continue
      }
      units.append(Unit(text: String(Character(scalar)), width: max(1, cells), byteEnd: end))
    }
    return units
  }

  /// Controls, line and paragraph separators, zero-width and bidirectional formatting characters.
  private static func isHidden(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x00...0x1F, 0x7F...0x9F, 0xAD, 0x200B...0x200F, 0x2028...0x202E, 0x2060...0x206F, 0xFEFF,
      0xFFF9...0xFFFB, 0xD800...0xDFFF:
      return true
    default:
      return false
    }
  }

  /// 0 for combining marks, 2 for wide (East Asian, emoji) characters, else 1.
  private static func cellWidth(_ scalar: Unicode.Scalar) -> Int {
    let category = scalar.properties.generalCategory
    if category == .nonspacingMark || category == .enclosingMark { return 0 }
    switch scalar.value {
    case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
      0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
      0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD:
      return 2
    default:
      return 1
    }
  }
}

extension Excerpt {
  /// `text` made safe for a terminal (controls and invisible characters as `·`), cut
  /// to `maxWidth` columns with a final `…` when longer; and the columns it takes.
  static func display(_ text: String, maxWidth: Int = .max) -> (text: String, width: Int) {
    let units = decode(Array(text.utf8)[...])
    let total = units.reduce(0) { $0 + $1.width }
    var out = ""
    var used = 0
    for unit in units {
      if total > maxWidth && used + unit.width > maxWidth - 1 {
        return (out + "…", used + 1)
      }
      out += unit.text
      used += unit.width
    }
    return (out, used)
  }
}
