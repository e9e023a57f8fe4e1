import Foundation

/// Where converted output goes.
public enum OutputTarget: Sendable {
  case standardOutput
  /// Kept in memory (see ``Converter/convertToBytes(_:)``).
  case memory
  /// A file, written under a temporary name and renamed at the end.
  case file(String)
}

/// What a finished run did.
public struct RunReport: Sendable {
  /// Records read, written, filtered, rejected; rows; warnings.
  public var counters = RunCounters()
  /// The output's column names (CSV/TSV header, or the fields asked for).
  public var columns: [String] = []
  /// Input bytes as read from disk (compressed size for gzip).
  public var bytesRead = 0
  /// Decompressed input bytes.
  public var bytesDecoded = 0
  /// Wall-clock seconds.
  public var elapsed: Double = 0
  /// Files written (grouped output).
  public var outputFiles: [String] = []
  /// With ``ConvertOptions/countBy``: records per value, most frequent first
  /// (`nil` names records without the value).
  public var valueCounts: [(value: String?, count: Int)] = []
}

/// Converts NDJSON exports into CSV, TSV or flattened NDJSON.
///
/// ```swift
/// var options = ConvertOptions()
/// options.fields = FieldSpec.parseList("metadata.event_name,metadata.event_time")
/// let report = try Converter(options: options).convert([.file("events.ndjson")], to: .file("out.csv"))
/// ```
public final class Converter {
  public let options: ConvertOptions
  /// Called for every rejected record, in input order.
  public var onRejection: ((Rejection) -> Void)?
  /// When set, each rejected record's exact bytes are written here, one per line.
  public var rejectsPath: String?
  /// Called on the consuming thread after every chunk (a few hundred times a second at most).
  public var onProgress: ((RunProgress) -> Void)?

  public init(options: ConvertOptions) throws {
    guard options.threads >= 1 else { throw NDFlatError(.usage, "--threads must be at least 1") }
    if options.schema != nil && options.fields != nil {
      throw NDFlatError(.usage, "--schema and --fields cannot be combined")
    }
    if let fields = options.fields, fields.isEmpty {
      throw NDFlatError(.usage, "--fields needs at least one field")
    }
    if let bad = options.fields?.first(where: { $0.name.isEmpty || $0.path.isEmpty }) {
      throw NDFlatError(.usage, "--fields: '\(bad.name)=\(bad.path)' needs both a name and a path")
    }
    self.options = options
  }

  /// Does the run need the column union before the first row (two passes)?
  var needsDiscovery: Bool {
    options.fields == nil && options.schema == nil && (options.format != .json || options.shortNames)
  }

  /// Converts `inputs` and returns the output bytes (for tests and small inputs).
  public func convertToBytes(_ inputs: [InputSource]) throws -> (output: [UInt8], report: RunReport) {
    var collected: [UInt8] = []
    let report = try convert(inputs, to: .memory) { collected = $0 }
    return (collected, report)
  }

  /// Converts `inputs` (standard input when empty) into `target`.
  public func convert(_ inputs: [InputSource], to target: OutputTarget) throws -> RunReport {
    if let spec = options.grouping {
      guard case .file(let directory) = target else {
        throw NDFlatError(.usage, "--split-by and --partition-by write a directory: give -o DIR")
      }
      return try convertGrouped(inputs, spec: spec, directory: directory)
    }
    return try convert(inputs, to: target) { _ in }
  }

  private func convert(
    _ inputs: [InputSource], to target: OutputTarget, collect: ([UInt8]) -> Void
  ) throws -> RunReport {
    let started = Date()
    let prepared = try prepareInputs(inputs)
    defer { prepared.removeSpool() }
    let (sources, names) = (prepared.sources, prepared.names)

    var report = RunReport()
    let layout = try columnLayout(sources, names: names)
    report.columns = layout.names.map { String(decoding: $0, as: UTF8.self) }

    let output = try OutputSinkFactory.open(
      target, format: options.format, columns: layout.names, options: options)
    let rejects = try rejectsPath.map { try OutputFile(path: $0) }
    do {
      try writePass(sources, names: names, layout: layout, output: output, rejects: rejects, report: &report)
      try output.commit()
      try rejects?.commit()
      if let bytes = (output as? OutputFile)?.collected { collect(bytes) }
      if let workbook = output as? XLSXSink {
        report.counters.warnings += workbook.warnings
        if let bytes = workbook.collected { collect(bytes) }
      }
    } catch {
      output.discard()
      rejects?.discard()
      throw error
    }
    report.elapsed = Date().timeIntervalSince(started)
    return report
  }

  /// Streams every record to `body` as a ``FlatRow``, on the calling thread, in
  /// input order. Rejections go to ``onRejection`` as usual.
  public func forEachRow(_ inputs: [InputSource], _ body: (FlatRow) throws -> Void) throws -> RunReport {
    let layout = try fieldLayout()
    var failure: Error?
    let report = try withoutActuallyEscaping(body) { body in
      try streamRows(inputs, layout: layout) { extraction in
        guard failure == nil else { return }
        do {
          try body(extraction.pointee.flatRow(columnNames: layout.names, columnSlots: layout.slots))
        } catch {
          failure = error
        }
      } stop: { failure }
    }
    if let failure { throw failure }
    return report
  }

  /// The schema of `inputs`: per value at `by`, every flattened field with its
  /// types, presence, nulls and an example.
  public func collectSchema(_ inputs: [InputSource], by: String) throws -> (ExportSchema, RunReport) {
    var all = options
    all.fields = nil
    let collector = SchemaCollector(by: by)
    let converter = try Converter(options: all)
    converter.onRejection = onRejection
    converter.onProgress = onProgress
    let report = try converter.streamRows(inputs, layout: ColumnLayout.documentOrder(options: all)) {
      collector.collect($0)
    } stop: { nil }
    return (collector.schema(by: by, options: all), report)
  }

  /// Runs one worker over `inputs` on this thread, handing each accepted row to `handler`.
  private func streamRows(
    _ inputs: [InputSource], layout: ColumnLayout, handler: @escaping (UnsafeMutablePointer<Extraction>) -> Void,
    stop: () -> Error?
  ) throws -> RunReport {
    let started = Date()
    let sources = inputs.isEmpty ? [InputSource.standardInput] : inputs
    let names = sources.map(\.description)
    let worker = try makeWorker(layout: layout, discovery: false, names: names)
    worker.rowHandler = handler
    defer { worker.rowHandler = nil }
    var report = RunReport()
    report.columns = layout.names.map { String(decoding: $0, as: UTF8.self) }
    let pipeline = Pipeline(
      workers: [worker], chunkSize: options.chunkSize, maxRecordBytes: options.maxRecordBytes,
      form: options.inputForm)
    let tracker = ProgressTracker(phase: .writing, sources: sources, report: onProgress)
    pipeline.onOpen = { _, reader in tracker.opened(reader) }
    var lineBase = 0
    var currentInput = -1
    try pipeline.run(sources) { result in
      if let failure = stop() { throw failure }
      if result.inputIndex != currentInput {
        currentInput = result.inputIndex
        lineBase = 0
      }
      for var rejection in result.rejections {
        rejection.line += lineBase
        onRejection?(rejection)
      }
      lineBase += result.lineCount
      report.counters.add(result.counters)
      tracker.update(records: report.counters.recordsRead)
    }
    report.bytesRead = tracker.bytesRead
    report.elapsed = Date().timeIntervalSince(started)
    return report
  }

  // MARK: Columns

  /// The layout for `--fields`, or a document-order layout without them.
  func fieldLayout() throws -> ColumnLayout {
    try columnLayout([], names: [])
  }

  private func columnLayout(_ sources: [InputSource], names: [String]) throws -> ColumnLayout {
    if let fields = options.fields { return ColumnLayout.forFields(fields, options: options) }
    if let schema = options.schema {
      return ColumnLayout.forSchema(schema, eventType: options.schemaEventType, options: options)
    }
    guard needsDiscovery else { return ColumnLayout.documentOrder(options: options) }
    let registry = try discover(sources, names: names, grouping: nil).registry
    return ColumnLayout.forDiscovered(registry, options: options)
  }

  /// What pass one found.
  struct Discovery {
    var registry = ColumnRegistry()
    /// Group keys in first-seen order, and each group's column names in first-seen order.
    var groupOrder: [[UInt8]] = []
    var groupColumns: [[UInt8]: [[UInt8]]] = [:]
  }

  /// Pass one: the union of all flattened paths, in first-seen order (and, for
  /// grouped output, each group's own union in its first-seen order).
  func discover(_ sources: [InputSource], names: [String], grouping: GroupKeySpec?) throws -> Discovery {
    let workers = try (0..<options.threads).map { _ -> Worker in
      let worker = try makeWorker(layout: ColumnLayout.documentOrder(options: options), discovery: true, names: names)
      worker.grouping = grouping.map(GroupKeyReader.init)
      // Paths depend on shape alone, unless a group (a value) decides where they go.
      if grouping == nil { worker.knownShapes = [] }
      return worker
    }
    var found = Discovery()
    var groupSeen: [[UInt8]: Set<[UInt8]>] = [:]
    let pipeline = Pipeline(
      workers: workers, chunkSize: options.chunkSize, maxRecordBytes: options.maxRecordBytes,
      form: options.inputForm)
    let tracker = ProgressTracker(phase: .discovering, sources: sources, report: onProgress)
    pipeline.onOpen = { _, reader in tracker.opened(reader) }
    var records = 0
    try pipeline.run(sources) { result in
      records += result.counters.recordsRead
      tracker.update(records: records)
      for name in result.newColumns where found.registry.existingSlot(for: name) == nil {
        if found.registry.count >= options.maxColumns {
          throw NDFlatError(.limit, "more than \(options.maxColumns) columns (--max-columns)")
        }
        _ = found.registry.slot(for: name)
      }
      for key in result.groupKeys where found.groupColumns[key] == nil {
        found.groupOrder.append(key)
        found.groupColumns[key] = []
      }
      for (id, name) in result.groupColumns {
        let key = result.groupKeys[Int(id)]
        if groupSeen[key, default: []].insert(name).inserted { found.groupColumns[key, default: []].append(name) }
      }
    }
    return found
  }

  // MARK: Workers

  func makeWorker(layout: ColumnLayout, discovery: Bool, names: [String]) throws -> Worker {
    let mode: Extraction.Mode = options.fields == nil ? .allColumns : .fields
    var extraction = Extraction(
      // Discovery keeps values too: --where and --split-by read them (kept values are
      // mostly references into the line, so this costs little).
      mode: mode, arraysIndexed: options.arrays == .index, keepValues: true,
      maxDepth: options.maxDepth, maxColumns: options.maxColumns,
      separator: Array(options.separator.utf8), registry: layout.registry)
    if mode == .fields {
      for (slot, path) in layout.fieldPaths.enumerated() {
        guard let segments = path else { continue }
        var node = PathTrie.root
        for segment in segments {
          extraction.trie.node(node).pointee.hasWantedBelow = true
          node = extraction.trie.findOrInsert(parent: node, segment: segment)
        }
        extraction.trie.node(node).pointee.slot = Int32(slot)
      }
    }
    if options.utc && !discovery { extraction.captureTimeFormat = options.timeFormat }
    if let explode = options.explode {
      var node = PathTrie.root
      for segment in explode.split(separator: ".", omittingEmptySubsequences: false) {
        extraction.trie.node(node).pointee.hasWantedBelow = true
        node = extraction.trie.findOrInsert(parent: node, segment: Array(segment.utf8))
      }
      extraction.explodeNode = node
    }
    var formatter = RowFormatter(
      format: options.format, nullText: Array(options.nullText.utf8),
      lineEnding: options.excel ? [0x0D, 0x0A] : [0x0A],
      dynamicKeys: options.format == .json && options.fields == nil)
    if options.format == .json && options.fields == nil {
      // Document order, but with the layout's (possibly shortened) names.
      if options.shortNames { formatter.setKeyNames(names: layout.names, slots: layout.slots) }
    } else {
      formatter.setColumns(names: layout.names, slots: layout.slots)
    }
    formatter.excel = options.excel
    if let known = layout.knownSlots {
      formatter.extraColumnSlot = ColumnLayout.extraColumn
      formatter.knownSlots = known
    }
    formatter.exclusions = ColumnExclusions(patterns: options.excludes, separator: options.separator)
    let transforms = RecordTransforms(
      wheres: options.wheres, localTimes: options.localTimes, localSlots: layout.localSlots,
      utc: options.utc, timeFormat: options.timeFormat)
    let worker = try Worker(
      extraction: extraction, formatter: formatter, transforms: transforms, discovery: discovery,
      maxRecordBytes: options.maxRecordBytes, keepRejectedBytes: rejectsPath != nil, inputNames: names)
    worker.countLookup = options.countBy.map { PathLookup(path: $0) }
    return worker
  }

  // MARK: Writing

  private func writePass(
    _ sources: [InputSource], names: [String], layout: ColumnLayout, output: OutputSink,
    rejects: OutputFile?, report: inout RunReport
  ) throws {
    let workers = try (0..<options.threads).map { _ in
      try makeWorker(layout: layout, discovery: false, names: names)
    }
    if (options.format == .csv || options.format == .tsv) && options.excel && options.header {
      let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]
      try byteOrderMark.withUnsafeBytes { try output.write($0) }
    }
    if (options.format == .csv || options.format == .tsv) && options.header && !layout.names.isEmpty {
      var header = ByteArena(capacity: 1024)
      defer { header.release() }
      workers[0].formatter.writeHeader(into: &header)
      try output.write(header.bytes)
    }
    let pipeline = Pipeline(
      workers: workers, chunkSize: options.chunkSize, maxRecordBytes: options.maxRecordBytes,
      form: options.inputForm)
    let tracker = ProgressTracker(phase: .writing, sources: sources, report: onProgress)
    pipeline.onOpen = { _, reader in tracker.opened(reader) }
    if let rejects { pipeline.onOversizeBytes = Converter.streamOversize(into: rejects) }
    var currentInput = -1
    var lineBase = 0
    try pipeline.run(sources) { result in
      if result.inputIndex != currentInput {
        currentInput = result.inputIndex
        lineBase = 0
      }
      try output.write(result.output.bytes)
      try account(result, lineBase: lineBase, rejects: rejects, into: &report)
      lineBase += result.lineCount
      tracker.update(records: report.counters.recordsRead)
    }
    report.bytesRead = tracker.bytesRead
  }

  /// A line over `--max-record-bytes` is streamed into the rejects file as it is
  /// skipped (it is never held in memory), ending with its newline.
  static func streamOversize(into rejects: OutputFile) -> (UnsafeRawBufferPointer, Bool) -> Void {
    { bytes, isEnd in
      try? rejects.write(bytes)
      if isEnd { try? rejects.write([0x0A]) }
    }
  }

  // MARK: Standard input

  /// The inputs to read (standard input when none), their names for messages, and
  /// the temporary copy of standard input when the run reads it twice.
  struct PreparedInputs {
    var sources: [InputSource]
    var names: [String]
    var spool: String?

    func removeSpool() {
      guard let spool else { return }
      unlink(spool)
      TemporaryFiles.forget(spool)
    }
  }

  func prepareInputs(_ inputs: [InputSource]) throws -> PreparedInputs {
    var prepared = PreparedInputs(
      sources: inputs.isEmpty ? [.standardInput] : inputs,
      names: inputs.isEmpty ? ["<stdin>"] : inputs.map(\.description))
    if needsDiscovery, let index = prepared.sources.firstIndex(of: .standardInput) {
      let path = try spoolStandardInput()
      prepared.spool = path
      prepared.sources[index] = .file(path)
    }
    return prepared
  }

  /// Copies standard input to a temporary file so it can be read twice.
  func spoolStandardInput() throws -> String {
    let (fd, path) = try TemporaryFiles.create(near: nil, prefix: "ndflat-stdin")
    defer { close(fd) }
    let buffer = UnsafeMutableRawPointer.allocate(byteCount: 1 << 20, alignment: 16)
    defer { buffer.deallocate() }
    do {
      while true {
        let n = try SystemCalls.read(0, buffer, 1 << 20, name: "<stdin>")
        if n == 0 { break }
        try SystemCalls.writeAll(fd, UnsafeRawBufferPointer(start: buffer, count: n), name: path)
      }
    } catch {
      unlink(path)
      TemporaryFiles.forget(path)
      throw error
    }
    return path
  }
}
