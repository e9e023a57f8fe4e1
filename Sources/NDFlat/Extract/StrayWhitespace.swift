import Glibc

/// yajl takes form feed and vertical tab for whitespace between tokens; JSON does
/// not (RFC 8259 allows space, tab, LF and CR only). Neither byte can appear raw
/// inside a valid string either, so any of them makes the record invalid.
enum StrayWhitespace {
  /// The 1-based column of the first form feed or vertical tab, if any.
  @inline(__always)
  static func firstColumn(in bytes: UnsafeRawBufferPointer) -> Int? {
    guard let base = bytes.baseAddress else { return nil }
    var first: Int?
    if let hit = memchr(base, 0x0C, bytes.count) { first = base.distance(to: UnsafeRawPointer(hit)) }
    if let hit = memchr(base, 0x0B, first ?? bytes.count) { first = base.distance(to: UnsafeRawPointer(hit)) }
    return first.map { $0 + 1 }
  }
}
