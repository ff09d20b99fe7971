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

/// A unit of work split into numbered parts, run by `parallelFor(_:_:)`.
///
/// A struct holding the operands (raw pointers and sizes) and computing one part from its index:
/// this shape, rather than a closure, lets the pool hand the job to its threads without allocating.
package protocol ParallelJob {
    /// Runs part `index`. Parts with distinct indices may run concurrently, so they must write
    /// disjoint memory.
    func runPart(_ index: Int)
}

extension ParallelJob {
    /// Runs part `index` of the job of this type stored at `pointer` (the pool's type-erased call).
    static func runPart(at pointer: UnsafeRawPointer, _ index: Int) {
        pointer.assumingMemoryBound(to: Self.self).pointee.runPart(index)
    }
}

/// Runs `job.runPart(0)`, …, `job.runPart(count − 1)`, concurrently on the shared thread pool when
/// `KernelThreads.count > 1`, and returns when all have finished. The caller's thread takes part.
/// Allocates nothing once the pool's workers exist; a nested or concurrent call runs its parts
/// serially on the caller's thread.
///
/// - Parameters:
///   - count: the number of parts; at most `KernelThreads.count` run at once.
///   - job: the work; read through a pointer by the other threads while this call runs.
package func parallelFor<Job: ParallelJob>(_ count: Int, _ job: Job) {
    parallelFor(count, threads: KernelThreads.count, job)
}

/// The threads a job could use now: `threads`, or 1 while the pool would run it serially — another
/// process holds the second core (`ContentionMonitor`), or this is a part of a running job (a
/// convolution's chunk calling a GEMM). Kernels that cut work into one piece per thread ask first,
/// so they do not pay for a split (a GEMM repacks its shared operand per slab) that would run on
/// one thread anyway.
package func availableThreads(_ threads: Int) -> Int {
    threads > 1 && ThreadPool.shared.isSerial ? 1 : threads
}

/// `parallelFor(_:_:)` with an explicit thread budget (≥ 1) instead of `KernelThreads.count`.
package func parallelFor<Job: ParallelJob>(_ count: Int, threads: Int, _ job: Job) {
    ThreadPool.shared.run(count, threads: threads, job: job)
}

/// How many parts elementwise work over `count` elements is worth cutting into: one per thread the
/// pool can use now, each at least `minimumPerPart` elements (below ≈ 16 Ki floats a part takes
/// a few microseconds, and the other core's cache misses on data this core wrote eat the gain).
package func elementwiseParts(_ count: Int, minimumPerPart: Int = 16_384) -> Int {
    max(1, min(availableThreads(KernelThreads.count), count / minimumPerPart))
}

/// Work over a range of indices, run by `parallelRanges(_:parts:alignment:_:)`: a struct of
/// pointers and numbers (like `ParallelJob`, so that handing it to the pool allocates nothing).
package protocol RangeJob {
    /// Runs the work for `range`; concurrent calls get disjoint ranges and must write disjoint memory.
    func run(_ range: Range<Int>)
}

/// Runs `job` on `parts` contiguous ranges that cover `0..<count` in order, concurrently on the
/// pool (on this thread when `parts` is 1). Inner boundaries fall on multiples of `alignment`
/// (16 floats = one cache line, so no two threads write one line). Allocates nothing.
package func parallelRanges<Job: RangeJob>(_ count: Int, parts: Int, alignment: Int = 16, _ job: Job) {
    guard parts > 1, count > 0 else { return job.run(0..<count) }
    parallelFor(parts, RangeParts(count: count, parts: parts, alignment: alignment, job: job))
}

/// Part `i` of `parallelRanges`: runs the job on its range.
private struct RangeParts<Job: RangeJob>: ParallelJob {
    let count: Int, parts: Int, alignment: Int
    let job: Job

    func runPart(_ index: Int) {
        func boundary(_ part: Int) -> Int {
            part == parts ? count : min(count, count * part / parts / alignment * alignment)
        }
        let range = boundary(index)..<boundary(index + 1)
        if !range.isEmpty { job.run(range) }
    }
}
