import NDFlat

/// Prints the first rejections to stderr as they happen, then a count of the rest.
final class RejectionReporter {
  private let limit: Int
  private var count = 0

  init(limit: Int = 10) { self.limit = limit }

  func report(_ rejection: Rejection) {
    count += 1
    guard count <= limit else { return }
    Terminal.error("ndflat: rejected " + rejection.message)
  }

  func finish() {
    if count > limit {
      Terminal.error("ndflat: … and \(count - limit) more rejected records (--rejects FILE keeps them all)")
    }
  }
}

/// The closing summary on stderr.
enum Summary {
  static func print(_ report: RunReport) {
    let c = report.counters
    let seconds = max(report.elapsed, 0.000_001)
    let megabytes = Double(report.bytesRead) / 1_000_000
    var text = "ndflat: \(c.recordsRead) records read = \(c.recordsWritten) written + \(c.recordsFiltered) filtered + \(c.recordsRejected) rejected"
    text += "; \(report.columns.count) columns; "
    text += String(format: "%.2f s, %.1f MB/s", seconds, megabytes / seconds)
    Terminal.error(text)
  }
}
