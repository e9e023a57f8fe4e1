/// A flattened value as a library caller sees it.
public struct FlatValue: Sendable, Equatable {
  /// The JSON type it came from.
  public enum Kind: Sendable, Equatable {
    case string, number, boolean, null
    /// Compact JSON text of an object or array.
    case json
  }

  public var kind: Kind
  /// Decoded text of a string, the literal text of a number, `true`/`false`,
  /// `null`, or compact JSON.
  public var text: String

  public init(kind: Kind, text: String) {
    self.kind = kind
    self.text = text
  }
}

/// One flattened record: (column name, value) pairs, in document order (or in
/// `--fields` order; absent fields are left out).
public struct FlatRow: Sendable {
  public var fields: [(name: String, value: FlatValue)]

  public init(fields: [(name: String, value: FlatValue)]) { self.fields = fields }

  /// The value at a column name, if present (the last one when a name repeats).
  public subscript(name: String) -> FlatValue? {
    fields.last { $0.name == name }?.value
  }
}

extension Extraction {
  /// The current record as a ``FlatRow`` (allocates: for library callers, not the hot path).
  func flatRow(columnNames: [[UInt8]], columnSlots: [Int32]) -> FlatRow {
    func value(_ entry: Entry) -> FlatValue {
      let text = String(decoding: UnsafeBufferPointer(start: bytes(of: entry), count: entry.length), as: UTF8.self)
      switch entry.kind {
      case .string: return FlatValue(kind: .string, text: text)
      case .number: return FlatValue(kind: .number, text: text)
      case .json: return FlatValue(kind: .json, text: text)
      case .trueValue: return FlatValue(kind: .boolean, text: "true")
      case .falseValue: return FlatValue(kind: .boolean, text: "false")
      case .null, .dead: return FlatValue(kind: .null, text: "null")
      }
    }
    var fields: [(name: String, value: FlatValue)] = []
    if columnSlots.isEmpty {
      for index in 0..<entries.count where entries[index].kind != .dead && isInCurrentRow(index) {
        let entry = entries[index]
        let slot = Int(slot(of: entry))
        fields.append((String(decoding: registry.names[slot], as: UTF8.self), value(entry)))
      }
    } else {
      for (name, slot) in zip(columnNames, columnSlots) {
        if let entry = entry(forSlot: slot), entry.kind != .dead {
          fields.append((String(decoding: name, as: UTF8.self), value(entry)))
        }
      }
    }
    return FlatRow(fields: fields)
  }
}
