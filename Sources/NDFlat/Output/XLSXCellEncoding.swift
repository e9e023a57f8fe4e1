/// The compact typed-cell form rows take when the output is a workbook: workers
/// format rows in parallel into this, and the single writer decodes it into
/// libxlsxwriter calls in input order.
///
/// A row is the byte ``rowMarker`` followed by one cell per column. A cell is a
/// ``Kind`` byte; kinds with text continue with a little-endian `UInt32` length and
/// that many UTF-8 bytes.
public enum XLSXCellEncoding {
  public static let rowMarker: UInt8 = 0xFF

  public enum Kind: UInt8, Sendable {
    /// Null or absent.
    case empty = 0
    case string = 1
    /// The number's literal JSON text.
    case number = 2
    case trueValue = 3
    case falseValue = 4
    /// Compact JSON of an object or array.
    case json = 5

    public var hasText: Bool { self == .string || self == .number || self == .json }
  }

  /// One decoded cell; `text` points into the encoded buffer.
  public struct Cell {
    public var kind: Kind
    public var text: UnsafeRawBufferPointer
  }

  /// Calls `row` with the cells of every row in `bytes`, in order.
  public static func forEachRow(
    in bytes: UnsafeRawBufferPointer, columns: Int, _ row: ([Cell]) throws -> Void
  ) rethrows {
    var cells: [Cell] = []
    cells.reserveCapacity(columns)
    var index = 0
    while index < bytes.count {
      guard bytes[index] == rowMarker else { return }
      index += 1
      cells.removeAll(keepingCapacity: true)
      for _ in 0..<columns {
        guard index < bytes.count, let kind = Kind(rawValue: bytes[index]) else { return }
        index += 1
        var text = UnsafeRawBufferPointer(start: nil, count: 0)
        if kind.hasText {
          guard index + 4 <= bytes.count else { return }
          let length = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt32.self)))
          index += 4
          guard index + length <= bytes.count else { return }
          text = UnsafeRawBufferPointer(rebasing: bytes[index..<(index + length)])
          index += length
        }
        cells.append(Cell(kind: kind, text: text))
      }
      try row(cells)
    }
  }
}
