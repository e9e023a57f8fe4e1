/// The JSON type of a kept value.
enum ValueKind: UInt8, Sendable {
  case string, number, trueValue, falseValue, null
  /// Compact JSON text of a captured object or array (or `{}` / `[]`).
  case json
  /// Replaced by a later duplicate key; skipped by writers.
  case dead
}

/// One kept value of the current record: which path, what type, where its bytes are.
struct Entry {
  /// The trie node of the value's path.
  var node: Int32
  var kind: ValueKind
  /// The bytes lie in the current input line (zero-copy) rather than in the value arena.
  var inLine: Bool
  var offset: Int
  var length: Int
}

/// One open object or array while a record is parsed.
struct Frame {
  /// Trie node of this container; `-1` when nothing below it is wanted.
  var node: Int32
  /// The child node met last, for lookup prediction.
  var lastChild: Int32 = -1
  /// Members so far (array index of the next element; commas in captured JSON).
  var count: Int32 = 0
  var isArray: Bool
  /// Offset in the capture arena where this container's JSON text starts, or `-1`.
  var captureStart: Int = -1
  /// The node whose value the capture becomes.
  var captureNode: Int32 = -1
  /// `--explode`: this is the exploded array (its elements become rows).
  var isExplodedArray = false
  /// `--explode`: this object is an element; its entries start at this index.
  var elementStart: Int32 = -1
}

/// `--explode`: the entries of one array element, a half-open index range.
struct ElementRange {
  var start: Int32
  var end: Int32
}

/// Why the extractor stopped a record (the parser reports plain syntax errors).
enum ExtractFailure: UInt8, Sendable {
  case none
  case notObject
  case tooDeep
  case tooManyColumns
  case multipleValues
}
