import Glibc
import NDFlat

/// The progress bar on standard error: on when stderr is a terminal, forced by
/// `--progress`, silenced by `--no-progress` or `-q`. Redrawn at most ten times a
/// second (throttled by the monotonic clock inside the converter's progress
/// callback, so a fast run pays one clock read per chunk), and cleared with
/// `\r\e[K` before any other message and at the end.
final class ProgressDisplay {
  /// Nanoseconds between two redraws.
  static let interval: UInt64 = 100_000_000

  private let started: UInt64
  private var phase: RunProgress.Phase?
  private var phaseStarted: UInt64
  private var lastUpdate: UInt64
  private var lastDraw: UInt64 = 0
  private var shown = false
  /// Shown instead of the phase's name.
  private let label: String?

  init(label: String? = nil) {
    self.label = label
    started = Monotonic.now
    phaseStarted = started
    lastUpdate = started
  }

  /// The display the options ask for, or nil.
  ///
  /// `--no-progress` wins over `--progress`; `--progress` wins over `-q` (which
  /// otherwise silences the bar with the summary). By default the bar is drawn when
  /// stderr is a terminal, unless rows stream to that same screen (no `-o` and
  /// stdout is a terminal), where it would be torn up by the rows.
  ///
  /// - Parameter rowsOnStdout: do rows go to stdout while the bar is up? By default,
  ///   when there is no `--output`.
  static func make(_ parsed: ParsedArguments, label: String? = nil, rowsOnStdout: Bool? = nil) -> ProgressDisplay? {
    if parsed.has("no-progress") { return nil }
    if parsed.has("progress") { return ProgressDisplay(label: label) }
    if parsed.has("quiet") || !Terminal.stderrIsTerminal { return nil }
    if (rowsOnStdout ?? !parsed.has("output")) && Terminal.stdoutIsTerminal { return nil }
    return ProgressDisplay(label: label)
  }

  /// For `Converter.onProgress`.
  var callback: (RunProgress) -> Void { { [self] in update($0) } }

  func update(_ snapshot: RunProgress) {
    let now = Monotonic.now
    defer { lastUpdate = now }
    if snapshot.phase != phase {
      // A new pass began about when the previous one last reported.
      phaseStarted = phase == nil ? started : lastUpdate
      phase = snapshot.phase
    } else if shown && now &- lastDraw < Self.interval {
      return
    }
    lastDraw = now
    let elapsed = Double(now &- phaseStarted) / 1e9
    let line = ProgressLine.render(snapshot, elapsed: elapsed, width: Terminal.stderrWidth, label: label)
    Terminal.errorRaw("\r" + line + "\u{1B}[K")
    shown = true
  }

  /// Erases the bar (before another message, or at the end); the next update redraws it.
  func clear() {
    guard shown else { return }
    Terminal.errorRaw("\r\u{1B}[K")
    shown = false
  }

  func finish() { clear() }
}

/// CLOCK_MONOTONIC in nanoseconds.
enum Monotonic {
  static var now: UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
  }
}

extension Terminal {
  /// Writes `text` to standard error as it is (no newline added).
  static func errorRaw(_ text: String) {
    var copy = text
    copy.withUTF8 { bytes in
      guard var pointer = bytes.baseAddress else { return }
      var remaining = bytes.count
      while remaining > 0 {
        let n = write(2, pointer, remaining)
        if n < 0 {
          if errno == EINTR { continue }
          return
        }
        pointer += n
        remaining -= n
      }
    }
  }

  /// Columns of the terminal on standard error (80 when it is not one).
  static var stderrWidth: Int { width(of: 2) }
  /// Columns of the terminal on standard output, else `$COLUMNS`, else 80.
  static var stdoutWidth: Int { width(of: 1) }

  /// The window width of the terminal on `fd`, else `$COLUMNS`, else 80.
  static func width(of fd: Int32) -> Int {
    var size = winsize()
    if ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
    if let text = getenv("COLUMNS"), let columns = Int(String(cString: text)), columns > 0 { return columns }
    return 80
  }
}
