import Glibc
import NDFlat

/// The version printed by `--version`.
let ndflatVersion = "0.1.0"

/// One command of `ndflat`: its name, a one-line summary, its option table (for
/// completions), its help text and what it runs.
struct Command: Sendable {
  let name: String
  let summary: String
  let options: [OptionSpec]
  let help: String
  let run: @Sendable ([String]) throws -> Int32
}

/// Every command, in the order help lists them. A new command is one line here.
enum Commands {
  static let convert = Command(
    name: "convert", summary: "NDJSON to CSV, TSV or flattened NDJSON (the default command)",
    options: ConvertCommand.options, help: ConvertCommand.help, run: ConvertCommand.run)

  static let all: [Command] = [
    convert,
    Command(
      name: "schema", summary: "per event type: fields, JSON types, presence, nulls, examples; --diff for drift",
      options: SchemaCommand.options, help: SchemaCommand.help, run: SchemaCommand.run),
    Command(
      name: "header", summary: "the header line shared by --schema --no-header rows (mapper mode)",
      options: HeaderCommand.options, help: HeaderCommand.help, run: HeaderCommand.run),
    Command(
      name: "stats", summary: "per event type: count, first and last time (UTC), a per-day histogram",
      options: StatsCommand.options, help: StatsCommand.help, run: StatsCommand.run),
    Command(
      name: "completions", summary: "print a bash or zsh completion script",
      options: CompletionsCommand.options, help: CompletionsCommand.help, run: CompletionsCommand.run),
    Command(
      name: "help", summary: "help for a command",
      options: HelpCommand.options, help: HelpCommand.help, run: HelpCommand.run),
  ]

  static func named(_ name: String) -> Command? { all.first { $0.name == name } }

  /// The command a mistyped word was probably meant to be.
  static func nearest(to word: String) -> Command? {
    guard word.count > 2 else { return nil }
    let scored = all.map { ($0, editDistance(Array(word), Array($0.name))) }
    guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= 2, best.1 < word.count / 2 + 1 else { return nil }
    return best.0
  }
}

func runMain() -> Int32 {
  let arguments = Array(CommandLine.arguments.dropFirst())
  switch arguments.first {
  case "--version", "-V":
    Terminal.output("ndflat \(ndflatVersion)\n")
    return 0
  case "--help", "-h":
    Terminal.output(Help.topLevel + "\n")
    return 0
  default:
    break
  }
  // The first word names a command; anything else is convert's (options and files).
  var command = Commands.convert
  var rest = arguments
  if let first = arguments.first, let named = Commands.named(first) {
    command = named
    rest.removeFirst()
  } else if let first = arguments.first, !first.hasPrefix("-"), access(first, F_OK) != 0,
    let near = Commands.nearest(to: first)
  {
    Terminal.error("ndflat: no file or command '\(first)'; did you mean 'ndflat \(near.name)'? (see 'ndflat --help')")
    return 2
  }
  do {
    return try command.run(rest)
  } catch let error as UsageError {
    let helpCommand = ["convert", "help"].contains(command.name) ? "ndflat --help" : "ndflat \(command.name) --help"
    Terminal.error("ndflat: \(error.message) (see '\(helpCommand)')")
    return 2
  } catch let error as NDFlatError {
    Terminal.error("ndflat: \(error.message)")
    return error.kind == .usage ? 2 : 1
  } catch let interrupted as Interrupted {
    TemporaryDirectories.removeAll()
    TemporaryFiles.removeAllForSignal()
    signal(interrupted.signal, SIG_DFL)
    raise(interrupted.signal)
    return 128 + interrupted.signal
  } catch is ClosedPipe {
    TemporaryFiles.removeAllForSignal()
    signal(SIGPIPE, SIG_DFL)
    raise(SIGPIPE)
    return 0
  } catch {
    Terminal.error("ndflat: \(error)")
    return 1
  }
}

signal(SIGPIPE, SIG_IGN)
Interruption.prepare()
// A parent may start us with SIGINT/SIGTERM blocked (Foundation's Process does, from a
// dispatch thread): unblock them, or Ctrl-C and `kill` would be ignored.
var unblocked = sigset_t()
sigemptyset(&unblocked)
for signalNumber in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&unblocked, signalNumber) }
sigprocmask(SIG_UNBLOCK, &unblocked, nil)
for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
  signal(signalNumber) { received in
    // Leave the terminal's line clean if a progress bar was drawn, then go.
    if isatty(2) == 1 { _ = write(2, "\r\u{1B}[K", 4) }
    TemporaryFiles.removeAllForSignal()
    // A run writing a directory tree removes it itself at its next chunk.
    if Interruption.deferToRun(received) { return }
    signal(received, SIG_DFL)
    raise(received)
  }
}
exit(runMain())
