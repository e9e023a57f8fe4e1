/// File names and partition directories from untrusted values. Values come from
/// the data, so they are sanitised: nothing may escape the output directory,
/// and two different values never share a file.
enum GroupNaming {
  /// The longest name part kept (longer values are cut and given a hash suffix).
  static let maxNameBytes = 120

  /// A safe file-name stem for a `--split-by` value: `[A-Za-z0-9._-]` kept,
  /// anything else `_`; no leading dot; reserved device names suffixed.
  static func fileStem(_ value: [UInt8]?) -> String {
    guard let value else { return "_missing" }
    guard !value.isEmpty else { return "_empty" }
    var stem = String(decoding: value.map(safeByte), as: UTF8.self)
    if stem.hasPrefix(".") { stem = "_" + stem.dropFirst() }
    if stem.utf8.count > maxNameBytes {
      stem = String(stem.prefix(maxNameBytes - 17)) + "-" + hexHash(value)
    }
    if isReservedDeviceName(stem) {
      // `CON`, `con.txt`: Windows reads the part before the first dot as the device.
      if let dot = stem.firstIndex(of: ".") {
        stem.insert("_", at: dot)
      } else {
        stem += "_"
      }
    }
    return stem
  }

  @inline(__always)
  private static func safeByte(_ byte: UInt8) -> UInt8 {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
      UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
      return byte
    default:
      return UInt8(ascii: "_")
    }
  }

  /// Windows device names (a file named `CON` cannot be opened there).
  static func isReservedDeviceName(_ stem: String) -> Bool {
    let base = stem.split(separator: ".", maxSplits: 1).first.map { $0.uppercased() } ?? ""
    if ["CON", "PRN", "AUX", "NUL"].contains(base) { return true }
    if base.count == 4, base.hasPrefix("COM") || base.hasPrefix("LPT"), let digit = base.last, digit.isNumber,
      digit != "0"
    {
      return true
    }
    return false
  }

  /// A Hive partition value: ASCII outside `[A-Za-z0-9_.-]` percent-encoded (`%`
  /// included, so the encoding is injective and values never collide), UTF-8
  /// bytes above ASCII kept as they are (Spark and Hive read them back raw, and
  /// decode `%XX` byte by byte as Latin-1), `.`/`..` encoded, and
  /// `__HIVE_DEFAULT_PARTITION__` for missing or empty.
  static func partitionValue(_ value: [UInt8]?) -> String {
    guard let value, !value.isEmpty else { return "__HIVE_DEFAULT_PARTITION__" }
    var bytes: [UInt8] = []
    for byte in value {
      switch byte {
      case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"), 0x80...0xFF:
        bytes.append(byte)
      case UInt8(ascii: ".") where value.count > 2:
        bytes.append(byte)
      default:
        bytes.append(contentsOf: ("%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)).utf8)
      }
    }
    var text = String(decoding: bytes, as: UTF8.self)
    if text.utf8.count > maxNameBytes {
      var cut = String(text.utf8.prefix(maxNameBytes - 17)) ?? String(text.prefix(maxNameBytes / 4))
      while cut.utf8.count > maxNameBytes - 17 { cut.removeLast() }
      text = cut + "-" + hexHash(value)
    }
    return text
  }

  /// A partition column's directory label (`event_name`), made safe the same way.
  static func label(_ text: String) -> String {
    let stem = fileStem(Array(text.utf8))
    return stem.replacingEqualsSigns()
  }

  /// 16 hex digits of 64-bit FNV-1a over the bytes (so two cut-short values
  /// share a name only with odds of about 2⁻⁶⁴).
  static func hexHash(_ bytes: [UInt8]) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
    return String(hash, radix: 16).leftPadded(to: 16)
  }
}

/// Gives each distinct value a unique file name: the first value to claim a
/// sanitised stem gets it, later different values get `~2`, `~3`, ….
struct UniqueNames {
  private var taken = Set<String>()
  private var nextSuffix: [String: Int] = [:]
  private var assigned: [[UInt8]: String] = [:]

  /// The name for `key`, made from `stem` (compared ignoring case, for
  /// case-insensitive file systems).
  mutating func name(for key: [UInt8], stem: String) -> String {
    if let existing = assigned[key] { return existing }
    var candidate = stem
    var suffix = nextSuffix[stem.lowercased()] ?? 2
    while taken.contains(candidate.lowercased()) {
      candidate = "\(stem)~\(suffix)"
      suffix += 1
    }
    nextSuffix[stem.lowercased()] = suffix
    taken.insert(candidate.lowercased())
    assigned[key] = candidate
    return candidate
  }
}

extension String {
  fileprivate func leftPadded(to width: Int) -> String {
    count >= width ? self : String(repeating: "0", count: width - count) + self
  }

  fileprivate func replacingEqualsSigns() -> String {
    String(map { $0 == "=" ? "_" : $0 })
  }
}
