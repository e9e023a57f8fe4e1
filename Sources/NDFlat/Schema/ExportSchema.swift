import Foundation

/// The JSON types a flattened field can hold.
public enum JSONType: String, Sendable, CaseIterable {
  case string, number, boolean, null, object, array
}

/// One flattened field of an event type, as seen over an export.
public struct FieldSchema: Sendable, Equatable {
  /// The flattened column name.
  public var name: String
  /// How many records held each JSON type here (only types seen).
  public var types: [JSONType: Int]
  /// Records in which the field was present (null included).
  public var present: Int
  /// Records in which it was null.
  public var nulls: Int
  /// The first non-null value seen (shortened), if any.
  public var example: String?

  public init(name: String, types: [JSONType: Int], present: Int, nulls: Int, example: String?) {
    self.name = name
    self.types = types
    self.present = present
    self.nulls = nulls
    self.example = example
  }

  /// The types seen, in a fixed order.
  public var typeNames: [String] {
    JSONType.allCases.filter { types[$0] != nil }.map(\.rawValue)
  }
}

/// The fields of one event type.
public struct EventTypeSchema: Sendable, Equatable {
  /// The value at the `--by` path; `nil` for records without it.
  public var name: String?
  public var records: Int
  /// Fields in first-seen order.
  public var fields: [FieldSchema]

  public init(name: String?, records: Int, fields: [FieldSchema]) {
    self.name = name
    self.records = records
    self.fields = fields
  }

  /// How the group is shown on a terminal.
  public var displayName: String { name ?? "(missing)" }
}

/// The schema of an export: per event type, every flattened field with its
/// types, presence, nulls and an example. Written by `ndflat schema --json`,
/// read by `convert --schema` and `schema --diff`.
public struct ExportSchema: Sendable, Equatable {
  /// The path that names the event type.
  public var by: String
  public var separator: String
  public var arrays: ArrayMode
  public var explode: String?
  public var records: Int
  /// Event types in first-seen order.
  public var eventTypes: [EventTypeSchema]

  public init(
    by: String, separator: String, arrays: ArrayMode, explode: String?, records: Int,
    eventTypes: [EventTypeSchema]
  ) {
    self.by = by
    self.separator = separator
    self.arrays = arrays
    self.explode = explode
    self.records = records
    self.eventTypes = eventTypes
  }

  /// Every field name over all event types (or one), in first-seen order.
  public func columns(eventType: String? = nil) -> [String] {
    var seen = Set<String>()
    var names: [String] = []
    for type in eventTypes where eventType == nil || type.name == eventType {
      for field in type.fields where seen.insert(field.name).inserted { names.append(field.name) }
    }
    return names
  }

  // MARK: JSON

  /// The schema file: keys in a fixed order, one field per line for readable diffs.
  public func jsonText() -> String {
    var out = "{\n  \"ndflat_schema\": 1,\n"
    out += "  \"by\": \(quote(by)),\n  \"separator\": \(quote(separator)),\n"
    out += "  \"arrays\": \(quote(arrays.rawValue)),\n"
    out += "  \"explode\": \(explode.map(quote) ?? "null"),\n"
    out += "  \"records\": \(records),\n  \"event_types\": ["
    for (typeIndex, type) in eventTypes.enumerated() {
      out += typeIndex == 0 ? "\n" : ",\n"
      out += "    {\"name\": \(type.name.map(quote) ?? "null"), \"records\": \(type.records), \"fields\": ["
      for (fieldIndex, field) in type.fields.enumerated() {
        out += fieldIndex == 0 ? "\n" : ",\n"
        let types = JSONType.allCases.compactMap { kind in field.types[kind].map { "\(quote(kind.rawValue)): \($0)" } }
        out += "      {\"name\": \(quote(field.name)), \"types\": {\(types.joined(separator: ", "))}, "
        out += "\"present\": \(field.present), \"null\": \(field.nulls), "
        out += "\"example\": \(field.example.map(quote) ?? "null")}"
      }
      out += type.fields.isEmpty ? "]}" : "\n    ]}"
    }
    out += eventTypes.isEmpty ? "]\n}\n" : "\n  ]\n}\n"
    return out
  }

  /// Reads a schema file written by ``jsonText()``.
  public init(jsonText data: Data, source: String) throws {
    func fail(_ why: String) -> NDFlatError { NDFlatError(.input, "\(source): not an ndflat schema file: \(why)") }
    guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
      throw fail("not a JSON object")
    }
    guard root["ndflat_schema"] as? Int == 1 else { throw fail("missing \"ndflat_schema\": 1") }
    guard let types = root["event_types"] as? [[String: Any]] else { throw fail("missing event_types") }
    by = root["by"] as? String ?? "metadata.event_name"
    separator = root["separator"] as? String ?? "."
    arrays = (root["arrays"] as? String).flatMap(ArrayMode.init(rawValue:)) ?? .json
    explode = root["explode"] as? String
    records = root["records"] as? Int ?? 0
    eventTypes = try types.map { type in
      guard let fields = type["fields"] as? [[String: Any]] else { throw fail("an event type has no fields") }
      return EventTypeSchema(
        name: type["name"] as? String, records: type["records"] as? Int ?? 0,
        fields: try fields.map { field in
          guard let name = field["name"] as? String else { throw fail("a field has no name") }
          var kinds: [JSONType: Int] = [:]
          for (key, value) in field["types"] as? [String: Any] ?? [:] {
            if let kind = JSONType(rawValue: key) { kinds[kind] = value as? Int ?? 0 }
          }
          return FieldSchema(
            name: name, types: kinds, present: field["present"] as? Int ?? 0, nulls: field["null"] as? Int ?? 0,
            example: field["example"] as? String)
        })
    }
  }
}

/// A JSON string literal.
func quote(_ text: String) -> String {
  var out = ByteArena(capacity: text.utf8.count + 8)
  defer { out.release() }
  out.appendJSONString(Array(text.utf8))
  return String(decoding: out.bytes, as: UTF8.self)
}
