import Glibc

/// One segment of a flattened path: an object key, or an array index written in decimal.
struct TrieNode {
  /// Parent node, `-1` for the root.
  var parent: Int32
  /// Depth below the record root (the root is 0).
  var depth: Int32
  /// Where the segment's bytes live in ``PathTrie/keys``.
  var keyOffset: Int32
  var keyLength: Int32
  /// The column slot of this path, `-1` until it has one.
  var slot: Int32 = -1
  /// With `--fields`: does any wanted path lie below this node?
  var hasWantedBelow: Bool = false
  /// The child seen first under this node last time (lookup prediction).
  var firstChild: Int32 = -1
  /// The sibling that followed this node last time (lookup prediction).
  var nextSibling: Int32 = -1
  /// The record in which this key was last seen, to catch duplicate keys.
  var stamp: UInt32 = 0
}

/// The trie of flattened paths: a node per distinct path, found from its parent and
/// its segment bytes through an open-addressing hash table.
///
/// Records of one export share their shape, so each lookup first tries the node
/// that followed the previous key last time; only a miss hashes.
struct PathTrie {
  private(set) var nodes: UnsafeVector<TrieNode>
  private(set) var keys: ByteArena
  private var table: UnsafeVector<Int32>
  private var mask: Int

  /// The root node (the record itself) is node 0.
  static let root: Int32 = 0

  init() {
    nodes = UnsafeVector(capacity: 256)
    keys = ByteArena(capacity: 4096)
    table = UnsafeVector(capacity: 1024)
    table.ensureCount(1024, filling: -1)
    mask = 1023
    nodes.append(TrieNode(parent: -1, depth: 0, keyOffset: 0, keyLength: 0))
  }

  func release() {
    nodes.release()
    keys.release()
    table.release()
  }

  var count: Int { nodes.count }

  @inline(__always)
  subscript(node: Int32) -> TrieNode {
    get { nodes[Int(node)] }
    nonmutating set { nodes[Int(node)] = newValue }
  }

  @inline(__always)
  func node(_ index: Int32) -> UnsafeMutablePointer<TrieNode> { nodes.base + Int(index) }

  /// The segment bytes of `node`.
  @inline(__always)
  func key(of node: Int32) -> UnsafeRawBufferPointer {
    let n = nodes.base + Int(node)
    return UnsafeRawBufferPointer(start: keys.base + Int(n.pointee.keyOffset), count: Int(n.pointee.keyLength))
  }

  @inline(__always)
  private func keyEquals(_ node: Int32, _ key: UnsafePointer<UInt8>, _ length: Int) -> Bool {
    let n = nodes.base + Int(node)
    guard Int(n.pointee.keyLength) == length else { return false }
    return PathTrie.bytesEqual(keys.base + Int(n.pointee.keyOffset), key, length)
  }

  /// Short keys compare faster inline, a word at a time, than through `memcmp`.
  @inline(__always)
  static func bytesEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ length: Int) -> Bool {
    var i = 0
    while i &+ 8 <= length {
      if UnsafeRawPointer(a + i).loadUnaligned(as: UInt64.self) != UnsafeRawPointer(b + i).loadUnaligned(as: UInt64.self) {
        return false
      }
      i &+= 8
    }
    while i < length {
      if a[i] != b[i] { return false }
      i &+= 1
    }
    return true
  }

  @inline(__always)
  private static func hash(_ parent: Int32, _ key: UnsafePointer<UInt8>, _ length: Int) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ (UInt64(UInt32(bitPattern: parent)) &* 0x9E37_79B9_7F4A_7C15)
    var i = 0
    while i < length {
      h = (h ^ UInt64(key[i])) &* 0x100_0000_01b3
      i &+= 1
    }
    return h ^ (h >> 29)
  }

  /// Finds the child of `parent` with this segment; `predicted` is tried first.
  /// Returns `-1` when there is none.
  @inline(__always)
  mutating func find(
    parent: Int32, key: UnsafePointer<UInt8>, length: Int, after previous: Int32
  ) -> Int32 {
    let guess = previous >= 0 ? nodes[Int(previous)].nextSibling : nodes[Int(parent)].firstChild
    if guess >= 0 && nodes[Int(guess)].parent == parent && keyEquals(guess, key, length) {
      return guess
    }
    let found = lookup(parent: parent, key: key, length: length)
    if found >= 0 { remember(found, parent: parent, after: previous) }
    return found
  }

  @inline(__always)
  mutating func remember(_ child: Int32, parent: Int32, after previous: Int32) {
    if previous >= 0 {
      nodes[Int(previous)].nextSibling = child
    } else {
      nodes[Int(parent)].firstChild = child
    }
  }

  /// Hash lookup without prediction; `-1` when absent.
  func lookup(parent: Int32, key: UnsafePointer<UInt8>, length: Int) -> Int32 {
    var index = Int(truncatingIfNeeded: PathTrie.hash(parent, key, length)) & mask
    while true {
      let candidate = table[index]
      if candidate < 0 { return -1 }
      if nodes[Int(candidate)].parent == parent && keyEquals(candidate, key, length) {
        return candidate
      }
      index = (index &+ 1) & mask
    }
  }

  /// Adds a child that ``lookup(parent:key:length:)`` did not find.
  mutating func insert(parent: Int32, key: UnsafePointer<UInt8>, length: Int) -> Int32 {
    let index = Int32(nodes.count)
    let offset = Int32(keys.count)
    keys.append(key, length)
    nodes.append(
      TrieNode(
        parent: parent, depth: nodes[Int(parent)].depth &+ 1, keyOffset: offset,
        keyLength: Int32(length)))
    if nodes.count &* 2 > mask { rehash() }
    place(index)
    return index
  }

  private mutating func place(_ node: Int32) {
    let n = nodes[Int(node)]
    let start = UnsafePointer(keys.base + Int(n.keyOffset))
    var index = Int(truncatingIfNeeded: PathTrie.hash(n.parent, start, Int(n.keyLength))) & mask
    while table[index] >= 0 { index = (index &+ 1) & mask }
    table[index] = node
  }

  private mutating func rehash() {
    let newSize = (mask &+ 1) &* 2
    table.release()
    table = UnsafeVector(capacity: newSize)
    table.ensureCount(newSize, filling: -1)
    mask = newSize &- 1
    for node in 1..<nodes.count { place(Int32(node)) }
  }

  /// Finds or adds a child.
  mutating func findOrInsert(
    parent: Int32, key: UnsafePointer<UInt8>, length: Int, after previous: Int32
  ) -> Int32 {
    let found = find(parent: parent, key: key, length: length, after: previous)
    if found >= 0 { return found }
    let added = insert(parent: parent, key: key, length: length)
    remember(added, parent: parent, after: previous)
    return added
  }

  /// Finds or adds the child for a segment given as bytes.
  mutating func findOrInsert(parent: Int32, segment: [UInt8]) -> Int32 {
    var padded = segment
    padded.append(0)  // never empty, so the buffer always has an address
    return padded.withUnsafeBufferPointer { buffer -> Int32 in
      guard let start = buffer.baseAddress else { return -1 }
      let found = lookup(parent: parent, key: start, length: segment.count)
      return found >= 0 ? found : insert(parent: parent, key: start, length: segment.count)
    }
  }

  /// Is `node` the same as, or below, `ancestor`?
  func isWithin(_ node: Int32, _ ancestor: Int32) -> Bool {
    let depth = nodes[Int(ancestor)].depth
    var current = node
    while current >= 0 && nodes[Int(current)].depth > depth { current = nodes[Int(current)].parent }
    return current == ancestor
  }

  /// The segments from the root down to `node`.
  func segments(of node: Int32) -> [UnsafeRawBufferPointer] {
    var path: [UnsafeRawBufferPointer] = []
    var current = node
    while current > 0 {
      path.append(key(of: current))
      current = nodes[Int(current)].parent
    }
    return path.reversed()
  }
}
