#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// The C library's functions under names that Tensor's own `exp`/`log` methods do not shadow.
@inline(__always) func _expFloat(_ x: Float) -> Float { expf(x) }
@inline(__always) func _logFloat(_ x: Float) -> Float { logf(x) }
@inline(__always) func _logDouble(_ x: Double) -> Double { log(x) }
@inline(__always) func _cosDouble(_ x: Double) -> Double { cos(x) }
