/// Everything that shapes a conversion. The defaults match the CLI's.
public struct ConvertOptions: Sendable {
  /// Output form.
  public var format: OutputFormat = .csv
  /// Exactly these columns in this order; `nil` means all columns (first-seen union).
  public var fields: [FieldSpec]? = nil
  /// How arrays flatten.
  public var arrays: ArrayMode = .json
  /// CSV/TSV text for null and absent values.
  public var nullText: String = ""
  /// Joins key segments into column names.
  public var separator: String = "."
  /// Write the header line (CSV/TSV).
  public var header: Bool = true
  /// A record (line) longer than this is rejected.
  public var maxRecordBytes: Int = 64 << 20
  /// Objects and arrays nested deeper than this are rejected.
  public var maxDepth: Int = 1000
  /// The most columns a run may produce.
  public var maxColumns: Int = 100_000
  /// Worker threads (1 = no extra threads).
  public var threads: Int = 1
  /// Bytes per chunk handed to a worker.
  public var chunkSize: Int = 2 << 20
  /// How records are laid out in each input.
  public var inputForm: InputForm = .auto
  /// Stop (a fatal error) once this many records have been rejected.
  public var maxErrors: Int? = nil
  /// Columns from a schema file (all its event types, or ``schemaEventType``);
  /// fields outside it go, as JSON, into a last column `_extra`.
  public var schema: ExportSchema? = nil
  public var schemaEventType: String? = nil
  /// One output file per group (`--split-by PATH` or `--partition-by LIST`).
  public var grouping: GroupKeySpec? = nil
  /// Hive-style directories (`--partition-by`) rather than one flat file per value (`--split-by`).
  public var partitioned: Bool = false
  /// Drop the `metadata.` / `body.` prefixes of column names where no two collide.
  public var shortNames: Bool = false
  /// One row per element of the array at this path (`data` for Caliper).
  public var explode: String? = nil
  /// Count records per value at this path for the run's report (e.g. `metadata.event_name`).
  public var countBy: String? = nil
  /// Keep only records where every condition holds.
  public var wheres: [WhereCondition] = []
  /// Rewrite every string that is a complete timestamp with an offset into UTC.
  public var utc: Bool = false
  /// How rewritten (and local) timestamps are written.
  public var timeFormat: TimeFormat = .iso
  /// Columns `PATH_local` holding the time at PATH in the zone named at TZPATH.
  public var localTimes: [LocalTimeSpec] = []
  /// Column names (globs allowed) to leave out.
  public var excludes: [String] = []
  /// Spreadsheet-safe CSV: BOM, CRLF, formulas neutralised, long digit strings kept as text.
  public var excel: Bool = false

  public init() {}
}
