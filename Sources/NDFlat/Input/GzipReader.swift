import CZlib

/// Decompresses gzip input as it is read, member after member (multi-member
/// files such as `cat a.gz b.gz` read as one stream). A damaged or truncated
/// stream ends the data and is reported through ``damage`` with its offset.
final class GzipReader: ByteReader {
  private let source: ByteReader
  private let name: String
  private var stream = z_stream()
  private let input: UnsafeMutablePointer<UInt8>
  private let inputCapacity = 1 << 18
  private var sourceEnded = false
  private var inMember = true
  private var finished = false
  private(set) var damage: String?

  init(source: ByteReader, name: String) throws {
    self.source = source
    self.name = name
    input = .allocate(capacity: inputCapacity)
    // 15 window bits + 16: gzip framing only.
    let status = ndflat_inflate_init2(&stream, 15 + 16)
    guard status == Z_OK else {
      input.deallocate()
      throw NDFlatError(.input, "\(name): cannot start gzip decoding (zlib \(status))")
    }
  }

  deinit {
    inflateEnd(&stream)
    input.deallocate()
  }

  var rawBytesRead: Int { source.rawBytesRead }
  var rawSize: Int? { source.rawSize }

  /// Offset in the compressed file of the next byte zlib will look at.
  private var compressedOffset: Int { source.rawBytesRead - Int(stream.avail_in) }

  private func refill() throws {
    guard stream.avail_in == 0, !sourceEnded else { return }
    let n = try source.read(into: input, capacity: inputCapacity)
    if n == 0 { sourceEnded = true }
    stream.next_in = input
    stream.avail_in = UInt32(n)
  }

  func read(into buffer: UnsafeMutableRawPointer, capacity: Int) throws -> Int {
    guard !finished else { return 0 }
    stream.next_out = buffer.assumingMemoryBound(to: UInt8.self)
    stream.avail_out = UInt32(min(capacity, Int(UInt32.max)))
    let wanted = Int(stream.avail_out)
    while Int(stream.avail_out) == wanted {
      try refill()
      if stream.avail_in == 0 && sourceEnded {
        if inMember {
          damage = "gzip data truncated at compressed byte \(compressedOffset)"
        }
        finished = true
        break
      }
      if !inMember {
        // Another member follows, or stray bytes after the last one.
        guard stream.next_in.pointee == 0x1F else {
          damage = "unexpected bytes after gzip data at compressed byte \(compressedOffset)"
          finished = true
          break
        }
        inflateReset(&stream)
        inMember = true
      }
      let status = inflate(&stream, Z_NO_FLUSH)
      switch status {
      case Z_STREAM_END:
        inMember = false
      case Z_OK, Z_BUF_ERROR:
        continue
      default:
        let reason = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
        damage = "corrupt gzip data at compressed byte \(compressedOffset): \(reason)"
        finished = true
      }
      if finished { break }
    }
    return wanted - Int(stream.avail_out)
  }

  func close() { source.close() }
}
