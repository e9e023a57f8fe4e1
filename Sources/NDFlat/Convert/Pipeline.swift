import Foundation
import Glibc

/// Runs the chunks of a set of inputs through workers and hands the results to a
/// consumer in input order.
///
/// With one worker everything happens on the calling thread. With more, the
/// calling thread reads chunks and consumes results while the workers parse on
/// their own threads; a bounded number of chunks is in flight, so memory stays
/// flat whatever the input size.
final class Pipeline: @unchecked Sendable {
  private let workers: [Worker]
  private let chunkSize: Int
  private let maxRecordBytes: Int
  private let form: InputForm
  /// Streams the bytes of over-limit lines (for the rejects file).
  var onOversizeBytes: ((UnsafeRawBufferPointer, Bool) -> Void)?
  /// Called for each input as it is opened (for progress).
  var onOpen: ((Int, ByteReader) -> Void)?

  private let condition = NSCondition()
  private var waiting: [Chunk] = []
  private var finished: [Int: ChunkResult] = [:]
  private var spareChunks: [Chunk] = []
  private var spareResults: [ChunkResult] = []
  private var closed = false

  init(workers: [Worker], chunkSize: Int, maxRecordBytes: Int, form: InputForm = .auto) {
    self.workers = workers
    self.form = form
    self.chunkSize = chunkSize
    self.maxRecordBytes = maxRecordBytes
  }

  /// Reads every input, processes every chunk and passes each result to `consume` in order.
  func run(_ inputs: [InputSource], consume: (ChunkResult) throws -> Void) throws {
    if workers.count == 1 {
      try runInline(inputs, consume: consume)
    } else {
      try runParallel(inputs, consume: consume)
    }
  }

  private func forEachChunk(_ inputs: [InputSource], next: () -> Chunk, _ body: (Chunk) throws -> Void) throws {
    var sequence = 0
    for (index, input) in inputs.enumerated() {
      let reader = try ByteReaders.open(input)
      defer { reader.close() }
      onOpen?(index, reader)
      let chunker = ChunkReader(
        reader: reader, chunkSize: chunkSize, maxRecordBytes: maxRecordBytes, form: form)
      let spooler = workers.count > 1 && onOversizeBytes != nil ? OversizeSpooler() : nil
      chunker.onOversizeBytes = spooler.map { spooler in { bytes, isEnd in spooler.take(bytes, isEnd: isEnd) } }
        ?? onOversizeBytes
      while true {
        let chunk = next()
        guard try chunker.next(into: chunk) else {
          // Workers touch the spare list too: only under the lock.
          condition.lock()
          spareChunks.append(chunk)
          condition.unlock()
          break
        }
        try Interruption.check()
        if let spooler, chunk.oversizeLength != nil { chunk.oversizeSpool = try spooler.finished() }
        chunk.sequence = sequence
        chunk.inputIndex = index
        sequence += 1
        try body(chunk)
      }
    }
  }

  private func runInline(_ inputs: [InputSource], consume: (ChunkResult) throws -> Void) throws {
    let chunk = Chunk(capacity: chunkSize)
    let result = ChunkResult()
    try forEachChunk(inputs, next: { chunk }) { chunk in
      workers[0].process(chunk, into: result)
      try consume(result)
    }
  }

  private func runParallel(_ inputs: [InputSource], consume: (ChunkResult) throws -> Void) throws {
    let limit = workers.count * 2 + 1
    var allocated = 0
    var nextToConsume = 0
    var submitted = 0
    let group = DispatchGroup()
    for worker in workers {
      group.enter()
      let thread = Thread { [self] in
        workLoop(worker)
        group.leave()
      }
      thread.stackSize = 1 << 20
      thread.start()
    }
    defer {
      condition.lock()
      closed = true
      waiting.removeAll()
      condition.broadcast()
      condition.unlock()
      group.wait()
    }

    func consumeReady(block: Bool) throws {
      while true {
        condition.lock()
        while block && finished[nextToConsume] == nil && nextToConsume < submitted {
          condition.wait()
        }
        guard let result = finished.removeValue(forKey: nextToConsume) else {
          condition.unlock()
          return
        }
        condition.unlock()
        try consume(result)
        nextToConsume += 1
        condition.lock()
        spareResults.append(result)
        condition.unlock()
        if block { return }
      }
    }

    func nextChunk() -> Chunk {
      while true {
        condition.lock()
        if let chunk = spareChunks.popLast() {
          condition.unlock()
          return chunk
        }
        if allocated < limit {
          allocated += 1
          condition.unlock()
          return Chunk(capacity: chunkSize)
        }
        condition.unlock()
        // All chunks are in flight: write out the oldest result to free one.
        try? consumeReadyOrWait()
      }
    }

    var pendingError: Error?
    func consumeReadyOrWait() throws {
      do { try consumeReady(block: true) } catch {
        pendingError = error
        throw error
      }
    }

    try forEachChunk(inputs, next: nextChunk) { chunk in
      if let pendingError { throw pendingError }
      condition.lock()
      waiting.append(chunk)
      submitted += 1
      condition.signal()
      condition.unlock()
      try consumeReady(block: false)
    }
    if let pendingError { throw pendingError }
    while nextToConsume < submitted {
      try consumeReady(block: true)
    }
  }

  private func workLoop(_ worker: Worker) {
    while true {
      condition.lock()
      while waiting.isEmpty && !closed { condition.wait() }
      if waiting.isEmpty {
        condition.unlock()
        return
      }
      let chunk = waiting.removeFirst()
      let result = spareResults.popLast() ?? ChunkResult()
      condition.unlock()
      worker.process(chunk, into: result)
      condition.lock()
      finished[result.sequence] = result
      spareChunks.append(chunk)
      condition.broadcast()
      condition.unlock()
    }
  }
}

/// Parallel runs: the reader spools each over-limit record to a temporary file
/// (earlier chunks' rejections may still be on their way), and the consumer copies
/// it into the rejects file in input order.
final class OversizeSpooler {
  private var current: (fd: Int32, path: String)?
  private var failure: Error?

  func take(_ bytes: UnsafeRawBufferPointer, isEnd: Bool) {
    do {
      if current == nil { current = try TemporaryFiles.create(near: nil, prefix: "ndflat-oversize") }
      if let current {
        try SystemCalls.writeAll(current.fd, bytes, name: current.path)
        if isEnd { try SystemCalls.writeAll(current.fd, UnsafeRawBufferPointer(Self.newline), name: current.path) }
      }
    } catch {
      failure = error
    }
  }

  nonisolated(unsafe) private static let newline: UnsafeBufferPointer<UInt8> = {
    let text: StaticString = "\n"
    return UnsafeBufferPointer(start: text.utf8Start, count: 1)
  }()

  /// The spool of the record just skipped.
  func finished() throws -> String? {
    if let failure { throw failure }
    guard let done = current else { return nil }
    close(done.fd)
    current = nil
    return done.path
  }
}
