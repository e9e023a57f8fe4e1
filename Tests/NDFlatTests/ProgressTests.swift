// Tests for the progress line (a pure function of a snapshot, the elapsed time and
// the terminal width) and the number formatting the summary shares with it.
//
// Expected lines are worked out by hand in the comments beside them.

import Testing

@testable import NDFlat

struct ProgressTests {
  /// 50 MB of 100 MB and 100,000 records after 10 s: 5 MB/s, 10k records/s, 10 s to go.
  static func halfway(_ phase: RunProgress.Phase = .writing) -> RunProgress {
    RunProgress(phase: phase, bytesRead: 50_000_000, totalBytes: 100_000_000, records: 100_000, isStreamed: false)
  }

  @Test("a wide terminal: bar, percentage, bytes, records/s, MB/s and ETA")
  func wide() {
    // "writing" (7) + pieces " 50%" "50.0 MB/100 MB" "10.0k rec/s" "5.00 MB/s" " ETA 0:10"
    // (each at its fixed width: 4 + 14 + 11 + 9 + 9, and 5 gaps of 2) = 64; the bar grows
    // to its maximum of 30 cells: half filled.
    let line = ProgressLine.render(Self.halfway(), elapsed: 10, width: 100)
    let bar = String(repeating: "█", count: 15) + String(repeating: " ", count: 15)
    #expect(line == "writing  [\(bar)]   50%  50.0 MB/100 MB  10.0k rec/s  5.00 MB/s   ETA 0:10")
  }

  @Test("80 columns: everything fits with an 11-cell bar")
  func eighty() {
    // 64 + "  [" + 10 cells + "]" = 78 ≤ 79, so the bar gets the 1 spare cell: 5½ of 11 filled.
    let line = ProgressLine.render(Self.halfway(), elapsed: 10, width: 80)
    let bar = String(repeating: "█", count: 5) + "▌" + String(repeating: " ", count: 5)
    #expect(line == "writing  [\(bar)]   50%  50.0 MB/100 MB  10.0k rec/s  5.00 MB/s   ETA 0:10")
    #expect(line.count <= 79)
  }

  @Test("the longer pass-one label at 80 columns drops MB/s first")
  func scanning() {
    // "scanning columns" (16) + 57 + 14 = 87 > 79: MB/s (11 with its gap) goes; 76 leaves 3 spare cells.
    let line = ProgressLine.render(Self.halfway(.discovering), elapsed: 10, width: 80)
    let bar = String(repeating: "█", count: 6) + "▌" + String(repeating: " ", count: 6)
    #expect(line == "scanning columns  [\(bar)]   50%  50.0 MB/100 MB  10.0k rec/s   ETA 0:10")
  }

  @Test("a narrow terminal keeps the phase, the percentage and the ETA")
  func narrow() {
    // 30 columns: MB/s, records/s, the bytes, then the bar are dropped in turn.
    #expect(ProgressLine.render(Self.halfway(), elapsed: 10, width: 30) == "writing   50%   ETA 0:10")
  }

  @Test("the layout does not move as the numbers change")
  func stable() {
    var widths: Set<Int> = []
    for (read, elapsed) in [(0, 0.0), (8_390_000, 0.1), (81_200_000, 1.0), (812_000_000, 10.0), (999_000_000, 12.0)] {
      let snapshot = RunProgress(phase: .writing, bytesRead: read, totalBytes: 1_000_000_000, records: read / 1000, isStreamed: false)
      let line = ProgressLine.render(snapshot, elapsed: elapsed, width: 100)
      widths.insert(line.count)
      #expect(line.firstIndex(of: "]").map { line.distance(from: line.startIndex, to: $0) } == 40, "\(line)")
    }
    #expect(widths.count == 1, "\(widths)")
  }

  @Test("never reaches the last column, at any width", arguments: Array(1...160))
  func fits(width: Int) {
    for phase in [RunProgress.Phase.discovering, .writing] {
      for streamed in [false, true] {
        var snapshot = Self.halfway(phase)
        snapshot.isStreamed = streamed
        let line = ProgressLine.render(snapshot, elapsed: 10, width: width)
        #expect(line.count <= max(1, width - 1), "width \(width): \(line)")
        #expect(!line.contains("\n") && !line.contains("\r"))
      }
    }
  }

  @Test("standard input and gzip: bytes read, no percentage, no ETA")
  func streamed() {
    let stdin = RunProgress(phase: .writing, bytesRead: 50_000_000, totalBytes: nil, records: 100_000, isStreamed: true)
    #expect(ProgressLine.render(stdin, elapsed: 10, width: 80) == "writing  50.0 MB read  10.0k rec/s  5.00 MB/s")
    // A gzip file has a size on disk, but the snapshot says it is streamed.
    let gzip = RunProgress(phase: .writing, bytesRead: 50_000_000, totalBytes: 70_000_000, records: 100_000, isStreamed: true)
    #expect(ProgressLine.render(gzip, elapsed: 10, width: 80) == "writing  50.0 MB read  10.0k rec/s  5.00 MB/s")
  }

  @Test("at the start there is no rate and no ETA yet")
  func start() {
    let snapshot = RunProgress(phase: .writing, bytesRead: 0, totalBytes: 1_000, records: 0, isStreamed: false)
    let line = ProgressLine.render(snapshot, elapsed: 0, width: 100)
    #expect(line.hasSuffix("    0%      0 B/1.00 kB      0 rec/s      0 B/s  ETA --:--"), "\(line)")
  }

  @Test("done, overshooting and empty inputs show 100%")
  func complete() {
    let done = RunProgress(phase: .writing, bytesRead: 2_000_000, totalBytes: 2_000_000, records: 10, isStreamed: false)
    let line = ProgressLine.render(done, elapsed: 1, width: 100)
    #expect(line.contains("[" + String(repeating: "█", count: 30) + "]  100%"), "\(line)")
    #expect(line.hasSuffix("ETA 0:00"))
    // A file that grew while being read.
    let grown = RunProgress(phase: .writing, bytesRead: 3_000_000, totalBytes: 2_000_000, records: 10, isStreamed: false)
    #expect(ProgressLine.render(grown, elapsed: 1, width: 100).contains("100%"))
    let empty = RunProgress(phase: .writing, bytesRead: 0, totalBytes: 0, records: 0, isStreamed: false)
    #expect(ProgressLine.render(empty, elapsed: 1, width: 100).contains("100%"))
  }

  @Test("ETA from the byte rate: 90 MB left at 1 MB/s is 1:30; 2 h 5 min as 2:05:00")
  func eta() {
    let slow = RunProgress(phase: .writing, bytesRead: 10_000_000, totalBytes: 100_000_000, records: 1, isStreamed: false)
    #expect(ProgressLine.render(slow, elapsed: 10, width: 120).hasSuffix("ETA 1:30"))
    let long = RunProgress(phase: .writing, bytesRead: 1_000_000, totalBytes: 7_501_000_000, records: 1, isStreamed: false)
    #expect(ProgressLine.render(long, elapsed: 1, width: 120).hasSuffix("ETA 2:05:00"))
  }

  @Test("the bar fills in eighths of a cell")
  func bar() {
    #expect(ProgressLine.bar(0, cells: 4) == "    ")
    #expect(ProgressLine.bar(1, cells: 4) == "████")
    #expect(ProgressLine.bar(0.5, cells: 4) == "██  ")
    #expect(ProgressLine.bar(1.0 / 32, cells: 4) == "▏   ")  // one eighth of 4 cells
    #expect(ProgressLine.bar(0.5 + 3.0 / 32, cells: 4) == "██▍ ")  // two cells and three eighths
    #expect(ProgressLine.bar(2, cells: 3) == "███")
    #expect(ProgressLine.bar(-1, cells: 3) == "   ")
    #expect(ProgressLine.bar(.nan, cells: 2) == "  ")
  }

  @Test("phase names")
  func labels() {
    #expect(ProgressLine.label(.discovering) == "scanning columns")
    #expect(ProgressLine.label(.writing) == "writing")
  }

  @Test("byte counts in decimal units, three significant digits")
  func bytes() {
    #expect(ProgressLine.bytes(0) == "0 B")
    #expect(ProgressLine.bytes(999) == "999 B")
    #expect(ProgressLine.bytes(1_000) == "1.00 kB")
    #expect(ProgressLine.bytes(8_124) == "8.12 kB")
    #expect(ProgressLine.bytes(81_240_000) == "81.2 MB")
    #expect(ProgressLine.bytes(812_400_000) == "812 MB")
    #expect(ProgressLine.bytes(999_500) == "1.00 MB")  // 999.5 kB rounds up into the next unit
    #expect(ProgressLine.bytes(9_996) == "10.0 kB")
    #expect(ProgressLine.bytes(1_950_000_000) == "1.95 GB")
    #expect(ProgressLine.bytes(40_000_000_000_000) == "40.0 TB")
    #expect(ProgressLine.decimalUnits(210_400_000, suffix: "B/s") == "210 MB/s")
  }

  @Test("compact counts and clocks")
  func compact() {
    #expect(ProgressLine.compact(0) == "0")
    #expect(ProgressLine.compact(950.4) == "950")
    #expect(ProgressLine.compact(1_234) == "1.23k")
    #expect(ProgressLine.compact(812_000) == "812k")
    #expect(ProgressLine.compact(1_210_000) == "1.21M")
    #expect(ProgressLine.compact(.infinity) == "0")
    #expect(ProgressLine.clock(0) == "0:00")
    #expect(ProgressLine.clock(4.2) == "0:05")
    #expect(ProgressLine.clock(754) == "12:34")
    #expect(ProgressLine.clock(3_723) == "1:02:03")
    #expect(ProgressLine.clock(.infinity) == "--:--")
    #expect(ProgressLine.fixed(0.0524, digits: 2) == "0.05")
    #expect(ProgressLine.fixed(2.5, digits: 0) == "3")
    #expect(ProgressLine.fixed(-1.25, digits: 1) == "-1.3")
  }
}
