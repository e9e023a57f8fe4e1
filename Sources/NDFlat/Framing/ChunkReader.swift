import Glibc

/// Cuts an input into chunks of whole NDJSON lines.
///
/// Reads with `read(2)` (or gzip) straight into the chunk's buffer, cuts at the
/// last newline and carries the partial line over. A line longer than the buffer
/// grows it, up to the record limit; beyond that the line is skipped (streamed
/// through ``onOversizeBytes`` so a rejects file can keep it) and reported as an
/// oversize chunk.
final class ChunkReader {
  private let reader: ByteReader
  private let chunkSize: Int
  private let maxRecordBytes: Int
  private var carry = ByteArena(capacity: 1 << 16)
  private var offset = 0
  private var ended = false
  private var startPending = true
  private var damageReported = false
  /// Receives the bytes of a line over the limit, in pieces, while it is skipped.
  var onOversizeBytes: ((UnsafeRawBufferPointer) -> Void)?

  init(reader: ByteReader, chunkSize: Int, maxRecordBytes: Int) {
    self.reader = reader
    self.chunkSize = chunkSize
    self.maxRecordBytes = maxRecordBytes
  }

  deinit { carry.release() }

  /// Decompressed bytes delivered so far.
  var bytesDelivered: Int { offset + carry.count }

  /// Fills `chunk` with the next whole lines; `false` at the end of the input.
  func next(into chunk: Chunk) throws -> Bool {
    chunk.reset()
    chunk.startOffset = offset
    chunk.isInputStart = startPending
    startPending = false
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
      if let cut = lastNewline(in: chunk, from: scanFrom) {
        let tail = chunk.bytes.count - (cut + 1)
        if tail > 0 { carry.append(UnsafePointer(chunk.bytes.base + cut + 1), tail) }
        chunk.bytes.count = cut + 1
        offset += chunk.bytes.count
        return true
      }
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
        } else {
          try skipOversizeLine(chunk)
          return true
        }
      }
    }
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
    onOversizeBytes?(chunk.bytes.bytes)
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
        onOversizeBytes?(UnsafeRawBufferPointer(start: buffer, count: end))
        length += end
        carry.append(UnsafePointer(buffer + end + 1), n - end - 1)
        offset += length + 1
        chunk.bytes.count = 0
        chunk.oversizeLength = length
        chunk.bytes.trim(keeping: chunkSize * 2)
        return
      }
      onOversizeBytes?(UnsafeRawBufferPointer(start: buffer, count: n))
      length += n
    }
    offset += length
    chunk.bytes.count = 0
    chunk.oversizeLength = length
    chunk.bytes.trim(keeping: chunkSize * 2)
  }
}
