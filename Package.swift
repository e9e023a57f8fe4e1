// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "ndflat",
  products: [
    .library(name: "NDFlat", targets: ["NDFlat"]),
    .executable(name: "ndflat", targets: ["ndflat"]),
  ],
  targets: [
    // yajl: the streaming SAX JSON parser the whole engine is built on (Debian libyajl-dev).
    .systemLibrary(
      name: "CYajl",
      pkgConfig: "yajl",
      providers: [.apt(["libyajl-dev"])]
    ),
    // zlib: gzip input, detected by its magic bytes (Debian zlib1g-dev).
    .systemLibrary(
      name: "CZlib",
      pkgConfig: "zlib",
      providers: [.apt(["zlib1g-dev"])]
    ),
    // libxlsxwriter: `--format xlsx` workbooks in constant-memory mode (Debian libxlsxwriter-dev).
    .systemLibrary(
      name: "CXlsxWriter",
      pkgConfig: "xlsxwriter",
      providers: [.apt(["libxlsxwriter-dev"])]
    ),
    .target(
      name: "NDFlat",
      dependencies: ["CYajl", "CZlib", "CXlsxWriter"]
    ),
    .executableTarget(
      name: "ndflat",
      dependencies: ["NDFlat"]
    ),
    .executableTarget(
      name: "ndflat-bench",
      dependencies: ["NDFlat"],
      path: "Benchmarks/Harness"
    ),
    .testTarget(
      name: "NDFlatTests",
      dependencies: ["NDFlat"],
      exclude: ["Fixtures"]
    ),
  ]
)
