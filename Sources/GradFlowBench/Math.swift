#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The C library's `log` and `cos` under names that cannot be shadowed by a module's own functions.
func _log(_ x: Double) -> Double { log(x) }
func _cos(_ x: Double) -> Double { cos(x) }
