#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A persistent pool of worker threads that sleep on a condition variable between jobs (they never
/// spin, so a busy second core cannot stall the caller for long: the caller claims any iteration no
/// worker has started). Workers are created on first need and live for the whole process.
///
/// A job is one `run(_:threads:job:)` call: iterations are handed out one at a time under the mutex.
/// Nothing is allocated per job: workers reach the caller's job value through a pointer to it and
/// its metatype (a closure would not do: making a non-escaping closure escapable allocates a thunk).
/// One mutex and one condition variable serve both events ("new job", "job finished"): every waiter
/// re-checks its own predicate, and with a handful of threads the extra wake-ups cost nothing.
final class ThreadPool: @unchecked Sendable {  // every `var` below is guarded by `state`
    /// The process-wide pool used by `parallelFor`.
    static let shared = ThreadPool()

    private let state = PThreadMutex()
    /// Held for the whole of a job; a second submitter that cannot take it runs serially instead.
    private let submission = PThreadMutex()
    private var workerCount = 0
    private var job: UnsafeRawPointer?
    private var jobType: (any ParallelJob.Type)?
    private var iterationCount = 0
    private var nextIteration = 0
    private var unfinished = 0
    private var generation: UInt64 = 0

    /// Runs `job.runPart(i)` for `i` in `0..<count` on up to `threads` threads (the caller's included).
    func run<Job: ParallelJob>(_ count: Int, threads: Int, job: Job) {
        guard count > 1, threads > 1, submission.tryLock() else {
            for i in 0..<count { job.runPart(i) }
            return
        }
        defer { submission.unlock() }
        // The trailing byte keeps the value non-empty: a zero-sized job's address may be null.
        withUnsafePointer(to: (job, UInt8(0))) { pointer in
            state.lock()
            startWorkers(upTo: min(threads, count) - 1)
            self.job = UnsafeRawPointer(pointer)
            jobType = Job.self
            iterationCount = count
            nextIteration = 0
            unfinished = count
            generation &+= 1
            state.broadcast()
            runIterations()
            while unfinished > 0 { state.wait() }
            self.job = nil
            jobType = nil
            state.unlock()
        }
    }

    /// Claims and runs iterations of the current job until none is left. Called with `state` held;
    /// returns with it held.
    private func runIterations() {
        while nextIteration < iterationCount, let job, let jobType {
            let i = nextIteration
            nextIteration += 1
            state.unlock()
            jobType.runPart(at: job, i)
            state.lock()
            unfinished -= 1
            if unfinished == 0 { state.broadcast() }  // wakes the submitter (idle workers re-sleep)
        }
    }

    /// Spawns workers until there are `wanted` of them. Called with `state` held.
    private func startWorkers(upTo wanted: Int) {
        while workerCount < wanted {
            var thread = pthread_t()
            let context = Unmanaged.passRetained(self).toOpaque()
            let status = pthread_create(&thread, nil, { context in
                guard let context else { return nil }
                Unmanaged<ThreadPool>.fromOpaque(context).takeRetainedValue().workerLoop()
            }, context)
            guard status == 0 else { Unmanaged<ThreadPool>.fromOpaque(context).release(); return }
            pthread_detach(thread)
            workerCount += 1
        }
    }

    /// A worker's life: sleep until a new job is published, help run it, repeat.
    private func workerLoop() -> Never {
        state.lock()
        var seen = generation
        while true {
            while generation == seen { state.wait() }
            seen = generation
            runIterations()
        }
    }
}
