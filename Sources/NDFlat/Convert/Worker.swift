import Glibc

/// Parses chunks of records with its own yajl handle and extraction state and
/// formats them into its own output buffer. One per thread; never shared.
final class Worker: @unchecked Sendable {
  let extraction: UnsafeMutablePointer<Extraction>
  private var handle: YajlHandle
  var formatter: RowFormatter
  /// Library callers: receives each record instead of the formatter.
  var rowHandler: ((UnsafeMutablePointer<Extraction>) -> Void)?
  private let discovery: Bool
  private let maxRecordBytes: Int
  private let keepRejectedBytes: Bool
  private let inputNames: [String]

  private let transforms: RecordTransforms
  /// Grouped output (`--split-by`, `--partition-by`): how a row's group is found.
  var grouping: GroupKeyReader?
  /// Grouped CSV/TSV/xlsx: each group's own columns (from discovery).
  var groupSlots: [[UInt8]: RowFormatter.ColumnSet] = [:]
  /// Grouped discovery: the slots each group has shown so far (this worker).
  private var groupSeen: [[UInt8]: Set<Int32>] = [:]
  /// Discovery without filters or groups: shapes of accepted records (a line of a
  /// known shape cannot add a column, so it is not parsed). Bounded in size.
  var knownShapes: Set<RecordShape>?
  private static let maxKnownShapes = 1 << 20
  /// `countBy`: the path whose value is counted per row.
  var countLookup: PathLookup?
  /// The line being processed began with a UTF-8 BOM (skipped for parsing).
  private var lineHasBOM = false
  /// This chunk's group keys → their index in the result.
  private var chunkKeys: [[UInt8]: Int32] = [:]

  init(
    extraction: Extraction, formatter: RowFormatter, transforms: RecordTransforms, discovery: Bool,
    maxRecordBytes: Int,
    keepRejectedBytes: Bool, inputNames: [String]
  ) throws {
    self.extraction = .allocate(capacity: 1)
    self.extraction.initialize(to: extraction)
    guard let handle = YajlHandle(context: self.extraction) else {
      self.extraction.pointee.release()
      self.extraction.deinitialize(count: 1)
      self.extraction.deallocate()
      throw NDFlatError(.limit, "cannot allocate a yajl parser")
    }
    self.handle = handle
    self.formatter = formatter
    self.transforms = transforms
    self.discovery = discovery
    self.maxRecordBytes = maxRecordBytes
    self.keepRejectedBytes = keepRejectedBytes
    self.inputNames = inputNames
  }

  deinit {
    for slots in groupSlots.values { slots.release() }
    handle.free()
    formatter.release()
    extraction.pointee.release()
    extraction.deinitialize(count: 1)
    extraction.deallocate()
  }

  /// Converts every line of `chunk` into `result`.
  func process(_ chunk: Chunk, into result: ChunkResult) {
    result.reset()
    chunkKeys.removeAll(keepingCapacity: true)
    result.sequence = chunk.sequence
    result.inputIndex = chunk.inputIndex
    let columnsBefore = extraction.pointee.registry.count
    let base = UnsafePointer(chunk.bytes.base)
    let count = chunk.bytes.count
    var line = 0
    var lastRecordUnterminated = false
    if let records = chunk.records {
      for record in records {
        let bytes = UnsafeRawBufferPointer(start: base + record.start, count: record.end - record.start)
        line = record.line + 1
        lastRecordUnterminated = record.end == count
        processRecord(bytes, line: line, offset: chunk.startOffset + record.start, into: result)
      }
      line = chunk.newlines
    } else {
      var start = 0
      while start < count {
        let newline = memchr(base + start, 0x0A, count - start)
        let end = newline.map { base.distance(to: $0.assumingMemoryBound(to: UInt8.self)) } ?? count
        line += 1
        var bytes = UnsafeRawBufferPointer(start: base + start, count: end - start)
        // A BOM starting a line mid-file: what `cat a.ndjson b.ndjson` makes of two
        // exports that each begin with one. Skipped, but kept in a rejects file.
        lineHasBOM = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
        if lineHasBOM { bytes = UnsafeRawBufferPointer(rebasing: bytes[3...]) }
        if !isBlank(bytes) {
          lastRecordUnterminated = newline == nil
          processRecord(bytes, line: line, offset: chunk.startOffset + start, into: result)
        }
        lineHasBOM = false
        start = end + 1
      }
    }
    if let length = chunk.oversizeLength {
      line = chunk.oversizeLine.map { $0 + 1 } ?? line + 1
      result.counters.recordsRead += 1
      reject(
        "record is \(length) bytes, over the limit of \(maxRecordBytes) bytes (--max-record-bytes)",
        line: line, offset: chunk.startOffset, column: nil, bytes: UnsafeRawBufferPointer(start: nil, count: 0),
        into: result)
      if !result.rejections.isEmpty {
        result.rejections[result.rejections.count - 1].streamed = true
        result.rejections[result.rejections.count - 1].spoolPath = chunk.oversizeSpool
      }
      // array/concat: the lines the chunk spans are its newlines.
      if chunk.oversizeLine != nil { line = chunk.newlines }
    }
    if let damage = chunk.damage {
      if lastRecordUnterminated, let last = result.rejections.last, last.line == line {
        result.rejections[result.rejections.count - 1].reason = "\(last.reason); \(damage)"
      } else {
        line += 1
        result.counters.recordsRead += 1
        reject(
          damage, line: line, offset: chunk.startOffset + count, column: nil,
          bytes: UnsafeRawBufferPointer(start: nil, count: 0), into: result)
      }
    }
    result.lineCount = line
    result.counters.lines = line
    if discovery {
      let names = extraction.pointee.registry.names
      if names.count > columnsBefore { result.newColumns = Array(names[columnsBefore...]) }
    }
  }

  @inline(__always)
  private func isBlank(_ bytes: UnsafeRawBufferPointer) -> Bool {
    for byte in bytes where byte != 0x20 && byte != 0x09 && byte != 0x0D { return false }
    return true
  }

  private func processRecord(
    _ bytes: UnsafeRawBufferPointer, line: Int, offset: Int, into result: ChunkResult
  ) {
    result.counters.recordsRead += 1
    if bytes.count > maxRecordBytes {
      reject(
        "record is \(bytes.count) bytes, over the limit of \(maxRecordBytes) bytes (--max-record-bytes)",
        line: line, offset: offset, column: nil, bytes: bytes, into: result)
      return
    }
    if let column = LoneSurrogates.firstColumn(in: bytes) {
      reject(
        "invalid JSON: lone UTF-16 surrogate escape (\\uD800–\\uDFFF without its pair)",
        line: line, offset: offset, column: column, bytes: bytes, into: result)
      return
    }
    if transforms.rulesOut(bytes) {
      result.counters.recordsFiltered += 1
      return
    }
    var shape: RecordShape?
    if knownShapes != nil {
      shape = RecordShape.of(bytes)
      if let shape, knownShapes?.contains(shape) == true { return }
    }
    if let column = StrayWhitespace.firstColumn(in: bytes) {
      reject(
        "invalid JSON: form feed or vertical tab outside a string", line: line, offset: offset, column: column,
        bytes: bytes, into: result)
      return
    }
    extraction.pointee.beginRecord(line: bytes)
    var outcome = handle.parse(bytes)
    if outcome == .ok && extraction.pointee.isComplete {
      // A token may still wait in yajl's lexer (`{"a":1}1`): finishing the parse
      // flushes it, so trailing garbage is caught rather than carried to the next line.
      outcome = handle.complete()
      if outcome != .ok || !extraction.pointee.isComplete {
        handle.renew()
        let reason =
          outcome == .canceled && extraction.pointee.failure != .notObject
          ? failureReason(extraction.pointee.failure) : "invalid JSON: more than one JSON value on the line"
        reject(reason, line: line, offset: offset, column: bytes.count, bytes: bytes, into: result)
        return
      }
    }
    if outcome == .ok && extraction.pointee.isComplete {
      let committed =
        extraction.pointee.explodeNode >= 0
        ? acceptExploded(bytes, line: line, offset: offset, into: result)
        : accept(bytes, line: line, offset: offset, into: result)
      // Only a record whose paths were all registered may stand for its shape.
      if committed, let shape, knownShapes != nil, knownShapes?.count ?? 0 < Worker.maxKnownShapes {
        knownShapes?.insert(shape)
      }
      return
    }
    var finalOutcome = outcome
    var column: Int? = max(1, handle.bytesConsumed)
    if outcome == .ok {
      // The line ended inside a value: let yajl say what is missing, at the end.
      finalOutcome = handle.complete()
      column = bytes.count + 1
    }
    let reason: String
    switch finalOutcome {
    case .canceled:
      reason = failureReason(extraction.pointee.failure)
    case .error:
      reason = "invalid JSON: " + handle.errorMessage(for: bytes)
    case .ok:
      reason = "invalid JSON: the record is incomplete"
    }
    handle.renew()
    reject(reason, line: line, offset: offset, column: column, bytes: bytes, into: result)
  }

  /// A parsed record: filter, transform, register its columns, write its row.
  /// Returns whether the record was committed (its columns registered).
  @discardableResult
  private func accept(_ bytes: UnsafeRawBufferPointer, line: Int, offset: Int, into result: ChunkResult) -> Bool {
    if transforms.isActive {
      guard transforms.keeps(extraction) else {
        result.counters.recordsFiltered += 1
        return false
      }
      if !discovery { result.counters.warnings += transforms.apply(extraction) }
    }
    guard commit(bytes, line: line, offset: offset, into: result) else { return false }
    result.counters.recordsWritten += 1
    emitRow(into: result)
    return true
  }

  /// `countBy`: one more row for the value at the counted path.
  @inline(__always)
  private func countValue(into result: ChunkResult) {
    guard !discovery, countLookup != nil else { return }
    guard let found = countLookup?.value(extraction), found.kind != .null else {
      result.valueCounts.countMissing()
      return
    }
    result.valueCounts.count(found.text)
  }

  /// `--explode`: one row per element of the array (that passes `--where`).
  @discardableResult
  private func acceptExploded(
    _ bytes: UnsafeRawBufferPointer, line: Int, offset: Int, into result: ChunkResult
  ) -> Bool {
    let x = extraction
    if x.pointee.explodeNotArray {
      reject(
        "the --explode path holds something other than an array", line: line, offset: offset, column: nil,
        bytes: bytes, into: result)
      return false
    }
    if x.pointee.nonObjectElement {
      reject(
        "an element of the --explode array is not an object", line: line, offset: offset, column: nil,
        bytes: bytes, into: result)
      return false
    }
    let elements = x.pointee.elementRanges.count
    guard elements > 0 else {
      result.counters.recordsFiltered += 1
      result.counters.explodedEmpty += 1
      return false
    }
    if transforms.hasConditions {
      var any = false
      for k in 0..<elements {
        x.pointee.currentElement = Int32(k)
        if transforms.keeps(x) {
          any = true
          break
        }
      }
      x.pointee.currentElement = -1
      guard any else {
        result.counters.recordsFiltered += 1
        return false
      }
    }
    guard commit(bytes, line: line, offset: offset, into: result) else { return false }
    if !discovery && transforms.isActive { result.counters.warnings += transforms.apply(x) }
    result.counters.recordsWritten += 1
    guard !discovery || grouping != nil else { return true }
    for k in 0..<elements {
      x.pointee.selectElement(k)
      if transforms.hasConditions && !transforms.keeps(x) { continue }
      emitRow(into: result)
    }
    x.pointee.currentElement = -1
    return true
  }

  private func commit(_ bytes: UnsafeRawBufferPointer, line: Int, offset: Int, into result: ChunkResult) -> Bool {
    guard extraction.pointee.commitRecord() else {
      reject(
        "too many columns: the run would pass \(extraction.pointee.maxColumns) (--max-columns)",
        line: line, offset: offset, column: nil, bytes: bytes, into: result)
      return false
    }
    if !discovery { result.counters.warnings += extraction.pointee.nameClashes + extraction.pointee.captureWarnings }
    return true
  }

  @inline(__always)
  private func emitRow(into result: ChunkResult) {
    countValue(into: result)
    if grouping != nil {
      emitGroupedRow(into: result)
      return
    }
    guard !discovery else { return }
    result.counters.rowsWritten += 1
    if let rowHandler {
      rowHandler(extraction)
    } else {
      result.counters.warnings += formatter.writeRow(extraction, into: &result.output)
    }
  }

  /// Grouped output: discovery notes the group's new columns; the writing pass
  /// writes the row with the group's columns and tags it with its group.
  private func emitGroupedRow(into result: ChunkResult) {
    // In place: copying the reader out and back would retain its lookups per row.
    guard let key = grouping?.key(extraction) else { return }
    let id: Int32
    if let known = chunkKeys[key] {
      id = known
    } else {
      id = Int32(result.groupKeys.count)
      chunkKeys[key] = id
      result.groupKeys.append(key)
    }
    if discovery {
      var seen = groupSeen.removeValue(forKey: key) ?? []
      let x = extraction.pointee
      for index in 0..<x.entries.count where x.entries[index].kind != .dead && x.isInCurrentRow(index) {
        let slot = x.slot(of: x.entries[index])
        if slot >= 0 && seen.insert(slot).inserted {
          result.groupColumns.append((id, x.registry.names[Int(slot)]))
        }
      }
      groupSeen[key] = seen
      return
    }
    result.counters.rowsWritten += 1
    if let columns = groupSlots[key] {
      result.counters.warnings += formatter.writeRow(extraction, columns: columns, into: &result.output)
    } else {
      result.counters.warnings += formatter.writeRow(extraction, into: &result.output)
    }
    result.rowGroups.append((id, result.output.count))
  }

  private func failureReason(_ failure: ExtractFailure) -> String {
    switch failure {
    case .notObject: return "not a JSON object"
    case .tooDeep: return "nested deeper than \(extraction.pointee.maxDepth) levels (--max-depth)"
    case .tooManyColumns:
      return "too many columns: the run would pass \(extraction.pointee.maxColumns) (--max-columns)"
    case .multipleValues: return "more than one JSON value on the line"
    case .none: return "stopped by the extractor"
    }
  }

  private func reject(
    _ reason: String, line: Int, offset: Int, column: Int?, bytes: UnsafeRawBufferPointer,
    into result: ChunkResult
  ) {
    result.counters.recordsRejected += 1
    guard !discovery else { return }
    let kept = keepRejectedBytes ? bytes : UnsafeRawBufferPointer(rebasing: bytes.prefix(512))
    var exact = Array(kept)
    var at = column
    if lineHasBOM {
      exact.insert(contentsOf: [0xEF, 0xBB, 0xBF], at: 0)
      at = column.map { $0 + 3 }
    }
    result.rejections.append(
      Rejection(
        input: inputNames[result.inputIndex], line: line, offset: offset, column: at,
        reason: reason, bytes: exact))
  }
}
