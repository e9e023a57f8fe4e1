// Entry point: hands control to libFuzzer's driver, which parses the usual flags
// (-max_total_time, -runs, corpus directories, a single crash file to replay…)
// and calls `LLVMFuzzerTestOneInput` (FuzzTarget.swift) for every input.
import CFuzzerDriver
import Glibc

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
let status = LLVMFuzzerRunDriver(&argc, &argv, LLVMFuzzerTestOneInput)
exit(status)
