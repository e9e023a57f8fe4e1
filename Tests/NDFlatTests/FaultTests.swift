// Faults (SPEC §4, issue 4), through the built `ndflat` binary:
// - output to a full disk (`/dev/full`, a 64 KiB tmpfs mounted for the test when
//   the test runs as root) → exit 1, a message saying there is no space, nothing
//   under the final name and no temporary file left;
// - a closed pipe (`ndflat big | head -1`) → head gets the first line, ndflat ends
//   quietly (SIGPIPE or exit 0, nothing on stderr);
// - SIGINT / SIGTERM during a long `-o FILE` run, a `--split-by -o DIR` run and a
//   stdin-spooled run → no temporary file or working directory left, no final file;
// - a missing input, a directory as input → exit 1 naming it;
// - a truncated gzip → earlier records kept, the damaged tail rejected with its
//   offset, exit 3;
// - `--max-errors 2` → exit 1 at the second rejection, no output file;
// - `--stats FILE` reconciles.
//
// Big inputs are generated at test time (Benchmarks/generate.py or in Swift).

import Foundation
import NDFlat
import Testing

private enum FaultKit {
  static var python: String? { BadKit.program("python3") }

  /// `python3 Benchmarks/generate.py --size SIZE --seed 1 -o PATH`.
  static func generate(size: String, into dir: BadKit.TempDir, name: String = "events.ndjson") throws -> String {
    guard let python else { try Test.cancel("python3 is needed to generate the input") }
    let target = dir.path(name)
    let script = BadKit.packageRoot.appendingPathComponent("Benchmarks/generate.py").path
    let run = try BadKit.execute(python, [script, "--size", size, "--seed", "1", "-q", "-o", target])
    guard run.status == 0, BadKit.exists(target) else {
      throw BadKit.Failure(description: "generate.py failed (\(run.status)): \(run.err)")
    }
    return target
  }

  /// `count` small records, `{"id":i,"s":"…"}`, one per line (about 60 bytes each).
  static func records(_ count: Int, from first: Int = 0) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(count * 64)
    for i in first..<(first + count) {
      out += Array("{\"id\":\(i),\"s\":\"value-\(i % 977)-abcdefghijklmnopqrstuvwxyz\",\"n\":\(i * 31)}\n".utf8)
    }
    return out
  }

  static func expectedCSV(_ range: Range<Int>) -> String {
    var text = "id,s,n\n"
    for i in range { text += "\(i),value-\(i % 977)-abcdefghijklmnopqrstuvwxyz,\(i * 31)\n" }
    return text
  }

  /// A child started with posix_spawn and a clean signal state: an empty signal
  /// mask and default dispositions for INT, TERM, PIPE, HUP, QUIT. (A child of
  /// Foundation's Process inherits the spawning thread's mask; on a dispatch
  /// worker thread, which is where tests run, SIGINT and SIGTERM are blocked, and
  /// SIGPIPE is ignored in the test process: a signal test would test nothing.)
  final class Child {
    let pid: pid_t
    private(set) var status: Int32 = 0
    private(set) var signaled = false
    private(set) var ended = false

    init(_ executable: String, _ arguments: [String], stdin: String = "/dev/null", stdout: String = "/dev/null",
         stderr: String, environment extra: [String: String] = [:]) throws {
      var attributes = posix_spawnattr_t()
      posix_spawnattr_init(&attributes)
      defer { posix_spawnattr_destroy(&attributes) }
      var empty = sigset_t()
      sigemptyset(&empty)
      posix_spawnattr_setsigmask(&attributes, &empty)
      var defaults = sigset_t()
      sigemptyset(&defaults)
      for number in [SIGINT, SIGTERM, SIGPIPE, SIGHUP, SIGQUIT] { sigaddset(&defaults, number) }
      posix_spawnattr_setsigdefault(&attributes, &defaults)
      posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
      var actions = posix_spawn_file_actions_t()
      posix_spawn_file_actions_init(&actions)
      defer { posix_spawn_file_actions_destroy(&actions) }
      posix_spawn_file_actions_addopen(&actions, 0, stdin, O_RDONLY, 0)
      posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
      posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
      var environment = ProcessInfo.processInfo.environment
      for (key, value) in extra { environment[key] = value }
      let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
      let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
      defer {
        argv.forEach { free($0) }
        envp.forEach { free($0) }
      }
      var pid: pid_t = 0
      let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
      guard result == 0 else { throw BadKit.Failure(description: "posix_spawn \(executable): \(String(cString: strerror(result)))") }
      self.pid = pid
    }

    private func record(_ raw: Int32) {
      ended = true
      if raw & 0x7F == 0 {
        status = (raw >> 8) & 0xFF
      } else {
        signaled = true
        status = raw & 0x7F
      }
    }

    var isRunning: Bool {
      if ended { return false }
      var raw: Int32 = 0
      if waitpid(pid, &raw, WNOHANG) == pid { record(raw) }
      return !ended
    }

    func wait() {
      guard !ended else { return }
      var raw: Int32 = 0
      while waitpid(pid, &raw, 0) < 0 && errno == EINTR {}
      record(raw)
    }

    deinit {
      if !ended {
        kill(pid, SIGKILL)
        wait()
      }
    }
  }

  /// Starts `ndflat arguments…` without waiting.
  static func start(_ arguments: [String], stdin: String = "/dev/null", environment extra: [String: String] = [:], errPath: String)
    throws -> Child
  {
    guard let binary = BadKit.binary else { throw BadKit.Failure(description: "ndflat binary not found") }
    return try Child(binary, arguments, stdin: stdin, stderr: errPath, environment: extra)
  }

  /// Polls (every 10 ms, up to `seconds`) until `condition` holds or the process ends.
  static func wait(for process: Child, seconds: Double = 120, until condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
      if condition() { return true }
      if !process.isRunning { return condition() }
      usleep(10_000)
    }
    return false
  }

  static func entries(_ path: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
  }

  /// The signal mask lines of a running process (a signal blocked or ignored from
  /// the start would make the signal tests meaningless).
  static func signalState(_ pid: Int32) -> String {
    let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
    return status.split(separator: "\n").filter { $0.hasPrefix("SigBlk") || $0.hasPrefix("SigIgn") || $0.hasPrefix("SigCgt") }
      .joined(separator: " ")
  }

  static func devEntries() -> Set<String> {
    Set(entries("/dev").filter { $0.hasPrefix(".ndflat") })
  }
}

@Suite("Fault tests", .serialized)
struct FaultTests {
  // MARK: Full disk

  @Test("-o /dev/full and stdout on /dev/full: exit 1, 'no space', nothing left behind")
  func devFull() throws {
    let dir = try BadKit.TempDir("full")
    let input = try dir.write("in.ndjson", FaultKit.records(20_000))
    let before = FaultKit.devEntries()

    let named = try BadKit.ndflat(["-o", "/dev/full", input])
    #expect(named.status == 1 && !named.signaled, "-o /dev/full: exit \(named.status)")
    #expect(named.err.lowercased().contains("no space"), "-o /dev/full: \(named.err)")
    #expect(named.err.contains("/dev/full"), "-o /dev/full: the message names the output: \(named.err)")

    for threads in ["1", "2"] {
      let piped = try BadKit.ndflat(["-j", threads, input], stdout: "/dev/full")
      #expect(piped.status == 1 && !piped.signaled, "stdout on /dev/full -j \(threads): exit \(piped.status)")
      #expect(piped.err.lowercased().contains("no space"), "stdout on /dev/full: \(piped.err)")
      #expect(piped.err.split(separator: "\n").count <= 3, "one clear message, not a spew: \(piped.err)")
    }
    #expect(FaultKit.devEntries() == before, "temporary files left in /dev: \(FaultKit.devEntries().subtracting(before))")
    #expect(FaultKit.entries(dir.url.path) == ["in.ndjson"])
  }

  /// A 64 KiB tmpfs (mounted here: the tests run as root; skipped when mount fails).
  @Test("-o on a full tmpfs: exit 1, no file under the final name, no temporary file")
  func fullTmpfs() throws {
    let dir = try BadKit.TempDir("tmpfs")
    let mountPoint = dir.path("mnt")
    try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
    guard let mount = BadKit.program("mount"), let umount = BadKit.program("umount") else {
      try Test.cancel("no mount program: full-tmpfs case skipped")
    }
    let mounted = try BadKit.execute(mount, ["-t", "tmpfs", "-o", "size=64k", "tmpfs", mountPoint])
    guard mounted.status == 0 else {
      try Test.cancel("mount -t tmpfs failed (\(mounted.err.trimmingCharacters(in: .whitespacesAndNewlines))): full-tmpfs case skipped")
    }
    defer { _ = try? BadKit.execute(umount, [mountPoint]) }

    let good = try dir.write("in.ndjson", FaultKit.records(30_000))
    // Output onto the full disk.
    for threads in ["1", "2"] {
      let target = mountPoint + "/out.csv"
      let run = try BadKit.ndflat(["-j", threads, "-o", target, good], directory: dir.url)
      #expect(run.status == 1 && !run.signaled, "-o tmpfs -j \(threads): exit \(run.status); \(run.err)")
      #expect(run.err.lowercased().contains("no space"), "message: \(run.err)")
      #expect(run.err.contains("out.csv"), "the message names the output: \(run.err)")
      #expect(!BadKit.exists(target), "a file was left under the final name")
      #expect(FaultKit.entries(mountPoint).isEmpty, "left on the tmpfs: \(FaultKit.entries(mountPoint))")
    }

    // The rejects file onto the full disk, the output elsewhere: fatal too, nothing under either name.
    var bad: [UInt8] = []
    for i in 0..<5_000 { bad += Array("{\"id\":\(i)}\n{\"id\":\(i),\"broken\": \(String(repeating: "x", count: 40))\n".utf8) }
    let badInput = try dir.write("bad.ndjson", bad)
    let out = dir.path("out.csv")
    let run = try BadKit.ndflat(["-o", out, "--rejects", mountPoint + "/rejects.ndjson", badInput], directory: dir.url)
    #expect(run.status == 1, "--rejects on a full disk: exit \(run.status); \(run.err.suffix(500))")
    #expect(run.err.lowercased().contains("no space"), "message: \(run.err.suffix(500))")
    #expect(!BadKit.exists(out), "output left under its final name after a fatal error")
    #expect(FaultKit.entries(mountPoint).isEmpty, "left on the tmpfs: \(FaultKit.entries(mountPoint))")
    #expect(FaultKit.entries(dir.url.path).allSatisfy { !$0.hasPrefix(".") }, "temporary files left: \(FaultKit.entries(dir.url.path))")
  }

  // MARK: Closed pipe

  @Test(
    "closed pipe: `ndflat big | head -1` → head gets the header, ndflat quiet",
    arguments: [("1", false), ("2", false), ("2", true), ("4", true)])
  func closedPipe(threads: String, ignoreSIGPIPE: Bool) throws {
    let dir = try BadKit.TempDir("pipe")
    let input = try FaultKit.generate(size: "20M", into: dir)
    guard let binary = BadKit.binary, let bash = BadKit.program("bash"), let head = BadKit.program("head") else {
      try Test.cancel("bash and head are needed")
    }
    let err = dir.path("err"), out = dir.path("head.out"), status = dir.path("status")
    let script = """
      set +o pipefail
      \(ignoreSIGPIPE ? "trap '' PIPE" : "")
      '\(binary)' -j \(threads) '\(input)' 2>'\(err)' | '\(head)' -1 >'\(out)'
      echo "${PIPESTATUS[0]}" >'\(status)'
      """
    let shell = try FaultKit.Child(bash, ["-c", script], stderr: dir.path("bash-err"))
    shell.wait()
    #expect(!shell.signaled && shell.status == 0, "bash: \(BadKit.text(BadKit.read(dir.path("bash-err"))))")
    let headLine = BadKit.text(BadKit.read(out))
    #expect(headLine.hasPrefix("metadata.") && headLine.hasSuffix("\n") && headLine.filter { $0 == "\n" }.count == 1, "head -1 got: \(headLine.prefix(200))")
    let code = BadKit.text(BadKit.read(status)).trimmingCharacters(in: .whitespacesAndNewlines)
    #expect(code == "141" || code == "0", "ndflat ended with \(code) (want SIGPIPE 141 or 0)")
    let stderr = BadKit.text(BadKit.read(err))
    #expect(stderr.isEmpty, "stderr after a closed pipe (SIGPIPE \(ignoreSIGPIPE ? "ignored" : "default")): \(stderr.prefix(1000))")
  }

  // MARK: Signals

  @Test("SIGINT/SIGTERM during `-o FILE --rejects FILE`: no temporary file, no final file", arguments: [SIGINT, SIGTERM])
  func signalDuringOutput(signal: Int32) throws {
    let dir = try BadKit.TempDir("signal")
    let input = try FaultKit.generate(size: "50M", into: dir)
    let outDir = dir.path("out")
    try FileManager.default.createDirectory(atPath: outDir, withIntermediateDirectories: true)
    let process = try FaultKit.start(
      ["-q", "-j", "2", "-o", outDir + "/result.csv", "--rejects", outDir + "/rejects.ndjson", "--stats", outDir + "/stats.json", input],
      errPath: dir.path("err"))
    // Wait for the writing pass: its temporary output appears (a hidden file).
    let started = FaultKit.wait(for: process) { FaultKit.entries(outDir).contains { $0.hasPrefix(".") } }
    #expect(started, "no temporary output appeared in \(outDir): \(FaultKit.entries(outDir)); stderr \(BadKit.text(BadKit.read(dir.path("err"))))")
    usleep(100_000)
    #expect(process.isRunning, "the run ended before the signal; make the input bigger")
    let state = FaultKit.signalState(process.pid)
    kill(process.pid, signal)
    process.wait()
    #expect(process.signaled || process.status != 0, "exit status 0 after a signal; child's \(state)")
    #expect(FaultKit.entries(outDir).isEmpty, "left in the output directory after signal \(signal): \(FaultKit.entries(outDir))")
  }

  @Test("SIGINT/SIGTERM during stdin spooling: the spool file is removed", arguments: [SIGINT, SIGTERM])
  func signalDuringSpool(signal: Int32) throws {
    let dir = try BadKit.TempDir("spool")
    let input = try FaultKit.generate(size: "50M", into: dir)
    let tmp = dir.path("tmp")
    let outDir = dir.path("out")
    try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
    try FileManager.default.createDirectory(atPath: outDir, withIntermediateDirectories: true)
    let process = try FaultKit.start(
      ["-q", "-o", outDir + "/result.csv", "-"], stdin: input, environment: ["TMPDIR": tmp], errPath: dir.path("err"))
    let spooling = FaultKit.wait(for: process) { !FaultKit.entries(tmp).isEmpty }
    #expect(spooling, "no spool file appeared in TMPDIR")
    usleep(200_000)
    #expect(process.isRunning, "the run ended before the signal")
    kill(process.pid, signal)
    process.wait()
    #expect(FaultKit.entries(tmp).isEmpty, "spool left in TMPDIR: \(FaultKit.entries(tmp))")
    #expect(FaultKit.entries(outDir).isEmpty, "left in the output directory: \(FaultKit.entries(outDir))")
  }

  @Test("SIGINT/SIGTERM during --split-by -o DIR after the second pass started: working directory removed", arguments: [SIGINT, SIGTERM])
  func signalDuringSplit(signal: Int32) throws {
    let dir = try BadKit.TempDir("split-signal")
    let input = try FaultKit.generate(size: "50M", into: dir)
    let target = dir.path("split")
    let process = try FaultKit.start(
      ["-q", "--split-by", "metadata.event_name", "-o", target, input], errPath: dir.path("err"))
    // The second pass has started once the working directory holds files.
    let working = FaultKit.wait(for: process) {
      FaultKit.entries(target).contains { name in
        name.hasPrefix(".ndflat-") && !FaultKit.entries(target + "/" + name).isEmpty
      }
    }
    #expect(working, "no .ndflat-* working directory with files appeared in \(target): \(FaultKit.entries(target))")
    #expect(process.isRunning, "the run ended before the signal")
    kill(process.pid, signal)
    process.wait()
    #expect(process.signaled || process.status != 0, "exit status 0 after a signal")
    let left = FaultKit.entries(target)
    #expect(!left.contains { $0.hasPrefix(".ndflat-") }, "working directory left: \(left)")
    #expect(left.isEmpty, "files left in the split directory after a signal: \(left)")
  }

  // MARK: Inputs that cannot be read

  @Test("missing input → exit 1 naming it, no output file")
  func missingInput() throws {
    let dir = try BadKit.TempDir("missing")
    let good = try dir.write("good.ndjson", FaultKit.records(10))
    let missing = dir.path("no-such-export.ndjson")
    for arguments in [[missing], [good, missing], [missing, good]] {
      let out = dir.path("out.csv")
      let run = try BadKit.ndflat(["-o", out] + arguments, directory: dir.url)
      #expect(run.status == 1, "\(arguments): exit \(run.status)")
      #expect(run.err.contains("no-such-export.ndjson"), "the message names the file: \(run.err)")
      #expect(!BadKit.exists(out), "\(arguments): an output file was left")
      #expect(FaultKit.entries(dir.url.path) == ["good.ndjson"], "left: \(FaultKit.entries(dir.url.path))")
    }
    // Standard output: the same exit status.
    let plain = try BadKit.ndflat([missing])
    #expect(plain.status == 1 && plain.err.contains("no-such-export.ndjson"))
  }

  @Test("a directory as input (unreadable as a file) → exit 1 naming it")
  func directoryInput() throws {
    let dir = try BadKit.TempDir("dir-input")
    let inner = dir.path("exports.d")
    try FileManager.default.createDirectory(atPath: inner, withIntermediateDirectories: true)
    let good = try dir.write("good.ndjson", FaultKit.records(10))
    for arguments in [[inner], [good, inner]] {
      for threads in ["1", "2"] {
        let out = dir.path("out.csv")
        let run = try BadKit.ndflat(["-j", threads, "-o", out] + arguments, directory: dir.url)
        #expect(run.status == 1, "\(arguments) -j \(threads): exit \(run.status)")
        #expect(run.err.contains("exports.d"), "the message names it: \(run.err)")
        #expect(!BadKit.exists(out))
      }
    }
  }

  // MARK: Truncated gzip

  @Test("truncated gzip: earlier records kept, damaged tail rejected with its offset, exit 3")
  func truncatedGzip() throws {
    guard let python = FaultKit.python else { try Test.cancel("python3 is needed to decode the truncated gzip") }
    let dir = try BadKit.TempDir("trunc-gz")
    let plain = FaultKit.records(20_000)
    let gz = try BadKit.gzip(plain, in: dir)
    let cut = Array(gz.prefix(gz.count / 2))
    let damaged = try dir.write("export.ndjson.gz", cut)
    // What zlib can decode from the cut stream.
    let decode = try BadKit.execute(
      python,
      ["-c", "import sys,zlib; d=zlib.decompressobj(31); sys.stdout.buffer.write(d.decompress(open(sys.argv[1],'rb').read()))", damaged])
    #expect(decode.status == 0)
    let prefix = [UInt8](decode.out)
    let complete = prefix.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
    let kept = prefix[..<complete].filter { $0 == 0x0A }.count
    let tail = Array(prefix[complete...])
    #expect(kept > 1000 && !tail.isEmpty, "test setup: \(kept) whole lines, tail of \(tail.count) bytes")
    let next = try dir.write("next.ndjson", FaultKit.records(3, from: 100_000))

    for threads in ["1", "2"] {
      let out = dir.path("out.csv")
      let rejects = dir.path("rejects")
      let stats = dir.path("stats.json")
      let run = try BadKit.ndflat(
        ["-j", threads, "-o", out, "--rejects", rejects, "--stats", stats, damaged, next], directory: dir.url)
      #expect(run.status == 3, "-j \(threads): exit \(run.status); \(run.err)")
      let expected = FaultKit.expectedCSV(0..<kept) + FaultKit.expectedCSV(100_000..<100_003).dropFirst("id,s,n\n".count)
      let csv = BadKit.text(BadKit.read(out))
      let sameCSV = csv == expected
      #expect(sameCSV, "-j \(threads): \(csv.split(separator: "\n").count - 1) rows, expected \(kept + 3)")
      let messages = BadKit.rejectionMessages(run.err)
      #expect(messages.count == 1, "\(run.err)")
      if let message = messages.first {
        #expect(message.input == damaged && message.line == kept + 1, "\(message.text)")
        #expect(message.text.contains("byte offset \(complete)"), "the offset of the damaged tail: \(message.text)")
        #expect(message.text.lowercased().contains("gzip") || message.text.lowercased().contains("truncated"), "\(message.text)")
      }
      let keptTail = BadKit.read(rejects)
      let sameTail = keptTail == tail + [0x0A]
      #expect(sameTail, "rejects: the damaged tail's bytes, got \(BadKit.text(keptTail).debugDescription)")
      let summary = try BadKit.stats(stats)
      #expect(BadKit.int(summary, "records_written") == kept + 3)
      #expect(BadKit.int(summary, "records_rejected") == 1)
      #expect(summary["reconciled"] as? Bool == true)
    }
  }

  // MARK: --max-errors

  @Test("--max-errors 2 on 5 bad lines: exit 1 at the second rejection, no output file")
  func maxErrors() throws {
    let dir = try BadKit.TempDir("max-errors")
    let input = BadKit.fixtures.appendingPathComponent("five-bad.ndjson").path
    for threads in ["1", "2"] {
      let out = dir.path("out.csv")
      let run = try BadKit.ndflat(
        ["-j", threads, "--max-errors", "2", "--rejects", dir.path("rejects"), "-o", out, input], directory: dir.url)
      #expect(run.status == 1, "-j \(threads): exit \(run.status)")
      #expect(run.err.contains("--max-errors"), "\(run.err)")
      #expect(!BadKit.exists(out), "output left under the final name after --max-errors")
      #expect(FaultKit.entries(dir.url.path).allSatisfy { !$0.hasPrefix(".") }, "temporary files left: \(FaultKit.entries(dir.url.path))")
      let messages = BadKit.rejectionMessages(run.err)
      #expect(
        messages.map(\.line) == [2, 4],
        "-j \(threads): the run must stop at the second rejection; stderr reported lines \(messages.map(\.line)):\n\(run.err)")
      #expect(run.err.contains("stopped after 2 rejected records"), "-j \(threads): \(run.err)")
    }
    // The limit not reached: the run finishes with exit 3.
    let out = dir.path("out6.csv")
    let six = try BadKit.ndflat(["--max-errors", "6", "-o", out, input], directory: dir.url)
    #expect(six.status == 3, "--max-errors 6: exit \(six.status)")
    #expect(BadKit.text(BadKit.read(out)) == "a\n1\n2\n3\n4\n")
  }

  @Test("--max-errors 2 via the API: throws, and reports only two rejections")
  func maxErrorsAPI() throws {
    let input = BadKit.fixtures.appendingPathComponent("five-bad.ndjson").path
    var options = ConvertOptions()
    options.maxErrors = 2
    let converter = try Converter(options: options)
    var lines: [Int] = []
    converter.onRejection = { lines.append($0.line) }
    #expect(throws: (any Error).self) { _ = try converter.convertToBytes([.file(input)]) }
    #expect(lines == [2, 4], "rejections reported after --max-errors was reached: \(lines)")
  }

  // MARK: --stats

  @Test("--stats reconciles: read = written + filtered + rejected, several files, --where")
  func statsReconcile() throws {
    let dir = try BadKit.TempDir("stats")
    let five = BadKit.fixtures.appendingPathComponent("five-bad.ndjson").path
    let more = try dir.write("more.ndjson", FaultKit.records(100) + Array("not json\n\n{\"id\":7}\n".utf8))
    let stats = dir.path("stats.json")
    let run = try BadKit.ndflat(
      ["--where", "a!=2", "--stats", stats, "-o", dir.path("out.csv"), five, more], directory: dir.url)
    #expect(run.status == 3, "exit \(run.status): \(run.err)")
    let summary = try BadKit.stats(stats)
    let read = BadKit.int(summary, "records_read") ?? -1
    let written = BadKit.int(summary, "records_written") ?? -1
    let filtered = BadKit.int(summary, "records_filtered") ?? -1
    let rejected = BadKit.int(summary, "records_rejected") ?? -1
    #expect(read == 9 + 102, "records_read \(read)")
    #expect(rejected == 6, "records_rejected \(rejected)")
    #expect(filtered == 1, "records_filtered \(filtered) (a=2 only)")
    #expect(written == 9 + 102 - 6 - 1, "records_written \(written)")
    #expect(read == written + filtered + rejected)
    #expect(summary["reconciled"] as? Bool == true)
    #expect(BadKit.int(summary, "exit_status") == 3)
    #expect(run.err.contains("\(read) records read = \(written) written + \(filtered) filtered + \(rejected) rejected"), "\(run.err)")
  }
}
