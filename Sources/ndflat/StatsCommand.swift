import NDFlat

/// `ndflat stats [options] [FILE…]`: the quick look before converting. Per event
/// type: how many records, the first and last event time (UTC); then records per
/// day as a histogram of bar characters.
enum StatsCommand {
  static let options: [OptionSpec] = [
    OptionSpec(
      "by", value: "PATH",
      "the event type: default metadata.event_name (Canvas), or data.0.type when no record has it (Caliper)"),
    OptionSpec(
      "time", value: "PATH",
      "the event time: default metadata.event_time (Canvas), or data.0.eventTime with data.0.type (Caliper)"),
    OptionSpec(
      "per", value: "UNIT",
      "histogram buckets: day, week, month or year (default: day, coarser when the days would not fit on a screen)"),
    OptionSpec("top", value: "N", "list the N most frequent event types only (default: all)"),
    OptionSpec("progress", "draw the progress bar on stderr even when it is not a terminal"),
    OptionSpec("no-progress", "no progress bar (default: a bar when stderr is a terminal)"),
    OptionSpec("help", short: "h", "show this help"),
  ]

  static let help = """
    Usage: ndflat stats [options] [FILE…]

    A quick look at an export before converting it: per event type, the number of
    records and the first and last event time (UTC), with a small per-day chart
    when it fits; then the records per day (UTC) as a histogram. Reads the files
    in order, or standard input when there is none or FILE is '-'; gzip is
    recognised by its content. Days without events are shown as zero, a long run
    of them as one line; long spans are counted by week, month or year instead.

    Records with no event type are counted under (missing). A time that is absent
    or is not an RFC 3339 timestamp is counted apart. Rejected records (invalid
    JSON, not an object) are reported as convert reports them, and make the exit
    status 3.

    Options:
    \(Help.options(options))

    Canvas Live Events ({"metadata":{"event_name":…,"event_time":…},"body":…}):
      ndflat stats canvas-export.ndjson.gz
      ndflat stats --by body.asset_type --per week canvas-export.ndjson

    IMS Caliper envelopes ({"sensor":…,"data":[{"type":…,"eventTime":…},…]}):
      ndflat stats caliper.ndjson        # the first event of each envelope, data.0
      ndflat stats --by data.0.action --time data.0.eventTime caliper.ndjson

    Exit status: 0 all good, 3 some records were rejected, 2 usage error, 1 fatal error.
    """

  static func run(_ arguments: [String]) throws -> Int32 {
    let parsed = try OptionParser(specs: options).parse(arguments)
    if parsed.has("help") {
      Terminal.output(help + "\n")
      return 0
    }
    var unit: Histogram.Unit?
    if let per = parsed.value("per") {
      guard let value = Histogram.Unit(rawValue: per) else {
        throw UsageError("unknown --per '\(per)'; expected day, week, month or year")
      }
      unit = value
    }
    var top = Int.max
    if let text = parsed.value("top") {
      guard let value = Int(text), value >= 1 else {
        throw UsageError("--top expects a whole number from 1, got '\(text)'")
      }
      top = value
    }
    for name in ["by", "time"] where parsed.value(name)?.isEmpty == true {
      throw UsageError("--\(name) needs a path such as metadata.event_name")
    }
    let automatic = !parsed.has("by") && !parsed.has("time")
    let byPath = parsed.value("by") ?? "metadata.event_name"
    let timePath = parsed.value("time") ?? "metadata.event_time"
    var fields = [FieldSpec(name: "by", path: byPath), FieldSpec(name: "time", path: timePath)]
    if automatic {
      fields += [FieldSpec(name: "caliper-by", path: "data.0.type"), FieldSpec(name: "caliper-time", path: "data.0.eventTime")]
    }
    var settings = ConvertOptions()
    settings.fields = fields
    let converter = try Converter(options: settings)
    let progress = ProgressDisplay.make(parsed, label: "reading", rowsOnStdout: false)
    defer { progress?.finish() }
    converter.onProgress = progress?.callback
    let reporter = RejectionReporter(progress: progress)
    converter.onRejection = { reporter.report($0) }

    var primary = Tally()
    var caliper = Tally()
    let inputs = parsed.operands.map(InputSource.init(argument:))
    let report = try converter.forEachRow(inputs) { row in
      var values: [FlatValue?] = [nil, nil, nil, nil]
      for field in row.fields {
        switch field.name {
        case "by": values[0] = field.value
        case "time": values[1] = field.value
        case "caliper-by": values[2] = field.value
        case "caliper-time": values[3] = field.value
        default: break
        }
      }
      primary.add(type: values[0], time: values[1])
      if automatic { caliper.add(type: values[2], time: values[3]) }
    }
    progress?.finish()
    reporter.finish()

    var tally = primary
    var paths = (by: byPath, time: timePath)
    if automatic && primary.types.keys.allSatisfy({ $0 == Tally.missing }) && caliper.types.keys.contains(where: { $0 != Tally.missing }) {
      tally = caliper
      paths = ("data.0.type", "data.0.eventTime")
    }
    let names = parsed.operands.isEmpty ? ["-"] : parsed.operands
    let text = StatsReport(
      tally: tally, paths: paths, inputs: names, rejected: report.counters.recordsRejected,
      width: Terminal.stdoutWidth, unit: unit, top: top
    ).render()
    Terminal.output(text)
    return report.counters.recordsRejected > 0 ? 3 : 0
  }
}

/// Counts per event type and per day.
struct Tally {
  static let missing = "(missing)"

  struct TypeCounts {
    var count = 0
    var first: Timestamp?
    var last: Timestamp?
    var days: [Int64: Int] = [:]
  }

  var records = 0
  var types: [String: TypeCounts] = [:]
  var days: [Int64: Int] = [:]
  var first: Timestamp?
  var last: Timestamp?
  /// Records whose time is absent or null.
  var withoutTime = 0
  /// Records whose time is not a timestamp.
  var badTime = 0

  mutating func add(type: FlatValue?, time: FlatValue?) {
    records += 1
    var name = Tally.missing
    if let type, type.kind != .null { name = type.text.isEmpty ? "(empty)" : type.text }
    var counts = types.removeValue(forKey: name) ?? TypeCounts()
    counts.count += 1
    if let time, time.kind != .null {
      if time.kind == .string, let stamp = Timestamp.parse(time.text) {
        let day = Tally.day(stamp)
        counts.days[day, default: 0] += 1
        days[day, default: 0] += 1
        if counts.first.map({ Tally.less(stamp, $0) }) ?? true { counts.first = stamp }
        if counts.last.map({ Tally.less($0, stamp) }) ?? true { counts.last = stamp }
        if first.map({ Tally.less(stamp, $0) }) ?? true { first = stamp }
        if last.map({ Tally.less($0, stamp) }) ?? true { last = stamp }
      } else {
        badTime += 1
      }
    } else {
      withoutTime += 1
    }
    types[name] = counts
  }

  static func less(_ a: Timestamp, _ b: Timestamp) -> Bool {
    (a.epochSeconds, a.nanoseconds) < (b.epochSeconds, b.nanoseconds)
  }

  /// Days since 1970-01-01 (UTC), rounded down.
  static func day(_ stamp: Timestamp) -> Int64 {
    let seconds = stamp.epochSeconds
    return seconds >= 0 ? seconds / 86_400 : -((-seconds + 86_399) / 86_400)
  }
}

/// Buckets of a histogram over days, with long runs of empty buckets folded.
struct Histogram {
  enum Unit: String, CaseIterable {
    case day, week, month, year
  }

  enum Row {
    case bucket(label: String, key: Int64, count: Int)
    case gap(buckets: Int)
  }

  let unit: Unit
  let rows: [Row]

  /// The most rows an automatically chosen unit may take.
  static let maxRows = 62

  /// The histogram at `unit`, or at the finest unit that fits in `maxRows` rows.
  init(days: [Int64: Int], unit: Unit?) {
    var chosen = unit ?? .day
    var rows = Histogram.rows(days, chosen)
    if unit == nil {
      for candidate in Unit.allCases.dropFirst() where rows.count > Histogram.maxRows {
        chosen = candidate
        rows = Histogram.rows(days, candidate)
      }
    }
    self.unit = chosen
    self.rows = rows
  }

  /// The bucket of a day.
  static func key(_ day: Int64, _ unit: Unit) -> Int64 {
    switch unit {
    case .day: return day
    case .week: return floorDivide(day + 3, 7)  // weeks start on Monday; 1970-01-01 was a Thursday
    case .month:
      let (year, month) = civil(day)
      return year * 12 + month - 1
    case .year: return civil(day).year
    }
  }

  static func label(_ key: Int64, _ unit: Unit) -> String {
    func pad(_ n: Int64, _ width: Int) -> String {
      let text = String(n)
      return String(repeating: "0", count: max(0, width - text.count)) + text
    }
    switch unit {
    case .day: return date(key)
    case .week: return date(key * 7 - 3)
    case .month: return pad(floorDivide(key, 12), 4) + "-" + pad(key - floorDivide(key, 12) * 12 + 1, 2)
    case .year: return pad(key, 4)
    }
  }

  private static func rows(_ days: [Int64: Int], _ unit: Unit) -> [Row] {
    var buckets: [Int64: Int] = [:]
    for (day, count) in days { buckets[key(day, unit), default: 0] += count }
    guard let low = buckets.keys.min(), let high = buckets.keys.max() else { return [] }
    var rows: [Row] = []
    var key = low
    while key <= high {
      if let count = buckets[key] {
        rows.append(.bucket(label: label(key, unit), key: key, count: count))
        key += 1
        continue
      }
      var next = key
      while next <= high && buckets[next] == nil { next += 1 }
      if next - key >= 3 {
        rows.append(.gap(buckets: Int(next - key)))
      } else {
        for empty in key..<next { rows.append(.bucket(label: label(empty, unit), key: empty, count: 0)) }
      }
      key = next
    }
    return rows
  }

  /// `YYYY-MM-DD` of a day number.
  static func date(_ day: Int64) -> String {
    guard let stamp = Timestamp(epochSeconds: day * 86_400) else { return "?" }
    return String(stamp.formatted(.iso).prefix(10))
  }

  static func civil(_ day: Int64) -> (year: Int64, month: Int64) {
    let text = date(day)
    let parts = text.split(separator: "-")
    guard parts.count >= 2, let year = Int64(parts[0]), let month = Int64(parts[1]) else { return (1970, 1) }
    return (year, month)
  }

  static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
    a >= 0 ? a / b : -((-a + b - 1) / b)
  }

  /// A horizontal bar `cells` wide at most, `count / maximum` of it filled, in eighths.
  static func bar(_ count: Int, of maximum: Int, cells: Int) -> String {
    guard maximum > 0, count > 0 else { return "" }
    let eighths = max(1, Int((Double(count) / Double(maximum) * Double(cells * 8)).rounded()))
    var text = String(repeating: "█", count: eighths / 8)
    if eighths % 8 > 0 { text.append(ProgressLine.eighthBlocks[eighths % 8 - 1]) }
    return text
  }

  /// One character per value, its height relative to the largest: ` ▁▂▃▄▅▆▇█`.
  static func sparkline(_ values: [Int]) -> String {
    let levels: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
    let maximum = values.max() ?? 0
    return String(
      values.map { value -> Character in
        guard value > 0, maximum > 0 else { return " " }
        return levels[min(7, max(0, (value * 8 + maximum - 1) / maximum - 1))]
      })
  }
}

/// The text `ndflat stats` prints.
struct StatsReport {
  let tally: Tally
  let paths: (by: String, time: String)
  let inputs: [String]
  let rejected: Int
  let width: Int
  let unit: Histogram.Unit?
  let top: Int

  func render() -> String {
    let grouped = Summary.grouped
    let source = inputs.count == 1 ? (inputs[0] == "-" ? "standard input" : inputs[0]) : "\(inputs.count) inputs"
    var out = "\(Excerpt.display(source).text): \(grouped(tally.records)) record\(tally.records == 1 ? "" : "s")"
    if rejected > 0 { out += " (and \(grouped(rejected)) rejected)" }
    guard tally.records > 0 else { return out + "\n" }
    let typeCount = tally.types.count
    out += ", \(grouped(typeCount)) event type\(typeCount == 1 ? "" : "s") by \(paths.by)\n"
    if let first = tally.first, let last = tally.last {
      out += "times by \(paths.time): \(StatsReport.time(first)) to \(StatsReport.time(last)) UTC\n"
    } else {
      out += "no record has a timestamp at \(paths.time)\n"
    }
    var notes: [String] = []
    if tally.withoutTime > 0 { notes.append("\(grouped(tally.withoutTime)) without \(paths.time)") }
    if tally.badTime > 0 { notes.append("\(grouped(tally.badTime)) whose \(paths.time) is not a timestamp") }
    if !notes.isEmpty { out += "records: " + notes.joined(separator: "; ") + "\n" }
    if paths.by == "metadata.event_name", tally.types.keys.allSatisfy({ $0 == Tally.missing }) {
      out += "no record has metadata.event_name; choose the event type with --by PATH\n"
    }

    let histogram = Histogram(days: tally.days, unit: unit)
    out += "\n" + table(histogram)
    if !histogram.rows.isEmpty { out += "\n" + chart(histogram) }
    return out
  }

  /// `2024-09-02 12:35:55` (UTC, to the second).
  static func time(_ stamp: Timestamp) -> String {
    let iso = stamp.formatted(.iso)
    return String(iso.prefix(10)) + " " + String(iso.dropFirst(11).prefix(8))
  }

  private func table(_ histogram: Histogram) -> String {
    let grouped = Summary.grouped
    let sorted = tally.types.sorted { a, b in
      if (a.key == Tally.missing) != (b.key == Tally.missing) { return b.key == Tally.missing }
      return a.value.count != b.value.count ? a.value.count > b.value.count : a.key < b.key
    }
    let shown = sorted.prefix(top)
    let names = shown.map { Excerpt.display($0.key, maxWidth: 40) }
    let nameWidth = max("event type".count, names.map(\.width).max() ?? 0)
    let counts = shown.map { grouped($0.value.count) }
    let countWidth = max("records".count, counts.map(\.count).max() ?? 0)
    let timeWidth = 19
    let keys: [Int64] = histogram.rows.compactMap {
      if case .bucket(_, let key, _) = $0 { return key }
      return nil
    }
    let lineWidth = nameWidth + 2 + countWidth + 2 + timeWidth + 2 + timeWidth
    let sparkHeader = "per " + histogram.unit.rawValue
    let withSpark =
      keys.count >= 2 && lineWidth + 2 + max(keys.count, sparkHeader.count) <= width - 1
    func pad(_ text: String, _ used: Int, _ to: Int) -> String { text + String(repeating: " ", count: max(0, to - used)) }
    func left(_ text: String, _ to: Int) -> String { pad(text, text.count, to) }
    func right(_ text: String, _ to: Int) -> String { String(repeating: " ", count: max(0, to - text.count)) + text }
    var header = left("event type", nameWidth) + "  " + right("records", countWidth) + "  "
    header += left("first (UTC)", timeWidth) + "  " + left("last (UTC)", timeWidth)
    if withSpark { header += "  " + sparkHeader }
    var out = trimmed(header) + "\n"
    for (index, entry) in shown.enumerated() {
      var line = pad(names[index].text, names[index].width, nameWidth) + "  " + right(counts[index], countWidth) + "  "
      line += left(entry.value.first.map(StatsReport.time) ?? "-", timeWidth) + "  "
      line += left(entry.value.last.map(StatsReport.time) ?? "-", timeWidth)
      if withSpark {
        var perBucket: [Int64: Int] = [:]
        for (day, count) in entry.value.days { perBucket[Histogram.key(day, histogram.unit), default: 0] += count }
        line += "  " + Histogram.sparkline(keys.map { perBucket[$0] ?? 0 })
      }
      out += trimmed(line) + "\n"
    }
    if sorted.count > shown.count {
      let rest = sorted.dropFirst(shown.count)
      let records = rest.reduce(0) { $0 + $1.value.count }
      out += "… \(grouped(rest.count)) more event types, \(grouped(records)) records (--top)\n"
    }
    return out
  }

  private func chart(_ histogram: Histogram) -> String {
    let grouped = Summary.grouped
    let unitName = histogram.unit.rawValue
    var out = "records per \(unitName) (UTC"
    if histogram.unit == .week { out += ", weeks from Monday" }
    out += "):\n"
    var labelWidth = 0
    var countWidth = 1
    var maximum = 0
    for row in histogram.rows {
      if case .bucket(let label, _, let count) = row {
        labelWidth = max(labelWidth, label.count)
        countWidth = max(countWidth, grouped(count).count)
        maximum = max(maximum, count)
      }
    }
    let cells = max(10, min(60, width - 1 - labelWidth - 2 - countWidth - 2))
    for row in histogram.rows {
      switch row {
      case .bucket(let label, _, let count):
        let number = grouped(count)
        let line = label + String(repeating: " ", count: labelWidth - label.count + 2)
          + String(repeating: " ", count: countWidth - number.count) + number + "  "
          + Histogram.bar(count, of: maximum, cells: cells)
        out += trimmed(line) + "\n"
      case .gap(let buckets):
        let mark = String(repeating: " ", count: labelWidth / 2) + "⋮"
        out += mark + String(repeating: " ", count: labelWidth - mark.count + 2)
        out += "(\(grouped(buckets)) \(unitName)s without events)\n"
      }
    }
    return out
  }

  private func trimmed(_ line: String) -> String {
    var text = Substring(line)
    while text.last == " " { text = text.dropLast() }
    return String(text)
  }
}
