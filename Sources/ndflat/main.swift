import Glibc
import NDFlat

/// The version printed by `--version`.
let ndflatVersion = "0.1.0"

let topLevelHelp = """
  ndflat \(ndflatVersion): streams NDJSON event exports into CSV, TSV or flattened NDJSON.

  Usage:
    ndflat [convert] [options] [FILE…]   convert (the default command)
    ndflat help [COMMAND]                help for a command
    ndflat --version

  Run 'ndflat help convert' for every option.
  """

func runMain() -> Int32 {
  var arguments = Array(CommandLine.arguments.dropFirst())
  if arguments.first == "--version" || arguments.first == "-V" {
    Terminal.output("ndflat \(ndflatVersion)\n")
    return 0
  }
  if arguments.first == "help" {
    if arguments.count == 1 {
      Terminal.output(topLevelHelp + "\n")
      return 0
    }
    if arguments[1] == "convert" {
      Terminal.output(ConvertCommand.help + "\n")
      return 0
    }
    Terminal.error("ndflat: unknown command '\(arguments[1])'; try 'ndflat help'")
    return 2
  }
  if arguments.first == "--help" || arguments.first == "-h" {
    Terminal.output(ConvertCommand.help + "\n")
    return 0
  }
  if arguments.first == "convert" { arguments.removeFirst() }
  do {
    return try ConvertCommand.run(arguments)
  } catch let error as UsageError {
    Terminal.error("ndflat: \(error.message) (see 'ndflat --help')")
    return 2
  } catch let error as NDFlatError {
    Terminal.error("ndflat: \(error.message)")
    return error.kind == .usage ? 2 : 1
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
for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
  signal(signalNumber) { received in
    TemporaryFiles.removeAllForSignal()
    signal(received, SIG_DFL)
    raise(received)
  }
}
exit(runMain())
