/// Output columns: names for the header, the slot each reads, and what the
/// workers' extraction needs to produce those slots.
struct ColumnLayout {
  var names: [[UInt8]]
  var slots: [Int32]
  /// The slot registry every worker starts from.
  var registry: ColumnRegistry
  /// Fields mode: the path behind each slot (`nil` for derived columns), for the trie.
  var fieldPaths: [[[UInt8]]?]
  /// The slot of each `--local-time` column.
  var localSlots: [Int32]
  /// `--schema`: slots below this are the schema's; the rest go to `_extra`.
  var knownSlots: Int32? = nil
  /// The slot number standing for the `_extra` column.
  static let extraColumn: Int32 = -8

  /// `--schema`: the schema's columns (all event types, or one), then `_extra`.
  static func forSchema(_ schema: ExportSchema, eventType: String?, options: ConvertOptions) -> ColumnLayout {
    var registry = ColumnRegistry()
    var names: [[UInt8]] = []
    var slots: [Int32] = []
    for column in schema.columns(eventType: eventType) {
      let name = Array(column.utf8)
      names.append(name)
      slots.append(registry.slot(for: name))
    }
    var localSlots: [Int32] = []
    for spec in options.localTimes {
      let name = Array(spec.columnName(separator: options.separator).utf8)
      let slot = registry.slot(for: name)
      localSlots.append(slot)
      if !slots.contains(slot) {
        names.append(name)
        slots.append(slot)
      }
    }
    let known = Int32(registry.count)
    names.append(Array("_extra".utf8))
    slots.append(ColumnLayout.extraColumn)
    var layout = ColumnLayout(
      names: names, slots: slots, registry: registry, fieldPaths: [], localSlots: localSlots)
    layout.knownSlots = known
    layout.exclude(options)
    layout.shorten(options)
    return layout
  }

  /// `--fields`: the given columns, plus hidden slots for `--where` and
  /// `--local-time` paths, plus the local-time columns.
  static func forFields(_ fields: [FieldSpec], options: ConvertOptions) -> ColumnLayout {
    var registry = ColumnRegistry()
    var paths: [[[UInt8]]?] = []
    func slot(forPath path: String, segments: [[UInt8]]) -> Int32 {
      let slot = registry.slot(for: Array(path.utf8))
      if Int(slot) == paths.count { paths.append(segments) }
      return slot
    }
    var names: [[UInt8]] = []
    var slots: [Int32] = []
    for field in fields {
      names.append(Array(field.headerName(separator: options.separator).utf8))
      slots.append(slot(forPath: field.path, segments: field.segments))
    }
    for condition in options.wheres { _ = slot(forPath: condition.path, segments: condition.segments) }
    if let countBy = options.countBy {
      _ = slot(
        forPath: countBy, segments: countBy.split(separator: ".", omittingEmptySubsequences: false).map { Array($0.utf8) })
    }
    var localSlots: [Int32] = []
    for spec in options.localTimes {
      _ = slot(forPath: spec.path, segments: spec.segments)
      _ = slot(forPath: spec.zonePath, segments: spec.zoneSegments)
      // Derived slots are keyed apart from paths (a NUL cannot start a path given on the command line).
      let derived = registry.slot(for: [0] + Array(spec.path.utf8))
      if Int(derived) == paths.count { paths.append(nil) }
      localSlots.append(derived)
      let name = Array(spec.columnName(separator: options.separator).utf8)
      let source = fields.lastIndex { $0.path == spec.path }
      if let source, let position = slots.firstIndex(of: slots[source]) {
        names.insert(name, at: position + 1)
        slots.insert(derived, at: position + 1)
      } else {
        names.append(name)
        slots.append(derived)
      }
    }
    var layout = ColumnLayout(
      names: names, slots: slots, registry: registry, fieldPaths: paths, localSlots: localSlots)
    layout.exclude(options)
    let renamed = Set(fields.indices.filter { fields[$0].name != fields[$0].path })
    layout.shorten(options, keeping: renamed)
    return layout
  }

  /// All columns from the discovery pass, in first-seen order, each local-time
  /// column right after its source.
  static func forDiscovered(
    _ discovered: ColumnRegistry, order: [[UInt8]]? = nil, options: ConvertOptions
  ) -> ColumnLayout {
    var registry = discovered
    var names = order ?? registry.names
    var slots = order.map { $0.compactMap { registry.existingSlot(for: $0) } } ?? (0..<Int32(registry.count)).map { $0 }
    var localSlots: [Int32] = []
    for spec in options.localTimes {
      let name = Array(spec.columnName(separator: options.separator).utf8)
      let slot = registry.slot(for: name)
      localSlots.append(slot)
      guard !slots.contains(slot) else { continue }
      let sourceName = Array(
        spec.path.split(separator: ".", omittingEmptySubsequences: false).joined(separator: options.separator)
          .utf8)
      if let position = names.firstIndex(of: sourceName) {
        names.insert(name, at: position + 1)
        slots.insert(slot, at: position + 1)
      } else if order == nil {
        // A group's own file (`order` given) gets the column only if it has its source.
        names.append(name)
        slots.append(slot)
      }
    }
    var layout = ColumnLayout(
      names: names, slots: slots, registry: registry, fieldPaths: [], localSlots: localSlots)
    layout.exclude(options)
    layout.shorten(options)
    return layout
  }

  /// No fixed columns (flattened NDJSON): keys in document order; local-time
  /// columns registered up front so every worker gives them the same slots.
  static func documentOrder(options: ConvertOptions) -> ColumnLayout {
    var registry = ColumnRegistry()
    let localSlots = options.localTimes.map {
      registry.slot(for: Array($0.columnName(separator: options.separator).utf8))
    }
    return ColumnLayout(names: [], slots: [], registry: registry, fieldPaths: [], localSlots: localSlots)
  }

  /// `--short-names`: drops a leading `metadata` / `body` segment from column
  /// names where the shorter name collides with no other column; where it would,
  /// every column involved keeps its full name.
  mutating func shorten(_ options: ConvertOptions, keeping fixed: Set<Int> = []) {
    guard options.shortNames else { return }
    let prefixes = ["metadata", "body"].map { Array(($0 + options.separator).utf8) }
    var short = names
    var shortened = Array(repeating: false, count: names.count)
    for (index, name) in names.enumerated() where !fixed.contains(index) {
      for prefix in prefixes where name.count > prefix.count && Array(name.prefix(prefix.count)) == prefix {
        short[index] = Array(name.dropFirst(prefix.count))
        shortened[index] = true
      }
    }
    var changed = true
    while changed {
      changed = false
      var counts: [[UInt8]: Int] = [:]
      for name in short { counts[name, default: 0] += 1 }
      for index in short.indices where shortened[index] && counts[short[index], default: 0] > 1 {
        short[index] = names[index]
        shortened[index] = false
        changed = true
      }
    }
    names = short
  }

  /// Drops the columns `--exclude` names.
  private mutating func exclude(_ options: ConvertOptions) {
    let exclusions = ColumnExclusions(patterns: options.excludes, separator: options.separator)
    guard exclusions.isActive else { return }
    var keptNames: [[UInt8]] = []
    var keptSlots: [Int32] = []
    for (name, slot) in zip(names, slots) where !exclusions.excludes(name) {
      keptNames.append(name)
      keptSlots.append(slot)
    }
    names = keptNames
    slots = keptSlots
  }
}
