/// One command-line option: its names, whether it takes a value, and its help line.
struct OptionSpec: Sendable {
  let long: String
  let short: Character?
  let valueName: String?
  let help: String
  /// Given more than once, every value is kept (otherwise the last one wins).
  let repeatable: Bool

  init(_ long: String, short: Character? = nil, value: String? = nil, repeatable: Bool = false, _ help: String) {
    self.long = long
    self.short = short
    self.valueName = value
    self.repeatable = repeatable
    self.help = help
  }

  var takesValue: Bool { valueName != nil }
}

/// Options and operands as given on the command line.
struct ParsedArguments: Sendable {
  var values: [String: [String]] = [:]
  var operands: [String] = []

  func has(_ long: String) -> Bool { values[long] != nil }
  func value(_ long: String) -> String? { values[long]?.last }
  func all(_ long: String) -> [String] { values[long] ?? [] }
}

/// A mistake in the command line: exit status 2 with a one-line reason.
struct UsageError: Error, Sendable {
  let message: String
  init(_ message: String) { self.message = message }
}

/// A small, table-driven option parser: `--opt value`, `--opt=value`, `-o value`,
/// `-ovalue`, bundled short flags (`-qj2`), and `--` to end options.
struct OptionParser: Sendable {
  let specs: [OptionSpec]

  func parse(_ arguments: [String]) throws -> ParsedArguments {
    var parsed = ParsedArguments()
    var index = 0
    func record(_ spec: OptionSpec, _ value: String) {
      if spec.repeatable {
        parsed.values[spec.long, default: []].append(value)
      } else {
        parsed.values[spec.long] = [value]
      }
    }
    while index < arguments.count {
      let argument = arguments[index]
      index += 1
      if argument == "--" {
        parsed.operands.append(contentsOf: arguments[index...])
        break
      }
      if argument.hasPrefix("--") {
        let body = argument.dropFirst(2)
        let name = String(body.prefix { $0 != "=" })
        let inline = body.firstIndex(of: "=").map { String(body[body.index(after: $0)...]) }
        guard let spec = specs.first(where: { $0.long == name }) else {
          throw UsageError(unknownOptionMessage("--" + name))
        }
        if spec.takesValue {
          if let inline {
            record(spec, inline)
          } else if index < arguments.count {
            record(spec, arguments[index])
            index += 1
          } else {
            throw UsageError("option --\(name) needs a value (\(spec.valueName ?? "VALUE"))")
          }
        } else {
          if inline != nil { throw UsageError("option --\(name) takes no value") }
          record(spec, "")
        }
        continue
      }
      if argument.hasPrefix("-") && argument.count > 2,
        let spec = specs.first(where: { $0.long == argument.dropFirst() })
      {
        // `-format`: a long option with one dash would otherwise read as `-f ormat`.
        throw UsageError("unknown option '\(argument)'; did you mean '--\(spec.long)'?")
      }
      if argument.hasPrefix("-") && argument.count > 1 {
        var rest = Substring(argument.dropFirst())
        while let letter = rest.first {
          rest = rest.dropFirst()
          guard let spec = specs.first(where: { $0.short == letter }) else {
            throw UsageError(unknownOptionMessage("-" + String(letter)))
          }
          if spec.takesValue {
            if !rest.isEmpty {
              record(spec, String(rest))
            } else if index < arguments.count {
              record(spec, arguments[index])
              index += 1
            } else {
              throw UsageError("option -\(letter) needs a value (\(spec.valueName ?? "VALUE"))")
            }
            break
          }
          record(spec, "")
        }
        continue
      }
      parsed.operands.append(argument)
    }
    return parsed
  }

  /// "unknown option '--feilds'; did you mean '--fields'?"
  func unknownOptionMessage(_ option: String) -> String {
    var message = "unknown option '\(option)'"
    if let suggestion = nearest(to: option) { message += "; did you mean '\(suggestion)'?" }
    return message
  }

  func nearest(to option: String) -> String? {
    let typed = option.drop { $0 == "-" }
    guard typed.count > 1 else { return nil }
    let extending = specs.filter { $0.long.hasPrefix(typed) }
    if extending.count == 1 { return "--" + extending[0].long }
    var best: (name: String, distance: Int)?
    for spec in specs {
      let distance = editDistance(Array(typed), Array(spec.long))
      if distance < (best?.distance ?? Int.max) { best = ("--" + spec.long, distance) }
    }
    guard let best, best.distance <= max(2, typed.count / 3) else { return nil }
    return best.name
  }
}

/// Levenshtein distance (small inputs only).
func editDistance(_ a: [Character], _ b: [Character]) -> Int {
  if a.isEmpty { return b.count }
  if b.isEmpty { return a.count }
  var previous = Array(0...b.count)
  var current = previous
  for i in 1...a.count {
    current[0] = i
    for j in 1...b.count {
      let cost = a[i - 1] == b[j - 1] ? 0 : 1
      current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
    }
    swap(&previous, &current)
  }
  return previous[b.count]
}
