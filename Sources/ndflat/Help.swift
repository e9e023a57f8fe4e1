/// Help texts: the top-level overview, `ndflat help [COMMAND]`, and option lists
/// rendered from the commands' option tables.
enum Help {
  /// Help lines are wrapped to this many columns.
  static let width = 80

  /// `ndflat --help`: the commands, then the default command's (convert's) help.
  static var topLevel: String {
    let names = Commands.all.map(\.name)
    let pad = (names.map(\.count).max() ?? 0) + 2
    var text = "ndflat \(ndflatVersion): NDJSON event exports to CSV, TSV or flattened NDJSON.\n\n"
    text += "Commands:\n"
    for command in Commands.all {
      text += "  " + command.name + String(repeating: " ", count: pad - command.name.count) + command.summary + "\n"
    }
    text += """

      Run 'ndflat help COMMAND' (or 'ndflat COMMAND --help') for a command's options,
      'ndflat --version' for the version. The default command is convert:


      """
    return text + Commands.convert.help
  }

  /// Option lines: `  -f, --fields LIST    help…`, the help wrapped under itself.
  static func options(_ specs: [OptionSpec]) -> String {
    let lefts = specs.map { spec -> String in
      var left = spec.short.map { "-\($0), " } ?? "    "
      left += "--" + spec.long
      if let value = spec.valueName { left += " " + value }
      return left
    }
    // The help column: after the longest left part, but no further than column 30.
    let column = min((lefts.map(\.count).max() ?? 0) + 4, 30)
    var lines: [String] = []
    for (left, spec) in zip(lefts, specs) {
      var first = "  " + left
      if first.count + 2 > column {
        lines.append(first)
        first = ""
      }
      let wrapped = wrap(spec.help + (spec.repeatable && !spec.help.contains("repeatable") ? " (repeatable)" : ""), width: width - column)
      for (index, piece) in wrapped.enumerated() {
        let lead = index == 0 ? first : ""
        lines.append(lead + String(repeating: " ", count: column - lead.count) + piece)
      }
    }
    return lines.joined(separator: "\n")
  }

  /// Splits `text` into lines of at most `width` characters at spaces.
  static func wrap(_ text: String, width: Int) -> [String] {
    var lines: [String] = []
    var current = ""
    for word in text.split(separator: " ", omittingEmptySubsequences: true) {
      if current.isEmpty {
        current = String(word)
      } else if current.count + 1 + word.count <= width {
        current += " " + word
      } else {
        lines.append(current)
        current = String(word)
      }
    }
    if !current.isEmpty || lines.isEmpty { lines.append(current) }
    return lines
  }
}

/// `ndflat help [COMMAND]`.
enum HelpCommand {
  static let options: [OptionSpec] = []

  static let help = """
    Usage: ndflat help [COMMAND]

    Shows the help of COMMAND, or without one the overview and the options of
    convert, the default command. 'ndflat COMMAND --help' does the same.
    """

  static func run(_ arguments: [String]) throws -> Int32 {
    guard let name = arguments.first, name != "--help", name != "-h" else {
      Terminal.output(Help.topLevel + "\n")
      return 0
    }
    guard arguments.count == 1 else { throw UsageError("help takes one command name, got '\(arguments.joined(separator: " "))'") }
    guard let command = Commands.named(name) else {
      var message = "unknown command '\(name)'"
      if let near = Commands.nearest(to: name) { message += "; did you mean '\(near.name)'?" }
      throw UsageError(message)
    }
    Terminal.output(command.help + "\n")
    return 0
  }
}
