/// The one-line progress bar drawn on a terminal, as a pure function of a
/// ``RunProgress`` snapshot, the seconds since the phase began and the terminal width.
///
///     writing  [██████████▍         ]  52%  1.02 GB/1.95 GB  812k rec/s  210 MB/s  ETA 0:05
///     writing  1.02 GB read  812k rec/s  210 MB/s              (standard input, gzip)
///
/// The line never reaches the last column (so the terminal does not wrap it).
/// When it does not fit, pieces are left out in this order: MB/s, records/s, the
/// bytes, the bar, the ETA, the percentage; the phase name is always kept (and
/// cut short on a very narrow terminal).
public enum ProgressLine {
  /// The name shown for each phase.
  public static func label(_ phase: RunProgress.Phase) -> String {
    switch phase {
    case .discovering: return "scanning columns"
    case .writing: return "writing"
    }
  }

  /// - Parameter label: shown instead of the phase's name (e.g. `reading` for `ndflat stats`).
  public static func render(_ snapshot: RunProgress, elapsed: Double, width: Int, label: String? = nil) -> String {
    let room = max(1, width - 1)
    let label = label ?? ProgressLine.label(snapshot.phase)
    let seconds = elapsed > 0 ? elapsed : 0
    let bytesPerSecond = seconds > 0 ? Double(snapshot.bytesRead) / seconds : 0
    let recordsPerSecond = seconds > 0 ? Double(snapshot.records) / seconds : 0
    let rateText = compact(recordsPerSecond) + " rec/s"
    let speedText = decimalUnits(bytesPerSecond, suffix: "B/s")

    // The pieces, in display order, each with its priority (lower is dropped first),
    // right-aligned to a fixed width so that the line does not jitter as numbers change.
    var pieces: [(text: String, priority: Int)] = []
    func add(_ text: String, _ priority: Int, width: Int) {
      pieces.append((String(repeating: " ", count: max(0, width - text.count)) + text, priority))
    }
    let numberWidth = 7  // "8.39 MB", "81.2 MB"
    var fraction: Double?
    if let total = snapshot.totalBytes, !snapshot.isStreamed {
      let done = total > 0 ? min(1, Double(snapshot.bytesRead) / Double(total)) : 1
      fraction = done
      let percent = Int((done * 100).rounded(.down))
      add("\(percent)%", 6, width: 4)
      let totalText = bytes(total)
      add(bytes(snapshot.bytesRead) + "/" + totalText, 3, width: numberWidth + 1 + totalText.count)
      add(rateText, 2, width: 11)
      add(speedText, 1, width: 9)
      let remaining = max(0, total - snapshot.bytesRead)
      if remaining == 0 {
        add("ETA 0:00", 5, width: 9)
      } else if bytesPerSecond > 0, seconds >= 0.2 {
        add("ETA " + clock(Double(remaining) / bytesPerSecond), 5, width: 9)
      } else {
        add("ETA --:--", 5, width: 9)
      }
    } else {
      add(bytes(snapshot.bytesRead) + " read", 3, width: numberWidth + 5)
      add(rateText, 2, width: 11)
      add(speedText, 1, width: 9)
    }

    // The bar (priority 4) sits between the label and the other pieces and takes
    // what is left, between `minimumBar` and `maximumBar` cells.
    let minimumBar = 10
    let maximumBar = 30
    let gap = 2
    var keepBar = fraction != nil
    func used() -> Int {
      label.count + pieces.reduce(0) { $0 + gap + $1.text.count } + (keepBar ? gap + minimumBar + 2 : 0)
    }
    while used() > room {
      let lowest = pieces.map(\.priority).min() ?? Int.max
      if keepBar && 4 < lowest {
        keepBar = false
      } else if let index = pieces.firstIndex(where: { $0.priority == lowest }) {
        pieces.remove(at: index)
      } else {
        break
      }
    }
    var line = label
    if keepBar, let fraction {
      let cells = min(maximumBar, minimumBar + (room - used()))
      line += String(repeating: " ", count: gap) + "[" + bar(fraction, cells: cells) + "]"
    }
    for piece in pieces { line += String(repeating: " ", count: gap) + piece.text }
    if line.count > room { line = String(line.prefix(room)) }
    return line
  }

  /// A bar `cells` wide filled to `fraction` with eighth blocks: `█████▍    `.
  public static func bar(_ fraction: Double, cells: Int) -> String {
    guard cells > 0 else { return "" }
    let clamped = fraction.isNaN ? 0 : min(1, max(0, fraction))
    let eighths = Int((clamped * Double(cells * 8)).rounded(.down))
    let full = eighths / 8
    let partial = eighths % 8
    var text = String(repeating: "█", count: full)
    if partial > 0 { text.append(eighthBlocks[partial - 1]) }
    let drawn = full + (partial > 0 ? 1 : 0)
    text += String(repeating: " ", count: cells - drawn)
    return text
  }

  /// `▏▎▍▌▋▊▉`: one to seven eighths of a cell.
  public static let eighthBlocks: [Character] = ["▏", "▎", "▍", "▌", "▋", "▊", "▉"]

  // MARK: Number formatting (shared with the CLI's summary and stats)

  /// A byte count in decimal units with three significant digits: `512 B`, `8.12 kB`, `81.2 MB`, `1.95 GB`.
  public static func bytes(_ count: Int) -> String {
    decimalUnits(Double(count), suffix: "B")
  }

  /// `value` scaled into k, M, G, T, P with three significant digits, then `suffix`
  /// (`"B"` → `81.2 MB`; `"B/s"` → `210 MB/s`). Below 1000 it is shown whole.
  public static func decimalUnits(_ value: Double, suffix: String) -> String {
    let prefixes = ["", "k", "M", "G", "T", "P", "E"]
    var scaled = value.isFinite ? max(0, value) : 0
    var index = 0
    if scaled.rounded() < 1000 { return "\(Int(scaled.rounded())) " + suffix }
    while index < prefixes.count - 1 {
      scaled /= 1000
      index += 1
      if significant(scaled).value < 1000 { break }
    }
    return significant(scaled).text + " " + prefixes[index] + suffix
  }

  /// A count in compact form: `950`, `8.12k`, `812k`, `1.21M`, `3.40G`.
  public static func compact(_ value: Double) -> String {
    var scaled = value.isFinite ? max(0, value) : 0
    if scaled.rounded() < 1000 { return String(Int(scaled.rounded())) }
    let prefixes = ["", "k", "M", "G", "T", "P", "E"]
    var index = 0
    while index < prefixes.count - 1 {
      scaled /= 1000
      index += 1
      if significant(scaled).value < 1000 { break }
    }
    return significant(scaled).text + prefixes[index]
  }

  /// `value` (at least 1) rounded to three significant digits: its text and its rounded value.
  static func significant(_ value: Double) -> (text: String, value: Double) {
    for digits in [2, 1, 0] {
      let limit = digits == 2 ? 10.0 : (digits == 1 ? 100.0 : .infinity)
      let text = fixed(value, digits: digits)
      let rounded = Double(text) ?? value
      if rounded < limit { return (text, rounded) }
    }
    return (fixed(value, digits: 0), value.rounded())
  }

  /// `value` with exactly `digits` decimals (no locale, no Foundation).
  public static func fixed(_ value: Double, digits: Int) -> String {
    guard value.isFinite else { return "0" }
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let negative = value < 0
    let units = Int((abs(value) * scale).rounded())
    let whole = units / Int(scale)
    var text = (negative && units != 0 ? "-" : "") + String(whole)
    if digits > 0 {
      let fraction = String(units % Int(scale))
      text += "." + String(repeating: "0", count: digits - fraction.count) + fraction
    }
    return text
  }

  /// A duration as a clock: `0:05`, `12:34`, `1:02:03`.
  public static func clock(_ seconds: Double) -> String {
    guard seconds.isFinite, seconds < 360_000_000 else { return "--:--" }
    let total = Int(max(0, seconds).rounded(.up))
    let hours = total / 3600
    let minutes = (total % 3600) / 60
    let secs = total % 60
    func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
    return hours > 0 ? "\(hours):\(two(minutes)):\(two(secs))" : "\(minutes):\(two(secs))"
  }
}
