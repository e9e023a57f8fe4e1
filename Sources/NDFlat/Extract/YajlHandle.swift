import CYajl

/// A yajl parse handle bound to one ``Extraction``. One wrapper per C call; a
/// handle that saw an error cannot be reused, so ``renew()`` replaces it.
struct YajlHandle {
  private(set) var raw: yajl_handle
  private let context: UnsafeMutableRawPointer

  /// Why yajl stopped.
  enum Outcome {
    case ok
    case canceled
    case error
  }

  init?(context: UnsafeMutablePointer<Extraction>) {
    guard let handle = YajlHandle.allocate(UnsafeMutableRawPointer(context)) else { return nil }
    self.raw = handle
    self.context = UnsafeMutableRawPointer(context)
  }

  private static func allocate(_ context: UnsafeMutableRawPointer) -> yajl_handle? {
    guard let handle = yajl_alloc(yajlCallbackTable, nil, context) else { return nil }
    // Several values through one handle: the extractor itself checks one per record.
    _ = ndflat_yajl_config(handle, yajl_allow_multiple_values, 1)
    return handle
  }

  func free() { yajl_free(raw) }

  /// Replaces the handle after an error or an unfinished record.
  mutating func renew() {
    if let fresh = YajlHandle.allocate(context) {
      yajl_free(raw)
      raw = fresh
    }
  }

  @inline(__always)
  func parse(_ bytes: UnsafeRawBufferPointer) -> Outcome {
    let status = yajl_parse(
      raw, bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count)
    return YajlHandle.outcome(status)
  }

  func complete() -> Outcome { YajlHandle.outcome(yajl_complete_parse(raw)) }

  private static func outcome(_ status: yajl_status) -> Outcome {
    switch status {
    case yajl_status_ok: return .ok
    case yajl_status_client_canceled: return .canceled
    default: return .error
    }
  }

  /// How many bytes of the last `parse` call yajl consumed (where an error is).
  var bytesConsumed: Int { yajl_get_bytes_consumed(raw) }

  /// yajl's own short message for the last error, e.g. "invalid object key".
  func errorMessage(for bytes: UnsafeRawBufferPointer) -> String {
    guard
      let message = yajl_get_error(
        raw, 0, bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count)
    else { return "invalid JSON" }
    defer { yajl_free_error(raw, message) }
    var text = String(cString: message)
    while text.last == "\n" || text.last == " " || text.last == "." { text.removeLast() }
    if text.hasPrefix("parse error: ") { text.removeFirst("parse error: ".count) }
    if text.hasPrefix("lexical error: ") { text.removeFirst("lexical error: ".count) }
    return text
  }
}
