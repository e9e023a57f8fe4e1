/// The state behind yajl's callbacks for one worker: a path stack walked against a
/// trie of paths, kept values copied (or referenced) as bytes, no trees and no
/// `String`s. It lives behind an `UnsafeMutablePointer` so callbacks pay no ARC.
struct Extraction {
  /// How paths become columns.
  enum Mode {
    /// Every path is a column (the first-seen union).
    case allColumns
    /// Only the trie's wanted paths are kept; others are skipped.
    case fields
  }

  let mode: Mode
  let arraysIndexed: Bool
  /// `false` in the discovery pass: paths are walked but no value is copied.
  let keepValues: Bool
  let maxDepth: Int
  let maxColumns: Int
  let separator: [UInt8]

  var trie = PathTrie()
  var registry: ColumnRegistry
  var stack = UnsafeVector<Frame>(capacity: 64)
  var skipDepth = 0
  var captureDepth = 0
  var capture = ByteArena(capacity: 1 << 12)
  var values = ByteArena(capacity: 1 << 16)
  var entries = UnsafeVector<Entry>(capacity: 256)
  var pendingKey: Int32 = -1
  var stamp: UInt32 = 0
  var lineStart: UInt = 0
  var lineEnd: UInt = 0
  var failure = ExtractFailure.none
  var completedValues = 0
  /// Per slot: the record stamp when it last got a value, and that value's entry.
  var slotStamp = UnsafeVector<UInt32>(capacity: 256)
  var slotEntry = UnsafeVector<Int32>(capacity: 256)
  /// `--utc`: timestamps inside captured arrays and objects (JSON cells) are
  /// rewritten too, in this form; `nil` leaves them as they are.
  var captureTimeFormat: TimeFormat?
  /// Strings in JSON cells that looked like timestamps but did not parse (this record).
  var captureWarnings = 0
  /// With `--fields`, unwanted keys are kept in the trie for prediction up to this many nodes.
  static let maxUnwantedNodes = 1 << 16
  /// Values of the last committed record that shared a column name with another
  /// path (a key holding the separator, e.g. `{"a.b":1,"a":{"b":2}}`): the later
  /// one fills the cell; each such clash counts as a warning.
  var nameClashes = 0

  // `--explode PATH`
  /// The node of the exploded array's path, `-1` without `--explode`.
  var explodeNode: Int32 = -1
  /// The exploded array was met in this record.
  var explodeSeen = false
  /// An element of the exploded array was not an object.
  var nonObjectElement = false
  /// The path to explode held something other than an array (or null).
  var explodeNotArray = false
  /// Each element's entries.
  var elementRanges = UnsafeVector<ElementRange>(capacity: 16)
  /// While writing exploded rows: the element whose row is being written (`-1`: none).
  var currentElement: Int32 = -1

  init(
    mode: Mode, arraysIndexed: Bool, keepValues: Bool, maxDepth: Int, maxColumns: Int,
    separator: [UInt8], registry: ColumnRegistry
  ) {
    self.mode = mode
    self.arraysIndexed = arraysIndexed
    self.keepValues = keepValues
    self.maxDepth = maxDepth
    self.maxColumns = maxColumns
    self.separator = separator
    self.registry = registry
  }

  func release() {
    trie.release()
    stack.release()
    capture.release()
    values.release()
    entries.release()
    slotStamp.release()
    slotEntry.release()
    elementRanges.release()
  }

  // MARK: Records

  /// Prepares for a record whose text is `line` (values inside it are referenced, not copied).
  @inline(__always)
  mutating func beginRecord(line: UnsafeRawBufferPointer) {
    stamp &+= 1
    if stamp == 0 { resetStamps() }
    entries.count = 0
    values.count = 0
    capture.count = 0
    stack.count = 0
    skipDepth = 0
    captureDepth = 0
    failure = .none
    captureWarnings = 0
    completedValues = 0
    pendingKey = -1
    explodeSeen = false
    nonObjectElement = false
    explodeNotArray = false
    elementRanges.count = 0
    currentElement = -1
    lineStart = UInt(bitPattern: line.baseAddress)
    lineEnd = lineStart &+ UInt(line.count)
  }

  private mutating func resetStamps() {
    for i in 0..<trie.count { trie.nodes[i].stamp = 0 }
    for i in 0..<slotStamp.count { slotStamp[i] = 0 }
    stamp = 1
  }

  /// Is the record complete: one object, closed?
  var isComplete: Bool { completedValues == 1 && stack.count == 0 && skipDepth == 0 }

  /// Resolves every kept value to its column slot. Returns `false` if the record
  /// would take the column count past the cap.
  mutating func commitRecord() -> Bool {
    nameClashes = 0
    for i in 0..<entries.count {
      let entry = entries[i]
      if entry.kind == .dead { continue }
      if entry.node < 0 {
        // A derived value (e.g. a local time): its slot is encoded in the node.
        let slot = Int(Extraction.derivedSlot(entry.node))
        if slot >= slotStamp.count {
          slotStamp.ensureCount(registry.count, filling: 0)
          slotEntry.ensureCount(registry.count, filling: -1)
        }
        slotStamp[slot] = stamp
        slotEntry[slot] = Int32(i)
        continue
      }
      var slot = trie.node(entry.node).pointee.slot
      if slot < 0 {
        if registry.count >= maxColumns {
          failure = .tooManyColumns
          return false
        }
        slot = registry.slot(for: name(of: entry.node))
        trie.node(entry.node).pointee.slot = slot
      }
      if Int(slot) >= slotStamp.count {
        slotStamp.ensureCount(registry.count, filling: 0)
        slotEntry.ensureCount(registry.count, filling: -1)
      }
      if slotStamp[Int(slot)] == stamp && elementRanges.count == 0 { nameClashes &+= 1 }
      slotStamp[Int(slot)] = stamp
      slotEntry[Int(slot)] = Int32(i)
    }
    return true
  }

  // MARK: Transforms

  /// Entries of derived values carry `-2 - slot` in place of a trie node.
  @inline(__always)
  static func derivedSlot(_ node: Int32) -> Int32 { -2 &- node }

  /// The slot an entry's value belongs to (after ``commitRecord()``, or for derived values).
  @inline(__always)
  func slot(of entry: Entry) -> Int32 {
    entry.node < 0 ? Extraction.derivedSlot(entry.node) : trie.node(entry.node).pointee.slot
  }

  /// Adds a value computed from the record (not parsed from it) to column `slot`.
  mutating func appendDerived(slot: Int32, kind: ValueKind, _ bytes: UnsafePointer<UInt8>, _ length: Int) {
    let offset = values.count
    values.append(bytes, length)
    entries.append(Entry(node: -2 &- slot, kind: kind, inLine: false, offset: offset, length: length))
  }

  /// Replaces the value of entry `index` (e.g. a timestamp rewritten into UTC).
  mutating func replaceValue(at index: Int, kind: ValueKind, _ bytes: UnsafePointer<UInt8>, _ length: Int) {
    let offset = values.count
    values.append(bytes, length)
    entries[index] = Entry(node: entries[index].node, kind: kind, inLine: false, offset: offset, length: length)
  }

  /// The index of the live entry for `node` in the current record, if any.
  func entryIndex(for node: Int32) -> Int? {
    var index = entries.count &- 1
    while index >= 0 {
      if entries[index].node == node && entries[index].kind != .dead && isInCurrentRow(index) {
        return index
      }
      index &-= 1
    }
    return nil
  }

  /// With `--explode`, is entry `index` part of the row being written (outside every
  /// element, or inside the current one)?
  @inline(__always)
  func isInCurrentRow(_ index: Int) -> Bool {
    guard elementRanges.count > 0 else { return true }
    let position = Int32(index)
    for k in 0..<elementRanges.count {
      let range = elementRanges[k]
      if position >= range.start && position < range.end { return Int32(k) == currentElement }
    }
    return true
  }

  /// `--explode`: makes element `k`'s row the current one (after ``commitRecord()``).
  mutating func selectElement(_ k: Int) {
    currentElement = Int32(k)
    stamp &+= 1
    if stamp == 0 { resetStamps() }
    for index in 0..<entries.count where entries[index].kind != .dead && isInCurrentRow(index) {
      let slot = Int(slot(of: entries[index]))
      guard slot >= 0, slot < slotStamp.count else { continue }
      slotStamp[slot] = stamp
      slotEntry[slot] = Int32(index)
    }
  }

  /// Finds the node of a path (`.`-split segments) if the trie has it.
  func resolve(_ segments: [[UInt8]]) -> Int32 {
    var node = PathTrie.root
    for segment in segments {
      node = segment.withUnsafeBufferPointer { buffer -> Int32 in
        var empty: UInt8 = 0
        return withUnsafePointer(to: &empty) { emptyPointer in
          trie.lookup(parent: node, key: buffer.baseAddress ?? emptyPointer, length: buffer.count)
        }
      }
      if node < 0 { return -1 }
    }
    return node
  }

  /// The text a value shows in a CSV cell (null → empty).
  func cellText(of entry: Entry) -> UnsafeRawBufferPointer {
    switch entry.kind {
    case .string, .number, .json:
      return UnsafeRawBufferPointer(start: bytes(of: entry), count: entry.length)
    case .trueValue:
      return UnsafeRawBufferPointer(Extraction.trueText)
    case .falseValue:
      return UnsafeRawBufferPointer(Extraction.falseText)
    case .null, .dead:
      return UnsafeRawBufferPointer(start: nil, count: 0)
    }
  }

  nonisolated(unsafe) private static let trueText: UnsafeBufferPointer<UInt8> = {
    let text: StaticString = "true"
    return UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount)
  }()
  nonisolated(unsafe) private static let falseText: UnsafeBufferPointer<UInt8> = {
    let text: StaticString = "false"
    return UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount)
  }()

  /// The flattened column name of `node`: its segments joined by the separator.
  func name(of node: Int32) -> [UInt8] {
    var name: [UInt8] = []
    for (index, segment) in trie.segments(of: node).enumerated() {
      if index > 0 { name.append(contentsOf: separator) }
      name.append(contentsOf: segment)
    }
    return name
  }

  /// The entry holding `slot`'s value in the current record, if any.
  @inline(__always)
  func entry(forSlot slot: Int32) -> Entry? {
    let index = Int(slot)
    guard index >= 0, index < slotStamp.count, slotStamp[index] == stamp else { return nil }
    return entries[Int(slotEntry[index])]
  }

  /// The bytes of an entry's value.
  @inline(__always)
  func bytes(of entry: Entry) -> UnsafePointer<UInt8> {
    entry.inLine
      ? UnsafePointer(bitPattern: lineStart &+ UInt(entry.offset)).unsafelyUnwrapped
      : UnsafePointer(values.base + entry.offset)
  }

  // MARK: Callbacks

  /// The trie node for the value about to start in the innermost container, and
  /// the comma it needs in captured JSON.
  @inline(__always)
  private mutating func nextValueNode() -> Int32 {
    let top = stack.base + (stack.count &- 1)
    guard top.pointee.isArray else { return pendingKey }
    if top.pointee.isExplodedArray {
      top.pointee.count &+= 1
      return -1
    }
    let index = top.pointee.count
    top.pointee.count &+= 1
    if captureDepth > 0 && index > 0 { capture.append(UInt8(ascii: ",")) }
    guard top.pointee.node >= 0 else { return -1 }
    return indexChild(top, index)
  }

  @inline(__always)
  private mutating func indexChild(_ frame: UnsafeMutablePointer<Frame>, _ index: Int32) -> Int32 {
    var digits: (UInt64, UInt64) = (0, 0)
    return withUnsafeMutableBytes(of: &digits) { raw -> Int32 in
      let buffer = raw.baseAddress.unsafelyUnwrapped.assumingMemoryBound(to: UInt8.self)
      var length = 0
      var value = index
      repeat {
        buffer[15 &- length] = UInt8(ascii: "0") &+ UInt8(value % 10)
        value /= 10
        length &+= 1
      } while value > 0
      let start = UnsafePointer(buffer + (16 &- length))
      let node = childNode(frame, start, length)
      return node
    }
  }

  @inline(__always)
  private mutating func childNode(
    _ frame: UnsafeMutablePointer<Frame>, _ key: UnsafePointer<UInt8>, _ length: Int
  ) -> Int32 {
    let parent = frame.pointee.node
    let previous = frame.pointee.lastChild
    let node: Int32
    switch mode {
    case .allColumns:
      node = trie.findOrInsert(parent: parent, key: key, length: length, after: previous)
    case .fields:
      node = trie.find(parent: parent, key: key, length: length, after: previous)
      if node < 0 {
        // Remember an unwanted key too (slot -1, nothing wanted below), so the
        // next record's lookups are predicted instead of hashed. Bounded.
        guard trie.count < Extraction.maxUnwantedNodes else { return -1 }
        let added = trie.insert(parent: parent, key: key, length: length)
        trie.remember(added, parent: parent, after: previous)
        frame.pointee.lastChild = added
        return added
      }
    }
    frame.pointee.lastChild = node
    return node
  }

  @inline(__always)
  mutating func scalar(_ kind: ValueKind, _ bytes: UnsafePointer<UInt8>?, _ length: Int) -> Int32 {
    if skipDepth > 0 { return 1 }
    if stack.count == 0 {
      failure = .notObject
      return 0
    }
    let node = nextValueNode()
    if explodeNode >= 0 {
      if stack[stack.count &- 1].isExplodedArray { nonObjectElement = true }
      if node == explodeNode && kind != .null { explodeNotArray = true }
    }
    if captureDepth > 0 { captureScalar(kind, bytes, length) }
    if node >= 0 && (mode == .allColumns || trie.node(node).pointee.slot >= 0) {
      keep(node, kind, bytes, length)
    }
    return 1
  }

  @inline(__always)
  private mutating func keep(_ node: Int32, _ kind: ValueKind, _ bytes: UnsafePointer<UInt8>?, _ length: Int) {
    guard keepValues, let bytes, length > 0 else {
      entries.append(Entry(node: node, kind: kind, inLine: false, offset: 0, length: 0))
      return
    }
    let address = UInt(bitPattern: bytes)
    if address >= lineStart && address &+ UInt(length) <= lineEnd {
      entries.append(
        Entry(node: node, kind: kind, inLine: true, offset: Int(address &- lineStart), length: length))
    } else {
      let offset = values.count
      values.append(bytes, length)
      entries.append(Entry(node: node, kind: kind, inLine: false, offset: offset, length: length))
    }
  }

  private mutating func captureScalar(_ kind: ValueKind, _ bytes: UnsafePointer<UInt8>?, _ length: Int) {
    switch kind {
    case .string:
      if let format = captureTimeFormat, let bytes, length >= 16, length <= 48,
        RecordTransforms.looksLikeTimestamp(bytes)
      {
        if let stamp = Timestamp.parse(UnsafeRawBufferPointer(start: bytes, count: length)) {
          withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Timestamp.maxFormattedLength) { buffer in
            guard let start = buffer.baseAddress else { return }
            let written = stamp.format(format, to: start)
            if format == .epochMs {
              capture.append(UnsafePointer(start), written)
            } else {
              capture.appendJSONString(UnsafePointer(start), written)
            }
          }
          return
        }
        captureWarnings &+= 1
      }
      if let bytes { capture.appendJSONString(bytes, length) } else { capture.appendJSONString([]) }
    case .number:
      if let bytes { capture.append(bytes, length) }
    case .trueValue: capture.append(contentsOf: "true".utf8)
    case .falseValue: capture.append(contentsOf: "false".utf8)
    case .null, .json, .dead: capture.append(contentsOf: "null".utf8)
    }
  }

  @inline(__always)
  mutating func startContainer(isArray: Bool) -> Int32 {
    if skipDepth > 0 {
      skipDepth &+= 1
      return 1
    }
    if stack.count == 0 {
      if completedValues > 0 {
        failure = .multipleValues
        return 0
      }
      if isArray {
        failure = .notObject
        return 0
      }
      stack.append(Frame(node: PathTrie.root, isArray: false))
      return 1
    }
    if stack.count >= maxDepth {
      failure = .tooDeep
      return 0
    }
    if explodeNode >= 0 {
      let parent = stack[stack.count &- 1]
      if parent.isExplodedArray {
        return startElement(isArray: isArray)
      }
    }
    let node = nextValueNode()
    if node >= 0 && node == explodeNode && captureDepth == 0 {
      if isArray {
        explodeSeen = true
        stack.append(Frame(node: node, isArray: true, isExplodedArray: true))
        return 1
      }
      explodeNotArray = true
    }
    var frame = Frame(node: -1, isArray: isArray)
    if node >= 0 {
      switch mode {
      case .allColumns:
        if isArray && !arraysIndexed {
          frame.captureStart = capture.count
        } else {
          frame.node = node
        }
      case .fields:
        let trieNode = trie.node(node).pointee
        if trieNode.slot >= 0 { frame.captureStart = capture.count }
        if trieNode.hasWantedBelow { frame.node = node }
      }
    }
    if frame.captureStart >= 0 {
      captureDepth &+= 1
      frame.captureNode = node
    } else if frame.node < 0 && captureDepth == 0 {
      skipDepth = 1
      return 1
    }
    if captureDepth > 0 { capture.append(isArray ? UInt8(ascii: "[") : UInt8(ascii: "{")) }
    stack.append(frame)
    return 1
  }

  /// An element of the exploded array starts: its keys go under the array's own
  /// path, and each element gets a fresh stamp so equal keys are not duplicates.
  private mutating func startElement(isArray: Bool) -> Int32 {
    let parent = stack.base + (stack.count &- 1)
    parent.pointee.count &+= 1
    if isArray {
      nonObjectElement = true
      skipDepth = 1
      return 1
    }
    stamp &+= 1
    if stamp == 0 { resetStamps() }
    var frame = Frame(node: explodeNode, isArray: false)
    frame.elementStart = Int32(entries.count)
    stack.append(frame)
    return 1
  }

  @inline(__always)
  mutating func endContainer(isArray: Bool) -> Int32 {
    if skipDepth > 0 {
      skipDepth &-= 1
      return 1
    }
    let frame = stack.removeLast()
    if frame.isExplodedArray { return 1 }
    if frame.elementStart >= 0 {
      elementRanges.append(ElementRange(start: frame.elementStart, end: Int32(entries.count)))
      return 1
    }
    if captureDepth > 0 { capture.append(isArray ? UInt8(ascii: "]") : UInt8(ascii: "}")) }
    if frame.captureStart >= 0 {
      keepCapture(node: frame.captureNode, from: frame.captureStart)
      captureDepth &-= 1
      if captureDepth == 0 { capture.count = 0 }
    } else if mode == .allColumns && frame.count == 0 && stack.count > 0 && frame.node >= 0 {
      let text: StaticString = isArray ? "[]" : "{}"
      keepLiteral(node: frame.node, text)
    }
    if stack.count == 0 { completedValues &+= 1 }
    return 1
  }

  private mutating func keepCapture(node: Int32, from start: Int) {
    guard keepValues else {
      entries.append(Entry(node: node, kind: .json, inLine: false, offset: 0, length: 0))
      return
    }
    let offset = values.count
    let length = capture.count &- start
    values.append(UnsafePointer(capture.base + start), length)
    entries.append(Entry(node: node, kind: .json, inLine: false, offset: offset, length: length))
  }

  private mutating func keepLiteral(node: Int32, _ text: StaticString) {
    let offset = values.count
    values.append(text.utf8Start, text.utf8CodeUnitCount)
    entries.append(
      Entry(node: node, kind: .json, inLine: false, offset: offset, length: text.utf8CodeUnitCount))
  }

  @inline(__always)
  mutating func mapKey(_ key: UnsafePointer<UInt8>?, _ length: Int) -> Int32 {
    if skipDepth > 0 { return 1 }
    let top = stack.base + (stack.count &- 1)
    if captureDepth > 0 {
      if top.pointee.count > 0 { capture.append(UInt8(ascii: ",")) }
      if let key { capture.appendJSONString(key, length) } else { capture.appendJSONString([]) }
      capture.append(UInt8(ascii: ":"))
    }
    top.pointee.count &+= 1
    guard top.pointee.node >= 0 else {
      pendingKey = -1
      return 1
    }
    var empty: UInt8 = 0
    let node = withUnsafePointer(to: &empty) { emptyKey in
      childNode(top, key ?? emptyKey, length)
    }
    pendingKey = node
    if node >= 0 {
      let trieNode = trie.node(node)
      if trieNode.pointee.stamp == stamp { dropEarlierDuplicate(node) }
      trieNode.pointee.stamp = stamp
      if mode == .allColumns && trie.count > maxColumns &* 4 {
        failure = .tooManyColumns
        return 0
      }
    }
    return 1
  }

  /// A key repeated in one object: the last one wins, so what the earlier one
  /// kept (the value, or the whole subtree) is dropped.
  private mutating func dropEarlierDuplicate(_ node: Int32) {
    for i in 0..<entries.count where entries[i].kind != .dead && entries[i].node >= 0 {
      if trie.isWithin(entries[i].node, node) { entries[i].kind = .dead }
    }
  }
}
