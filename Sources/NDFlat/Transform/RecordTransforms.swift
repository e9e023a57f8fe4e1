import Glibc

/// The per-record steps between parsing and writing: `--where` filters (with a
/// byte search that rules lines out before parsing), `--local-time` columns and
/// `--utc` timestamp rewriting. One per worker.
final class RecordTransforms {
  private var matchers: [WhereMatcher]
  private var whereLookups: [PathLookup]
  private let localTimes: [LocalTimeSpec]
  private var localLookups: [(time: PathLookup, zone: PathLookup)]
  private let localSlots: [Int32]
  private let utc: Bool
  private let timeFormat: TimeFormat
  private let zones = LocalTimeConverter()
  private let scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: 64)
  /// Literal needles for skip-before-parse: a line must contain one of each group.
  private let prefilter: [[[UInt8]]]

  /// Does any step apply?
  let isActive: Bool
  /// Are there `--where` conditions?
  var hasConditions: Bool { !matchers.isEmpty }

  init(wheres: [WhereCondition], localTimes: [LocalTimeSpec], localSlots: [Int32], utc: Bool, timeFormat: TimeFormat) {
    matchers = wheres.map(WhereMatcher.init)
    whereLookups = matchers.map { PathLookup($0.segments) }
    self.localTimes = localTimes
    localLookups = localTimes.map { (PathLookup($0.segments), PathLookup($0.zoneSegments)) }
    self.localSlots = localSlots
    self.utc = utc
    self.timeFormat = timeFormat
    prefilter = matchers.compactMap(\.requiredBytes)
    isActive = !wheres.isEmpty || !localTimes.isEmpty || utc
  }

  deinit { scratch.deallocate() }

  /// Can the line be ruled out by `--where` without parsing it? True only when it
  /// holds none of a condition's values and no backslash (an escape could spell one).
  @inline(__always)
  func rulesOut(_ line: UnsafeRawBufferPointer) -> Bool {
    guard !prefilter.isEmpty, let base = line.baseAddress else { return false }
    if memchr(base, 0x5C, line.count) != nil { return false }
    for needles in prefilter {
      var found = false
      for needle in needles {
        if needle.withUnsafeBytes({ ByteScan.contains(line, $0) }) {
          found = true
          break
        }
      }
      if !found { return true }
    }
    return false
  }

  /// Do all `--where` conditions hold for the parsed record?
  func keeps(_ x: UnsafeMutablePointer<Extraction>) -> Bool {
    for index in 0..<matchers.count {
      let text = whereLookups[index].value(x)?.text ?? UnsafeRawBufferPointer(start: nil, count: 0)
      if !matchers[index].matches(text) { return false }
    }
    return true
  }

  /// Adds local-time columns and rewrites timestamps; returns the warnings.
  func apply(_ x: UnsafeMutablePointer<Extraction>) -> Int {
    var warnings = 0
    for index in 0..<localTimes.count { warnings += addLocalTime(index, x) }
    if utc { warnings += rewriteTimestamps(x) }
    return warnings
  }

  private func addLocalTime(_ index: Int, _ x: UnsafeMutablePointer<Extraction>) -> Int {
    guard let time = localLookups[index].time.value(x), time.kind == .string else { return 0 }
    guard let stamp = Timestamp.parse(time.text) else { return 1 }
    guard let zone = localLookups[index].zone.value(x), zone.kind == .string,
      let length = zones.format(stamp, zoneName: zone.text, format: timeFormat, to: scratch)
    else { return 1 }
    x.pointee.appendDerived(slot: localSlots[index], kind: .string, scratch, length)
    return 0
  }

  private func rewriteTimestamps(_ x: UnsafeMutablePointer<Extraction>) -> Int {
    var warnings = 0
    for index in 0..<x.pointee.entries.count {
      let entry = x.pointee.entries[index]
      guard entry.kind == .string, entry.node >= 0, entry.length >= 16, entry.length <= 48 else { continue }
      let bytes = x.pointee.bytes(of: entry)
      guard RecordTransforms.looksLikeTimestamp(bytes) else { continue }
      guard let stamp = Timestamp.parse(UnsafeRawBufferPointer(start: bytes, count: entry.length)) else {
        warnings += 1
        continue
      }
      let length = stamp.format(timeFormat, to: scratch)
      x.pointee.replaceValue(at: index, kind: timeFormat == .epochMs ? .number : .string, scratch, length)
    }
    return warnings
  }

  /// `YYYY-MM-DD` then `T`, `t` or a space, then `hh:`: worth a full parse.
  @inline(__always)
  static func looksLikeTimestamp(_ p: UnsafePointer<UInt8>) -> Bool {
    @inline(__always) func digit(_ b: UInt8) -> Bool { b &- 0x30 < 10 }
    return digit(p[0]) && digit(p[1]) && digit(p[2]) && digit(p[3]) && p[4] == 0x2D && digit(p[5])
      && digit(p[6]) && p[7] == 0x2D && digit(p[8]) && digit(p[9])
      && (p[10] == 0x54 || p[10] == 0x74 || p[10] == 0x20) && digit(p[11]) && digit(p[12]) && p[13] == 0x3A
  }
}
