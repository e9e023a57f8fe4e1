import Foundation

extension Converter {
  /// `--split-by` / `--partition-by`: one file per group under `directory`, each
  /// with its own header (the group's own first-seen columns when columns are
  /// discovered).
  func convertGrouped(_ inputs: [InputSource], spec: GroupKeySpec, directory: String) throws -> RunReport {
    guard options.format != .xlsx || !options.partitioned else {
      throw NDFlatError(.usage, "--partition-by writes CSV, TSV or NDJSON files; use --format csv")
    }
    let started = Date()
    let prepared = try prepareInputs(inputs)
    defer { prepared.removeSpool() }
    let (sources, names) = (prepared.sources, prepared.names)

    // Columns: one layout for all groups, or each group's own.
    var shared: ColumnLayout
    var perGroup: [[UInt8]: ColumnLayout] = [:]
    if needsDiscovery {
      let found = try discover(sources, names: names, grouping: spec)
      shared = ColumnLayout.forDiscovered(found.registry, options: options)
      for key in found.groupOrder {
        perGroup[key] = ColumnLayout.forDiscovered(
          found.registry, order: found.groupColumns[key] ?? [], options: options)
      }
    } else {
      shared = try fieldLayout()
    }

    let workers = try (0..<options.threads).map { _ -> Worker in
      let worker = try makeWorker(layout: shared, discovery: false, names: names)
      worker.grouping = GroupKeyReader(spec)
      for (key, layout) in perGroup {
        worker.groupSlots[key] = RowFormatter.ColumnSet(slots: layout.slots)
      }
      return worker
    }
    let headerFormatter = try makeWorker(layout: shared, discovery: false, names: names)
    let writesHeader = (options.format == .csv || options.format == .tsv)
    if options.format == .xlsx {
      return try convertToSheets(
        sources, names: names, workers: workers, shared: shared, perGroup: perGroup, path: directory,
        started: started)
    }
    let output = try GroupedOutput(
      directory: directory, spec: spec, partitioned: options.partitioned,
      fileExtension: options.format.fileExtension
    ) { [options] key in
      guard writesHeader else { return nil }
      guard options.header else { return nil }
      var bytes: [UInt8] = options.excel ? [0xEF, 0xBB, 0xBF] : []
      let layout = perGroup[key] ?? shared
      headerFormatter.formatter.setColumns(names: layout.names, slots: layout.slots)
      var arena = ByteArena(capacity: 1024)
      defer { arena.release() }
      headerFormatter.formatter.writeHeader(into: &arena)
      bytes.append(contentsOf: arena.bytes)
      return bytes
    }
    let rejects = try rejectsPath.map { try OutputFile(path: $0) }
    var report = RunReport()
    report.columns = shared.names.map { String(decoding: $0, as: UTF8.self) }
    do {
      try runGrouped(sources, workers: workers, rejects: rejects, report: &report) { key, bytes in
        try output.write(key: key, bytes)
      }
      report.outputFiles = try output.commit()
      try rejects?.commit()
    } catch {
      output.discard()
      rejects?.discard()
      throw error
    }
    report.elapsed = Date().timeIntervalSince(started)
    return report
  }

  /// The writing pass of grouped output: runs the workers, gathers each group's rows
  /// of a chunk and hands them to `write` once per group, in input order.
  func runGrouped(
    _ sources: [InputSource], workers: [Worker], rejects: OutputFile?, report: inout RunReport,
    write: ([UInt8], UnsafeRawBufferPointer) throws -> Void
  ) throws {
    let pipeline = Pipeline(
      workers: workers, chunkSize: options.chunkSize, maxRecordBytes: options.maxRecordBytes,
      form: options.inputForm)
    let tracker = ProgressTracker(phase: .writing, sources: sources, report: onProgress)
    pipeline.onOpen = { _, reader in tracker.opened(reader) }
    if let rejects { pipeline.onOversizeBytes = Converter.streamOversize(into: rejects) }
    var buckets: [ByteArena] = []
    defer { for bucket in buckets { bucket.release() } }
    var currentInput = -1
    var lineBase = 0
    try pipeline.run(sources) { result in
      if result.inputIndex != currentInput {
        currentInput = result.inputIndex
        lineBase = 0
      }
      while buckets.count < result.groupKeys.count { buckets.append(ByteArena(capacity: 1 << 12)) }
      for index in 0..<result.groupKeys.count { buckets[index].count = 0 }
      var start = 0
      for (key, end) in result.rowGroups {
        buckets[Int(key)].append(UnsafePointer(result.output.base + start), end - start)
        start = end
      }
      for index in 0..<result.groupKeys.count where buckets[index].count > 0 {
        try write(result.groupKeys[index], buckets[index].bytes)
      }
      try account(result, lineBase: lineBase, rejects: rejects, into: &report)
      lineBase += result.lineCount
      tracker.update(records: report.counters.recordsRead)
    }
    report.bytesRead = tracker.bytesRead
  }

  /// Reports a chunk's rejections (with absolute line numbers) and adds its counts.
  func account(_ result: ChunkResult, lineBase: Int, rejects: OutputFile?, into report: inout RunReport) throws {
    var rejected = report.counters.recordsRejected
    for var rejection in result.rejections {
      rejection.line += lineBase
      onRejection?(rejection)
      if let rejects {
        if let spool = rejection.spoolPath {
          // An over-limit record spooled by the reader (parallel runs): copied in order.
          try Converter.copy(spool, into: rejects)
        } else if !rejection.streamed {
          try rejects.write(rejection.bytes)
          try rejects.write([0x0A])
        }
      }
      if let spool = rejection.spoolPath {
        unlink(spool)
        TemporaryFiles.forget(spool)
      }
      rejected += 1
      if let maxErrors = options.maxErrors, rejected >= maxErrors {
        // Stop at exactly the Nth rejection: the ones after it are not reported.
        throw NDFlatError(.limit, "stopped after \(rejected) rejected records (--max-errors \(maxErrors))")
      }
    }
    report.counters.add(result.counters)
    if options.countBy != nil { mergeCounts(result.valueCounts, into: &report) }
  }

  /// Appends a spooled record (and its newline) to the rejects file.
  static func copy(_ path: String, into rejects: OutputFile) throws {
    let fd = try SystemCalls.openForReading(path)
    defer { close(fd) }
    let buffer = UnsafeMutableRawPointer.allocate(byteCount: 1 << 20, alignment: 16)
    defer { buffer.deallocate() }
    while true {
      let n = try SystemCalls.read(fd, buffer, 1 << 20, name: path)
      if n == 0 { break }
      try rejects.write(UnsafeRawBufferPointer(start: buffer, count: n))
    }
  }
}

extension Converter {
  /// Adds a chunk's per-value counts to the report (kept sorted, most frequent first).
  func mergeCounts(_ counter: ValueCounter, into report: inout RunReport) {
    guard counter.counts.count > 0 || counter.missing > 0 else { return }
    var totals: [String?: Int] = [:]
    for (value, count) in report.valueCounts { totals[value, default: 0] += count }
    for (value, count) in counter.entries { totals[String(decoding: value, as: UTF8.self), default: 0] += count }
    if counter.missing > 0 { totals[nil, default: 0] += counter.missing }
    report.valueCounts = totals.map { (value: $0.key, count: $0.value) }.sorted {
      $0.count != $1.count ? $0.count > $1.count : ($0.value ?? "") < ($1.value ?? "")
    }
  }
}

extension Converter {
  /// `--split-by` with `--format xlsx`: one workbook, a worksheet per group (named
  /// safely after its value), each with its own header.
  func convertToSheets(
    _ sources: [InputSource], names: [String], workers: [Worker], shared: ColumnLayout,
    perGroup: [[UInt8]: ColumnLayout], path: String, started: Date
  ) throws -> RunReport {
    let workbook = try XLSXSink(
      target: .file(path), columns: shared.names, header: options.header,
      dateCells: options.utc && options.timeFormat == .iso)
    let rejects = try rejectsPath.map { try OutputFile(path: $0) }
    var report = RunReport()
    report.columns = shared.names.map { String(decoding: $0, as: UTF8.self) }
    var sheets: [[UInt8]: Int] = [:]
    do {
      try runGrouped(sources, workers: workers, rejects: rejects, report: &report) { key, bytes in
        let sheet: Int
        if let known = sheets[key] {
          sheet = known
        } else {
          let value = GroupKeyReader.decode(key).first ?? nil
          sheet = try workbook.sheet(
            named: value ?? Array("(missing)".utf8), columns: (perGroup[key] ?? shared).names)
          sheets[key] = sheet
        }
        try workbook.write(bytes, sheet: sheet)
      }
      try workbook.commit()
      try rejects?.commit()
      report.counters.warnings += workbook.warnings
      report.outputFiles = [path]
    } catch {
      workbook.discard()
      rejects?.discard()
      throw error
    }
    report.elapsed = Date().timeIntervalSince(started)
    return report
  }
}
