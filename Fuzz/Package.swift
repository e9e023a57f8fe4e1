// swift-tools-version:6.0
// libFuzzer harness over the NDFlat engine (framing + yajl extraction + writers).
// A separate package so the root package never links libFuzzer. See README.md.
import PackageDescription

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
        .product(name: "NDFlat", package: "main"),
      ]
    ),
  ]
)
