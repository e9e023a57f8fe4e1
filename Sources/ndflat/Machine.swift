import Glibc

/// Facts about the machine the run is on.
enum Machine {
  /// Online processor cores (the default for `-j`).
  static var coreCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
}
