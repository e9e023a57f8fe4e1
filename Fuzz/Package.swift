// swift-tools-version:6.0
// libFuzzer harness over the NDFlat engine (framing + yajl extraction + writers).
// A separate package so the root package never links libFuzzer. See README.md.
import Foundation
import PackageDescription

// SwiftPM names a path dependency after its directory (`/work/main` → "main"), so
// the root package's identity is read from where this manifest lies.
let rootIdentity = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent().lastPathComponent.lowercased()

let package = Package(
  name: "ndflat-fuzz",
  dependencies: [
    .package(path: "..")
  ],
  targets: [
    // Declares libFuzzer's `LLVMFuzzerRunDriver` with its real C signature.
    .target(name: "CFuzzerDriver"),
    .executableTarget(
      name: "ndflat-fuzz",
      dependencies: [
        "CFuzzerDriver",
        .product(name: "NDFlat", package: rootIdentity),
      ]
    ),
  ]
)
