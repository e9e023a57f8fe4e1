// Conversion of UTC timestamps to local wall time in IANA time zones.

import Foundation

/// Formats UTC ``Timestamp``s as wall-clock time in an IANA time zone
/// (`America/Denver`, `Asia/Kolkata`, …), using Foundation's time-zone database
/// for the UTC offset in effect at each instant (so DST changes are honoured).
///
/// Zones are looked up with `TimeZone(identifier:)` once per distinct name and
/// cached (unknown names are cached too). The most recent name is remembered as
/// raw bytes, so repeated calls with the same zone name compare bytes and build
/// no `String`.
///
/// Not thread-safe: create one converter per worker.
///
/// Output by format:
/// - ``TimeFormat/iso``: `2024-07-30T13:04:35.872-06:00` — local wall time
///   with the zone's offset at that instant (`+00:00` for a zero offset). For
///   historical offsets that are not whole minutes (e.g. local mean time
///   before 1883) the offset is written `±HH:MM:SS`.
/// - ``TimeFormat/excel``: `2024-07-30 13:04:35.872` — local wall time, no offset.
/// - ``TimeFormat/epochMs``: identical to `.excel`. An epoch count is the same
///   number in every zone, so a "local epoch" would just duplicate the UTC
///   column; the local column instead shows the wall time in the
///   spreadsheet-friendly form.
///
/// In every format the fraction is printed with the timestamp's
/// `fractionDigits`, exactly as in the UTC output.
public final class LocalTimeConverter {
  /// Result of a zone lookup; `zone == nil` records an unknown name.
  private struct CachedZone {
    let zone: TimeZone?
  }

  /// Upper bound on cached names, so a stream of junk names cannot grow the
  /// cache without limit. Real data uses a handful of zones.
  private static let maxCachedZones = 512

  private var zones: [String: CachedZone] = [:]
  private var lastName: [UInt8] = []
  private var lastZone: CachedZone?

  /// Creates a converter with an empty zone cache.
  public init() {}

  /// Writes `ts` as local time in the zone named by the UTF-8 bytes
  /// `zoneName` to `buffer` (which must hold at least
  /// ``Timestamp/maxFormattedLength`` bytes) and returns the number of bytes
  /// written.
  ///
  /// Returns nil if the zone is unknown, or if the local wall time would fall
  /// outside years 0000–9999 (possible only within a day of 9999-12-31).
  public func format(
    _ ts: Timestamp,
    zoneName: UnsafeRawBufferPointer,
    format: TimeFormat,
    to buffer: UnsafeMutablePointer<UInt8>
  ) -> Int? {
    guard let zone = zone(named: zoneName) else { return nil }
    return ts.writeLocal(offsetSeconds: offset(of: zone, at: ts), format: format, to: buffer)
  }

  /// `String` convenience for ``format(_:zoneName:format:to:)``, for tests
  /// and non-hot-path callers. Returns nil for an unknown zone.
  public func formatted(_ ts: Timestamp, zoneName: String, format: TimeFormat) -> String? {
    var name = zoneName
    return name.withUTF8 { nameBytes in
      withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Timestamp.maxFormattedLength) { tmp in
        guard let base = tmp.baseAddress,
          let n = self.format(
            ts, zoneName: UnsafeRawBufferPointer(nameBytes), format: format, to: base)
        else { return nil }
        return String(decoding: UnsafeBufferPointer(start: base, count: n), as: UTF8.self)
      }
    }
  }

  /// The UTC offset, in seconds east of UTC, of the named zone at `ts`, or
  /// nil if the zone is unknown.
  public func secondsFromGMT(_ ts: Timestamp, zoneName: UnsafeRawBufferPointer) -> Int? {
    guard let zone = zone(named: zoneName) else { return nil }
    return Int(offset(of: zone, at: ts))
  }

  // MARK: - Zone cache

  /// Looks up a zone by its UTF-8 name, hitting the last-name fast path when
  /// possible.
  func zone(named name: UnsafeRawBufferPointer) -> TimeZone? {
    if let last = lastZone, sameAsLastName(name) { return last.zone }
    let cached = lookUp(String(decoding: name, as: UTF8.self))
    lastName.removeAll(keepingCapacity: true)
    lastName.append(contentsOf: name)
    lastZone = cached
    return cached.zone
  }

  /// Whether `name` is byte-for-byte the most recently used zone name.
  @inline(__always)
  private func sameAsLastName(_ name: UnsafeRawBufferPointer) -> Bool {
    guard name.count == lastName.count else { return false }
    guard let a = name.baseAddress else { return true }  // both empty
    return lastName.withUnsafeBytes { last in
      guard let b = last.baseAddress else { return false }
      return memcmp(a, b, name.count) == 0
    }
  }

  /// Dictionary-cached `TimeZone(identifier:)`.
  private func lookUp(_ name: String) -> CachedZone {
    if let hit = zones[name] { return hit }
    let entry = CachedZone(zone: name.isEmpty ? nil : TimeZone(identifier: name))
    if zones.count >= LocalTimeConverter.maxCachedZones {
      zones.removeAll(keepingCapacity: true)
    }
    zones[name] = entry
    return entry
  }

  /// Seconds east of UTC in effect in `zone` at the instant `ts`.
  ///
  /// Foundation's API takes a `Date` (a `Double`); whole seconds in the
  /// supported range (|t| < 2^53) convert exactly, and offsets never change
  /// mid-second, so the nanoseconds are irrelevant here.
  @inline(__always)
  private func offset(of zone: TimeZone, at ts: Timestamp) -> Int64 {
    Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(ts.epochSeconds))))
  }
}

// MARK: - Local formatting

extension Timestamp {
  /// Largest local wall-clock second that can be printed: 9999-12-31T23:59:59.
  private static let maxLocalSeconds: Int64 = 253_402_300_799
  /// Smallest local wall-clock second that can be printed: 0000-01-01T00:00:00.
  private static let minLocalSeconds: Int64 = -62_167_219_200

  /// Writes this instant as wall time at `offsetSeconds` east of UTC (see
  /// ``LocalTimeConverter`` for the per-format layout). Returns nil if the
  /// local year is outside 0000–9999.
  func writeLocal(
    offsetSeconds: Int64, format: TimeFormat, to p: UnsafeMutablePointer<UInt8>
  ) -> Int? {
    let local = epochSeconds + offsetSeconds
    guard local >= Timestamp.minLocalSeconds, local <= Timestamp.maxLocalSeconds else {
      return nil
    }
    switch format {
    case .iso:
      let n = writeWallTime(localSeconds: local, separator: UInt8(ascii: "T"), to: p)
      return n + Timestamp.writeOffset(offsetSeconds, to: p + n)
    case .excel, .epochMs:
      return writeWallTime(localSeconds: local, separator: UInt8(ascii: " "), to: p)
    }
  }

  /// Writes `±HH:MM` (or `±HH:MM:SS` when the offset has a seconds part) and
  /// returns the number of bytes written.
  @inline(__always)
  private static func writeOffset(_ offset: Int64, to p: UnsafeMutablePointer<UInt8>) -> Int {
    let magnitude = UInt32(truncatingIfNeeded: offset.magnitude)  // < 24 h
    p[0] = offset < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+")
    TimeMath.write2(magnitude / 3600, to: p + 1)
    p[3] = UInt8(ascii: ":")
    TimeMath.write2(magnitude / 60 % 60, to: p + 4)
    let seconds = magnitude % 60
    guard seconds != 0 else { return 6 }
    p[6] = UInt8(ascii: ":")
    TimeMath.write2(seconds, to: p + 7)
    return 9
  }
}
