/// Counts records per distinct value (e.g. per event type) without allocating
/// per record: values live in one arena, found through an open-addressing table.
struct ValueCounter {
  private var bytes = ByteArena(capacity: 4096)
  /// Per entry: offset and length of the value in `bytes`, and its count.
  private var offsets: [Int] = []
  private var lengths: [Int] = []
  private(set) var counts: [Int] = []
  private var table: [Int32] = Array(repeating: -1, count: 256)
  /// Records without the value.
  private(set) var missing = 0
  /// Distinct values kept at most (a hostile input cannot grow it without bound);
  /// values beyond are counted as `overflow`.
  static let maxValues = 100_000
  private(set) var overflow = 0

  func release() { bytes.release() }

  mutating func countMissing() { missing += 1 }

  mutating func count(_ value: UnsafeRawBufferPointer) {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in value { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
    let mask = table.count - 1
    var index = Int(truncatingIfNeeded: hash) & mask
    while table[index] >= 0 {
      let entry = Int(table[index])
      if lengths[entry] == value.count && equal(entry, value) {
        counts[entry] += 1
        return
      }
      index = (index + 1) & mask
    }
    guard counts.count < ValueCounter.maxValues else {
      overflow += 1
      return
    }
    table[index] = Int32(counts.count)
    offsets.append(bytes.count)
    lengths.append(value.count)
    counts.append(1)
    bytes.append(value)
    if counts.count * 2 > table.count { rehash() }
  }

  private func equal(_ entry: Int, _ value: UnsafeRawBufferPointer) -> Bool {
    let start = bytes.base + offsets[entry]
    for index in 0..<value.count where start[index] != value[index] { return false }
    return true
  }

  private mutating func rehash() {
    table = Array(repeating: -1, count: table.count * 2)
    let mask = table.count - 1
    for entry in 0..<counts.count {
      var hash: UInt64 = 0xcbf2_9ce4_8422_2325
      let start = bytes.base + offsets[entry]
      for index in 0..<lengths[entry] { hash = (hash ^ UInt64(start[index])) &* 0x100_0000_01b3 }
      var slot = Int(truncatingIfNeeded: hash) & mask
      while table[slot] >= 0 { slot = (slot + 1) & mask }
      table[slot] = Int32(entry)
    }
  }

  /// Values and counts, in first-seen order.
  var entries: [(value: [UInt8], count: Int)] {
    (0..<counts.count).map { entry in
      (Array(UnsafeBufferPointer(start: bytes.base + offsets[entry], count: lengths[entry])), counts[entry])
    }
  }

  mutating func reset() {
    bytes.count = 0
    offsets.removeAll(keepingCapacity: true)
    lengths.removeAll(keepingCapacity: true)
    counts.removeAll(keepingCapacity: true)
    for index in table.indices { table[index] = -1 }
    missing = 0
    overflow = 0
  }
}
