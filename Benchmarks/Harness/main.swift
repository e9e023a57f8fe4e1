// ndflat-bench: times the engine on the SPEC §5 workloads through the library.
//
//   swift run -c release ndflat-bench FILE [--runs N] [--threads 1,2] [--workloads W1,W2,W3,W4]
//
// Each workload runs N times (interleaved: round 1 runs every workload, then
// round 2, …, so machine drift hits all alike); the table gives the median wall
// time and MB/s of the input. Output goes to /dev/null, as the point is the engine.
import Foundation
import NDFlat

let sixFields =
  "metadata.event_name,metadata.event_time,metadata.user_id,metadata.context_id,metadata.request_id,body.status"

struct Workload {
  let name: String
  let describe: String
  let options: (Int) -> ConvertOptions
}

let workloads: [Workload] = [
  Workload(name: "W1", describe: "all columns → CSV") { threads in
    var o = ConvertOptions()
    o.threads = threads
    return o
  },
  Workload(name: "W2", describe: "6 fields → CSV") { threads in
    var o = ConvertOptions()
    o.threads = threads
    o.fields = FieldSpec.parseList(sixFields)
    return o
  },
  Workload(name: "W3", describe: "flattened NDJSON") { threads in
    var o = ConvertOptions()
    o.threads = threads
    o.format = .json
    return o
  },
  Workload(name: "W4", describe: "--where event_name=asset_accessed, 6 fields") { threads in
    var o = ConvertOptions()
    o.threads = threads
    o.fields = FieldSpec.parseList(sixFields)
    o.wheres = [WhereCondition(path: "metadata.event_name", op: .equals, values: ["asset_accessed"])]
    return o
  },
]

@MainActor
func arguments() -> (file: String, runs: Int, threads: [Int], names: Set<String>)? {
  var args = Array(CommandLine.arguments.dropFirst())
  guard let file = args.first, !file.hasPrefix("-") else { return nil }
  args.removeFirst()
  var runs = 5
  var threads = [1, ProcessInfo.processInfo.activeProcessorCount]
  var names = Set(workloads.map(\.name))
  while let flag = args.first {
    args.removeFirst()
    guard let value = args.first else { return nil }
    args.removeFirst()
    switch flag {
    case "--runs": runs = Int(value) ?? runs
    case "--threads": threads = value.split(separator: ",").compactMap { Int($0) }
    case "--workloads": names = Set(value.split(separator: ",").map(String.init))
    default: return nil
    }
  }
  return (file, max(1, runs), Array(Set(threads)).sorted(), names)
}

guard let setup = arguments() else {
  FileHandle.standardError.write(
    Data("usage: ndflat-bench FILE [--runs N] [--threads 1,2] [--workloads W1,W2,W3,W4]\n".utf8))
  exit(2)
}
let size = (try? FileManager.default.attributesOfItem(atPath: setup.file)[.size] as? Int) ?? 0
let chosen = workloads.filter { setup.names.contains($0.name) }
var times: [String: [Double]] = [:]
var rows: [String: Int] = [:]
for _ in 0..<setup.runs {
  for workload in chosen {
    for threads in setup.threads {
      let key = "\(workload.name) -j\(threads)"
      let started = DispatchTime.now().uptimeNanoseconds
      do {
        let report = try Converter(options: workload.options(threads)).convert(
          [.file(setup.file)], to: .file("/dev/null"))
        rows[key] = report.counters.rowsWritten
      } catch {
        FileHandle.standardError.write(Data("\(key): \(error)\n".utf8))
        exit(1)
      }
      times[key, default: []].append(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
    }
  }
}

func median(_ values: [Double]) -> Double {
  let sorted = values.sorted()
  return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

print("file: \(setup.file) (\(String(format: "%.1f", Double(size) / 1e6)) MB), runs: \(setup.runs), medians")
print("| workload | what | threads | median s | MB/s | rows |")
print("|---|---|---:|---:|---:|---:|")
for workload in chosen {
  for threads in setup.threads {
    let key = "\(workload.name) -j\(threads)"
    let seconds = median(times[key] ?? [0])
    print(
      "| \(workload.name) | \(workload.describe) | \(threads) | \(String(format: "%.3f", seconds)) | \(String(format: "%.0f", Double(size) / 1e6 / seconds)) | \(rows[key] ?? 0) |"
    )
  }
}
