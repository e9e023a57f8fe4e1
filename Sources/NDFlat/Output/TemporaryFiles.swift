import Glibc
import Synchronization

/// Paths of temporary files the run has open, so a signal handler can remove them.
///
/// Stored as C strings in a fixed table: the handler only reads pointers and calls
/// `unlink`, both safe inside a signal handler.
public enum TemporaryFiles {
  private static let capacity = 256
  nonisolated(unsafe) private static let table: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> = {
    let table = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: capacity)
    table.initialize(repeating: nil, count: capacity)
    return table
  }()
  /// Guards changes to `table` (the signal handler only reads it).
  private static let lock = Mutex(())

  private static func withLock<T>(_ body: () -> T) -> T {
    lock.withLock { _ in body() }
  }

  /// Remembers `path` until ``forget(_:)``.
  static func register(_ path: String) {
    withLock {
      for i in 0..<capacity where table[i] == nil {
        table[i] = strdup(path)
        return
      }
    }
  }

  /// Stops tracking `path` (it was renamed or removed).
  static func forget(_ path: String) {
    withLock {
      for i in 0..<capacity {
        if let entry = table[i], String(cString: entry) == path {
          free(entry)
          table[i] = nil
        }
      }
    }
  }

  /// Removes every tracked file. Safe to call from a signal handler.
  public static func removeAllForSignal() {
    for i in 0..<capacity {
      if let entry = table[i] { unlink(entry) }
    }
  }

  /// Creates an empty temporary file next to `path` (or in `$TMPDIR`) and returns its descriptor and name.
  static func create(near path: String?, prefix: String) throws -> (fd: Int32, path: String) {
    let directory: String
    if let path {
      if let slash = path.lastIndex(of: "/") {
        directory = String(path[...slash])
      } else {
        directory = "./"
      }
    } else {
      let tmp = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
      directory = tmp.hasSuffix("/") ? tmp : tmp + "/"
    }
    var template = Array((directory + "." + prefix + "-XXXXXX").utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress.unsafelyUnwrapped) }
    let name = template.withUnsafeBufferPointer { String(cString: $0.baseAddress.unsafelyUnwrapped) }
    guard fd >= 0 else {
      throw NDFlatError(.output, "cannot create a temporary file in \(directory): \(SystemCalls.errorText(errno))")
    }
    register(name)
    return (fd, name)
  }
}

/// Working directories of a run (split and partition output), removed on a signal
/// by the main thread (see ``Interruption``), since a signal handler cannot walk a tree.
public enum TemporaryDirectories {
  private static let paths = Mutex<[String]>([])

  static func register(_ path: String) {
    paths.withLock { $0.append(path) }
    Interruption.openedDirectory()
  }

  static func forget(_ path: String) {
    let removed = paths.withLock { paths -> Bool in
      let before = paths.count
      paths.removeAll { $0 == path }
      return paths.count < before
    }
    if removed { Interruption.closedDirectory() }
  }

  /// Removes every working directory (not from a signal handler).
  public static func removeAll() {
    for path in paths.withLock({ $0 }) {
      GroupedOutput.removeTree(path)
      forget(path)
    }
  }
}
