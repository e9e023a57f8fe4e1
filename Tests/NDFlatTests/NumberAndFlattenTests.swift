// Tests for number preservation and the flatten contract (SPEC §1–§2), through the
// public Converter API. Every expected output is written by hand from the contract.

import Foundation
import Testing

@testable import NDFlat

// MARK: - Helpers

/// Converts `text` and returns the output as a String with the run report.
private func run(
  _ text: String, _ configure: (inout ConvertOptions) -> Void = { _ in }
) throws -> (output: String, report: RunReport) {
  try run(bytes: Array(text.utf8), configure)
}

private func run(
  bytes: [UInt8], _ configure: (inout ConvertOptions) -> Void = { _ in }
) throws -> (output: String, report: RunReport) {
  var options = ConvertOptions()
  configure(&options)
  let (output, report) = try Converter(options: options).convertToBytes([.memory(name: "t", bytes: bytes)])
  return (String(decoding: output, as: UTF8.self), report)
}

/// Converts and expects no rejection.
private func convert(_ text: String, _ configure: (inout ConvertOptions) -> Void = { _ in }) throws -> String {
  let (output, report) = try run(text, configure)
  #expect(report.counters.recordsRejected == 0, "unexpected rejection")
  return output
}

/// Collects the rejections of a run.
private func rejections(
  _ text: String, _ configure: (inout ConvertOptions) -> Void = { _ in }
) throws -> (rejections: [Rejection], report: RunReport, output: String) {
  var options = ConvertOptions()
  configure(&options)
  let converter = try Converter(options: options)
  var collected: [Rejection] = []
  converter.onRejection = { collected.append($0) }
  let (output, report) = try converter.convertToBytes([.memory(name: "t", bytes: Array(text.utf8))])
  return (collected, report, String(decoding: output, as: UTF8.self))
}

private func lines(_ records: String...) -> String { records.map { $0 + "\n" }.joined() }

// MARK: - Numbers

@Suite("Numbers keep their literal text")
struct NumberPreservationTests {
  static let forty = "1234567890123456789012345678901234567890"
  static let record =
    #"{"big":21070000000000001,"dec":1.10,"negzero":-0,"huge":1e400,"forty":"#
    + forty + #","four":4.0,"hundred":100.0,"exp":1E+2,"neg":-1.5e-10,"zero":0,"#
    + #""arr":[1.10,-0,1e400,4.0,100.0,1E+2],"obj":{"n":100.0,"m":-0.0}}"#

  @Test("CSV")
  func csv() throws {
    let output = try convert(Self.record + "\n")
    #expect(
      output == "big,dec,negzero,huge,forty,four,hundred,exp,neg,zero,arr,obj.n,obj.m\n"
        + "21070000000000001,1.10,-0,1e400,\(Self.forty),4.0,100.0,1E+2,-1.5e-10,0,"
        + "\"[1.10,-0,1e400,4.0,100.0,1E+2]\",100.0,-0.0\n")
  }

  @Test("TSV")
  func tsv() throws {
    let output = try convert(Self.record + "\n") { $0.format = .tsv }
    #expect(
      output == "big\tdec\tnegzero\thuge\tforty\tfour\thundred\texp\tneg\tzero\tarr\tobj.n\tobj.m\n"
        + "21070000000000001\t1.10\t-0\t1e400\t\(Self.forty)\t4.0\t100.0\t1E+2\t-1.5e-10\t0\t"
        + "[1.10,-0,1e400,4.0,100.0,1E+2]\t100.0\t-0.0\n")
  }

  @Test("flattened NDJSON")
  func json() throws {
    let output = try convert(Self.record + "\n") { $0.format = .json }
    #expect(
      output == #"{"big":21070000000000001,"dec":1.10,"negzero":-0,"huge":1e400,"forty":"#
        + Self.forty + #","four":4.0,"hundred":100.0,"exp":1E+2,"neg":-1.5e-10,"zero":0,"#
        + #""arr":[1.10,-0,1e400,4.0,100.0,1E+2],"obj.n":100.0,"obj.m":-0.0}"# + "\n")
  }

  @Test("--arrays index")
  func indexed() throws {
    let output = try convert(#"{"arr":[1.10,-0,1e400,4.0],"n":[[100.0]]}"# + "\n") { $0.arrays = .index }
    #expect(output == "arr.0,arr.1,arr.2,arr.3,n.0.0\n1.10,-0,1e400,4.0,100.0\n")
  }

  @Test("--fields, including numbers inside a captured object")
  func fields() throws {
    let csv = try convert(Self.record + "\n") { $0.fields = FieldSpec.parseList("big,dec,forty,arr.0,obj,huge") }
    #expect(
      csv == "big,dec,forty,arr.0,obj,huge\n"
        + "21070000000000001,1.10,\(Self.forty),1.10,\"{\"\"n\"\":100.0,\"\"m\"\":-0.0}\",1e400\n")
    let json = try convert(Self.record + "\n") {
      $0.format = .json
      $0.fields = FieldSpec.parseList("negzero,exp,obj")
    }
    #expect(json == #"{"negzero":-0,"exp":1E+2,"obj":{"n":100.0,"m":-0.0}}"# + "\n")
  }

  @Test("forEachRow reports numbers as literal text")
  func flatRow() throws {
    var rows: [FlatRow] = []
    _ = try Converter(options: ConvertOptions()).forEachRow([.memory(name: "t", bytes: Array((Self.record + "\n").utf8))]) {
      rows.append($0)
    }
    try #require(rows.count == 1)
    let row = rows[0]
    #expect(row["big"] == FlatValue(kind: .number, text: "21070000000000001"))
    #expect(row["dec"] == FlatValue(kind: .number, text: "1.10"))
    #expect(row["negzero"] == FlatValue(kind: .number, text: "-0"))
    #expect(row["huge"] == FlatValue(kind: .number, text: "1e400"))
    #expect(row["forty"] == FlatValue(kind: .number, text: Self.forty))
    #expect(row["four"] == FlatValue(kind: .number, text: "4.0"))
    #expect(row["exp"] == FlatValue(kind: .number, text: "1E+2"))
    #expect(row["arr"] == FlatValue(kind: .json, text: "[1.10,-0,1e400,4.0,100.0,1E+2]"))
    #expect(row["obj.n"] == FlatValue(kind: .number, text: "100.0"))
  }
}

// MARK: - Flatten contract

@Suite("Flatten contract")
struct FlattenContractTests {
  @Test("nested objects become dotted columns at any depth")
  func nestedObjects() throws {
    let output = try convert(lines(#"{"a":{"b":1,"c":{"d":"x","e":{"f":true}}},"g":2}"#))
    #expect(output == "a.b,a.c.d,a.c.e.f,g\n1,x,true,2\n")
    let json = try convert(lines(#"{"a":{"b":1,"c":{"d":"x","e":{"f":true}}},"g":2}"#)) { $0.format = .json }
    #expect(json == #"{"a.b":1,"a.c.d":"x","a.c.e.f":true,"g":2}"# + "\n")
  }

  @Test("an empty object is the cell {}")
  func emptyObject() throws {
    let input = lines(#"{"e":{},"n":{"inner":{}},"x":1}"#)
    #expect(try convert(input) == "e,n.inner,x\n{},{},1\n")
    #expect(try convert(input) { $0.format = .tsv } == "e\tn.inner\tx\n{}\t{}\t1\n")
    #expect(try convert(input) { $0.format = .json } == #"{"e":{},"n.inner":{},"x":1}"# + "\n")
  }

  @Test("arrays (json mode): one cell of compact JSON; the array itself in NDJSON")
  func arraysAsJSON() throws {
    let input = lines(#"{"a": [ 1 , "two" , {"b" : [true, null, false]}, [], {} ], "f":[]}"#)
    #expect(try convert(input) == "a,f\n\"[1,\"\"two\"\",{\"\"b\"\":[true,null,false]},[],{}]\",[]\n")
    #expect(try convert(input) { $0.format = .tsv } == "a\tf\n[1,\"two\",{\"b\":[true,null,false]},[],{}]\t[]\n")
    #expect(
      try convert(input) { $0.format = .json } == #"{"a":[1,"two",{"b":[true,null,false]},[],{}],"f":[]}"# + "\n")
  }

  @Test("arrays (index mode): path.0, path.1, …; [] stays []")
  func arraysIndexed() throws {
    let input = lines(#"{"a":[1,"two",{"b":[true,null]},[],{}],"f":[]}"#)
    #expect(
      try convert(input) { $0.arrays = .index }
        == "a.0,a.1,a.2.b.0,a.2.b.1,a.3,a.4,f\n1,two,true,,[],{},[]\n")
    #expect(
      try convert(input) {
        $0.arrays = .index
        $0.format = .json
      } == #"{"a.0":1,"a.1":"two","a.2.b.0":true,"a.2.b.1":null,"a.3":[],"a.4":{},"f":[]}"# + "\n")
  }

  @Test("index mode: columns from longer arrays in later records join in first-seen order")
  func indexedGrowth() throws {
    let input = lines(#"{"t":[1],"u":0}"#, #"{"t":[1,2,3]}"#)
    #expect(try convert(input) { $0.arrays = .index } == "t.0,u,t.1,t.2\n1,0,,\n1,,2,3\n")
  }

  @Test("true, false and null")
  func literals() throws {
    let input = lines(#"{"t":true,"f":false,"n":null,"s":"null"}"#)
    #expect(try convert(input) == "t,f,n,s\ntrue,false,,null\n")
    #expect(try convert(input) { $0.format = .json } == #"{"t":true,"f":false,"n":null,"s":"null"}"# + "\n")
  }

  @Test("--null TEXT fills null and absent cells, never empty strings")
  func nullText() throws {
    let input = lines(#"{"a":null,"b":"","c":1}"#, #"{"c":2}"#)
    #expect(try convert(input) { $0.nullText = "NULL" } == "a,b,c\nNULL,,1\nNULL,NULL,2\n")
    #expect(try convert(input) { $0.nullText = "\\N"; $0.format = .tsv } == "a\tb\tc\n\\N\t\t1\n\\N\t\\N\t2\n")
    // In NDJSON null stays null and absent keys stay absent.
    #expect(
      try convert(input) { $0.nullText = "NULL"; $0.format = .json } == lines(#"{"a":null,"b":"","c":1}"#, #"{"c":2}"#))
  }

  @Test("absent fields are empty cells; a record with none of the columns is all empty")
  func absentFields() throws {
    let input = lines(#"{"a":1,"b":{"c":2}}"#, #"{"z":3}"#, #"{}"#, #"{"b":{}}"#)
    #expect(try convert(input) == "a,b.c,z,b\n1,2,,\n,,3,\n,,,\n,,,{}\n")
  }

  @Test("--sep joins keys; keys containing the separator are kept as they are")
  func separator() throws {
    let input = lines(#"{"a":{"b":{"c":1}},"x_y":{"z":2},"p.q":{"r":3}}"#)
    #expect(try convert(input) { $0.separator = "_" } == "a_b_c,x_y_z,p.q_r\n1,2,3\n")
    #expect(try convert(input) == "a.b.c,x_y.z,p.q.r\n1,2,3\n")
    #expect(try convert(input) { $0.separator = "::" } == "a::b::c,x_y::z,p.q::r\n1,2,3\n")
    #expect(
      try convert(input) { $0.separator = "_"; $0.arrays = .index; $0.format = .json }
        == #"{"a_b_c":1,"x_y_z":2,"p.q_r":3}"# + "\n")
    #expect(
      try convert(lines(#"{"a":[{"b":1}]}"#)) { $0.separator = "/"; $0.arrays = .index } == "a/0/b\n1\n")
  }

  @Test("--fields paths are written with '.'; --sep shapes the header names")
  func separatorInFields() throws {
    let input = lines(#"{"a":{"b":[{"c":5}]}}"#)
    #expect(
      try convert(input) { $0.separator = "_"; $0.fields = FieldSpec.parseList("a.b.0.c,A=a.b") }
        == "a_b_0_c,A\n5,\"[{\"\"c\"\":5}]\"\n")
    #expect(
      try convert(input) { $0.separator = "_"; $0.fields = FieldSpec.parseList("a.b.0.c"); $0.format = .json }
        == #"{"a_b_0_c":5}"# + "\n")
  }

  @Test("duplicate keys: the last one wins")
  func duplicateKeys() throws {
    #expect(try convert(lines(#"{"a":1,"a":2}"#)) == "a\n2\n")
    #expect(try convert(lines(#"{"o":{"k":"first","k":"second"}}"#)) == "o.k\nsecond\n")
    // An object replaced by a scalar: nothing of the object is left, no column for it.
    let replaced = try run(lines(#"{"a":{"x":1,"y":{"z":2}},"a":3}"#))
    #expect(replaced.output == "a\n3\n")
    #expect(replaced.report.columns == ["a"])
    // A scalar replaced by an object.
    #expect(try convert(lines(#"{"a":1,"a":{"y":3}}"#)) == "a.y\n3\n")
    // An array replaced by a scalar and back.
    #expect(try convert(lines(#"{"a":[1,2],"a":"s"}"#)) == "a\ns\n")
    #expect(try convert(lines(#"{"a":"s","a":[1,2]}"#)) == "a\n\"[1,2]\"\n")
    #expect(try convert(lines(#"{"a":[1,2],"a":"s"}"#)) { $0.arrays = .index } == "a\ns\n")
    // In NDJSON too.
    #expect(try convert(lines(#"{"a":{"x":1},"a":3}"#)) { $0.format = .json } == #"{"a":3}"# + "\n")
    #expect(try convert(lines(#"{"a":3,"a":{"x":1}}"#)) { $0.format = .json } == #"{"a.x":1}"# + "\n")
    // With --fields: the object asked for and its child both follow the last key.
    #expect(try convert(lines(#"{"a":{"x":1},"a":3}"#)) { $0.fields = FieldSpec.parseList("a,a.x") } == "a,a.x\n3,\n")
    #expect(
      try convert(lines(#"{"a":3,"a":{"x":1}}"#)) { $0.fields = FieldSpec.parseList("a,a.x") }
        == "a,a.x\n\"{\"\"x\"\":1}\",1\n")
    // The next record is not affected by the previous one's duplicates.
    #expect(try convert(lines(#"{"a":{"x":1},"a":3}"#, #"{"a":{"x":1}}"#)) == "a,a.x\n3,\n,1\n")
  }

  @Test("columns are the union of paths in first-seen order over the whole input")
  func firstSeenOrder() throws {
    let input = lines(
      #"{"b":1,"a":1}"#,
      #"{"c":1,"a":2,"d":{"e":1}}"#,
      #"{"d":{"f":1,"e":2},"b":3}"#,
      #"{"g":[1]}"#)
    let (output, report) = try run(input)
    #expect(report.columns == ["b", "a", "c", "d.e", "d.f", "g"])
    #expect(output == "b,a,c,d.e,d.f,g\n1,1,,,,\n,2,1,1,,\n3,,,2,1,\n,,,,,[1]\n")
  }

  @Test("first-seen order holds across many chunks and threads; a column first seen in the last record is kept")
  func firstSeenOrderAcrossChunks() throws {
    var records: [String] = []
    for i in 0..<2000 { records.append(#"{"id":\#(i),"k\#(i / 100)":\#(i)}"#) }
    records.append(#"{"late":{"column":true}}"#)
    let input = records.map { $0 + "\n" }.joined()
    let expected = ["id"] + (0..<20).map { "k\($0)" } + ["late.column"]
    for threads in [1, 3] {
      let (output, report) = try run(input) {
        $0.threads = threads
        $0.chunkSize = 512
      }
      #expect(report.columns == expected)
      #expect(output.hasPrefix(expected.joined(separator: ",") + "\n"))
      #expect(output.hasSuffix("\n" + String(repeating: ",", count: 21) + "true\n"))
    }
  }

  @Test("-f with NAME=path renames; order is the order given")
  func fieldsRename() throws {
    let input = lines(#"{"id":7,"meta":{"time":"2024-01-01T00:00:00Z","name":"n"}}"#)
    let (output, report) = try run(input) { $0.fields = FieldSpec.parseList("when=meta.time,id,NAME=meta.name") }
    #expect(output == "when,id,NAME\n2024-01-01T00:00:00Z,7,n\n")
    #expect(report.columns == ["when", "id", "NAME"])
    #expect(
      try convert(input) { $0.fields = FieldSpec.parseList("when=meta.time,id"); $0.format = .json }
        == #"{"when":"2024-01-01T00:00:00Z","id":7}"# + "\n")
  }

  @Test("-f: a numeric segment indexes an array")
  func fieldsArrayIndex() throws {
    let input = lines(
      #"{"data":[{"type":"A","x":[10,20]},{"type":"B"}]}"#,
      #"{"data":[]}"#,
      #"{"data":[{"type":"C"}]}"#)
    let output = try convert(input) { $0.fields = FieldSpec.parseList("data.0.type,data.1.type,data.0.x.1,data.5.type") }
    #expect(output == "data.0.type,data.1.type,data.0.x.1,data.5.type\nA,B,20,\n,,,\nC,,,\n")
  }

  @Test("-f: a path naming an object or array yields its compact JSON")
  func fieldsCompactJSON() throws {
    let input = lines(#"{"m":{"n":{"o":1}, "p":[1, {"q":"x"}]},"e":{},"a":[]}"#)
    let output = try convert(input) { $0.fields = FieldSpec.parseList("m,m.n,m.p,e,a,m.n.o") }
    #expect(
      output == "m,m.n,m.p,e,a,m.n.o\n"
        + "\"{\"\"n\"\":{\"\"o\"\":1},\"\"p\"\":[1,{\"\"q\"\":\"\"x\"\"}]}\",\"{\"\"o\"\":1}\",\"[1,{\"\"q\"\":\"\"x\"\"}]\",{},[],1\n")
    let json = try convert(input) { $0.fields = FieldSpec.parseList("m.n,m.p"); $0.format = .json }
    #expect(json == #"{"m.n":{"o":1},"m.p":[1,{"q":"x"}]}"# + "\n")
  }

  @Test("-f: a missing field is an empty cell, absent in NDJSON")
  func fieldsMissing() throws {
    let input = lines(#"{"id":1,"n":5}"#)
    #expect(try convert(input) { $0.fields = FieldSpec.parseList("id,missing,n.deeper,id.x") } == "id,missing,n.deeper,id.x\n1,,,\n")
    #expect(try convert(input) { $0.fields = FieldSpec.parseList("id,missing"); $0.format = .json } == #"{"id":1}"# + "\n")
    #expect(try convert(input) { $0.fields = FieldSpec.parseList("missing"); $0.nullText = "NA" } == "missing\nNA\n")
  }

  @Test("CRLF line ends are accepted and not copied into values")
  func crlf() throws {
    let (output, report) = try run("{\"a\":\"x\",\"b\":1}\r\n{\"a\":\"y\",\"b\":2.50}\r\n")
    #expect(output == "a,b\nx,1\ny,2.50\n")
    #expect(report.counters.recordsRead == 2)
    #expect(report.counters.recordsRejected == 0)
    #expect(try convert("{\"n\":10}\r\n") { $0.format = .json } == "{\"n\":10}\n")
  }

  @Test("a UTF-8 BOM at the start is skipped")
  func bom() throws {
    let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("{\"a\":1}\n{\"a\":2}\n".utf8)
    let (output, report) = try run(bytes: bytes)
    #expect(output == "a\n1\n2\n")
    #expect(report.columns == ["a"])
    #expect(report.counters.recordsRead == 2)
    #expect(report.counters.recordsRejected == 0)
  }

  @Test("blank and whitespace-only lines are skipped and not counted as records")
  func blankLines() throws {
    let input = "\n   \n{\"a\":1}\n\t\n\r\n\n{\"a\":2}\n\n  \t \r\n"
    let (output, report) = try run(input)
    #expect(output == "a\n1\n2\n")
    #expect(report.counters.recordsRead == 2)
    #expect(report.counters.recordsWritten == 2)
    #expect(report.counters.recordsRejected == 0)
    #expect(report.counters.isBalanced)
  }

  @Test("the last line may lack its newline")
  func noFinalNewline() throws {
    #expect(try convert("{\"a\":1}\n{\"a\":2}") == "a\n1\n2\n")
  }

  @Test("string escapes are decoded, in values and in keys")
  func stringEscapes() throws {
    let input = lines(#"{"e":"caf\u00e9","s":"a\/b","emoji":"\ud83d\ude00","A":"\u0041\u00DF","q":"\"\\","k\u00e9y":1}"#)
    #expect(try convert(input) == "e,s,emoji,A,q,kéy\ncafé,a/b,😀,Aß,\"\"\"\\\",1\n")
    #expect(try convert(input) { $0.format = .json } == #"{"e":"café","s":"a/b","emoji":"😀","A":"Aß","q":"\"\\","kéy":1}"# + "\n")
  }

  @Test("a lone surrogate escape is rejected or kept exactly, never replaced (SPEC §4)")
  func loneSurrogate() throws {
    for escape in [#"\ud800"#, #"\udc00"#, #"x\ud83dy"#] {
      let input = lines(#"{"s":""# + escape + #""}"#)
      let (output, report) = try run(input) { $0.format = .json }
      let rejected = report.counters.recordsRejected == 1 && output.isEmpty
      let exact = report.counters.recordsRejected == 0 && output.lowercased().contains(escape)
      #expect(rejected || exact, "\(escape) came out as \(output.debugDescription)")
      #expect(!output.contains("?"), "\(escape) was replaced by '?': \(output.debugDescription)")
    }
  }

  @Test("raw UTF-8 passes through untouched")
  func rawUnicode() throws {
    let input = lines(#"{"ja":"日本語","mix":"é😀\u00e9"}"#)
    #expect(try convert(input) == "ja,mix\n日本語,é😀é\n")
  }

  @Test("a 1 MB record spanning many 64-byte read buffers")
  func recordSpanningBuffers() throws {
    var big = ""
    big.reserveCapacity(1 << 20)
    let pieces = ["abc", "é", "😀", "xyz0123456789", " "]
    var i = 0
    while big.utf8.count < 1 << 20 {
      big += pieces[i % pieces.count]
      i += 1
    }
    let input = lines(#"{"n":1,"s":"small"}"#, #"{"n":2,"s":""# + big + #"","t":[1,2]}"#, #"{"n":3,"s":"after"}"#)
    for threads in [1, 2] {
      let (output, report) = try run(input) {
        $0.chunkSize = 64
        $0.threads = threads
      }
      #expect(report.counters.recordsRead == 3)
      #expect(report.counters.recordsWritten == 3)
      #expect(output == "n,s,t\n1,small,\n2,\(big),\"[1,2]\"\n3,after,\n")
    }
    let json = try convert(input) { $0.chunkSize = 64; $0.format = .json }
    #expect(json == lines(#"{"n":1,"s":"small"}"#, #"{"n":2,"s":""# + big + #"","t":[1,2]}"#, #"{"n":3,"s":"after"}"#))
  }

  @Test("many small records with a tiny chunk size")
  func tinyChunks() throws {
    let records = (0..<500).map { #"{"i":\#($0),"s":"\#(String(repeating: "x", count: $0 % 97))"}"# }
    let input = records.map { $0 + "\n" }.joined()
    let expected = "i,s\n" + (0..<500).map { "\($0),\(String(repeating: "x", count: $0 % 97))\n" }.joined()
    #expect(try convert(input) { $0.chunkSize = 64 } == expected)
    #expect(try convert(input) { $0.chunkSize = 64; $0.threads = 3 } == expected)
  }

  @Test("forEachRow: kinds and document order")
  func forEachRow() throws {
    let input = Array(lines(#"{"s":"x","n":1.50,"t":true,"f":false,"z":null,"o":{"p":{}},"a":[1,{"b":2}]}"#).utf8)
    var rows: [FlatRow] = []
    let report = try Converter(options: ConvertOptions()).forEachRow([.memory(name: "t", bytes: input)]) { rows.append($0) }
    try #require(rows.count == 1)
    #expect(rows[0].fields.map(\.name) == ["s", "n", "t", "f", "z", "o.p", "a"])
    #expect(
      rows[0].fields.map(\.value) == [
        FlatValue(kind: .string, text: "x"), FlatValue(kind: .number, text: "1.50"),
        FlatValue(kind: .boolean, text: "true"), FlatValue(kind: .boolean, text: "false"),
        FlatValue(kind: .null, text: "null"), FlatValue(kind: .json, text: "{}"),
        FlatValue(kind: .json, text: #"[1,{"b":2}]"#),
      ])
    #expect(report.counters.recordsWritten == 1)
  }
}

// MARK: - Records, lines and rejections

@Suite("Record accounting")
struct RecordAccountingTests {
  @Test("rejected records: line numbers count blank lines, offsets are byte offsets")
  func lineNumbersAndOffsets() throws {
    let input = "{\"a\":1}\n\n{\"a\":\n{\"a\":1,}\n[1]\n{\"b\":1}{\"c\":2}\n{\"d\":4}\n"
    let (rejected, report, output) = try rejections(input)
    #expect(output == "a,d\n1,\n,4\n")
    #expect(report.counters.recordsRead == 6)
    #expect(report.counters.recordsWritten == 2)
    #expect(report.counters.recordsRejected == 4)
    #expect(report.counters.isBalanced)
    #expect(rejected.map(\.line) == [3, 4, 5, 6])
    #expect(rejected.map(\.offset) == [9, 15, 24, 28])
    #expect(rejected.map(\.input) == ["t", "t", "t", "t"])
    #expect(rejected.map { String(decoding: $0.bytes, as: UTF8.self) } == ["{\"a\":", "{\"a\":1,}", "[1]", "{\"b\":1}{\"c\":2}"])
    // A rejected record contributes no column: b and c never appear.
    #expect(report.columns == ["a", "d"])
  }

  @Test("the column of an error points at it")
  func errorColumns() throws {
    let (rejected, _, _) = try rejections("{\"a\":1,}\n{\"a\":1} x\n{\"b\":1}{\"c\":2}\n")
    #expect(rejected.map(\.column) == [8, 9, 8])
  }

  @Test("a record cut short is reported at its end, not at its first byte")
  func truncatedRecordColumn() throws {
    let (rejected, _, _) = try rejections("{\"a\":\n")
    try #require(rejected.count == 1)
    // `{"a":` is 5 bytes; the missing value is after them.
    #expect(rejected[0].column == 6, "reported column \(String(describing: rejected[0].column)) for \(rejected[0].reason)")
  }

  @Test("line numbers stay right across chunk boundaries and threads")
  func linesAcrossChunks() throws {
    var records: [String] = []
    var expectedLines: [Int] = []
    var offset = 0
    var expectedOffsets: [Int] = []
    for line in 1...400 {
      let record: String
      if line % 37 == 0 {
        record = #"{"bad":"#
        expectedLines.append(line)
        expectedOffsets.append(offset)
      } else if line % 11 == 0 {
        record = "   "
      } else {
        record = #"{"i":\#(line),"pad":"\#(String(repeating: "p", count: line % 23))"}"#
      }
      records.append(record)
      offset += record.utf8.count + 1
    }
    let input = records.map { $0 + "\n" }.joined()
    for threads in [1, 4] {
      let (rejected, report, _) = try rejections(input) {
        $0.chunkSize = 128
        $0.threads = threads
      }
      #expect(rejected.map(\.line) == expectedLines)
      #expect(rejected.map(\.offset) == expectedOffsets)
      #expect(report.counters.recordsRejected == expectedLines.count)
      #expect(report.counters.recordsRead == 400 - 400 / 11 + 400 / (11 * 37))
      #expect(report.counters.isBalanced)
    }
  }

  @Test("several inputs: records never merge across files, lines restart per file, BOMs skipped")
  func severalInputs() throws {
    let first = Array("{\"a\":1}\n{\"a\":\n{\"a\":2}".utf8)  // no final newline
    let second = [0xEF, 0xBB, 0xBF] + Array("{\"b\":3}\n\n[]\n".utf8)
    for threads in [1, 3] {
      var options = ConvertOptions()
      options.threads = threads
      options.chunkSize = 64
      let converter = try Converter(options: options)
      var rejected: [Rejection] = []
      converter.onRejection = { rejected.append($0) }
      let (bytes, report) = try converter.convertToBytes([
        .memory(name: "one", bytes: first), .memory(name: "two", bytes: second),
      ])
      #expect(String(decoding: bytes, as: UTF8.self) == "a,b\n1,\n2,\n,3\n")
      #expect(rejected.map { "\($0.input):\($0.line)" } == ["one:2", "two:3"])
      #expect(report.counters.recordsRead == 5)
      #expect(report.counters.recordsWritten == 3)
      #expect(report.counters.isBalanced)
    }
  }

  @Test("records that are not objects are rejected, never a crash")
  func notObjects() throws {
    let (rejected, report, output) = try rejections("1\n\"s\"\nnull\ntrue\n[]\n{\"ok\":1}\n")
    #expect(rejected.map(\.line) == [1, 2, 3, 4, 5])
    #expect(report.counters.recordsWritten == 1)
    #expect(output == "ok\n1\n")
  }
}

// MARK: - Parallel output

@Suite("Parallel output is identical")
struct ParallelIdentityTests {
  /// A deterministic generator (SplitMix64).
  struct Generator {
    var state: UInt64
    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
  }

  static func generate(records: Int) -> String {
    var random = Generator(state: 42)
    let numbers = ["0", "-0", "1.10", "4.0", "1e400", "21070000000000001", "-2.5E-3", "100.0"]
    let strings = ["plain", "with,comma", "with \\\"quote\\\"", "new\\nline", "tab\\t", "é😀", "back\\\\slash", ""]
    let events = ["submission_created", "logged_in", "grade_change", "asset_accessed"]
    var out = ""
    for i in 0..<records {
      if random.below(50) == 0 {
        out += random.below(2) == 0 ? "\n" : "  \r\n"
        continue
      }
      if random.below(400) == 0 {
        out += "{\"broken\":\n"
        continue
      }
      var fields: [String] = []
      fields.append(#""metadata":{"event_name":"\#(events[random.below(events.count)])","seq":\#(i)}"#)
      var body: [String] = []
      for k in 0..<(1 + random.below(6)) {
        let key = "f\(random.below(i < records / 2 ? 10 : 25))"
        switch random.below(6) {
        case 0: body.append(#""\#(key)":\#(numbers[random.below(numbers.count)])"#)
        case 1: body.append(#""\#(key)":"\#(strings[random.below(strings.count)])""#)
        case 2: body.append(#""\#(key)":[\#(numbers[random.below(numbers.count)]),"\#(strings[random.below(strings.count)])",{"k\#(k)":null}]"#)
        case 3: body.append(#""\#(key)":{"sub":\#(random.below(2) == 0 ? "true" : "{}"),"n":\#(numbers[random.below(numbers.count)])}"#)
        case 4: body.append(#""\#(key)":null"#)
        default: body.append(#""\#(key)":[]"#)
        }
      }
      fields.append(#""body":{\#(body.joined(separator: ","))}"#)
      out += "{" + fields.joined(separator: ",") + "}\n"
    }
    return out
  }

  static let input = Array(generate(records: 3000).utf8)

  static func runWith(threads: Int, _ configure: (inout ConvertOptions) -> Void) throws -> ([UInt8], RunReport, [Rejection]) {
    var options = ConvertOptions()
    configure(&options)
    options.threads = threads
    options.chunkSize = 4096
    let converter = try Converter(options: options)
    var rejected: [Rejection] = []
    converter.onRejection = { rejected.append($0) }
    let (bytes, report) = try converter.convertToBytes([.memory(name: "gen", bytes: input)])
    return (bytes, report, rejected)
  }

  @Test(
    "threads = 2 (and 4) give the same bytes as threads = 1",
    arguments: ["csv", "tsv", "json", "csv-index", "json-index", "csv-fields", "json-fields"])
  func identical(_ mode: String) throws {
    let configure: (inout ConvertOptions) -> Void = { options in
      if mode.hasPrefix("tsv") { options.format = .tsv }
      if mode.hasPrefix("json") { options.format = .json }
      if mode.hasSuffix("index") { options.arrays = .index }
      if mode.hasSuffix("fields") {
        options.fields = FieldSpec.parseList("metadata.event_name,seq=metadata.seq,body.f3,body.f3.0,body.f20.n,body")
      }
    }
    let (single, singleReport, singleRejected) = try Self.runWith(threads: 1, configure)
    #expect(singleReport.counters.recordsRead > 2800)
    #expect(singleReport.counters.recordsRejected > 0)
    #expect(singleReport.counters.isBalanced)
    #expect(single.count > 100_000)
    for threads in [2, 4] {
      let (parallel, report, rejected) = try Self.runWith(threads: threads, configure)
      #expect(parallel == single, "threads = \(threads) differs from threads = 1")
      #expect(report.counters == singleReport.counters)
      #expect(report.columns == singleReport.columns)
      #expect(rejected == singleRejected)
    }
  }
}
