import Glibc

/// A source of input bytes: a plain file or stream, or gzip decompressed on the fly.
protocol ByteReader: AnyObject {
  /// Fills up to `capacity` bytes; 0 means the end.
  func read(into buffer: UnsafeMutableRawPointer, capacity: Int) throws -> Int
  /// Bytes taken from the file itself (compressed bytes for gzip).
  var rawBytesRead: Int { get }
  /// Set when the stream ended damaged (e.g. a truncated gzip): the reason, with its offset.
  var damage: String? { get }
  /// The input's size on disk when known (regular files), for progress.
  var rawSize: Int? { get }
  func close()
}

/// Opens an input and picks the reader by the first bytes (gzip's `1f 8b`), not by the name.
enum ByteReaders {
  static func open(_ source: InputSource) throws -> ByteReader {
    let fd: Int32
    let ownsDescriptor: Bool
    switch source {
    case .memory(_, let bytes):
      let memory = MemoryReader(bytes)
      if bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B {
        return try GzipReader(source: memory, name: source.description)
      }
      return memory
    case .file(let path):
      fd = try SystemCalls.openForReading(path)
      ownsDescriptor = true
    case .standardInput:
      fd = 0
      ownsDescriptor = false
    }
    let plain = PlainReader(fd: fd, name: source.description, ownsDescriptor: ownsDescriptor)
    do {
      let head = try plain.peek(2)
      if head.count == 2 && head[0] == 0x1F && head[1] == 0x8B {
        return try GzipReader(source: plain, name: source.description)
      }
    } catch {
      plain.close()
      throw error
    }
    return plain
  }
}

/// Reads a file descriptor with `read(2)`; bytes peeked at are served first.
final class PlainReader: ByteReader {
  let fd: Int32
  let name: String
  private let ownsDescriptor: Bool
  private var peeked: [UInt8] = []
  private(set) var rawBytesRead = 0
  let rawSize: Int?
  var damage: String? { nil }

  init(fd: Int32, name: String, ownsDescriptor: Bool) {
    self.fd = fd
    self.name = name
    self.ownsDescriptor = ownsDescriptor
    self.rawSize = SystemCalls.fileSize(fd)
  }

  /// The first `count` bytes (fewer at end of file), kept to be read again.
  func peek(_ count: Int) throws -> [UInt8] {
    while peeked.count < count {
      var byte: UInt8 = 0
      let n = try SystemCalls.read(fd, &byte, 1, name: name)
      if n == 0 { break }
      peeked.append(byte)
    }
    return peeked
  }

  func read(into buffer: UnsafeMutableRawPointer, capacity: Int) throws -> Int {
    if !peeked.isEmpty {
      let n = min(capacity, peeked.count)
      peeked.withUnsafeBytes { buffer.copyMemory(from: $0.baseAddress.unsafelyUnwrapped, byteCount: n) }
      peeked.removeFirst(n)
      rawBytesRead += n
      return n
    }
    let n = try SystemCalls.read(fd, buffer, capacity, name: name)
    rawBytesRead += n
    return n
  }

  func close() {
    if ownsDescriptor { _ = Glibc.close(fd) }
  }
}

/// Serves bytes held in memory.
final class MemoryReader: ByteReader {
  private let bytes: [UInt8]
  private var position = 0
  var rawBytesRead: Int { position }
  var rawSize: Int? { bytes.count }
  var damage: String? { nil }

  init(_ bytes: [UInt8]) { self.bytes = bytes }

  func read(into buffer: UnsafeMutableRawPointer, capacity: Int) throws -> Int {
    let n = min(capacity, bytes.count - position)
    guard n > 0 else { return 0 }
    bytes.withUnsafeBytes { source in
      buffer.copyMemory(from: source.baseAddress.unsafelyUnwrapped + position, byteCount: n)
    }
    position += n
    return n
  }

  func close() {}
}
