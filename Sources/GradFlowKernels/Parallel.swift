#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The number of threads the kernels may use (1 = everything on the caller's thread).
///
/// Defaults to the environment variable `GRADFLOW_THREADS` when it holds a positive integer, else to
/// the number of active processors. Reads and writes are serialised by a mutex, so any thread may
/// change it; a GEMM already running keeps the count it started with.
package enum KernelThreads {
    private final class Setting: @unchecked Sendable {  // `value` is only touched under `mutex`
        let mutex = PThreadMutex()
        var value = KernelThreads.defaultCount()
    }
    private static let setting = Setting()

    /// The current thread budget, ≥ 1.
    package static var count: Int { setting.mutex.withLock { setting.value } }

    /// Sets the thread budget; values below 1 are treated as 1.
    package static func setCount(_ newValue: Int) {
        setting.mutex.withLock { setting.value = max(1, newValue) }
    }

    /// `GRADFLOW_THREADS` if it is a positive integer, else the number of active processors.
    package static func defaultCount() -> Int {
        if let text = getenv("GRADFLOW_THREADS"), let parsed = Int(String(cString: text)), parsed > 0 {
            return parsed
        }
        return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }
}

/// Runs `body(0)`, …, `body(count − 1)`, possibly concurrently on the shared thread pool, and returns
/// when all have finished. The caller's thread takes part. Allocates nothing once the pool's workers
/// exist; a nested or concurrent call runs its iterations serially on the caller's thread.
///
/// - Parameters:
///   - count: the number of iterations; at most `KernelThreads.count` run at once.
///   - body: must be safe to run concurrently for distinct indices (it may capture raw pointers,
///     hence not `@Sendable`: writing disjoint regions is the caller's contract).
package func parallelFor(_ count: Int, _ body: (Int) -> Void) {
    ThreadPool.shared.run(count, threads: KernelThreads.count, body)
}
