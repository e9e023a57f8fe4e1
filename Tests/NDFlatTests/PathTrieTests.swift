// Tests for PathTrie: the hash-indexed trie of flattened paths behind extraction.
//
// Expected values are derived from first principles (a parallel Swift dictionary
// keyed by (parent, segment bytes)), never from the trie itself.

import Testing

@testable import NDFlat

/// Finds a child through the hash table only (no prediction).
private func lookup(_ trie: PathTrie, _ parent: Int32, _ segment: [UInt8]) -> Int32 {
  var padded = segment
  padded.append(0)  // a non-empty buffer always has an address
  return padded.withUnsafeBufferPointer { trie.lookup(parent: parent, key: $0.baseAddress!, length: segment.count) }
}

private func lookup(_ trie: PathTrie, _ parent: Int32, _ segment: String) -> Int32 {
  lookup(trie, parent, Array(segment.utf8))
}

/// Finds a child with prediction (`after` is the sibling met just before).
private func find(_ trie: inout PathTrie, _ parent: Int32, _ segment: String, after previous: Int32) -> Int32 {
  var padded = Array(segment.utf8)
  let length = padded.count
  padded.append(0)
  return padded.withUnsafeBufferPointer {
    trie.find(parent: parent, key: $0.baseAddress!, length: length, after: previous)
  }
}

/// Finds or inserts with prediction, the way the extractor walks a record.
private func walk(_ trie: inout PathTrie, _ parent: Int32, _ segment: String, after previous: Int32) -> Int32 {
  var padded = Array(segment.utf8)
  let length = padded.count
  padded.append(0)
  return padded.withUnsafeBufferPointer {
    trie.findOrInsert(parent: parent, key: $0.baseAddress!, length: length, after: previous)
  }
}

private func add(_ trie: inout PathTrie, _ parent: Int32, _ segment: String) -> Int32 {
  trie.findOrInsert(parent: parent, segment: Array(segment.utf8))
}

private func keyBytes(_ trie: PathTrie, _ node: Int32) -> [UInt8] { Array(trie.key(of: node)) }

private func path(_ trie: PathTrie, _ node: Int32) -> [String] {
  trie.segments(of: node).map { String(decoding: $0, as: UTF8.self) }
}

/// A (parent, segment) pair for the reference dictionary.
private struct Edge: Hashable {
  let parent: Int32
  let segment: [UInt8]
}

@Suite("PathTrie")
struct PathTrieTests {
  @Test("a fresh trie holds only the root")
  func freshTrie() {
    let trie = PathTrie()
    defer { trie.release() }
    #expect(trie.count == 1)
    #expect(PathTrie.root == 0)
    #expect(trie[PathTrie.root].parent == -1)
    #expect(trie[PathTrie.root].depth == 0)
    #expect(trie[PathTrie.root].slot == -1)
    #expect(trie.segments(of: PathTrie.root).isEmpty)
    #expect(lookup(trie, PathTrie.root, "a") == -1)
    #expect(lookup(trie, PathTrie.root, "") == -1)
  }

  @Test("insert then find returns the same node, with its key, parent and depth")
  func insertAndFind() {
    var trie = PathTrie()
    defer { trie.release() }
    let metadata = add(&trie, PathTrie.root, "metadata")
    let body = add(&trie, PathTrie.root, "body")
    let eventName = add(&trie, metadata, "event_name")
    let bodyName = add(&trie, body, "event_name")

    #expect(Set([metadata, body, eventName, bodyName]).count == 4)
    #expect(trie.count == 5)
    #expect(lookup(trie, PathTrie.root, "metadata") == metadata)
    #expect(lookup(trie, PathTrie.root, "body") == body)
    #expect(lookup(trie, metadata, "event_name") == eventName)
    #expect(lookup(trie, body, "event_name") == bodyName)
    // The same segment under a different parent is a different node.
    #expect(lookup(trie, PathTrie.root, "event_name") == -1)
    // Prefixes and extensions of a key are not the key.
    #expect(lookup(trie, PathTrie.root, "meta") == -1)
    #expect(lookup(trie, PathTrie.root, "metadatas") == -1)
    #expect(lookup(trie, PathTrie.root, "Metadata") == -1)

    #expect(keyBytes(trie, eventName) == Array("event_name".utf8))
    #expect(trie[eventName].parent == metadata)
    #expect(trie[eventName].depth == 2)
    #expect(trie[metadata].depth == 1)

    // Inserting again finds the existing node and adds nothing.
    #expect(add(&trie, metadata, "event_name") == eventName)
    #expect(trie.count == 5)
  }

  @Test("empty keys are ordinary segments, distinct per parent")
  func emptyKeys() {
    var trie = PathTrie()
    defer { trie.release() }
    let emptyAtRoot = add(&trie, PathTrie.root, "")
    let a = add(&trie, PathTrie.root, "a")
    let emptyUnderA = add(&trie, a, "")
    let emptyUnderEmpty = add(&trie, emptyAtRoot, "")

    #expect(Set([emptyAtRoot, a, emptyUnderA, emptyUnderEmpty]).count == 4)
    #expect(lookup(trie, PathTrie.root, "") == emptyAtRoot)
    #expect(lookup(trie, a, "") == emptyUnderA)
    #expect(lookup(trie, emptyAtRoot, "") == emptyUnderEmpty)
    #expect(keyBytes(trie, emptyAtRoot).isEmpty)
    #expect(trie[emptyUnderEmpty].depth == 2)
    #expect(path(trie, emptyUnderEmpty) == ["", ""])
    #expect(path(trie, emptyUnderA) == ["a", ""])
    // The empty key is not confused with a one-byte NUL key.
    #expect(lookup(trie, PathTrie.root, [0]) == -1)
    let nul = trie.findOrInsert(parent: PathTrie.root, segment: [0])
    #expect(nul != emptyAtRoot)
    #expect(lookup(trie, PathTrie.root, []) == emptyAtRoot)
    #expect(lookup(trie, PathTrie.root, [0]) == nul)
  }

  @Test("keys are compared as bytes: embedded NUL, unicode, separators")
  func byteKeys() {
    var trie = PathTrie()
    defer { trie.release() }
    let keys: [[UInt8]] = [
      [0x61, 0x00, 0x62], [0x61, 0x00, 0x63], [0x61], [0x61, 0x00],
      Array("é".utf8), Array("e\u{301}".utf8), Array("😀".utf8),
      Array("a.b".utf8), Array("a_b".utf8), Array(repeating: 0x78, count: 300),
      Array(repeating: 0x78, count: 301), [0xFF, 0xFE],
    ]
    var nodes: [Int32] = []
    for key in keys { nodes.append(trie.findOrInsert(parent: PathTrie.root, segment: key)) }
    #expect(Set(nodes).count == keys.count)
    for (key, node) in zip(keys, nodes) {
      #expect(lookup(trie, PathTrie.root, key) == node)
      #expect(keyBytes(trie, node) == key)
    }
  }

  @Test("same-length keys differing in one byte, at every position, are distinct")
  func sameLengthKeys() {
    var trie = PathTrie()
    defer { trie.release() }
    var nodes: [[UInt8]: Int32] = [:]
    for length in [1, 7, 8, 9, 15, 16, 17, 24, 33] {
      let base = Array(repeating: UInt8(ascii: "k"), count: length)
      nodes[base] = trie.findOrInsert(parent: PathTrie.root, segment: base)
      for position in 0..<length {
        var key = base
        key[position] = UInt8(ascii: "K")
        nodes[key] = trie.findOrInsert(parent: PathTrie.root, segment: key)
      }
    }
    #expect(Set(nodes.values).count == nodes.count)
    #expect(trie.count == 1 + nodes.count)
    for (key, node) in nodes {
      #expect(lookup(trie, PathTrie.root, key) == node)
      // Through prediction too: the guess has the same length and differs in one byte.
      var padded = key
      padded.append(0)
      let found = padded.withUnsafeBufferPointer {
        trie.find(parent: PathTrie.root, key: $0.baseAddress!, length: key.count, after: -1)
      }
      #expect(found == node)
    }
  }

  @Test("thousands of keys over several levels survive every rehash")
  func thousandsOfKeys() {
    var trie = PathTrie()
    defer { trie.release() }
    var reference: [Edge: Int32] = [:]
    var order: [(Edge, Int32)] = []
    func insert(_ parent: Int32, _ segment: String) -> Int32 {
      let node = add(&trie, parent, segment)
      let edge = Edge(parent: parent, segment: Array(segment.utf8))
      if let known = reference[edge] {
        #expect(known == node)
      } else {
        reference[edge] = node
        order.append((edge, node))
      }
      return node
    }
    // 40 top-level keys, 10 children each, 12 grandchildren each (the same names
    // under every parent), plus 3000 wide siblings at the root: > 8000 nodes.
    for i in 0..<40 {
      let top = insert(PathTrie.root, "k\(i)")
      for j in 0..<10 {
        let mid = insert(top, "c\(j)")
        for k in 0..<12 { _ = insert(mid, "\(k)") }
      }
    }
    for i in 0..<3000 { _ = insert(PathTrie.root, "wide_\(i)_\(String(repeating: "z", count: i % 17))") }
    // Insert everything a second time: nothing new.
    let before = trie.count
    for (edge, node) in order {
      #expect(trie.findOrInsert(parent: edge.parent, segment: edge.segment) == node)
    }
    #expect(trie.count == before)
    #expect(trie.count == 1 + reference.count)
    #expect(reference.count == 40 + 400 + 4800 + 3000)
    // Every node is found again with its own key and parent.
    var mismatches = 0
    for (edge, node) in order {
      if lookup(trie, edge.parent, edge.segment) != node { mismatches += 1 }
      if keyBytes(trie, node) != edge.segment || trie[node].parent != edge.parent { mismatches += 1 }
    }
    #expect(mismatches == 0)
    // Node numbers are dense: 1...count-1, each used once.
    #expect(Set(order.map(\.1)) == Set((1..<Int32(trie.count)).map { $0 }))
    // Absent keys stay absent in a large table.
    for i in 0..<500 {
      #expect(lookup(trie, PathTrie.root, "absent_\(i)") == -1)
      #expect(lookup(trie, PathTrie.root, "\(i % 12)") == -1)
    }
    // Deep paths read back.
    let top = lookup(trie, PathTrie.root, "k39")
    let mid = lookup(trie, top, "c9")
    let leaf = lookup(trie, mid, "11")
    #expect(path(trie, leaf) == ["k39", "c9", "11"])
    #expect(trie[leaf].depth == 3)
  }

  @Test("a long chain of nested keys (deep record)")
  func deepChain() {
    var trie = PathTrie()
    defer { trie.release() }
    var node = PathTrie.root
    var nodes: [Int32] = []
    for depth in 0..<2000 {
      node = add(&trie, node, depth % 2 == 0 ? "a" : "0")
      nodes.append(node)
    }
    #expect(trie[node].depth == 2000)
    #expect(trie.segments(of: node).count == 2000)
    #expect(trie.isWithin(node, nodes[0]))
    #expect(trie.isWithin(node, PathTrie.root))
    #expect(!trie.isWithin(nodes[10], nodes[11]))
    var current = PathTrie.root
    for expected in nodes {
      current = lookup(trie, current, trie[expected].depth % 2 == 1 ? "a" : "0")
      #expect(current == expected)
      if current != expected { break }
    }
  }

  @Test("prediction: the sibling that followed last time is tried first")
  func predictionFollowsSiblings() {
    var trie = PathTrie()
    defer { trie.release() }
    // First record: root { a, b, c } in that order.
    let a = walk(&trie, PathTrie.root, "a", after: -1)
    let b = walk(&trie, PathTrie.root, "b", after: a)
    let c = walk(&trie, PathTrie.root, "c", after: b)
    #expect(trie[PathTrie.root].firstChild == a)
    #expect(trie[a].nextSibling == b)
    #expect(trie[b].nextSibling == c)

    // Second record, same shape: same nodes.
    #expect(find(&trie, PathTrie.root, "a", after: -1) == a)
    #expect(find(&trie, PathTrie.root, "b", after: a) == b)
    #expect(find(&trie, PathTrie.root, "c", after: b) == c)

    // Third record in another order: the right nodes, and the prediction is relearned.
    #expect(find(&trie, PathTrie.root, "c", after: -1) == c)
    #expect(trie[PathTrie.root].firstChild == c)
    #expect(find(&trie, PathTrie.root, "a", after: c) == a)
    #expect(trie[c].nextSibling == a)
    #expect(find(&trie, PathTrie.root, "b", after: a) == b)

    // A miss is a miss even when a prediction exists, and changes nothing.
    #expect(find(&trie, PathTrie.root, "d", after: b) == -1)
    #expect(trie[b].nextSibling == c)
    #expect(trie.count == 4)
    // A new key after a known one is inserted and becomes the prediction.
    let d = walk(&trie, PathTrie.root, "d", after: c)
    #expect(d != -1 && d != a && d != b && d != c)
    #expect(trie[c].nextSibling == d)
    #expect(lookup(trie, PathTrie.root, "d") == d)
  }

  @Test("prediction never returns a node with the same key under another parent")
  func predictionChecksParentAndKey() {
    var trie = PathTrie()
    defer { trie.release() }
    let p = add(&trie, PathTrie.root, "p")
    let q = add(&trie, PathTrie.root, "q")
    let px = add(&trie, p, "x")
    // Make q's predicted next sibling a node that lives under another parent.
    trie.remember(px, parent: PathTrie.root, after: q)
    #expect(trie[q].nextSibling == px)
    #expect(find(&trie, PathTrie.root, "x", after: q) == -1)
    let rootX = walk(&trie, PathTrie.root, "x", after: q)
    #expect(rootX != px)
    #expect(trie[rootX].parent == PathTrie.root)
    #expect(lookup(trie, p, "x") == px)
    #expect(lookup(trie, PathTrie.root, "x") == rootX)
    // A prediction with the right parent but another key is not taken either.
    let y = walk(&trie, PathTrie.root, "y", after: rootX)
    #expect(find(&trie, PathTrie.root, "yy", after: rootX) == -1)
    #expect(find(&trie, PathTrie.root, "y", after: rootX) == y)
    // Keys that differ only in length (prefix) are distinct under prediction.
    let long = walk(&trie, PathTrie.root, "yy", after: y)
    #expect(long != y)
    #expect(find(&trie, PathTrie.root, "y", after: y) == y)
    #expect(find(&trie, PathTrie.root, "yy", after: y) == long)
  }

  @Test("prediction keeps working across thousands of records and rehashes")
  func predictionUnderGrowth() {
    var trie = PathTrie()
    defer { trie.release() }
    var reference: [Edge: Int32] = [:]
    // Records with a shared prefix of keys and a growing tail of new keys.
    for record in 0..<600 {
      var previous: Int32 = -1
      let keys = ["id", "type", "time"] + (0..<5).map { "f\(record)_\($0)" } + ["end"]
      for key in keys {
        let node = walk(&trie, PathTrie.root, key, after: previous)
        let edge = Edge(parent: PathTrie.root, segment: Array(key.utf8))
        if let known = reference[edge] {
          #expect(known == node)
        } else {
          reference[edge] = node
        }
        #expect(trie[node].parent == PathTrie.root)
        #expect(keyBytes(trie, node) == Array(key.utf8))
        previous = node
      }
    }
    #expect(trie.count == 1 + 4 + 600 * 5)
    for (edge, node) in reference {
      #expect(trie.lookup(parent: edge.parent, key: edge.segment + [0], length: edge.segment.count) == node)
    }
  }

  @Test("isWithin: a node is within itself and its ancestors only")
  func isWithin() {
    var trie = PathTrie()
    defer { trie.release() }
    let a = add(&trie, PathTrie.root, "a")
    let ab = add(&trie, a, "b")
    let abc = add(&trie, ab, "c")
    let ax = add(&trie, a, "x")
    let b = add(&trie, PathTrie.root, "b")
    let bb = add(&trie, b, "b")

    #expect(trie.isWithin(a, a))
    #expect(trie.isWithin(abc, abc))
    #expect(trie.isWithin(ab, a))
    #expect(trie.isWithin(abc, a))
    #expect(trie.isWithin(abc, ab))
    #expect(trie.isWithin(abc, PathTrie.root))
    #expect(trie.isWithin(PathTrie.root, PathTrie.root))
    #expect(trie.isWithin(bb, b))

    #expect(!trie.isWithin(a, ab))  // an ancestor is not within its child
    #expect(!trie.isWithin(PathTrie.root, a))
    #expect(!trie.isWithin(ax, ab))  // siblings
    #expect(!trie.isWithin(abc, ax))  // cousin at another depth
    #expect(!trie.isWithin(bb, a))  // same key "b" in another branch
    #expect(!trie.isWithin(ab, b))  // same key "b" as the would-be ancestor
    #expect(!trie.isWithin(b, a))
  }

  @Test("segments(of:) lists the keys from the root down")
  func segments() {
    var trie = PathTrie()
    defer { trie.release() }
    let metadata = add(&trie, PathTrie.root, "metadata")
    let user = add(&trie, metadata, "user")
    let zero = add(&trie, user, "0")
    let empty = add(&trie, zero, "")
    let dotted = add(&trie, empty, "com.instructure.canvas")
    #expect(path(trie, metadata) == ["metadata"])
    #expect(path(trie, user) == ["metadata", "user"])
    #expect(path(trie, zero) == ["metadata", "user", "0"])
    #expect(path(trie, empty) == ["metadata", "user", "0", ""])
    #expect(path(trie, dotted) == ["metadata", "user", "0", "", "com.instructure.canvas"])
    // Segment buffers stay valid and right after the key storage grows.
    for i in 0..<5000 { _ = add(&trie, PathTrie.root, "grow\(i)" + String(repeating: "-", count: i % 50)) }
    #expect(path(trie, dotted) == ["metadata", "user", "0", "", "com.instructure.canvas"])
    #expect(lookup(trie, empty, "com.instructure.canvas") == dotted)
  }
}
