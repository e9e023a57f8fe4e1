/// A growable, manually managed byte buffer for hot loops.
///
/// It is a plain struct over an unsafe pointer so that code holding it behind an
/// `UnsafeMutablePointer` pays no reference counting. The owner calls
/// ``release()`` exactly once.
struct ByteArena {
  private(set) var base: UnsafeMutablePointer<UInt8>
  private(set) var capacity: Int
  var count: Int = 0

  init(capacity: Int = 4096) {
    self.capacity = max(capacity, 16)
    self.base = .allocate(capacity: self.capacity)
  }

  /// Frees the storage; the arena must not be used afterwards.
  func release() { base.deallocate() }

  @inline(__always)
  mutating func reserve(_ extra: Int) {
    if count &+ extra > capacity { grow(to: count &+ extra) }
  }

  /// Grows the capacity to exactly `newCapacity` (when larger).
  mutating func growCapacity(to newCapacity: Int) {
    guard newCapacity > capacity else { return }
    let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
    newBase.update(from: base, count: count)
    base.deallocate()
    base = newBase
    capacity = newCapacity
  }

  private mutating func grow(to needed: Int) {
    var newCapacity = capacity &* 2
    while newCapacity < needed { newCapacity &*= 2 }
    growCapacity(to: newCapacity)
  }


  @inline(__always)
  mutating func append(_ byte: UInt8) {
    if count == capacity { grow(to: count &+ 1) }
    base[count] = byte
    count &+= 1
  }

  @inline(__always)
  mutating func append(_ bytes: UnsafePointer<UInt8>, _ length: Int) {
    reserve(length)
    (base + count).update(from: bytes, count: length)
    count &+= length
  }

  /// Appends `count` copies of `byte`.
  @inline(__always)
  mutating func append(repeating byte: UInt8, count n: Int) {
    guard n > 0 else { return }
    reserve(n)
    (base + count).update(repeating: byte, count: n)
    count &+= n
  }

  mutating func append(_ bytes: UnsafeRawBufferPointer) {
    guard let start = bytes.baseAddress, bytes.count > 0 else { return }
    append(start.assumingMemoryBound(to: UInt8.self), bytes.count)
  }

  mutating func append<S: Sequence>(contentsOf bytes: S) where S.Element == UInt8 {
    for byte in bytes { append(byte) }
  }

  /// Shrinks back to `limit` bytes of capacity when a huge record inflated it.
  mutating func trim(keeping limit: Int) {
    guard capacity > limit, count <= limit else { return }
    let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: limit)
    newBase.update(from: base, count: count)
    base.deallocate()
    base = newBase
    capacity = limit
  }

  @inline(__always)
  var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }
}
