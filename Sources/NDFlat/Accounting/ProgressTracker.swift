/// Follows the readers of one pass and turns them into ``RunProgress`` snapshots.
final class ProgressTracker {
  private let phase: RunProgress.Phase
  private let report: ((RunProgress) -> Void)?
  private var readers: [ByteReader] = []
  private var totalBytes: Int?
  private var isStreamed = false

  init(phase: RunProgress.Phase, sources: [InputSource], report: ((RunProgress) -> Void)?) {
    self.phase = phase
    self.report = report
    var total = 0
    var known = true
    for source in sources {
      switch source {
      case .file(let path):
        if let size = SystemCalls.fileSize(path: path) { total += size } else { known = false }
      case .standardInput: known = false
      case .memory(_, let bytes): total += bytes.count
      }
    }
    totalBytes = known ? total : nil
    isStreamed = !known
  }

  func opened(_ reader: ByteReader) {
    readers.append(reader)
    if reader is GzipReader { isStreamed = true }
  }

  /// Bytes read from disk so far in this pass.
  var bytesRead: Int { readers.reduce(0) { $0 + $1.rawBytesRead } }

  func update(records: Int) {
    guard let report else { return }
    report(
      RunProgress(
        phase: phase, bytesRead: bytesRead, totalBytes: totalBytes, records: records, isStreamed: isStreamed))
  }
}
