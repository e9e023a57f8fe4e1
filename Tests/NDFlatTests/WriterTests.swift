// Tests for the cell writers: CSV quoting (RFC 4180), TSV escaping, JSON string
// escaping, header quoting, and the same rules end to end through Converter.
//
// Expected outputs are written by hand from RFC 4180 / RFC 8259 and the TSV rule
// in SPEC §2, or checked against small reference implementations in this file.

import Foundation
import Testing

@testable import NDFlat

// MARK: - Helpers

/// Calls `body` with a pointer to `bytes` (never nil, even for an empty array).
private func withPointer<R>(_ bytes: [UInt8], _ body: (UnsafePointer<UInt8>, Int) -> R) -> R {
  var padded = bytes
  padded.append(0)
  return padded.withUnsafeBufferPointer { body($0.baseAddress!, bytes.count) }
}

private func csvField(_ bytes: [UInt8], delimiter: UInt8 = UInt8(ascii: ",")) -> [UInt8] {
  var arena = ByteArena(capacity: 16)
  defer { arena.release() }
  withPointer(bytes) { arena.appendCSVField($0, $1, delimiter: delimiter) }
  return Array(arena.bytes)
}

private func csvField(_ text: String, delimiter: Character = ",") -> String {
  String(decoding: csvField(Array(text.utf8), delimiter: delimiter.asciiValue!), as: UTF8.self)
}

private func tsvField(_ bytes: [UInt8]) -> [UInt8] {
  var arena = ByteArena(capacity: 16)
  defer { arena.release() }
  withPointer(bytes) { arena.appendTSVField($0, $1) }
  return Array(arena.bytes)
}

private func tsvField(_ text: String) -> String {
  String(decoding: tsvField(Array(text.utf8)), as: UTF8.self)
}

private func jsonString(_ bytes: [UInt8]) -> [UInt8] {
  var arena = ByteArena(capacity: 16)
  defer { arena.release() }
  withPointer(bytes) { arena.appendJSONString($0, $1) }
  return Array(arena.bytes)
}

private func jsonString(_ text: String) -> String {
  String(decoding: jsonString(Array(text.utf8)), as: UTF8.self)
}

/// RFC 4180 reference: quote when the field holds the delimiter, `"`, CR or LF; double `"`.
private func referenceCSV(_ bytes: [UInt8], delimiter: UInt8) -> [UInt8] {
  let quote = UInt8(ascii: "\"")
  guard bytes.contains(where: { $0 == delimiter || $0 == quote || $0 == 0x0A || $0 == 0x0D }) else {
    return bytes
  }
  var out: [UInt8] = [quote]
  for byte in bytes {
    out.append(byte)
    if byte == quote { out.append(quote) }
  }
  out.append(quote)
  return out
}

/// TSV reference: tab, LF, CR and backslash become `\t` `\n` `\r` `\\`; all else verbatim.
private func referenceTSV(_ bytes: [UInt8]) -> [UInt8] {
  var out: [UInt8] = []
  for byte in bytes {
    switch byte {
    case 0x09: out += Array("\\t".utf8)
    case 0x0A: out += Array("\\n".utf8)
    case 0x0D: out += Array("\\r".utf8)
    case UInt8(ascii: "\\"): out += Array("\\\\".utf8)
    default: out.append(byte)
    }
  }
  return out
}

/// Checks that `output` is `input` as a JSON string literal: quoted, with exactly the
/// bytes that must be escaped (controls, `"`, `\`) escaped, and every other byte
/// copied verbatim. Short escapes (`\n`, `\t`, …) and `\u00XX` (either case) are accepted.
private func checkJSONString(_ output: [UInt8], input: [UInt8]) -> String? {
  var i = 0
  func next() -> UInt8? {
    guard i < output.count else { return nil }
    defer { i += 1 }
    return output[i]
  }
  guard next() == UInt8(ascii: "\"") else { return "no opening quote" }
  for (position, byte) in input.enumerated() {
    let mustEscape = byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    guard let first = next() else { return "output ends early at input byte \(position)" }
    if !mustEscape {
      if first != byte { return "byte \(position) (0x\(String(byte, radix: 16))) not copied verbatim" }
      continue
    }
    guard first == UInt8(ascii: "\\") else { return "byte \(position) (0x\(String(byte, radix: 16))) not escaped" }
    guard let kind = next() else { return "escape cut short" }
    let short: [UInt8: UInt8] = [
      UInt8(ascii: "\""): 0x22, UInt8(ascii: "\\"): 0x5C, UInt8(ascii: "b"): 0x08,
      UInt8(ascii: "f"): 0x0C, UInt8(ascii: "n"): 0x0A, UInt8(ascii: "r"): 0x0D, UInt8(ascii: "t"): 0x09,
    ]
    if let decoded = short[kind] {
      if decoded != byte { return "byte \(position) escaped as \\\(Character(UnicodeScalar(kind)))" }
      continue
    }
    guard kind == UInt8(ascii: "u"), i + 4 <= output.count else { return "bad escape at byte \(position)" }
    let hex = String(decoding: output[i..<(i + 4)], as: UTF8.self)
    i += 4
    guard let value = UInt32(hex, radix: 16), value == UInt32(byte) else {
      return "byte \(position) escaped as \\u\(hex)"
    }
  }
  guard next() == UInt8(ascii: "\"") else { return "no closing quote" }
  guard i == output.count else { return "trailing bytes after the closing quote" }
  return nil
}

/// Runs the converter over `text` and returns the output as a String.
private func convert(_ text: String, _ configure: (inout ConvertOptions) -> Void = { _ in }) throws -> String {
  var options = ConvertOptions()
  configure(&options)
  let (bytes, report) = try Converter(options: options).convertToBytes([.memory(name: "t", bytes: Array(text.utf8))])
  #expect(report.counters.recordsRejected == 0)
  return String(decoding: bytes, as: UTF8.self)
}

/// Byte values worth putting at every position: all of them.
private let allBytes: [UInt8] = (0...255).map { UInt8($0) }

/// Field lengths around word and vector boundaries.
private let lengths: [Int] = Array(1...17) + [23, 24, 25, 31, 32, 33, 39, 40, 47, 48, 49, 63, 64, 65, 127, 128, 129]

/// Bytes tried at each position: all 256 over the ASCII filler, the interesting ones over the others.
private func probeBytes(pattern: Int) -> [UInt8] {
  pattern == 0 ? allBytes : [0x00, 0x08, 0x09, 0x0A, 0x0C, 0x0D, 0x1F, 0x20, 0x22, 0x2C, 0x3B, 0x5C, 0x7F, 0x80, 0xA2, 0xDC, 0xFF]
}

/// Positions tried in a field of `length` bytes: both ends, word edges, the middle.
private func probePositions(_ length: Int) -> [Int] {
  Set([0, 1, 7, 8, 15, 16, 31, 32, 63, 64, length / 2, length - 2, length - 1]).filter { $0 >= 0 && $0 < length }.sorted()
}

/// Fillers: plain ASCII, and high (non-ASCII) bytes that fool naive word tricks.
private func filler(_ length: Int, pattern: Int) -> [UInt8] {
  switch pattern {
  case 0: return Array(repeating: UInt8(ascii: "a"), count: length)
  case 1: return (0..<length).map { UInt8(0x80 + ($0 * 37) % 128) }
  default: return (0..<length).map { [0x23, 0x21, 0x5B, 0x5D, 0x7F, 0xA2, 0xDC, 0x2C][$0 % 8] }
  }
}

// MARK: - CSV

@Suite("CSV cell quoting (RFC 4180)")
struct CSVQuotingTests {
  @Test("plain fields are written as they are")
  func plain() {
    #expect(csvField("hello") == "hello")
    #expect(csvField("21070000000000001") == "21070000000000001")
    #expect(csvField(" leading and trailing ") == " leading and trailing ")
    #expect(csvField("tab\there") == "tab\there")  // a tab is not special in CSV
    #expect(csvField("semi;colon") == "semi;colon")
    #expect(csvField("single'quote") == "single'quote")
    #expect(csvField("=1+2") == "=1+2")
  }

  @Test("the empty field stays empty")
  func empty() {
    #expect(csvField("") == "")
    #expect(csvField([UInt8]()) == [])
  }

  @Test("the delimiter forces quotes")
  func delimiter() {
    #expect(csvField("a,b") == "\"a,b\"")
    #expect(csvField(",") == "\",\"")
    #expect(csvField(",leading") == "\",leading\"")
    #expect(csvField("trailing,") == "\"trailing,\"")
    #expect(csvField("[1,2,3]") == "\"[1,2,3]\"")
  }

  @Test("a double quote forces quotes and is doubled")
  func quotes() {
    #expect(csvField("say \"hi\"") == "\"say \"\"hi\"\"\"")
    #expect(csvField("\"") == "\"\"\"\"")
    #expect(csvField("\"\"") == "\"\"\"\"\"\"")
    #expect(csvField("a\"") == "\"a\"\"\"")
    #expect(csvField("{\"d\":\"x\"}") == "\"{\"\"d\"\":\"\"x\"\"}\"")
  }

  @Test("LF and CR force quotes and are kept raw")
  func lineBreaks() {
    #expect(csvField("line1\nline2") == "\"line1\nline2\"")
    #expect(csvField("line1\rline2") == "\"line1\rline2\"")
    #expect(csvField("line1\r\nline2") == "\"line1\r\nline2\"")
    #expect(csvField("\n") == "\"\n\"")
    #expect(csvField("\r") == "\"\r\"")
    #expect(csvField("end\n") == "\"end\n\"")
  }

  @Test("unicode is untouched, quoted only for the usual reasons")
  func unicode() {
    #expect(csvField("é😀日本語") == "é😀日本語")
    #expect(csvField("é,😀") == "\"é,😀\"")
    #expect(csvField("«\"»") == "\"«\"\"»\"")
    // U+2028 LINE SEPARATOR and NEL are not CSV line breaks.
    #expect(csvField("a\u{2028}b\u{85}c") == "a\u{2028}b\u{85}c")
  }

  @Test("another delimiter: only it (and quote, CR, LF) forces quotes")
  func otherDelimiters() {
    #expect(csvField("a;b", delimiter: ";") == "\"a;b\"")
    #expect(csvField("a,b", delimiter: ";") == "a,b")
    #expect(csvField("a\tb", delimiter: "\t") == "\"a\tb\"")
    #expect(csvField("a\"b", delimiter: ";") == "\"a\"\"b\"")
  }

  @Test("appends after what the arena already holds, and grows for long fields")
  func appendsAndGrows() {
    var arena = ByteArena(capacity: 16)
    defer { arena.release() }
    arena.append(Array("x,".utf8))
    let long = Array(String(repeating: "ab\"c,", count: 2000).utf8)
    withPointer(long) { arena.appendCSVField($0, $1, delimiter: UInt8(ascii: ",")) }
    arena.append(UInt8(ascii: ","))
    withPointer(Array("tail".utf8)) { arena.appendCSVField($0, $1, delimiter: UInt8(ascii: ",")) }
    let expected = Array("x,".utf8) + referenceCSV(long, delimiter: UInt8(ascii: ",")) + Array(",tail".utf8)
    #expect(Array(arena.bytes) == expected)
  }

  @Test("every byte value at word-boundary positions matches the RFC 4180 reference")
  func exhaustiveBytes() {
    var failures: [String] = []
    for delimiter in [UInt8(ascii: ","), 0x09] {
      for pattern in 0..<3 {
        for length in lengths {
          let base = filler(length, pattern: pattern)
          for position in probePositions(length) {
            for byte in probeBytes(pattern: pattern) {
              var field = base
              field[position] = byte
              let got = csvField(field, delimiter: delimiter)
              if got != referenceCSV(field, delimiter: delimiter) && failures.count < 10 {
                failures.append("delimiter 0x\(String(delimiter, radix: 16)) length \(length) byte 0x\(String(byte, radix: 16)) at \(position) pattern \(pattern)")
              }
            }
          }
        }
      }
      // Fields whose base already needs quoting, with a second special byte anywhere.
      for length in [2, 8, 9, 16, 17, 33] {
        for position in 0..<length {
          var field = filler(length, pattern: 0)
          field[0] = UInt8(ascii: "\"")
          field[position] = UInt8(ascii: "\"")
          if csvField(field, delimiter: delimiter) != referenceCSV(field, delimiter: delimiter) && failures.count < 10 {
            failures.append("two quotes, length \(length), second at \(position)")
          }
        }
      }
    }
    #expect(failures.isEmpty, "\(failures)")
  }
}

// MARK: - TSV

@Suite("TSV cell escaping")
struct TSVEscapingTests {
  @Test("tab, LF, CR and backslash are escaped")
  func specials() {
    #expect(tsvField("a\tb") == "a\\tb")
    #expect(tsvField("a\nb") == "a\\nb")
    #expect(tsvField("a\rb") == "a\\rb")
    #expect(tsvField("a\\b") == "a\\\\b")
    #expect(tsvField("\t\n\r\\") == "\\t\\n\\r\\\\")
    #expect(tsvField("C:\\path\\to") == "C:\\\\path\\\\to")
    #expect(tsvField("\\n") == "\\\\n")  // a literal backslash-n stays distinguishable
  }

  @Test("everything else is verbatim: quotes, commas, unicode, other controls")
  func verbatim() {
    #expect(tsvField("") == "")
    #expect(tsvField("plain") == "plain")
    #expect(tsvField("a,b \"q\"") == "a,b \"q\"")
    #expect(tsvField("é😀") == "é😀")
    #expect(tsvField("\u{1}\u{1f}") == "\u{1}\u{1f}")
  }

  @Test("every byte value at word-boundary positions matches the reference")
  func exhaustiveBytes() {
    var failures: [String] = []
    for pattern in 0..<3 {
      for length in lengths {
        let base = filler(length, pattern: pattern)
        for position in probePositions(length) {
          for byte in probeBytes(pattern: pattern) {
            var field = base
            field[position] = byte
            if tsvField(field) != referenceTSV(field) && failures.count < 10 {
              failures.append("length \(length) byte 0x\(String(byte, radix: 16)) at \(position) pattern \(pattern)")
            }
          }
        }
      }
    }
    // Runs of specials back to back, and at both ends.
    for length in [1, 2, 7, 8, 9, 16, 17, 64, 65] {
      for special in [UInt8(0x09), 0x0A, 0x0D, 0x5C] {
        let field = Array(repeating: special, count: length)
        if tsvField(field) != referenceTSV(field) { failures.append("run of 0x\(String(special, radix: 16)) × \(length)") }
      }
    }
    #expect(failures.isEmpty, "\(failures)")
  }
}

// MARK: - JSON strings

@Suite("JSON string escaping")
struct JSONEscapingTests {
  @Test("quotes, backslash and the common controls")
  func common() {
    #expect(jsonString("") == "\"\"")
    #expect(jsonString("plain") == "\"plain\"")
    #expect(jsonString("say \"hi\"") == "\"say \\\"hi\\\"\"")
    #expect(jsonString("back\\slash") == "\"back\\\\slash\"")
    #expect(jsonString("line1\nline2") == "\"line1\\nline2\"")
    #expect(jsonString("cr\rhere") == "\"cr\\rhere\"")
    #expect(jsonString("tab\there") == "\"tab\\there\"")
    #expect(jsonString("a/b") == "\"a/b\"")  // the solidus needs no escape
  }

  @Test("other control characters become \\u00XX")
  func controls() {
    #expect(jsonString("\u{0}").lowercased() == "\"\\u0000\"")
    #expect(jsonString("\u{1}").lowercased() == "\"\\u0001\"")
    #expect(jsonString("\u{1f}").lowercased() == "\"\\u001f\"")
    #expect(jsonString("a\u{7}b").lowercased() == "\"a\\u0007b\"")
    #expect(jsonString("\u{1b}[0m").lowercased() == "\"\\u001b[0m\"")
    // 0x08 and 0x0C may use \b and \f or \u00XX; either must decode back.
    for control in [UInt8(0x08), 0x0C] {
      #expect(checkJSONString(jsonString([control]), input: [control]) == nil)
    }
  }

  @Test("DEL and unicode are untouched")
  func unicodeUntouched() {
    #expect(jsonString("\u{7f}") == "\"\u{7f}\"")
    #expect(jsonString("é😀日本語") == "\"é😀日本語\"")
    #expect(jsonString("\u{2028}\u{2029}") == "\"\u{2028}\u{2029}\"")
  }

  @Test("every control character round-trips through JSONSerialization")
  func roundTrip() throws {
    let text = String(decoding: (0..<0x20).map { UInt8($0) } + Array("\"\\/é😀 end".utf8), as: UTF8.self)
    let literal = jsonString(text)
    for byte in literal.utf8 { #expect(byte >= 0x20) }
    let decoded = try JSONSerialization.jsonObject(with: Data(("[" + literal + "]").utf8)) as? [Any]
    #expect(decoded?.first as? String == text)
  }

  @Test("every byte value at word-boundary positions is escaped exactly when it must be")
  func exhaustiveBytes() {
    var failures: [String] = []
    for pattern in 0..<3 {
      for length in lengths {
        let base = filler(length, pattern: pattern)
        for position in probePositions(length) {
          for byte in probeBytes(pattern: pattern) {
            var field = base
            field[position] = byte
            if let problem = checkJSONString(jsonString(field), input: field), failures.count < 10 {
              failures.append("length \(length) byte 0x\(String(byte, radix: 16)) at \(position) pattern \(pattern): \(problem)")
            }
          }
        }
      }
    }
    let allControls = (0..<0x20).map { UInt8($0) } + [0x22, 0x5C] + (0..<0x20).map { UInt8($0) }
    if let problem = checkJSONString(jsonString(allControls), input: allControls) { failures.append(problem) }
    #expect(failures.isEmpty, "\(failures)")
  }
}

// MARK: - End to end

@Suite("Writers end to end")
struct WriterEndToEndTests {
  static let multiline = #"{"id":1,"text":"line1\nline2","cr":"a\r\nb","q":"say \"hi\", ok","t":"tab\there","b":"back\\slash"}"# + "\n"
    + #"{"id":2,"text":"single","cr":"","q":"","t":"","b":""}"# + "\n"

  @Test("CSV: embedded newlines, CRLF, quotes and commas are quoted; rows stay parseable")
  func csvEmbeddedNewlines() throws {
    let output = try convert(Self.multiline)
    let expected =
      "id,text,cr,q,t,b\n"
      + "1,\"line1\nline2\",\"a\r\nb\",\"say \"\"hi\"\", ok\",tab\there,back\\slash\n"
      + "2,single,,,,\n"
    #expect(output == expected)
  }

  @Test("TSV: embedded newlines and tabs are escaped, one line per record")
  func tsvEmbeddedNewlines() throws {
    let output = try convert(Self.multiline) { $0.format = .tsv }
    let expected =
      "id\ttext\tcr\tq\tt\tb\n"
      + "1\tline1\\nline2\ta\\r\\nb\tsay \"hi\", ok\ttab\\there\tback\\\\slash\n"
      + "2\tsingle\t\t\t\t\n"
    #expect(output == expected)
    #expect(output.split(separator: "\n", omittingEmptySubsequences: false).count == 4)
  }

  @Test("flattened NDJSON: strings re-escaped, one line per record")
  func jsonEmbeddedNewlines() throws {
    let output = try convert(Self.multiline) { $0.format = .json }
    let lines = output.split(separator: "\n", omittingEmptySubsequences: true)
    #expect(lines.count == 2)
    #expect(
      lines.first.map(String.init)
        == #"{"id":1,"text":"line1\nline2","cr":"a\r\nb","q":"say \"hi\", ok","t":"tab\there","b":"back\\slash"}"#)
    let object = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any]
    #expect(object?["text"] as? String == "line1\nline2")
    #expect(object?["cr"] as? String == "a\r\nb")
  }

  @Test("control characters in values: raw in CSV, escaped in JSON")
  func controlCharacters() throws {
    let input = #"{"c":"\u0001\u001f\b\f"}"# + "\n"
    let csv = try convert(input)
    #expect(csv == "c\n\u{1}\u{1f}\u{8}\u{c}\n")
    let json = try convert(input) { $0.format = .json }
    let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
    #expect(object?["c"] as? String == "\u{1}\u{1f}\u{8}\u{c}")
    for byte in json.utf8.dropLast() { #expect(byte >= 0x20) }
  }

  @Test("header names are quoted and escaped like cells")
  func headerQuoting() throws {
    let input = #"{"a,b":1,"say \"x\"":2,"new\nline":3,"tab\tkey":4,"plain":5}"# + "\n"
    let csv = try convert(input)
    #expect(csv == "\"a,b\",\"say \"\"x\"\"\",\"new\nline\",tab\tkey,plain\n1,2,3,4,5\n")
    let tsv = try convert(input) { $0.format = .tsv }
    #expect(tsv == "a,b\tsay \"x\"\tnew\\nline\ttab\\tkey\tplain\n1\t2\t3\t4\t5\n")
    let json = try convert(input) { $0.format = .json }
    #expect(json == #"{"a,b":1,"say \"x\"":2,"new\nline":3,"tab\tkey":4,"plain":5}"# + "\n")
  }

  @Test("header names from --fields are quoted too")
  func fieldHeaderQuoting() throws {
    let input = #"{"a":{"b":"x,y"}}"# + "\n"
    let csv = try convert(input) { $0.fields = [FieldSpec(name: "the \"b\", col", path: "a.b")] }
    #expect(csv == "\"the \"\"b\"\", col\"\n\"x,y\"\n")
  }

  @Test("compact JSON of arrays is quoted in CSV, escaped in TSV")
  func arrayCells() throws {
    let input = #"{"a":["x,y","q\"",{"k":"tab\t"}]}"# + "\n"
    let csv = try convert(input)
    #expect(csv == "a\n\"[\"\"x,y\"\",\"\"q\\\"\"\"\",{\"\"k\"\":\"\"tab\\t\"\"}]\"\n")
    let tsv = try convert(input) { $0.format = .tsv }
    #expect(tsv == "a\n[\"x,y\",\"q\\\\\"\",{\"k\":\"tab\\\\t\"}]\n")
  }
}
