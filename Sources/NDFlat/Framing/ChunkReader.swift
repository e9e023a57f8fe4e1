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
          // A value over the limit in array/concat input: hand it over whole; the
          // worker rejects it for its size.
          let records = [ValueScanner.Found(start: 0, end: chunk.bytes.count, line: 0)]
          chunk.records = records
          offset += chunk.bytes.count
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
    } else if index < count && base[index] == UInt8(ascii: "{") {
      var probe = ValueScanner(separator: .whitespace)
      let found = probe.scan(UnsafePointer(base + index), count: count - index, atEnd: ended, limit: 1)
      if let first = found.records.first {
        let valueBytes = UnsafeBufferPointer(start: base + index + first.start, count: first.end - first.start)
        var after = index + first.end
        while after < count && (base[after] == 0x20 || base[after] == 0x09 || base[after] == 0x0D) { after += 1 }
        if valueBytes.contains(0x0A) || (after < count && base[after] != 0x0A) { form = .concat }
      } else if UnsafeBufferPointer(start: base + index, count: count - index).contains(0x0A) {
        // The first value does not end in the first read but spans lines: pretty-printed.
        form = .concat
      }
    }
    setScanner()
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

  private func finishOversize(_ chunk: Chunk, _ length: Int) {
    chunk.bytes.count = 0
    chunk.oversizeLength = length
    chunk.bytes.trim(keeping: chunkSize * 2)
  }
}
