import Foundation
import Testing

@testable import NDFlat

/// `-j 2` output equals `-j 1` byte for byte on the bundled sample and the shared
/// corpus, in every output mode, with small chunks so the workers really share the work.
@Suite("Parallel output equals serial output on the sample and the corpus")
struct ParallelSampleTests {
  static let root = TestSupport.packageRoot

  static func input(_ relative: String) throws -> [UInt8]? {
    let url = root.appendingPathComponent(relative)
    guard let data = FileManager.default.contents(atPath: url.path) else {
      if TestSupport.isCI || !relative.hasPrefix("..") {
        Issue.record("missing input \(url.path)")
      }
      return nil
    }
    return Array(data)
  }

  static let modes: [(String, @Sendable (inout ConvertOptions) -> Void)] = [
    ("all columns CSV", { _ in }),
    ("fields TSV", { o in
      o.format = .tsv
      o.fields = FieldSpec.parseList("metadata.event_name,metadata.event_time,body,user=metadata.user_id")
    }),
    ("flattened NDJSON", { o in o.format = .json }),
    ("where + utc", { o in
      o.wheres = [WhereCondition(parsing: "metadata.event_name!=asset_accessed")].compactMap { $0 }
      o.utc = true
    }),
  ]

  @Test(
    "-j 2 equals -j 1",
    arguments: ["Samples/canvas-sample.ndjson", "../shared/corpus/canvas-live-events.ndjson"])
  func parallelEqualsSerial(_ path: String) throws {
    guard var bytes = try Self.input(path) else { return }
    // A few bad lines too, so rejections travel through the parallel path.
    bytes += Array("{bad\n[1,2]\n".utf8)
    for (name, configure) in Self.modes {
      var outputs: [[UInt8]] = []
      var rejected: [[Int]] = []
      for threads in [1, 2] {
        var options = ConvertOptions()
        options.threads = threads
        options.chunkSize = 4096
        configure(&options)
        let converter = try Converter(options: options)
        var lines: [Int] = []
        converter.onRejection = { lines.append($0.line) }
        let (output, report) = try converter.convertToBytes([.memory(name: path, bytes: bytes)])
        #expect(report.counters.isBalanced, "\(name), -j \(threads)")
        outputs.append(output)
        rejected.append(lines)
      }
      #expect(outputs[0] == outputs[1], "\(path): \(name): -j 2 differs from -j 1")
      #expect(rejected[0] == rejected[1] && rejected[0].count == 2, "\(path): \(name): rejections \(rejected)")
    }
  }
}
