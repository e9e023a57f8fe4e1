/// The terminal view of a schema: per event type, a table of its fields.
extension ExportSchema {
  public func tableText() -> String {
    var out = "\(records) records, \(eventTypes.count) event types (by \(by))\n"
    for type in eventTypes {
      out += "\n\(type.displayName): \(type.records) records, \(type.fields.count) fields\n"
      let rows = type.fields.map { field -> [String] in
        let types = JSONType.allCases.compactMap { kind in field.types[kind].map { "\(kind.rawValue)×\($0)" } }
        return [
          field.name, types.joined(separator: " "), "\(field.present)", "\(field.nulls)",
          field.example.map { ExportSchema.printable($0) } ?? "",
        ]
      }
      out += ExportSchema.table(header: ["field", "types", "present", "null", "example"], rows: rows)
    }
    return out
  }

  static func printable(_ text: String) -> String {
    String(text.unicodeScalars.map { $0.value < 0x20 ? "·" : Character($0) })
  }

  static func table(header: [String], rows: [[String]]) -> String {
    var widths = header.map(\.count)
    for row in rows {
      for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
    }
    func line(_ cells: [String]) -> String {
      var text = "  "
      for (index, cell) in cells.enumerated() {
        let pad = index == cells.count - 1 ? "" : String(repeating: " ", count: widths[index] - cell.count + 2)
        text += cell + pad
      }
      return text + "\n"
    }
    return line(header) + rows.map(line).joined()
  }
}
