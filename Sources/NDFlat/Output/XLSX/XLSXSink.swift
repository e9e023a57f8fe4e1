import CXlsxWriter
import Glibc

/// Writes rows encoded in ``XLSXCellEncoding`` into an Excel workbook through
/// libxlsxwriter, in its constant-memory mode: each worksheet keeps one row in
/// memory and spools the rest to a temporary file (in `$TMPDIR` when set), so
/// memory stays flat however many rows there are.
///
/// Cells (see SPEC §2 and issue 8):
/// - a string → a text cell, never a formula (`=1+1` stays text);
/// - a number → a numeric cell when ``NumberCells`` says its value survives a
///   double at 15 significant digits, else a text cell holding the literal;
/// - `true` / `false` → boolean cells; null or absent → no cell;
/// - an object or array → its compact JSON as text;
/// - with date cells on (`--utc`), a string that is a complete timestamp with an
///   offset (``Timestamp/parse(_:)-(UnsafeRawBufferPointer)``) on or after
///   1900-03-01 → a date-time cell in UTC with the format
///   `yyyy-mm-dd hh:mm:ss.000` (millisecond display; the stored serial keeps
///   about a microsecond), and the header of every column that held one in its
///   first rows gets ` (UTC)`.
///
/// Layout: a bold header row, frozen; an autofilter over the header and data;
/// column widths from the header and the first ``sampleRows`` rows. The first
/// rows of each sheet (at most ``sampleRows`` rows or ``sampleBytes`` bytes) are
/// held back until the header can be written, because constant-memory mode
/// writes rows strictly in order.
///
/// Limits: more than 16,384 columns is an error naming the count; a sheet that
/// reaches the row limit (1,048,576 rows, header included) continues in a new
/// sheet `name (2)`, `name (3)`, … with the header repeated; text over 32,767
/// characters is cut and counted in ``truncatedCells`` (see ``XLSXText``).
///
/// Output: a file is written under a temporary name beside it and renamed on
/// ``commit()``; ``discard()`` removes it. Standard output is refused when it is
/// a terminal; otherwise, like a device or FIFO named with `-o`, the workbook is
/// built in `$TMPDIR` and copied there on commit (a zip archive cannot be
/// streamed by libxlsxwriter).
final class XLSXSink: OutputSink {
  /// Excel's limits.
  static let maxColumns = Int(LXW_COL_MAX)
  static let maxRows = Int(LXW_ROW_MAX)
  /// Rows sampled for column widths and date columns before a sheet's header is written.
  static let sampleRows = 100
  static let sampleBytes = 1 << 20
  static let dateFormatCode = "yyyy-mm-dd hh:mm:ss.000"
  static let utcSuffix = " (UTC)"
  /// Above this estimated XML size the archive is written with ZIP64 extensions
  /// (a zip entry or archive over 4 GiB needs them).
  static let zip64Threshold = 3 << 30

  /// Cells cut at 32,767 characters so far.
  private(set) var truncatedCells = 0
  /// Warnings for the run's summary (truncated cells).
  var warnings: Int { truncatedCells }
  /// The workbook's bytes, for an in-memory target, after ``commit()``.
  private(set) var collected: [UInt8]?

  let name: String
  private let header: Bool
  private let dateCells: Bool
  private let rowLimit: Int
  private let defaultColumns: [[UInt8]]
  private let defaultSheetName: String

  private enum Destination {
    /// Renamed into place on commit.
    case rename(finalPath: String)
    /// Copied to this descriptor on commit (stdout, a device, a FIFO).
    case copy(fd: Int32, closeAfter: Bool)
    /// Read back into ``collected``.
    case memory
  }

  private let destination: Destination
  private let temporaryPath: String
  private var workbook: UnsafeMutablePointer<lxw_workbook>?
  private let tmpdir: UnsafeMutablePointer<CChar>?
  private let bold: UnsafeMutablePointer<lxw_format>
  private let dateFormat: UnsafeMutablePointer<lxw_format>
  private var namer: SheetNamer
  private var groups: [Group] = []
  private var defaultGroup: Int?
  private var worksheets: [UnsafeMutablePointer<lxw_worksheet>] = []
  /// stdio buffers given to the worksheets' spool files (freed after they are closed).
  private var spoolBuffers: [UnsafeMutablePointer<CChar>] = []
  /// Scratch for NUL-terminated cell text (allocated last in init, so a failed init leaks nothing).
  private var text: XLSXText
  private var estimatedBytes = 0
  private var finished = false

  /// Rows bound for one sheet (and its continuations).
  private final class Group {
    let name: String
    let columns: [[UInt8]]
    var worksheet: UnsafeMutablePointer<lxw_worksheet>?
    var part = 1
    var nextRow = 0
    var sampling = true
    var pending: [UInt8] = []
    var pendingRows = 0
    var widths: [Int]
    var dateColumn: [Bool]

    init(name: String, columns: [[UInt8]]) {
      self.name = name
      self.columns = columns
      widths = columns.map { header in
        header.withUnsafeBytes { XLSXText.displayLength($0, cap: 80) } + 3
      }
      dateColumn = Array(repeating: false, count: columns.count)
    }
  }

  /// - Parameters:
  ///   - columns: the header names of the default sheet.
  ///   - header: write a header row (and freeze it and filter on it).
  ///   - dateCells: timestamps become date-time cells (the `--utc` path).
  ///   - rowLimit: rows per sheet, header included (Excel: 1,048,576); injectable for tests.
  ///   - maxSheets: cap on worksheets (see ``SheetNamer``).
  ///   - sheetName: the default sheet's name (default: the output file's name
  ///     without directory and extension, or `data`).
  init(
    target: OutputTarget, columns: [[UInt8]], header: Bool = true, dateCells: Bool = false,
    rowLimit: Int = XLSXSink.maxRows, maxSheets: Int = SheetNamer.defaultMaxSheets, sheetName: String? = nil
  ) throws {
    try Self.validate(target: target, columns: columns.count)
    guard rowLimit >= (header ? 2 : 1), rowLimit <= Self.maxRows else {
      throw NDFlatError(.usage, "xlsx row limit must be between \(header ? 2 : 1) and \(Self.maxRows)")
    }
    self.header = header
    self.dateCells = dateCells
    self.rowLimit = rowLimit
    self.defaultColumns = columns
    self.namer = SheetNamer(maxSheets: maxSheets)

    var finalPath: String?
    switch target {
    case .standardOutput:
      name = "<stdout>"
      destination = .copy(fd: 1, closeAfter: false)
    case .memory:
      name = "<memory>"
      destination = .memory
    case .file(let path):
      name = path
      var info = stat()
      if stat(path, &info) == 0 && (info.st_mode & S_IFMT) != S_IFREG {
        if (info.st_mode & S_IFMT) == S_IFDIR { throw NDFlatError(.output, "\(path): is a directory") }
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { throw NDFlatError(.output, "\(path): \(SystemCalls.errorText(errno))") }
        destination = .copy(fd: fd, closeAfter: true)
      } else {
        finalPath = path
        destination = .rename(finalPath: path)
      }
    }
    defaultSheetName = sheetName ?? finalPath.map(Self.stem) ?? "data"

    let temporary: (fd: Int32, path: String)
    do {
      temporary = try TemporaryFiles.create(near: finalPath, prefix: "ndflat")
    } catch {
      if case .copy(let fd, true) = destination { close(fd) }
      throw error
    }
    close(temporary.fd)
    temporaryPath = temporary.path
    if let dir = getenv("TMPDIR"), dir.pointee != 0 { tmpdir = strdup(dir) } else { tmpdir = nil }

    guard let workbook = ndflat_xlsx_workbook_new(temporaryPath, tmpdir, 1),
      let bold = workbook_add_format(workbook), let dateFormat = workbook_add_format(workbook)
    else {
      unlink(temporaryPath)
      TemporaryFiles.forget(temporaryPath)
      if case .copy(let fd, true) = destination { close(fd) }
      free(tmpdir)
      throw NDFlatError(.output, "\(name): cannot start a workbook (out of memory?)")
    }
    self.workbook = workbook
    format_set_bold(bold)
    format_set_num_format(dateFormat, Self.dateFormatCode)
    self.bold = bold
    self.dateFormat = dateFormat
    text = XLSXText()
  }

  deinit {
    if !finished { discard() }
    text.release()
    free(tmpdir)
  }

  /// What ``init`` refuses before creating anything: a workbook on a terminal,
  /// and more columns than a worksheet holds. Callers may check this before
  /// reading any input.
  static func validate(target: OutputTarget, columns: Int? = nil) throws {
    if case .standardOutput = target, isatty(1) != 0 {
      throw NDFlatError(.usage, "refusing to write a workbook to a terminal; use -o FILE.xlsx or redirect")
    }
    if let columns { try checkColumns(columns) }
  }

  static func checkColumns(_ count: Int) throws {
    guard count <= maxColumns else {
      throw NDFlatError(
        .limit,
        "\(count) columns: an xlsx worksheet holds at most \(maxColumns); "
          + "pick columns with -f/--fields or use --format csv")
    }
  }

  /// `dir/name.xlsx` → `name`.
  private static func stem(_ path: String) -> String {
    var base = Substring(path)
    if let slash = base.lastIndex(of: "/") { base = base[base.index(after: slash)...] }
    if let dot = base.lastIndex(of: "."), dot != base.startIndex { base = base[..<dot] }
    return base.isEmpty ? "data" : String(base)
  }

  // MARK: Sheets

  /// Opens another worksheet (for `--split-by`): named after `value` (untrusted;
  /// see ``SheetNamer``) with its own header `columns`. Returns the handle for
  /// ``write(_:sheet:)``. The sheet is created when its first rows are flushed.
  func sheet(named value: [UInt8], columns: [[UInt8]]) throws -> Int {
    try Self.checkColumns(columns.count)
    let name = try namer.name(for: value)
    groups.append(Group(name: name, columns: columns))
    return groups.count - 1
  }

  /// The names of the worksheets created so far, in order.
  private(set) var sheetNames: [String] = []

  private func defaultSheet() throws -> Int {
    if let defaultGroup { return defaultGroup }
    let index = try sheet(named: Array(defaultSheetName.utf8), columns: defaultColumns)
    defaultGroup = index
    return index
  }

  // MARK: Writing

  /// Encoded rows for the default sheet.
  func write(_ bytes: UnsafeRawBufferPointer) throws {
    try write(bytes, sheet: try defaultSheet())
  }

  /// Encoded rows for the sheet `sheet` (from ``sheet(named:columns:)``).
  func write(_ bytes: UnsafeRawBufferPointer, sheet: Int) throws {
    precondition(!finished, "write after commit or discard")
    let group = groups[sheet]
    try XLSXCellEncoding.forEachRow(in: bytes, columns: group.columns.count) { cells in
      if group.sampling {
        sample(group, cells)
        if group.pendingRows >= Self.sampleRows || group.pending.count >= Self.sampleBytes {
          try flushSample(group)
        }
      } else {
        try writeRow(group, cells)
      }
    }
  }

  /// Measures a held-back row and keeps a copy of its encoding.
  private func sample(_ group: Group, _ cells: [XLSXCellEncoding.Cell]) {
    group.pending.append(XLSXCellEncoding.rowMarker)
    for (column, cell) in cells.enumerated() {
      group.pending.append(cell.kind.rawValue)
      guard cell.kind.hasText else {
        if cell.kind != .empty { group.widths[column] = max(group.widths[column], 6) }
        continue
      }
      var length = UInt32(truncatingIfNeeded: cell.text.count).littleEndian
      withUnsafeBytes(of: &length) { group.pending.append(contentsOf: $0) }
      group.pending.append(contentsOf: cell.text)
      var width = XLSXText.displayLength(cell.text, cap: 80)
      if dateCells && cell.kind == .string, let stamp = Timestamp.parse(cell.text),
        Self.excelSerial(stamp) != nil
      {
        group.dateColumn[column] = true
        width = 23
      }
      group.widths[column] = max(group.widths[column], width + 1)
    }
    group.pendingRows += 1
  }

  /// Writes the header of the group's first sheet and the rows held back.
  private func flushSample(_ group: Group) throws {
    group.sampling = false
    try openWorksheet(group)
    let pending = group.pending
    group.pending = []
    let rows = group.pendingRows
    group.pendingRows = 0
    guard rows > 0 else { return }
    try pending.withUnsafeBytes { bytes in
      try XLSXCellEncoding.forEachRow(in: bytes, columns: group.columns.count) { cells in
        try writeRow(group, cells)
      }
    }
  }

  private func openWorksheet(_ group: Group) throws {
    guard let workbook else { return }
    Self.reserveDescriptor(count: worksheets.count + 1)
    let sheetName =
      group.part == 1 ? group.name : try namer.continuation(of: group.name, part: group.part)
    guard let worksheet = workbook_add_worksheet(workbook, sheetName) else {
      throw NDFlatError(
        .output, "\(name): cannot add worksheet \"\(sheetName)\" (temporary file in \(tmpdirName)?)")
    }
    worksheets.append(worksheet)
    sheetNames.append(sheetName)
    enlargeSpoolBuffer(worksheet)
    group.worksheet = worksheet
    group.nextRow = 0
    guard header else { return }
    for (column, headerName) in group.columns.enumerated() {
      var bytes = headerName
      if group.dateColumn[column] { bytes.append(contentsOf: Self.utcSuffix.utf8) }
      try bytes.withUnsafeBytes { try writeText(worksheet, 0, column, $0, format: bold) }
    }
    worksheet_freeze_panes(worksheet, 1, 0)
    group.nextRow = 1
  }

  /// The worksheet's spool file would otherwise write and read back through a
  /// 4 KiB stdio buffer: one system call per 4 KiB, which dominates on slow or
  /// sandboxed file systems. The first sheets get 1 MiB, later ones 128 KiB, and
  /// sheets past 64 keep the default, so the buffers stay under 16 MiB in all.
  /// (setvbuf is allowed here: nothing has been written to the stream yet.)
  private func enlargeSpoolBuffer(_ worksheet: UnsafeMutablePointer<lxw_worksheet>) {
    guard let spool = worksheet.pointee.optimize_tmpfile else { return }
    let size = worksheets.count <= 8 ? 1 << 20 : worksheets.count <= 64 ? 128 << 10 : 0
    guard size > 0 else { return }
    let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: size)
    if setvbuf(spool, buffer, _IOFBF, size) == 0 {
      spoolBuffers.append(buffer)
    } else {
      buffer.deallocate()
    }
  }

  /// Each constant-memory worksheet holds its spool file open until the end: with
  /// many sheets (the cap is 1,000) a soft limit of 1,024 descriptors would run
  /// out, so the soft limit is raised toward the hard one when needed.
  private static func reserveDescriptor(count: Int) {
    var limit = rlimit()
    guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return }
    let wanted = rlim_t(count + 256)
    guard limit.rlim_cur < wanted, limit.rlim_cur < limit.rlim_max else { return }
    limit.rlim_cur = min(max(wanted, limit.rlim_cur * 2), limit.rlim_max)
    _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
  }

  /// Frees the spool buffers once their streams are closed.
  private func releaseSpoolBuffers() {
    for buffer in spoolBuffers { buffer.deallocate() }
    spoolBuffers.removeAll()
  }

  private var tmpdirName: String { tmpdir.map { String(cString: $0) } ?? "/tmp" }

  /// Widths and autofilter for the group's current worksheet.
  private func finishWorksheet(_ group: Group) throws {
    guard let worksheet = group.worksheet else { return }
    for column in group.columns.indices {
      let width = Double(min(max(group.widths[column], 8), 60))
      try check(worksheet_set_column(worksheet, lxw_col_t(column), lxw_col_t(column), width, nil))
    }
    if header && !group.columns.isEmpty {
      try check(
        worksheet_autofilter(
          worksheet, 0, 0, lxw_row_t(max(group.nextRow - 1, 0)), lxw_col_t(group.columns.count - 1)))
    }
    // Report a failed write to the worksheet's spool file now rather than as a
    // silently short sheet.
    if let spool = worksheet.pointee.optimize_tmpfile, fflush(spool) != 0 || ferror(spool) != 0 {
      throw NDFlatError(.output, "\(name): cannot write temporary worksheet data in \(tmpdirName)")
    }
  }

  private func rollover(_ group: Group) throws {
    try finishWorksheet(group)
    group.part += 1
    try openWorksheet(group)
  }

  private func writeRow(_ group: Group, _ cells: [XLSXCellEncoding.Cell]) throws {
    if group.nextRow >= rowLimit { try rollover(group) }
    guard let worksheet = group.worksheet else { return }
    let row = lxw_row_t(group.nextRow)
    var estimate = 32
    for (column, cell) in cells.enumerated() {
      let col = lxw_col_t(column)
      switch cell.kind {
      case .empty:
        continue
      case .trueValue:
        try check(worksheet_write_boolean(worksheet, row, col, 1, nil))
      case .falseValue:
        try check(worksheet_write_boolean(worksheet, row, col, 0, nil))
      case .number:
        if let value = NumberCells.value(cell.text) {
          try check(worksheet_write_number(worksheet, row, col, value, nil))
        } else {
          try writeText(worksheet, group.nextRow, column, cell.text, format: nil)
        }
      case .string:
        if dateCells, let stamp = Timestamp.parse(cell.text), let serial = Self.excelSerial(stamp) {
          try check(worksheet_write_number(worksheet, row, col, serial, dateFormat))
        } else {
          try writeText(worksheet, group.nextRow, column, cell.text, format: nil)
        }
      case .json:
        try writeText(worksheet, group.nextRow, column, cell.text, format: nil)
      }
      estimate &+= 48 &+ cell.text.count &+ cell.text.count >> 2
    }
    group.nextRow += 1
    estimatedBytes &+= estimate
  }

  private func writeText(
    _ worksheet: UnsafeMutablePointer<lxw_worksheet>, _ row: Int, _ column: Int,
    _ bytes: UnsafeRawBufferPointer, format: UnsafeMutablePointer<lxw_format>?
  ) throws {
    if text.prepare(bytes) { truncatedCells += 1 }
    let cString = UnsafeRawPointer(text.buffer).assumingMemoryBound(to: CChar.self)
    try check(worksheet_write_string(worksheet, lxw_row_t(row), lxw_col_t(column), cString, format))
  }

  @inline(__always)
  private func check(_ status: lxw_error) throws {
    guard status != LXW_NO_ERROR else { return }
    throw NDFlatError(.output, "\(name): \(String(cString: lxw_strerror(status)))")
  }

  /// Excel's serial date (days since 1899-12-30, 1900 date system) for `stamp`
  /// in UTC; nil before 1900-03-01, where Excel's calendar has the phantom
  /// 1900-02-29 and serials no longer match real dates.
  static func excelSerial(_ stamp: Timestamp) -> Double? {
    let seconds = stamp.epochSeconds
    let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
    let secondOfDay = seconds - days * 86_400
    let serialDay = days + 25_569
    guard serialDay >= 61 else { return nil }
    return Double(serialDay) + (Double(secondOfDay) + Double(stamp.nanoseconds) / 1e9) / 86_400
  }

  // MARK: Finishing

  /// Writes the workbook and puts it in place.
  func commit() throws {
    guard !finished, let workbook else { return }
    do {
      if groups.isEmpty { _ = try defaultSheet() }
      for group in groups {
        if group.sampling { try flushSample(group) }
        try finishWorksheet(group)
      }
    } catch {
      discard()
      throw error
    }
    ndflat_xlsx_set_zip64(workbook, estimatedBytes > Self.zip64Threshold ? 1 : 0)
    let status = workbook_close(workbook)  // frees the workbook, even on failure
    self.workbook = nil
    // A successful close has closed every spool file. After a failure one may
    // still be open: its buffer is left allocated rather than freed under it.
    if status == LXW_NO_ERROR { releaseSpoolBuffers() } else { spoolBuffers.removeAll() }
    finished = true
    do {
      guard status == LXW_NO_ERROR else {
        throw NDFlatError(.output, "\(name): cannot write the workbook: \(String(cString: lxw_strerror(status)))")
      }
      try place()
    } catch {
      unlink(temporaryPath)
      TemporaryFiles.forget(temporaryPath)
      if case .copy(let fd, true) = destination { close(fd) }
      throw error
    }
  }

  private func place() throws {
    switch destination {
    case .rename(let finalPath):
      let mask = umask(0)
      umask(mask)
      chmod(temporaryPath, 0o666 & ~mask)
      guard rename(temporaryPath, finalPath) == 0 else {
        throw NDFlatError(.output, "\(name): cannot rename into place: \(SystemCalls.errorText(errno))")
      }
      TemporaryFiles.forget(temporaryPath)
    case .copy(let fd, let closeAfter):
      try copyTemporary { try SystemCalls.writeAll(fd, $0, name: name) }
      unlink(temporaryPath)
      TemporaryFiles.forget(temporaryPath)
      if closeAfter && close(fd) != 0 {
        throw NDFlatError(.output, "\(name): \(SystemCalls.errorText(errno))")
      }
    case .memory:
      var bytes: [UInt8] = []
      try copyTemporary { bytes.append(contentsOf: $0) }
      collected = bytes
      unlink(temporaryPath)
      TemporaryFiles.forget(temporaryPath)
    }
  }

  private func copyTemporary(_ body: (UnsafeRawBufferPointer) throws -> Void) throws {
    let fd = try SystemCalls.openForReading(temporaryPath)
    defer { close(fd) }
    let size = 1 << 20
    let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
    defer { buffer.deallocate() }
    while true {
      let n = try SystemCalls.read(fd, buffer, size, name: temporaryPath)
      if n == 0 { break }
      try body(UnsafeRawBufferPointer(start: buffer, count: n))
    }
  }

  /// Abandons the workbook: nothing is left under the final name.
  func discard() {
    guard !finished else { return }
    finished = true
    if let workbook {
      // Close the worksheets' spool files ourselves: freeing a workbook that was
      // never closed need not close them.
      for worksheet in worksheets {
        if let spool = worksheet.pointee.optimize_tmpfile {
          fclose(spool)
          worksheet.pointee.optimize_tmpfile = nil
        }
      }
      lxw_workbook_free(workbook)
      self.workbook = nil
      releaseSpoolBuffers()
    }
    unlink(temporaryPath)
    TemporaryFiles.forget(temporaryPath)
    if case .copy(let fd, true) = destination { close(fd) }
  }
}
