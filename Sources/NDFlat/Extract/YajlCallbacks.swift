import CYajl

/// yajl's callback table, allocated once and never moved (`yajl_alloc` keeps the pointer).
///
/// Every callback reaches the worker's ``Extraction`` through the context pointer.
nonisolated(unsafe) let yajlCallbackTable: UnsafeMutablePointer<yajl_callbacks> = {
  let table = UnsafeMutablePointer<yajl_callbacks>.allocate(capacity: 1)
  table.initialize(
    to: yajl_callbacks(
      yajl_null: { context in
        extraction(context).pointee.scalar(.null, nil, 0)
      },
      yajl_boolean: { context, value in
        extraction(context).pointee.scalar(value != 0 ? .trueValue : .falseValue, nil, 0)
      },
      yajl_integer: nil,
      yajl_double: nil,
      yajl_number: { context, text, length in
        extraction(context).pointee.scalar(
          .number, UnsafeRawPointer(text)?.assumingMemoryBound(to: UInt8.self), length)
      },
      yajl_string: { context, text, length in
        extraction(context).pointee.scalar(.string, text, length)
      },
      yajl_start_map: { context in
        extraction(context).pointee.startContainer(isArray: false)
      },
      yajl_map_key: { context, key, length in
        extraction(context).pointee.mapKey(key, length)
      },
      yajl_end_map: { context in
        extraction(context).pointee.endContainer(isArray: false)
      },
      yajl_start_array: { context in
        extraction(context).pointee.startContainer(isArray: true)
      },
      yajl_end_array: { context in
        extraction(context).pointee.endContainer(isArray: true)
      }
    ))
  return table
}()

@inline(__always)
private func extraction(_ context: UnsafeMutableRawPointer?) -> UnsafeMutablePointer<Extraction> {
  context.unsafelyUnwrapped.assumingMemoryBound(to: Extraction.self)
}
