/// Builds an ``ExportSchema`` from parsed rows, grouped by the value at a path.
/// Runs on the consuming side of a single worker (it sees every row in order).
final class SchemaCollector {
  private final class Group {
    let name: [UInt8]?
    var records = 0
    var fieldOfSlot: [Int32] = []
    var names: [[UInt8]] = []
    var typeCounts: [[Int]] = []
    var present: [Int] = []
    var nulls: [Int] = []
    var examples: [String?] = []

    init(name: [UInt8]?) { self.name = name }

    func field(for slot: Int32, name: () -> [UInt8]) -> Int {
      let index = Int(slot)
      if index >= fieldOfSlot.count { fieldOfSlot += Array(repeating: -1, count: index + 1 - fieldOfSlot.count) }
      if fieldOfSlot[index] >= 0 { return Int(fieldOfSlot[index]) }
      fieldOfSlot[index] = Int32(names.count)
      names.append(name())
      typeCounts.append(Array(repeating: 0, count: JSONType.allCases.count))
      present.append(0)
      nulls.append(0)
      examples.append(nil)
      return names.count - 1
    }
  }

  private var by: PathLookup
  private var groups: [Group] = []
  private var groupIndex: [[UInt8]: Int] = [:]
  private var missingGroup: Int?
  private var records = 0
  private let exampleLength = 60

  init(by path: String) {
    by = PathLookup(path: path)
  }

  /// Counts the current row of `x`.
  func collect(_ x: UnsafeMutablePointer<Extraction>) {
    records += 1
    var key: [UInt8]?
    if let found = by.value(x), found.kind != .null { key = Array(found.text) }
    let group = self.group(for: key)
    group.records += 1
    for index in 0..<x.pointee.entries.count {
      let entry = x.pointee.entries[index]
      guard entry.kind != .dead, x.pointee.isInCurrentRow(index) else { continue }
      let slot = x.pointee.slot(of: entry)
      guard slot >= 0 else { continue }
      let field = group.field(for: slot) { x.pointee.registry.names[Int(slot)] }
      group.present[field] += 1
      let type = SchemaCollector.type(of: entry, x)
      group.typeCounts[field][type.index] += 1
      if type == .null {
        group.nulls[field] += 1
      } else if group.examples[field] == nil {
        let text = String(decoding: x.pointee.cellText(of: entry), as: UTF8.self)
        group.examples[field] = text.count > exampleLength ? String(text.prefix(exampleLength)) + "…" : text
      }
    }
  }

  private func group(for key: [UInt8]?) -> Group {
    if let key {
      if let index = groupIndex[key] { return groups[index] }
      groupIndex[key] = groups.count
    } else {
      if let missingGroup { return groups[missingGroup] }
      missingGroup = groups.count
    }
    let group = Group(name: key)
    groups.append(group)
    return group
  }

  private static func type(of entry: Entry, _ x: UnsafeMutablePointer<Extraction>) -> JSONType {
    switch entry.kind {
    case .string: return .string
    case .number: return .number
    case .trueValue, .falseValue: return .boolean
    case .null, .dead: return .null
    case .json: return entry.length > 0 && x.pointee.bytes(of: entry)[0] == UInt8(ascii: "[") ? .array : .object
    }
  }

  /// The schema collected so far.
  func schema(by: String, options: ConvertOptions) -> ExportSchema {
    let types = groups.map { group in
      EventTypeSchema(
        name: group.name.map { String(decoding: $0, as: UTF8.self) }, records: group.records,
        fields: group.names.indices.map { field in
          var kinds: [JSONType: Int] = [:]
          for (index, kind) in JSONType.allCases.enumerated() where group.typeCounts[field][index] > 0 {
            kinds[kind] = group.typeCounts[field][index]
          }
          return FieldSchema(
            name: String(decoding: group.names[field], as: UTF8.self), types: kinds,
            present: group.present[field], nulls: group.nulls[field], example: group.examples[field])
        })
    }
    return ExportSchema(
      by: by, separator: options.separator, arrays: options.arrays, explode: options.explode, records: records,
      eventTypes: types)
  }
}

extension JSONType {
  var index: Int {
    switch self {
    case .string: return 0
    case .number: return 1
    case .boolean: return 2
    case .null: return 3
    case .object: return 4
    case .array: return 5
    }
  }
}
