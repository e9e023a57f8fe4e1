/// A growable array of trivial values over an unsafe pointer, for per-record
/// bookkeeping on the hot path (no uniqueness checks, no reference counting).
/// The owner calls ``release()`` exactly once.
struct UnsafeVector<Element: BitwiseCopyable> {
  private(set) var base: UnsafeMutablePointer<Element>
  private(set) var capacity: Int
  var count: Int = 0

  init(capacity: Int = 64) {
    self.capacity = max(capacity, 4)
    self.base = .allocate(capacity: self.capacity)
  }

  func release() { base.deallocate() }

  @inline(__always)
  mutating func append(_ element: Element) {
    if count == capacity { grow(to: count &+ 1) }
    (base + count).initialize(to: element)
    count &+= 1
  }

  /// Makes sure indexes `0..<n` exist, filling new ones with `value`.
  mutating func ensureCount(_ n: Int, filling value: Element) {
    guard n > count else { return }
    if n > capacity { grow(to: n) }
    (base + count).initialize(repeating: value, count: n &- count)
    count = n
  }

  private mutating func grow(to needed: Int) {
    var newCapacity = capacity &* 2
    while newCapacity < needed { newCapacity &*= 2 }
    let newBase = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
    newBase.moveInitialize(from: base, count: count)
    base.deallocate()
    base = newBase
    capacity = newCapacity
  }

  @inline(__always)
  subscript(index: Int) -> Element {
    get { base[index] }
    nonmutating set { base[index] = newValue }
  }

  @inline(__always)
  mutating func removeLast() -> Element {
    count &-= 1
    return base[count]
  }
}
