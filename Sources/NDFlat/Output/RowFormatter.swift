/// Writes the current record of an ``Extraction`` as one row (CSV, TSV) or one
/// flat object (NDJSON) into a byte arena. One per worker.
struct RowFormatter {
  let format: OutputFormat
  let delimiter: UInt8
  /// Null text and line ending, copied once into stable storage for the row loop.
  private let constants: ByteArena
  private let nullLength: Int
  private let lineEndingLength: Int
  /// Fixed columns (CSV/TSV always, NDJSON with `--fields`): the slot behind each.
  private var columnSlots: UnsafeVector<Int32>
  private(set) var columnNames: [[UInt8]]
  /// JSON-escaped keys, quoted and followed by `:`, per column (fixed) or per slot (dynamic).
  private var keys = ByteArena(capacity: 1024)
  private var keyRanges = UnsafeVector<Int>(capacity: 64)
  /// NDJSON without `--fields`: keys in document order, named by slot.
  let dynamicKeys: Bool
  /// `--excel`: neutralise formulas, keep long digit strings as text, cap cell length.
  var excel = false
  /// `--exclude` for document-order NDJSON (fixed columns are filtered in the layout).
  var exclusions = ColumnExclusions(patterns: [], separator: ".")
  /// `--schema`: the column slot standing for `_extra`, and how many slots the schema knows.
  var extraColumnSlot: Int32 = RowFormatter.noExtraColumn
  var knownSlots: Int32 = 0
  static let noExtraColumn: Int32 = -9
  /// Where `_extra` JSON is built before it is escaped into a cell.
  private let scratch: UnsafeMutablePointer<ByteArena> = {
    let scratch = UnsafeMutablePointer<ByteArena>.allocate(capacity: 1)
    scratch.initialize(to: ByteArena(capacity: 1024))
    return scratch
  }()
  /// Sparse rows: each slot's output column (`-1`: not written), and scratch for sorting.
  private var columnOfSlot = UnsafeVector<Int32>(capacity: 64)
  private var rowCells = UnsafeVector<UInt64>(capacity: 64)
  /// Per slot, for document-order NDJSON: 0 not decided, 1 written, 2 excluded.
  private var slotVisibility = UnsafeVector<UInt8>(capacity: 64)

  init(format: OutputFormat, nullText: [UInt8], lineEnding: [UInt8], dynamicKeys: Bool) {
    self.format = format
    self.delimiter = format == .tsv ? 0x09 : UInt8(ascii: ",")
    var constants = ByteArena(capacity: nullText.count + lineEnding.count + 16)
    constants.append(nullText)
    constants.append(lineEnding)
    self.constants = constants
    self.nullLength = nullText.count
    self.lineEndingLength = lineEnding.count
    self.dynamicKeys = dynamicKeys
    self.columnSlots = UnsafeVector(capacity: 64)
    self.columnNames = []
  }

  func release() {
    columnOfSlot.release()
    rowCells.release()
    scratch.pointee.release()
    scratch.deinitialize(count: 1)
    scratch.deallocate()
    slotVisibility.release()
    constants.release()
    columnSlots.release()
    keys.release()
    keyRanges.release()
  }

  /// Sets the fixed columns: output names and the slot each one reads.
  mutating func setColumns(names: [[UInt8]], slots: [Int32]) {
    columnNames = names
    columnSlots.count = 0
    for slot in slots { columnSlots.append(slot) }
    indexColumns()
    keys.count = 0
    keyRanges.count = 0
    for name in names { appendKey(name) }
  }

  private mutating func appendKey(_ name: [UInt8]) {
    keyRanges.append(keys.count)
    keys.appendJSONString(name)
    keys.append(UInt8(ascii: ":"))
    keyRanges.append(keys.count)
  }

  /// The header line (CSV/TSV). Column names come from the data's keys, so with
  /// `--excel` they are made spreadsheet-safe like any string cell.
  func writeHeader(into out: inout ByteArena) {
    for (index, name) in columnNames.enumerated() {
      if index > 0 { out.append(delimiter) }
      name.withUnsafeBufferPointer { buffer in
        guard let start = buffer.baseAddress else { return }
        if excel {
          _ = writeSpreadsheetSafe(.string, start, buffer.count, into: &out)
        } else {
          writeText(start, buffer.count, into: &out)
        }
      }
    }
    appendLineEnding(into: &out)
  }

  @inline(__always)
  private func appendNull(into out: inout ByteArena) {
    if nullLength > 0 { out.append(UnsafePointer(constants.base), nullLength) }
  }

  @inline(__always)
  private func appendLineEnding(into out: inout ByteArena) {
    out.append(UnsafePointer(constants.base + nullLength), lineEndingLength)
  }

  @inline(__always)
  private func appendLiteral(_ text: StaticString, into out: inout ByteArena) {
    out.append(text.utf8Start, text.utf8CodeUnitCount)
  }

  @inline(__always)
  private func writeText(_ bytes: UnsafePointer<UInt8>, _ length: Int, into out: inout ByteArena) {
    if format == .tsv {
      out.appendTSVField(bytes, length)
    } else {
      out.appendCSVField(bytes, length, delimiter: delimiter)
    }
  }

  /// Maps each slot to its output column, for sparse rows.
  private mutating func indexColumns() {
    columnOfSlot.count = 0
    var largest: Int32 = -1
    for column in 0..<columnSlots.count { largest = max(largest, columnSlots[column]) }
    columnOfSlot.ensureCount(Int(largest) + 1, filling: -1)
    for column in 0..<columnSlots.count where columnSlots[column] >= 0 {
      columnOfSlot[Int(columnSlots[column])] = Int32(column)
    }
  }

  /// A column list of its own (a `--split-by` group's): the slots, and each slot's
  /// column, built once per group.
  struct ColumnSet {
    var slots: UnsafeVector<Int32>
    var columnOfSlot: UnsafeVector<Int32>

    init(slots list: [Int32]) {
      slots = UnsafeVector(capacity: max(list.count, 4))
      for slot in list { slots.append(slot) }
      columnOfSlot = UnsafeVector(capacity: 64)
      columnOfSlot.ensureCount(Int(list.max() ?? -1) + 1, filling: -1)
      for (column, slot) in list.enumerated() where slot >= 0 { columnOfSlot[Int(slot)] = Int32(column) }
    }

    func release() {
      slots.release()
      columnOfSlot.release()
    }
  }

  /// Writes the current row with another column list; the formatter's own is untouched.
  mutating func writeRow(
    _ x: UnsafeMutablePointer<Extraction>, columns: ColumnSet, into out: inout ByteArena
  ) -> Int {
    let own = (columnSlots, columnOfSlot)
    columnSlots = columns.slots
    columnOfSlot = columns.columnOfSlot
    defer { (columnSlots, columnOfSlot) = own }
    return writeRow(x, into: &out)
  }

  /// Writes the current record of `x`; returns the warnings (cells truncated for `--excel`).
  @inline(__always)
  mutating func writeRow(_ x: UnsafeMutablePointer<Extraction>, into out: inout ByteArena) -> Int {
    if format == .xlsx {
      writeEncodedCells(x, into: &out)
    } else if format == .json {
      if dynamicKeys { writeDocumentOrderObject(x, into: &out) } else { writeFixedObject(x, into: &out) }
    } else if !excel && nullLength == 0 && extraColumnSlot == RowFormatter.noExtraColumn {
      writeSparseRow(x, into: &out)
    } else {
      return writeDelimitedRow(x, into: &out)
    }
    return 0
  }

  /// A wide table's row holds few of its columns: write the record's own values in
  /// column order and runs of delimiters between them, instead of visiting every
  /// column. Same bytes as ``writeDelimitedRow`` (which it replaces when null
  /// text is empty and there is no `_extra`).
  private mutating func writeSparseRow(_ x: UnsafeMutablePointer<Extraction>, into out: inout ByteArena) {
    rowCells.count = 0
    let entries = x.pointee.entries
    let stamp = x.pointee.stamp
    for index in 0..<entries.count {
      let entry = entries[index]
      if entry.kind == .dead { continue }
      let slot = Int(x.pointee.slot(of: entry))
      guard slot >= 0, slot < columnOfSlot.count, slot < x.pointee.slotStamp.count,
        x.pointee.slotStamp[slot] == stamp, x.pointee.slotEntry[slot] == Int32(index)
      else { continue }
      let column = columnOfSlot[slot]
      if column < 0 { continue }
      // Insertion sort by column: records of one shape come nearly sorted.
      let cell = UInt64(UInt32(column)) << 32 | UInt64(UInt32(index))
      var position = rowCells.count
      rowCells.append(cell)
      while position > 0 && rowCells[position &- 1] > cell {
        rowCells[position] = rowCells[position &- 1]
        position &-= 1
      }
      rowCells[position] = cell
    }
    var next = 0
    for index in 0..<rowCells.count {
      let column = Int(rowCells[index] >> 32)
      let entry = entries[Int(rowCells[index] & 0xFFFF_FFFF)]
      let gap = column &- next &+ (next > 0 ? 1 : 0)
      if column > 0 { out.append(repeating: delimiter, count: gap) }
      switch entry.kind {
      case .string, .number, .json:
        writeText(x.pointee.bytes(of: entry), entry.length, into: &out)
      case .trueValue: appendLiteral("true", into: &out)
      case .falseValue: appendLiteral("false", into: &out)
      case .null, .dead: break
      }
      next = column &+ 1
    }
    let total = columnSlots.count
    if total > 0 { out.append(repeating: delimiter, count: total &- max(next, 1)) }
    appendLineEnding(into: &out)
  }

  /// Every column visited in order (null text, `_extra` or `--excel` in play).
  private func writeDelimitedRow(_ x: UnsafeMutablePointer<Extraction>, into out: inout ByteArena) -> Int {
    var warnings = 0
    for column in 0..<columnSlots.count {
      if column > 0 { out.append(delimiter) }
      if columnSlots[column] == extraColumnSlot {
        writeExtraCell(x, into: &out)
        continue
      }
      guard let entry = x.pointee.entry(forSlot: columnSlots[column]) else {
        appendNull(into: &out)
        continue
      }
      switch entry.kind {
      case .string, .number, .json:
        if excel {
          warnings += writeSpreadsheetSafe(entry.kind, x.pointee.bytes(of: entry), entry.length, into: &out)
        } else {
          writeText(x.pointee.bytes(of: entry), entry.length, into: &out)
        }
      case .trueValue: appendLiteral("true", into: &out)
      case .falseValue: appendLiteral("false", into: &out)
      case .null, .dead: appendNull(into: &out)
      }
    }
    appendLineEnding(into: &out)
    return warnings
  }

  /// `--schema`: the `_extra` cell, compact JSON of the fields outside the schema.
  private func writeExtraCell(_ x: UnsafeMutablePointer<Extraction>, into out: inout ByteArena) {
    scratch.pointee.count = 0
    guard x.pointee.appendExtraJSON(knownSlots: knownSlots, into: &scratch.pointee) else {
      appendNull(into: &out)
      return
    }
    writeText(UnsafePointer(scratch.pointee.base), scratch.pointee.count, into: &out)
  }

  /// `--excel`: one text cell made spreadsheet-safe; returns 1 when it was cut.
  private func writeSpreadsheetSafe(
    _ kind: ValueKind, _ bytes: UnsafePointer<UInt8>, _ length: Int, into out: inout ByteArena
  ) -> Int {
    var length = length
    var warnings = 0
    if length > SpreadsheetSafety.maxCellLength {
      length = SpreadsheetSafety.truncatedLength(bytes, length)
      warnings = 1
    }
    let prefix = SpreadsheetSafety.prefix(for: kind, bytes, length)
    if format == .tsv {
      if let prefix { out.append(prefix) }
      out.appendTSVField(bytes, length)
    } else {
      out.appendCSVField(bytes, length, delimiter: delimiter, prefix: prefix)
    }
    return warnings
  }

  /// xlsx: typed cells in ``XLSXCellEncoding``, turned into a workbook by the consumer.
  private func writeEncodedCells(_ x: UnsafeMutablePointer<Extraction>, into out: inout ByteArena) {
    out.append(XLSXCellEncoding.rowMarker)
    for column in 0..<columnSlots.count {
      if columnSlots[column] == extraColumnSlot {
        scratch.pointee.count = 0
        if x.pointee.appendExtraJSON(knownSlots: knownSlots, into: &scratch.pointee) {
          out.append(XLSXCellEncoding.Kind.json.rawValue)
          var length = UInt32(truncatingIfNeeded: scratch.pointee.count).littleEndian
          withUnsafeBytes(of: &length) { out.append($0) }
          out.append(UnsafePointer(scratch.pointee.base), scratch.pointee.count)
        } else {
          out.append(XLSXCellEncoding.Kind.empty.rawValue)
        }
        continue
      }
      guard let entry = x.pointee.entry(forSlot: columnSlots[column]) else {
        out.append(XLSXCellEncoding.Kind.empty.rawValue)
        continue
      }
      let kind: XLSXCellEncoding.Kind
      switch entry.kind {
      case .string: kind = .string
      case .number: kind = .number
      case .json: kind = .json
      case .trueValue: kind = .trueValue
      case .falseValue: kind = .falseValue
      case .null, .dead: kind = .empty
      }
      out.append(kind.rawValue)
      if kind.hasText {
        var length = UInt32(truncatingIfNeeded: entry.length).littleEndian
        withUnsafeBytes(of: &length) { out.append($0) }
        out.append(x.pointee.bytes(of: entry), entry.length)
      }
    }
  }

  private func writeFixedObject(_ x: UnsafeMutablePointer<Extraction>, into out: inout ByteArena) {
    out.append(UInt8(ascii: "{"))
    var first = true
    for column in 0..<columnSlots.count {
      if columnSlots[column] == extraColumnSlot {
        scratch.pointee.count = 0
        if x.pointee.appendExtraJSON(knownSlots: knownSlots, into: &scratch.pointee) {
          if !first { out.append(UInt8(ascii: ",")) }
          first = false
          let start = keyRanges[column &* 2]
          out.append(UnsafePointer(keys.base + start), keyRanges[column &* 2 &+ 1] &- start)
          out.append(UnsafePointer(scratch.pointee.base), scratch.pointee.count)
        }
        continue
      }
      guard let entry = x.pointee.entry(forSlot: columnSlots[column]), entry.kind != .dead else {
        continue
      }
      if !first { out.append(UInt8(ascii: ",")) }
      first = false
      let start = keyRanges[column &* 2]
      out.append(UnsafePointer(keys.base + start), keyRanges[column &* 2 &+ 1] &- start)
      writeJSONValue(x, entry, into: &out)
    }
    out.append(UInt8(ascii: "}"))
    out.append(UInt8(ascii: "\n"))
  }

  private mutating func writeDocumentOrderObject(
    _ x: UnsafeMutablePointer<Extraction>, into out: inout ByteArena
  ) {
    out.append(UInt8(ascii: "{"))
    var first = true
    for index in 0..<x.pointee.entries.count {
      let entry = x.pointee.entries[index]
      if entry.kind == .dead || !x.pointee.isInCurrentRow(index) { continue }
      let slot = Int(x.pointee.slot(of: entry))
      if slot &* 2 >= keyRanges.count { addKeys(upTo: slot, from: x) }
      if exclusions.isActive && isExcluded(slot, x) { continue }
      if !first { out.append(UInt8(ascii: ",")) }
      first = false
      let start = keyRanges[slot &* 2]
      out.append(UnsafePointer(keys.base + start), keyRanges[slot &* 2 &+ 1] &- start)
      writeJSONValue(x, entry, into: &out)
    }
    out.append(UInt8(ascii: "}"))
    out.append(UInt8(ascii: "\n"))
  }

  private mutating func isExcluded(_ slot: Int, _ x: UnsafeMutablePointer<Extraction>) -> Bool {
    if slot >= slotVisibility.count { slotVisibility.ensureCount(slot + 1, filling: 0) }
    if slotVisibility[slot] == 0 {
      slotVisibility[slot] = exclusions.excludes(x.pointee.registry.names[slot]) ? 2 : 1
    }
    return slotVisibility[slot] == 2
  }

  /// Document-order NDJSON with `--short-names`: the name each slot is written under.
  private var keyNameOverrides: [Int32: [UInt8]] = [:]

  mutating func setKeyNames(names: [[UInt8]], slots: [Int32]) {
    for (name, slot) in zip(names, slots) { keyNameOverrides[slot] = name }
  }

  private mutating func addKeys(upTo slot: Int, from x: UnsafeMutablePointer<Extraction>) {
    let names = x.pointee.registry.names
    while keyRanges.count / 2 <= slot {
      let next = keyRanges.count / 2
      appendKey(keyNameOverrides[Int32(next)] ?? names[next])
    }
  }

  @inline(__always)
  private func writeJSONValue(
    _ x: UnsafeMutablePointer<Extraction>, _ entry: Entry, into out: inout ByteArena
  ) {
    switch entry.kind {
    case .string: out.appendJSONString(x.pointee.bytes(of: entry), entry.length)
    case .number, .json: out.append(x.pointee.bytes(of: entry), entry.length)
    case .trueValue: appendLiteral("true", into: &out)
    case .falseValue: appendLiteral("false", into: &out)
    case .null, .dead: appendLiteral("null", into: &out)
    }
  }
}
