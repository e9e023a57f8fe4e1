/// The output columns' names, in first-seen order, each with its slot number.
///
/// Used off the hot path only: a name is registered once, when a path is first
/// met, and the trie node remembers its slot from then on.
struct ColumnRegistry: Sendable {
  /// Column names as UTF-8 bytes, indexed by slot.
  private(set) var names: [[UInt8]] = []
  private var slots: [[UInt8]: Int32] = [:]

  init() {}

  init(names: [[UInt8]]) {
    for name in names { _ = slot(for: name) }
  }

  var count: Int { names.count }

  /// The slot of `name`, registering it when new.
  mutating func slot(for name: [UInt8]) -> Int32 {
    if let existing = slots[name] { return existing }
    let slot = Int32(names.count)
    names.append(name)
    slots[name] = slot
    return slot
  }

  /// The slot of `name` if it is registered.
  func existingSlot(for name: [UInt8]) -> Int32? { slots[name] }
}
