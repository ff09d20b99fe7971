#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// A thin wrapper so that the kernel named `log` does not shadow the C library's `logf`.
@inline(__always) func _log(_ x: Float) -> Float { logf(x) }
