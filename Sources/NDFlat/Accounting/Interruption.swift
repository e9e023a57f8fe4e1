import Synchronization

/// A signal (SIGINT, SIGTERM) that arrived while a run had working directories
/// open. A signal handler cannot remove a tree of files safely, so it records the
/// signal here and returns; the run notices at its next chunk, throws
/// ``Interrupted``, and the normal failure path removes everything it wrote.
public enum Interruption {
  private static let received = Atomic<Int32>(0)
  private static let directories = Atomic<Int>(0)

  /// Call once before installing signal handlers (so nothing is lazily set up inside one).
  public static func prepare() {
    _ = received.load(ordering: .relaxed)
    _ = directories.load(ordering: .relaxed)
  }

  /// From a signal handler: should the run clean up itself (it has working directories)?
  /// If so the signal is recorded and the handler should return.
  public static func deferToRun(_ signal: Int32) -> Bool {
    guard directories.load(ordering: .relaxed) > 0 else { return false }
    received.store(signal, ordering: .relaxed)
    return true
  }

  /// The signal recorded, or 0.
  public static var pending: Int32 { received.load(ordering: .relaxed) }

  static func openedDirectory() { directories.add(1, ordering: .relaxed) }
  static func closedDirectory() { directories.subtract(1, ordering: .relaxed) }

  /// Throws ``Interrupted`` when a signal is pending.
  static func check() throws {
    let signal = pending
    if signal != 0 { throw Interrupted(signal: signal) }
  }
}

/// The run stopped for a signal; its output was removed.
public struct Interrupted: Error, Sendable {
  public let signal: Int32
}
