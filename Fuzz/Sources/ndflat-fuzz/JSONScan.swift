// A small, iterative (no recursion, so 65,536-deep input is fine) JSON validator
// used as the fuzzer's oracle, written from RFC 8259 §2–§8 rather than from the
// engine. It only answers "is this one JSON value, what is at its top, how deep".

/// How strictly string bytes are checked as UTF-8.
enum UTF8Rule {
  /// RFC 3629: no overlong forms, no surrogates (ED A0..BF), nothing above U+10FFFF.
  case strict
  /// What yajl 2.1 checks (`yajl_lex_utf8_char`): only the shape of a sequence —
  /// a lead byte C0–DF / E0–EF / F0–F7 followed by 1 / 2 / 3 bytes 80–BF. Overlong
  /// forms, encoded surrogates and F4 90+ / F5–F7 leads pass. ndflat documents that
  /// such bytes are passed through exactly, so the fuzzer uses this rule.
  case yajl
}

struct JSONScanResult {
  /// The bytes are exactly one JSON value, with optional whitespace around it.
  var valid: Bool
  /// The top-level value is an object (meaningful when `valid`).
  var isObject: Bool
  /// Deepest container nesting; the top-level object or array is depth 1.
  var depth: Int
  /// A `\uD800`–`\uDFFF` escape that is not half of a high+low pair (valid JSON
  /// grammar, but it names no character; ndflat rejects such records).
  var loneSurrogate: Bool
  /// Not `valid` only because something other than whitespace follows a complete value.
  var trailingGarbage: Bool
}

enum JSONScan {
  @inline(__always)
  static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }

  @inline(__always)
  static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

  @inline(__always)
  static func isHex(_ c: UInt8) -> Bool {
    isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66)
  }

  /// `yajlSpace`: also take form feed (0C) and vertical tab (0B) as whitespace between
  /// tokens, as yajl 2.1's lexer does (RFC 8259 allows only space, tab, LF, CR).
  static func scan(_ bytes: UnsafeBufferPointer<UInt8>, utf8: UTF8Rule, yajlSpace: Bool = false) -> JSONScanResult {
    var scanner = Scanner(b: bytes, rule: utf8, yajlSpace: yajlSpace)
    let ok = scanner.run()
    return JSONScanResult(
      valid: ok, isObject: scanner.topIsObject, depth: scanner.maxDepth,
      loneSurrogate: scanner.loneSurrogate, trailingGarbage: scanner.trailingGarbage)
  }

  static func scan(_ bytes: [UInt8], utf8: UTF8Rule, yajlSpace: Bool = false) -> JSONScanResult {
    bytes.withUnsafeBufferPointer { scan($0, utf8: utf8, yajlSpace: yajlSpace) }
  }

  private struct Scanner {
    let b: UnsafeBufferPointer<UInt8>
    let rule: UTF8Rule
    let yajlSpace: Bool
    var i = 0
    var stack: [UInt8] = []  // "{" or "["
    var maxDepth = 0
    var topIsObject = false
    var loneSurrogate = false
    var trailingGarbage = false

    init(b: UnsafeBufferPointer<UInt8>, rule: UTF8Rule, yajlSpace: Bool) {
      self.b = b
      self.rule = rule
      self.yajlSpace = yajlSpace
    }

    mutating func skipSpace() {
      while i < b.count && (JSONScan.isSpace(b[i]) || (yajlSpace && (b[i] == 0x0B || b[i] == 0x0C))) {
        i += 1
      }
    }

    /// One whole text: a value, whitespace around it, nothing else.
    mutating func run() -> Bool {
      skipSpace()
      guard i < b.count else { return false }
      topIsObject = b[i] == UInt8(ascii: "{")
      guard value() else { return false }
      skipSpace()
      trailingGarbage = i != b.count
      return i == b.count
    }

    /// Parses a value iteratively; containers are tracked on `stack`.
    mutating func value() -> Bool {
      expectValue: while true {
        skipSpace()
        guard i < b.count else { return false }
        switch b[i] {
        case UInt8(ascii: "{"):
          i += 1
          stack.append(UInt8(ascii: "{"))
          maxDepth = max(maxDepth, stack.count)
          skipSpace()
          guard i < b.count else { return false }
          if b[i] == UInt8(ascii: "}") {
            i += 1
            stack.removeLast()
          } else {
            guard member() else { return false }
            continue expectValue
          }
        case UInt8(ascii: "["):
          i += 1
          stack.append(UInt8(ascii: "["))
          maxDepth = max(maxDepth, stack.count)
          skipSpace()
          guard i < b.count else { return false }
          if b[i] == UInt8(ascii: "]") {
            i += 1
            stack.removeLast()
          } else {
            continue expectValue
          }
        case UInt8(ascii: "\""):
          guard string() else { return false }
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
          guard number() else { return false }
        case UInt8(ascii: "t"):
          guard literal("true") else { return false }
        case UInt8(ascii: "f"):
          guard literal("false") else { return false }
        case UInt8(ascii: "n"):
          guard literal("null") else { return false }
        default:
          return false
        }
        // After a complete value: close containers or move to the next element.
        while true {
          guard let top = stack.last else { return true }
          skipSpace()
          guard i < b.count else { return false }
          let c = b[i]
          if c == UInt8(ascii: ",") {
            i += 1
            if top == UInt8(ascii: "{") {
              skipSpace()
              guard member() else { return false }
            }
            continue expectValue
          }
          if (top == UInt8(ascii: "{") && c == UInt8(ascii: "}"))
            || (top == UInt8(ascii: "[") && c == UInt8(ascii: "]"))
          {
            i += 1
            stack.removeLast()
            continue
          }
          return false
        }
      }
    }

    /// `"key" :` (the value follows).
    mutating func member() -> Bool {
      guard i < b.count, b[i] == UInt8(ascii: "\""), string() else { return false }
      skipSpace()
      guard i < b.count, b[i] == UInt8(ascii: ":") else { return false }
      i += 1
      return true
    }

    mutating func literal(_ text: StaticString) -> Bool {
      let n = text.utf8CodeUnitCount
      guard b.count - i >= n else { return false }
      for k in 0..<n where b[i + k] != text.utf8Start[k] { return false }
      i += n
      return true
    }

    mutating func number() -> Bool {
      if b[i] == UInt8(ascii: "-") { i += 1 }
      guard i < b.count else { return false }
      if b[i] == UInt8(ascii: "0") {
        i += 1
      } else if JSONScan.isDigit(b[i]) {
        while i < b.count && JSONScan.isDigit(b[i]) { i += 1 }
      } else {
        return false
      }
      if i < b.count && b[i] == UInt8(ascii: ".") {
        i += 1
        guard i < b.count, JSONScan.isDigit(b[i]) else { return false }
        while i < b.count && JSONScan.isDigit(b[i]) { i += 1 }
      }
      if i < b.count && (b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E")) {
        i += 1
        if i < b.count && (b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-")) { i += 1 }
        guard i < b.count, JSONScan.isDigit(b[i]) else { return false }
        while i < b.count && JSONScan.isDigit(b[i]) { i += 1 }
      }
      return true
    }

    mutating func string() -> Bool {
      i += 1  // opening quote
      while i < b.count {
        let c = b[i]
        if c == UInt8(ascii: "\"") {
          i += 1
          return true
        }
        if c < 0x20 { return false }
        if c == UInt8(ascii: "\\") {
          i += 1
          guard i < b.count else { return false }
          switch b[i] {
          case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
            UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            i += 1
          case UInt8(ascii: "u"):
            guard let unit = hex4(at: i + 1) else { return false }
            i += 5
            if unit >= 0xD800 && unit <= 0xDBFF {
              // A high surrogate names a character only with a low one right after it.
              if b.count - i >= 6 && b[i] == UInt8(ascii: "\\") && b[i + 1] == UInt8(ascii: "u"),
                let low = hex4(at: i + 2), low >= 0xDC00 && low <= 0xDFFF
              {
                i += 6
              } else {
                loneSurrogate = true
              }
            } else if unit >= 0xDC00 && unit <= 0xDFFF {
              loneSurrogate = true
            }
          default:
            return false
          }
          continue
        }
        if c < 0x80 {
          i += 1
          continue
        }
        guard utf8Sequence() else { return false }
      }
      return false
    }

    /// Four hex digits at `at`, as a UTF-16 code unit.
    func hex4(at start: Int) -> UInt32? {
      guard b.count - start >= 4 else { return nil }
      var value: UInt32 = 0
      for k in start..<(start + 4) {
        let c = b[k]
        guard JSONScan.isHex(c) else { return nil }
        let digit = c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x61 + 10
        value = value << 4 | UInt32(digit)
      }
      return value
    }

    /// One multi-byte UTF-8 sequence starting at `i`.
    mutating func utf8Sequence() -> Bool {
      let c = b[i]
      let need: Int
      var low: UInt8 = 0x80
      var high: UInt8 = 0xBF
      switch rule {
      case .yajl:
        if c >> 5 == 0x6 {
          need = 1
        } else if c >> 4 == 0xE {
          need = 2
        } else if c >> 3 == 0x1E {
          need = 3
        } else {
          return false
        }
      case .strict:
        switch c {
        case 0xC2...0xDF: need = 1
        case 0xE0:
          need = 2
          low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: need = 2
        case 0xED:
          need = 2
          high = 0x9F
        case 0xF0:
          need = 3
          low = 0x90
        case 0xF1...0xF3: need = 3
        case 0xF4:
          need = 3
          high = 0x8F
        default: return false
        }
      }
      guard b.count - i > need else { return false }
      for k in 1...need {
        let d = b[i + k]
        let (lo, hi) = k == 1 ? (low, high) : (UInt8(0x80), UInt8(0xBF))
        if d < lo || d > hi { return false }
      }
      i += need + 1
      return true
    }
  }
}
