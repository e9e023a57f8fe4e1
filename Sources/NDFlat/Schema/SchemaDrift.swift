/// What changed between two schemas of the same feed.
public struct SchemaDrift: Sendable, Equatable {
  /// A field whose JSON types (nulls aside) differ.
  public struct Retyped: Sendable, Equatable {
    public var field: String
    public var oldTypes: [String]
    public var newTypes: [String]
  }

  /// Changes inside one event type present in both schemas.
  public struct TypeChanges: Sendable, Equatable {
    public var eventType: String
    public var newFields: [String]
    public var missingFields: [String]
    public var retyped: [Retyped]

    var isEmpty: Bool { newFields.isEmpty && missingFields.isEmpty && retyped.isEmpty }
  }

  public var newEventTypes: [String] = []
  public var vanishedEventTypes: [String] = []
  public var changes: [TypeChanges] = []

  /// No drift at all?
  public var isEmpty: Bool { newEventTypes.isEmpty && vanishedEventTypes.isEmpty && changes.isEmpty }

  /// Compares `new` against `old`.
  public init(old: ExportSchema, new: ExportSchema) {
    let oldTypes = Dictionary(old.eventTypes.map { ($0.displayName, $0) }, uniquingKeysWith: { first, _ in first })
    let newNames = Set(new.eventTypes.map(\.displayName))
    for type in new.eventTypes {
      guard let before = oldTypes[type.displayName] else {
        newEventTypes.append(type.displayName)
        continue
      }
      let oldFields = Dictionary(before.fields.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
      let newFieldNames = Set(type.fields.map(\.name))
      var change = TypeChanges(eventType: type.displayName, newFields: [], missingFields: [], retyped: [])
      for field in type.fields {
        guard let previous = oldFields[field.name] else {
          change.newFields.append(field.name)
          continue
        }
        let was = previous.typeNames.filter { $0 != "null" }
        let now = field.typeNames.filter { $0 != "null" }
        if was != now && !was.isEmpty && !now.isEmpty {
          change.retyped.append(Retyped(field: field.name, oldTypes: was, newTypes: now))
        }
      }
      change.missingFields = before.fields.map(\.name).filter { !newFieldNames.contains($0) }
      if !change.isEmpty { changes.append(change) }
    }
    vanishedEventTypes = old.eventTypes.map(\.displayName).filter { !newNames.contains($0) }
  }

  /// A readable report, one line per change.
  public var report: String {
    guard !isEmpty else { return "no drift\n" }
    var lines: [String] = []
    for name in newEventTypes { lines.append("+ event type \(name)") }
    for name in vanishedEventTypes { lines.append("- event type \(name)") }
    for change in changes {
      for field in change.newFields { lines.append("+ \(change.eventType): \(field)") }
      for field in change.missingFields { lines.append("- \(change.eventType): \(field)") }
      for retyped in change.retyped {
        lines.append(
          "~ \(change.eventType): \(retyped.field): \(retyped.oldTypes.joined(separator: "|")) → \(retyped.newTypes.joined(separator: "|"))")
      }
    }
    return lines.joined(separator: "\n") + "\n"
  }
}
