// JSONTestSuite (nst/JSONTestSuite, test_parsing/, see ../shared/corpus/SOURCES.md §2)
// run through the public API, file by file, as issue 4 asks:
//
// - every y_ file is accepted as JSON: written, or rejected only with the reason
//   "not a JSON object" when its top level is not an object;
// - every n_ file is rejected and never produces a row;
// - no i_ file crashes or hangs (each run is bounded in time), and the counters
//   always balance.
//
// How a file becomes input. ndflat frames NDJSON by newline, so:
// - a file with no newline, or only one final newline (`y_structure_trailing_newline`),
//   is fed as it is: exactly one NDJSON line, one record (`--input ndjson`, so that
//   `auto` does not read a top-level `[` as an array of records);
// - a file with a newline inside (6 files: `[1\n]`, `{\n"a": "b"\n}`, three n_ arrays,
//   `["new\nline"]`) is not one NDJSON line. It is fed with `--input concat`, where a
//   value may span lines (SPEC §1), and the same expectations apply; it is also fed as
//   NDJSON, where only "no crash, counters balance, no n_ row" is asserted, because
//   NDJSON splitting `[1\n]` into two bad lines is correct.
//
// A second, stronger check wraps each file as a member value, `{"v": <file>}`.
// Fed raw, a top-level array or scalar is rejected at its first byte as "not a JSON
// object", which says nothing about whether yajl accepts the rest; as a member value
// it must be written (y_) or rejected (n_). `{"v":X}` is valid exactly when X is
// one JSON value with whitespace around it, which is what y_/n_ files test.
//
// The expected exceptions are listed below, each with the reason.

import Foundation
import NDFlat
import Testing

// MARK: - Corpus

private enum JSONTestSuite {
  /// `<package root>/../shared/corpus/JSONTestSuite/test_parsing`.
  static let directory: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // NDFlatTests
    .deletingLastPathComponent()  // Tests
    .deletingLastPathComponent()  // package root
    .appendingPathComponent("../shared/corpus/JSONTestSuite/test_parsing")
    .standardizedFileURL

  static let isCI = ProcessInfo.processInfo.environment["CI"] == "true"

  static let names: [String] =
    ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
    .filter { $0.hasSuffix(".json") }.sorted()

  static var available: Bool { !names.isEmpty }

  static func files(_ prefix: String) -> [String] { names.filter { $0.hasPrefix(prefix) } }

  static func bytes(_ name: String) -> [UInt8] {
    (try? [UInt8](Data(contentsOf: directory.appendingPathComponent(name)))) ?? []
  }

  // MARK: Expected exceptions

  /// n_ files that ndflat ACCEPTS (writes a row for) when fed as they are. None:
  /// every n_ file is rejected, or is blank and holds no record (`noRecord`).
  static let acceptedRaw: [String: String] = [:]

  /// n_ files that ndflat ACCEPTS as the value of a member, `{"v": <file>}`.
  static let acceptedWhenWrapped: [String: String] = [:]
  // (`n_structure_whitespace_formfeed.json`, `[\f]`, was one: yajl 2.1 takes form feed
  // and vertical tab for whitespace; ndflat now rejects any record holding either byte
  // raw, since neither is allowed between tokens nor inside a string.)


  /// n_ files that hold no record at all: NDJSON skips blank lines (and a BOM at the
  /// start of the input), so nothing is read, rejected or written.
  static let noRecord: [String: String] = [
    "n_single_space.json": "one space: a blank line",
    "n_structure_no_data.json": "empty file",
    "n_structure_UTF8_BOM_no_data.json": "a UTF-8 BOM alone, dropped at the start of the input",
  ]
}

// MARK: - Running one input, bounded in time

private struct Outcome: Sendable {
  var counters: RunCounters
  var reasons: [String]
  var error: String?
  var read: Int { counters.recordsRead }
  var written: Int { counters.recordsWritten }
  var rejected: Int { counters.recordsRejected }
  var summary: String {
    "read \(read), written \(written), rejected \(rejected) \(reasons)\(error.map { " error: \($0)" } ?? "")"
  }
}

private final class Box<T>: @unchecked Sendable {
  var value: T?
}

private func convert(_ bytes: [UInt8], form: InputForm) -> Outcome {
  var options = ConvertOptions()
  options.format = .json
  options.inputForm = form
  options.threads = 1
  let reasons = Box<[String]>()
  reasons.value = []
  do {
    let converter = try Converter(options: options)
    converter.onRejection = { reasons.value?.append($0.reason) }
    let (_, report) = try converter.convertToBytes([.memory(name: "jsontestsuite", bytes: bytes)])
    return Outcome(counters: report.counters, reasons: reasons.value ?? [], error: nil)
  } catch {
    return Outcome(counters: RunCounters(), reasons: reasons.value ?? [], error: "\(error)")
  }
}

/// Seconds one conversion of one file may take before it counts as a hang (generous:
/// the files are at most 250 kB and the suite also runs under AddressSanitizer).
private let timeLimit: Double = 30

/// Runs `convert` on its own thread and gives up after `timeLimit` (the thread is
/// left behind: a hang is a failure either way, and the other files still run).
private func bounded(_ bytes: [UInt8], form: InputForm, file: String, sourceLocation: SourceLocation = #_sourceLocation) -> Outcome? {
  let box = Box<Outcome>()
  let done = DispatchSemaphore(value: 0)
  let thread = Thread {
    box.value = convert(bytes, form: form)
    done.signal()
  }
  thread.stackSize = 8 << 20
  thread.start()
  guard done.wait(timeout: .now() + timeLimit) == .success, let outcome = box.value else {
    Issue.record("\(file) (\(form)): no result after \(Int(timeLimit)) s — hang", sourceLocation: sourceLocation)
    return nil
  }
  #expect(outcome.error == nil, "\(file) (\(form)): threw \(outcome.error ?? "")", sourceLocation: sourceLocation)
  #expect(outcome.counters.isBalanced, "\(file) (\(form)): counters do not balance: \(outcome.summary)", sourceLocation: sourceLocation)
  #expect(outcome.reasons.count == outcome.rejected, "\(file) (\(form)): rejections reported ≠ counted", sourceLocation: sourceLocation)
  return outcome
}

/// The file's bytes without one final newline, and whether a newline remains inside.
private func body(_ bytes: [UInt8]) -> (body: [UInt8], interiorNewline: Bool) {
  var body = bytes
  if body.last == 0x0A { body.removeLast() }
  return (body, body.contains(0x0A))
}

private func wrapped(_ body: [UInt8]) -> [UInt8] {
  Array(#"{"v":"#.utf8) + body + Array("}".utf8)
}

// MARK: - Tests

@Suite(
  "JSONTestSuite",
  .enabled(
    if: JSONTestSuite.available || JSONTestSuite.isCI,
    "JSONTestSuite corpus not found at <package root>/../shared/corpus/JSONTestSuite/test_parsing: skipped (with CI=true this fails)"
  ))
struct JSONTestSuiteTests {
  @Test("the corpus is there, with the counts SOURCES.md gives")
  func corpusIsPresent() {
    guard JSONTestSuite.available else {
      Issue.record("JSONTestSuite corpus missing at \(JSONTestSuite.directory.path) (CI=true)")
      return
    }
    #expect(JSONTestSuite.files("y_").count == 95)
    #expect(JSONTestSuite.files("n_").count == 188)
    #expect(JSONTestSuite.files("i_").count == 35)
    for name in JSONTestSuite.acceptedRaw.keys.sorted() + JSONTestSuite.acceptedWhenWrapped.keys.sorted()
      + JSONTestSuite.noRecord.keys.sorted()
    {
      #expect(JSONTestSuite.names.contains(name), "exception list names a file that is not in the corpus: \(name)")
    }
  }

  @Test("y_ files are accepted as JSON", arguments: JSONTestSuite.files("y_"))
  func mustAccept(_ name: String) {
    let (text, interiorNewline) = body(JSONTestSuite.bytes(name))
    let form: InputForm = interiorNewline ? .concat : .ndjson
    let input = interiorNewline ? text : JSONTestSuite.bytes(name)

    if let raw = bounded(input, form: form, file: name) {
      #expect(raw.read == 1, "\(name): \(raw.summary)")
      let acceptedOrNotObject = raw.written == 1 || (raw.rejected == 1 && raw.reasons == ["not a JSON object"])
      #expect(acceptedOrNotObject, "\(name) is valid JSON but was rejected: \(raw.summary)")
    }
    if let member = bounded(wrapped(text), form: form, file: name + " as {\"v\": …}") {
      #expect(member.written == 1, "\(name) as a member value must be written: \(member.summary)")
    }
    if interiorNewline {
      // As NDJSON the lines are separate (bad) records: only no crash, balanced counters.
      _ = bounded(JSONTestSuite.bytes(name), form: .ndjson, file: name)
    }
  }

  @Test("n_ files are rejected and never produce a row", arguments: JSONTestSuite.files("n_"))
  func mustReject(_ name: String) {
    let bytes = JSONTestSuite.bytes(name)
    let (text, interiorNewline) = body(bytes)
    let form: InputForm = interiorNewline ? .concat : .ndjson
    let input = interiorNewline ? text : bytes

    if let raw = bounded(input, form: form, file: name) {
      if let why = JSONTestSuite.acceptedRaw[name] {
        #expect(raw.written > 0, "\(name) is now rejected (\(raw.summary)): remove it from acceptedRaw (\(why))")
      } else {
        #expect(raw.written == 0, "\(name) is invalid JSON but a row was written: \(raw.summary)")
        if JSONTestSuite.noRecord[name] != nil {
          #expect(raw.read == 0, "\(name): expected no record: \(raw.summary)")
        } else {
          #expect(raw.read >= 1 && raw.rejected == raw.read, "\(name) must be rejected: \(raw.summary)")
        }
      }
    }
    if let member = bounded(wrapped(text), form: form, file: name + " as {\"v\": …}") {
      if let why = JSONTestSuite.acceptedWhenWrapped[name] {
        #expect(member.written == 1, "\(name) as a member value is now rejected: remove it from acceptedWhenWrapped (\(why))")
      } else {
        #expect(member.written == 0 && member.rejected == 1, "\(name) as a member value must be rejected: \(member.summary)")
      }
    }
    if interiorNewline, let lines = bounded(bytes, form: .ndjson, file: name) {
      #expect(lines.written == 0, "\(name) as NDJSON lines wrote a row: \(lines.summary)")
    }
  }

  /// Implementation-defined: only "no crash, no hang, counters balance" is asserted.
  /// What ndflat does with each (commits 9945ad5 and 836d0d3 alike), for the record:
  /// - lone or inverted surrogate escapes (`i_string_1st_surrogate_but_2nd_missing`,
  ///   `i_string_lone_second_surrogate`, `i_object_key_lone_2nd_surrogate`, …): rejected,
  ///   "invalid JSON: lone UTF-16 surrogate escape";
  /// - bytes that are not UTF-8 (`i_string_iso_latin_1`, `i_string_lone_utf8_continuation_byte`,
  ///   `i_string_truncated-utf-8`, `i_string_overlong_sequence_6_bytes`): rejected, "invalid
  ///   bytes in UTF8 string"; UTF-16 files: rejected;
  /// - yajl checks only the shape of UTF-8 sequences, so an encoded surrogate
  ///   (`i_string_UTF8_surrogate_U+D800`, ED A0 80), a 2-byte overlong form
  ///   (`i_string_overlong_sequence_2_bytes`, C0 AF) and a code point above U+10FFFF
  ///   (`i_string_not_in_unicode_range`, F4 BF BF BF) are accepted and passed through
  ///   byte for byte (as a member value);
  /// - huge numbers and exponents: accepted, their text kept exactly;
  /// - `i_structure_500_nested_arrays`: accepted as a member value (under --max-depth 1000);
  /// - `i_structure_UTF-8_BOM_empty_object`: the BOM at the start of the input is dropped,
  ///   `{}` is written.
  @Test("i_ files neither crash nor hang", arguments: JSONTestSuite.files("i_"))
  func mayDoEither(_ name: String) {
    let bytes = JSONTestSuite.bytes(name)
    let (text, interiorNewline) = body(bytes)
    _ = bounded(interiorNewline ? text : bytes, form: interiorNewline ? .concat : .ndjson, file: name)
    _ = bounded(wrapped(text), form: interiorNewline ? .concat : .ndjson, file: name + " as {\"v\": …}")
    _ = bounded(bytes, form: .auto, file: name)
  }
}
