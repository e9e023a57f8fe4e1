/// Navigation inside compact JSON text that ndflat itself wrote (a captured array
/// or object): well-formed, no insignificant whitespace, strings escaped with
/// `\" \\ \n \r \t \b \f \u00XX` only. Lets a path such as `data.0.type` reach into
/// an array that is kept as one JSON cell.
enum CompactJSON {
  /// The value at `segments` inside `text`: its kind and byte range.
  static func find(_ text: UnsafeRawBufferPointer, _ segments: ArraySlice<[UInt8]>) -> (ValueKind, Range<Int>)? {
    var position = 0
    for segment in segments {
      guard position < text.count else { return nil }
      switch text[position] {
      case UInt8(ascii: "{"):
        guard let found = member(text, position, segment) else { return nil }
        position = found
      case UInt8(ascii: "["):
        guard let index = Int(String(decoding: segment, as: UTF8.self)), index >= 0,
          let found = element(text, position, index)
        else { return nil }
        position = found
      default:
        return nil
      }
    }
    let end = skipValue(text, position)
    guard end > position else { return nil }
    switch text[position] {
    case UInt8(ascii: "\""): return (.string, (position + 1)..<(end - 1))
    case UInt8(ascii: "t"): return (.trueValue, position..<end)
    case UInt8(ascii: "f"): return (.falseValue, position..<end)
    case UInt8(ascii: "n"): return (.null, position..<end)
    case UInt8(ascii: "{"), UInt8(ascii: "["): return (.json, position..<end)
    default: return (.number, position..<end)
    }
  }

  /// Start of the value of `key` in the object at `start`.
  private static func member(_ text: UnsafeRawBufferPointer, _ start: Int, _ key: [UInt8]) -> Int? {
    var position = start + 1
    var found: Int?
    while position < text.count && text[position] != UInt8(ascii: "}") {
      let keyEnd = skipValue(text, position)
      let valueStart = keyEnd + 1  // past ':'
      if decodedEquals(text, (position + 1)..<(keyEnd - 1), key) { found = valueStart }  // last one wins
      position = skipValue(text, valueStart)
      if position < text.count && text[position] == UInt8(ascii: ",") { position += 1 }
    }
    return found
  }

  /// Start of element `index` of the array at `start`.
  private static func element(_ text: UnsafeRawBufferPointer, _ start: Int, _ index: Int) -> Int? {
    var position = start + 1
    var current = 0
    while position < text.count && text[position] != UInt8(ascii: "]") {
      if current == index { return position }
      position = skipValue(text, position)
      if position < text.count && text[position] == UInt8(ascii: ",") { position += 1 }
      current += 1
    }
    return nil
  }

  /// The index just past the value starting at `start`.
  static func skipValue(_ text: UnsafeRawBufferPointer, _ start: Int) -> Int {
    guard start < text.count else { return start }
    var position = start
    switch text[position] {
    case UInt8(ascii: "\""):
      position += 1
      while position < text.count && text[position] != UInt8(ascii: "\"") {
        position += text[position] == UInt8(ascii: "\\") ? 2 : 1
      }
      return min(position + 1, text.count)
    case UInt8(ascii: "{"), UInt8(ascii: "["):
      var depth = 0
      while position < text.count {
        let byte = text[position]
        if byte == UInt8(ascii: "\"") {
          position = skipValue(text, position)
          continue
        }
        if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") { depth += 1 }
        if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") {
          depth -= 1
          if depth == 0 { return position + 1 }
        }
        position += 1
      }
      return position
    default:
      while position < text.count {
        let byte = text[position]
        if byte == UInt8(ascii: ",") || byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") { break }
        position += 1
      }
      return position
    }
  }

  /// Decodes the escaped string body in `range` (as ndflat escapes).
  static func decode(_ text: UnsafeRawBufferPointer, _ range: Range<Int>, into out: inout ByteArena) {
    out.count = 0
    var position = range.lowerBound
    while position < range.upperBound {
      let byte = text[position]
      guard byte == UInt8(ascii: "\\"), position + 1 < range.upperBound else {
        out.append(byte)
        position += 1
        continue
      }
      let escaped = text[position + 1]
      position += 2
      switch escaped {
      case UInt8(ascii: "n"): out.append(0x0A)
      case UInt8(ascii: "r"): out.append(0x0D)
      case UInt8(ascii: "t"): out.append(0x09)
      case UInt8(ascii: "b"): out.append(0x08)
      case UInt8(ascii: "f"): out.append(0x0C)
      case UInt8(ascii: "u"):
        var value: UInt8 = 0
        if position + 4 <= range.upperBound {
          for digit in text[(position + 2)..<(position + 4)] {
            value = value << 4 | (digit <= 0x39 ? digit &- 0x30 : (digit | 0x20) &- 0x57)
          }
        }
        out.append(value)
        position += 4
      default: out.append(escaped)
      }
    }
  }

  private static func decodedEquals(_ text: UnsafeRawBufferPointer, _ range: Range<Int>, _ key: [UInt8]) -> Bool {
    if !text[range].contains(UInt8(ascii: "\\")) { return text[range].elementsEqual(key) }
    var decoded = ByteArena(capacity: range.count)
    defer { decoded.release() }
    decode(text, range, into: &decoded)
    return decoded.bytes.elementsEqual(key)
  }
}

/// The value at a path in the current row, wherever it lies: a value of its own,
/// or inside an array or object kept as one JSON cell (`data.0.type` with
/// `--arrays json`). Used by `--where`, `--split-by`, `--local-time`, `schema --by`.
struct PathLookup {
  let segments: [[UInt8]]
  private var node: Int32 = -1
  /// Where a value found inside a JSON cell is decoded (stable storage).
  private let scratch = ScratchBytes()

  init(_ segments: [[UInt8]]) { self.segments = segments }

  init(path: String) {
    self.init(path.split(separator: ".", omittingEmptySubsequences: false).map { Array($0.utf8) })
  }

  /// The value's kind and its text as a CSV cell would hold it (a string decoded,
  /// a number's literal, compact JSON for an object or array); `nil` when absent.
  /// The bytes stay valid until the next call.
  mutating func value(_ x: UnsafeMutablePointer<Extraction>) -> (kind: ValueKind, text: UnsafeRawBufferPointer)? {
    if node < 0 { node = x.pointee.resolve(segments) }
    if node >= 0, let index = x.pointee.entryIndex(for: node) {
      let entry = x.pointee.entries[index]
      return (entry.kind, x.pointee.cellText(of: entry))
    }
    // Inside a JSON cell? Try the longest prefix that holds one.
    var length = segments.count - 1
    while length > 0 {
      let prefix = x.pointee.resolve(Array(segments[0..<length]))
      if prefix >= 0, let index = x.pointee.entryIndex(for: prefix) {
        let entry = x.pointee.entries[index]
        guard entry.kind == .json else { return nil }
        let text = x.pointee.cellText(of: entry)
        guard let (kind, range) = CompactJSON.find(text, segments[length...]) else { return nil }
        switch kind {
        case .string: CompactJSON.decode(text, range, into: &scratch.arena)
        case .null: scratch.arena.count = 0
        default:
          scratch.arena.count = 0
          scratch.arena.append(UnsafeRawBufferPointer(rebasing: text[range]))
        }
        return (kind, scratch.arena.bytes)
      }
      length -= 1
    }
    return nil
  }
}

/// A byte arena owned by a class, for values that must outlive a call.
final class ScratchBytes {
  var arena = ByteArena(capacity: 256)
  deinit { arena.release() }
}
