extension Extraction {
  /// `--schema`: writes the fields of the current row whose slot is not in the
  /// schema (`slot >= knownSlots`) as one compact JSON object, nested by path, so
  /// nothing is dropped. Returns `false` (and writes nothing) when there are none.
  func appendExtraJSON(knownSlots: Int32, into out: inout ByteArena) -> Bool {
    var open: [Int32] = []
    var needsComma: [Bool] = [false]
    var wroteAny = false
    for index in 0..<entries.count {
      let entry = entries[index]
      guard entry.kind != .dead, entry.node >= 0, isInCurrentRow(index) else { continue }
      guard trie.node(entry.node).pointee.slot >= knownSlots else { continue }
      var path: [Int32] = []
      var node = entry.node
      while node > 0 {
        path.append(node)
        node = trie.node(node).pointee.parent
      }
      path.reverse()
      if !wroteAny {
        out.append(UInt8(ascii: "{"))
        wroteAny = true
      }
      var common = 0
      while common < open.count && common < path.count - 1 && open[common] == path[common] { common += 1 }
      while open.count > common {
        out.append(UInt8(ascii: "}"))
        open.removeLast()
        needsComma.removeLast()
      }
      for level in common..<(path.count - 1) {
        appendKey(path[level], needsComma: &needsComma, into: &out)
        out.append(UInt8(ascii: "{"))
        open.append(path[level])
        needsComma.append(false)
      }
      appendKey(path[path.count - 1], needsComma: &needsComma, into: &out)
      appendJSONValue(entry, into: &out)
    }
    guard wroteAny else { return false }
    for _ in open { out.append(UInt8(ascii: "}")) }
    out.append(UInt8(ascii: "}"))
    return true
  }

  private func appendKey(_ node: Int32, needsComma: inout [Bool], into out: inout ByteArena) {
    if needsComma[needsComma.count - 1] { out.append(UInt8(ascii: ",")) }
    needsComma[needsComma.count - 1] = true
    let key = trie.key(of: node)
    if let start = key.baseAddress {
      out.appendJSONString(start.assumingMemoryBound(to: UInt8.self), key.count)
    } else {
      out.appendJSONString([])
    }
    out.append(UInt8(ascii: ":"))
  }

  /// A value as JSON text.
  func appendJSONValue(_ entry: Entry, into out: inout ByteArena) {
    switch entry.kind {
    case .string: out.appendJSONString(bytes(of: entry), entry.length)
    case .number, .json: out.append(bytes(of: entry), entry.length)
    case .trueValue: out.append(contentsOf: "true".utf8)
    case .falseValue: out.append(contentsOf: "false".utf8)
    case .null, .dead: out.append(contentsOf: "null".utf8)
    }
  }
}
