import Foundation

/// What several test files need alike: where the package, the shared corpus and the
/// built `ndflat` binary are.
enum TestSupport {
  static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  /// `../shared/corpus` beside the checkout (CI lays it there).
  static let corpus = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus")

  static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

  /// The directory holding the built products, found as swift-argument-parser does:
  /// beside the test bundle or executable (any scratch path), else `.build/debug`.
  static let productsDirectory: URL? = {
    var candidates: [URL] = []
    for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
      candidates.append(bundle.bundleURL.deletingLastPathComponent())
      candidates.append(bundle.bundleURL)
    }
    candidates.append(Bundle.main.bundleURL)
    if let executable = Bundle.main.executableURL { candidates.append(executable.deletingLastPathComponent()) }
    if let first = CommandLine.arguments.first {
      candidates.append(URL(fileURLWithPath: first).deletingLastPathComponent())
    }
    candidates.append(packageRoot.appendingPathComponent(".build/debug"))
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0.appendingPathComponent("ndflat").path) }
  }()

  /// The built `ndflat`.
  static var binary: URL? { productsDirectory?.appendingPathComponent("ndflat") }
}
