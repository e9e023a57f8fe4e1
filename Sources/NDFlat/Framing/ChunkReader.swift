import Glibc

/// Cuts an input into chunks of whole records.
///
/// Reads with `read(2)` (or gzip) straight into the chunk's buffer. NDJSON is cut
/// at the last newline; `array` and `concat` inputs are cut after the last
/// complete value (found by ``ValueScanner``). The unfinished tail is carried
/// over. A record longer than the buffer grows it, up to the record limit;
/// beyond that an NDJSON line is skipped (streamed through ``onOversizeBytes``)
/// and reported as an oversize chunk. A UTF-8 BOM at the very start is dropped.
final class ChunkReader {
  private let reader: ByteReader
  private let chunkSize: Int
  private let maxRecordBytes: Int
  private var form: InputForm
  private var scanner: ValueScanner?
  private var carry = ByteArena(capacity: 1 << 16)
  private var offset = 0
  private var ended = false
  private var atInputStart = true
  private var damageReported = false
  /// Receives the bytes of a line over the limit, in pieces, while it is skipped.
  /// The last call says `true` (the line is complete).
  var onOversizeBytes: ((UnsafeRawBufferPointer, Bool) -> Void)?

  init(reader: ByteReader, chunkSize: Int, maxRecordBytes: Int, form: InputForm = .ndjson) {
    self.reader = reader
    self.chunkSize = chunkSize
    self.maxRecordBytes = maxRecordBytes
    self.form = form
    setScanner()
  }

  deinit { carry.release() }

  private func setScanner() {
    switch form {
    case .array: scanner = ValueScanner(separator: .arrayElements)
    case .concat: scanner = ValueScanner(separator: .whitespace)
    case .ndjson, .auto: scanner = nil
    }
  }

  /// Fills `chunk` with the next whole records; `false` at the end of the input.
  func next(into chunk: Chunk) throws -> Bool {
    chunk.reset()
    chunk.startOffset = offset
    chunk.bytes.reserve(max(chunkSize, carry.count + 1))
    if carry.count > 0 {
      chunk.bytes.append(UnsafePointer(carry.base), carry.count)
      carry.count = 0
    }
    var scanFrom = 0
    while true {
      if !ended {
        let room = chunk.bytes.capacity - chunk.bytes.count
        let n = try reader.read(into: chunk.bytes.base + chunk.bytes.count, capacity: room)
        if n == 0 { ended = true } else { chunk.bytes.count += n }
      }
      if atInputStart {
        guard chunk.bytes.count >= 3 || ended else { continue }
        atInputStart = false
        dropByteOrderMark(chunk)
        if form == .auto { decideForm(chunk) }
      }
      if try cut(chunk, scanFrom: scanFrom) { return true }
      scanFrom = chunk.bytes.count
      if ended {
        offset += chunk.bytes.count
        if !damageReported, let damage = reader.damage {
          damageReported = true
          chunk.damage = damage
          return true
        }
        return chunk.bytes.count > 0
      }
      if chunk.bytes.count == chunk.bytes.capacity {
        if chunk.bytes.capacity <= maxRecordBytes {
          chunk.bytes.growCapacity(to: min(chunk.bytes.capacity * 2, maxRecordBytes + 1))
        } else if scanner == nil {
          try skipOversizeLine(chunk)
          return true
        } else {
          try skipOversizeValue(chunk)
          return true
        }
      }
    }
  }

  /// Tries to end the chunk after its last whole record, carrying the rest over.
  private func cut(_ chunk: Chunk, scanFrom: Int) throws -> Bool {
    if var scanner {
      let found = scanner.scan(UnsafePointer(chunk.bytes.base), count: chunk.bytes.count, atEnd: ended)
      // The scanner's state (array opened or closed) counts only when the cut is taken:
      // a scan that found no whole record is redone from the same bytes later.
      guard !found.records.isEmpty || (ended && found.consumed == chunk.bytes.count && chunk.bytes.count > 0)
      else { return false }
      self.scanner = scanner
      let tail = chunk.bytes.count - found.consumed
      if tail > 0 { carry.append(UnsafePointer(chunk.bytes.base + found.consumed), tail) }
      chunk.bytes.count = found.consumed
      chunk.records = found.records
      chunk.newlines = found.lines
      offset += found.consumed
      return true
    }
    guard let cut = lastNewline(in: chunk, from: scanFrom) else { return false }
    let tail = chunk.bytes.count - (cut + 1)
    if tail > 0 { carry.append(UnsafePointer(chunk.bytes.base + cut + 1), tail) }
    chunk.bytes.count = cut + 1
    offset += chunk.bytes.count
    return true
  }

  private func dropByteOrderMark(_ chunk: Chunk) {
    let base = chunk.bytes.base
    guard chunk.bytes.count >= 3, base[0] == 0xEF, base[1] == 0xBB, base[2] == 0xBF else { return }
    (base).update(from: base + 3, count: chunk.bytes.count - 3)
    chunk.bytes.count -= 3
    offset += 3
    chunk.startOffset = offset
  }

  /// `--input auto`: `[` → array; a first value followed by a newline (or the end)
  /// → NDJSON; a first value spread over lines or followed by another → concat.
  private func decideForm(_ chunk: Chunk) {
    let base = chunk.bytes.base
    let count = chunk.bytes.count
    var index = 0
    while index < count && (base[index] == 0x20 || base[index] == 0x0A || base[index] == 0x0D || base[index] == 0x09) {
      index += 1
    }
    form = .ndjson
    if index < count && base[index] == UInt8(ascii: "[") {
      form = .array
    } else if looksLikeLines(UnsafePointer(base + index), count - index) {
      // Most of the first lines are one object each: NDJSON, even if a line is damaged.
      form = .ndjson
    } else if index < count && base[index] == UInt8(ascii: "{") {
      var probe = ValueScanner(separator: .whitespace)
      let found = probe.scan(UnsafePointer(base + index), count: count - index, atEnd: ended, limit: 1)
      if let first = found.records.first {
        let valueBytes = UnsafeBufferPointer(start: base + index + first.start, count: first.end - first.start)
        var after = index + first.end
        while after < count && (base[after] == 0x20 || base[after] == 0x09 || base[after] == 0x0D) { after += 1 }
        if valueBytes.contains(0x0A) || (after < count && base[after] != 0x0A) { form = .concat }
      } else if !ended, firstLineIsOpeningBrace(UnsafePointer(base + index), count - index) {
        // The first value goes on past the first read and opens with `{` alone on its
        // line: a pretty-printed value (a damaged NDJSON line would have more on it).
        form = .concat
      }
    }
    setScanner()
  }

  /// Is the first line `{` alone (trailing spaces aside)?
  private func firstLineIsOpeningBrace(_ p: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    guard count > 0, p[0] == UInt8(ascii: "{") else { return false }
    var index = 1
    while index < count && (p[index] == 0x20 || p[index] == 0x09 || p[index] == 0x0D) { index += 1 }
    return index < count && p[index] == 0x0A
  }

  /// Do at least two of the first lines (up to 16) exist, and does each of most of
  /// them start with `{` and end with `}` (NDJSON), unlike pretty-printed or run-together
  /// values?
  private func looksLikeLines(_ p: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    var lines = 0
    var objects = 0
    var start = 0
    while start < count && lines < 16 {
      guard let hit = memchr(p + start, 0x0A, count - start) else { break }
      let end = p.distance(to: hit.assumingMemoryBound(to: UInt8.self))
      var first = start
      var last = end - 1
      while first < end && (p[first] == 0x20 || p[first] == 0x09 || p[first] == 0x0D) { first += 1 }
      while last > first && (p[last] == 0x20 || p[last] == 0x09 || p[last] == 0x0D) { last -= 1 }
      if first < end {
        lines += 1
        if p[first] == UInt8(ascii: "{") && p[last] == UInt8(ascii: "}") { objects += 1 }
      }
      start = end + 1
    }
    return lines >= 2 && objects * 2 > lines
  }

  /// The index of the last newline at or after `start` (the last line is short, so a
  /// backward byte scan beats anything cleverer).
  private func lastNewline(in chunk: Chunk, from start: Int) -> Int? {
    let base = chunk.bytes.base
    var index = chunk.bytes.count
    while index > start {
      index -= 1
      if base[index] == 0x0A { return index }
    }
    return nil
  }

  /// The chunk holds the start of a line longer than the limit: stream the rest through.
  private func skipOversizeLine(_ chunk: Chunk) throws {
    var length = chunk.bytes.count
    onOversizeBytes?(chunk.bytes.bytes, false)
    let buffer = chunk.bytes.base
    let capacity = chunk.bytes.capacity
    while true {
      let n = try reader.read(into: buffer, capacity: capacity)
      if n == 0 {
        ended = true
        break
      }
      if let found = memchr(buffer, 0x0A, n) {
        let end = buffer.distance(to: found.assumingMemoryBound(to: UInt8.self))
        onOversizeBytes?(UnsafeRawBufferPointer(start: buffer, count: end), true)
        length += end
        carry.append(UnsafePointer(buffer + end + 1), n - end - 1)
        offset += length + 1
        finishOversize(chunk, length)
        return
      }
      onOversizeBytes?(UnsafeRawBufferPointer(start: buffer, count: n), false)
      length += n
    }
    onOversizeBytes?(UnsafeRawBufferPointer(start: nil, count: 0), true)
    offset += length
    finishOversize(chunk, length)
  }

  /// `array`/`concat` input: a value longer than the limit is skipped to its end
  /// (strings, escapes and depth tracked across reads, never held whole), its bytes
  /// streamed through ``onOversizeBytes``, the bytes after it carried over.
  private func skipOversizeValue(_ chunk: Chunk) throws {
    guard var scanner else { return }
    let base = chunk.bytes.base
    var count = chunk.bytes.count
    // Separators before the value (and an array's `[`) are consumed for good.
    let start = scanner.scan(UnsafePointer(base), count: count, atEnd: false).consumed
    self.scanner = scanner
    var newlines = 0
    for index in 0..<start where base[index] == 0x0A { newlines += 1 }
    chunk.oversizeLine = newlines
    offset += start
    var skipper = ValueSkipper(first: base[start])
    var from = start
    var length = 0
    while true {
      if let end = skipper.feed(base, from: from, to: count, newlines: &newlines) {
        onOversizeBytes?(UnsafeRawBufferPointer(start: base + from, count: end - from), true)
        length += end - from
        offset += end - from
        carry.append(UnsafePointer(base + end), count - end)
        break
      }
      onOversizeBytes?(UnsafeRawBufferPointer(start: base + from, count: count - from), false)
      length += count - from
      offset += count - from
      let n = try reader.read(into: base, capacity: chunk.bytes.capacity)
      if n == 0 {
        ended = true
        onOversizeBytes?(UnsafeRawBufferPointer(start: nil, count: 0), true)
        break
      }
      count = n
      from = 0
    }
    chunk.newlines = newlines
    chunk.records = []
    finishOversize(chunk, length)
  }

  private func finishOversize(_ chunk: Chunk, _ length: Int) {
    chunk.bytes.count = 0
    chunk.oversizeLength = length
    chunk.bytes.trim(keeping: chunkSize * 2)
  }
}

/// Follows one JSON value byte by byte across reads, to find where it ends
/// without holding it (strings, escapes and nesting depth only).
struct ValueSkipper {
  private enum Shape { case container, string, scalar }
  private let shape: Shape
  private var depth = 0
  private var inString = false
  private var escaped = false
  private var started = false

  init(first: UInt8) {
    switch first {
    case UInt8(ascii: "{"), UInt8(ascii: "["): shape = .container
    case UInt8(ascii: "\""): shape = .string
    default: shape = .scalar
    }
  }

  /// The index just past the value's end within `from..<to`, or `nil` if it goes on.
  mutating func feed(_ p: UnsafeMutablePointer<UInt8>, from: Int, to: Int, newlines: inout Int) -> Int? {
    var i = from
    while i < to {
      let byte = p[i]
      if byte == 0x0A { newlines += 1 }
      switch shape {
      case .scalar:
        if started
          && (byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 || byte == UInt8(ascii: ",")
            || byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}") || byte == UInt8(ascii: "{")
            || byte == UInt8(ascii: "[") || byte == UInt8(ascii: "\""))
        {
          if byte == 0x0A { newlines -= 1 }
          return i
        }
        started = true
      case .string:
        if !started {
          started = true
        } else if escaped {
          escaped = false
        } else if byte == UInt8(ascii: "\\") {
          escaped = true
        } else if byte == UInt8(ascii: "\"") {
          return i + 1
        } else if byte == 0x0A {
          newlines -= 1
          return i
        }
      case .container:
        if inString {
          if escaped {
            escaped = false
          } else if byte == UInt8(ascii: "\\") {
            escaped = true
          } else if byte == UInt8(ascii: "\"") {
            inString = false
          }
        } else if byte == UInt8(ascii: "\"") {
          inString = true
        } else if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
          depth += 1
        } else if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") {
          depth -= 1
          if depth == 0 { return i + 1 }
        }
      }
      i += 1
    }
    return nil
  }
}
