#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CGradFlowKernels
import Synchronization

/// A persistent pool of worker threads for `parallelFor`. Workers are created on first need and live
/// for the whole process.
///
/// **Hand-off.** A job is published with one atomic store; a worker that finished a job in the last
/// `ThreadPool.spinNanoseconds` is still polling and starts within a fraction of a microsecond, so
/// a training step's chain of small GEMMs can be split (a sleeping worker needs a futex wake and
/// tens of microseconds). After that long without work a worker sleeps on a condition variable.
///
/// **A busy core never stalls the caller for long.** Parts are claimed one at a time from a shared
/// counter, the caller included: when another process holds the worker's core, the caller claims
/// every part the worker has not started. The caller then waits only for parts already running; it
/// polls briefly, then sleeps, so that the scheduler can move a descheduled worker onto its core.
///
/// **Nor does polling take a busy core from others.** A worker that gets much less than a whole core
/// while runnable (`ContentionMonitor`) switches the pool to serial work for a while: then parts all
/// run on the caller's thread and the worker sleeps, as with one thread.
///
/// **No allocation per job.** Workers reach the caller's job value through a pointer to it and its
/// metatype (a closure would not do: making a non-escaping closure escapable allocates a thunk).
///
/// **Claims.** `claims` holds the job's generation and the range of parts not yet claimed
/// (`JobClaims`); a claim is a compare-and-swap that takes a part only while the generation is the
/// claimer's. The job's fields are read after a successful claim, and the caller rewrites them only
/// after every part has finished, so a late worker can never run a part of the wrong job.
///
/// **Same part, same thread.** The caller claims from the top of the range and workers from the
/// bottom, so on two uncontended threads part 0 runs on the worker and part 1 on the caller in every
/// job. Consecutive kernels that split the same data the same way (a layer's forward GEMM, its
/// weight-gradient GEMM and the optimizer's update of those weights) then find it in their own core's
/// cache. Measured on the 2-core machine (C, 400 KiB): rewriting lines the other core has only read
/// took 49–64 µs, against 4–11 µs when the other core had written them or not touched them — a store
/// to a line another core holds clean waits for its invalidation, one line at a time.
final class ThreadPool: @unchecked Sendable {  // `job`/`jobType` are ordered by `claims`; the rest is atomic or under `sleep`
    /// The process-wide pool used by `parallelFor`.
    static let shared = ThreadPool()

    /// How long an idle worker polls for the next job before sleeping (and how long a caller polls
    /// for running parts before sleeping). Waking a sleeping worker costs tens of microseconds (the
    /// old blocking pool's measurements: its threshold kept GEMMs under 16 MFLOP on one thread),
    /// longer than a small GEMM; between the nodes of a training step the gaps are far shorter.
    static let spinNanoseconds: UInt64 = 200_000
    /// Jobs further apart than this do not tell whether the caller had a core (it may have waited).
    static let spanGapNanoseconds: UInt64 = 2_000_000

    private let claims = Atomic<UInt64>(0)
    /// While the monotonic clock is below this, jobs run serially (set by a contended worker).
    private let serialUntil = Atomic<UInt64>(0)
    /// Parts of the current job not yet finished.
    private let unfinished = Atomic<Int>(0)
    /// How many workers may help with the current job (the rest keep out of its way).
    private let helpers = Atomic<Int>(0)
    /// Workers asleep (or about to sleep) on `sleep`'s condition variable.
    private let sleepers = Atomic<Int>(0)
    /// Whether the caller sleeps on `sleep`'s condition variable until the last part finishes.
    private let callerAsleep = Atomic<Bool>(false)
    /// The sleeping threads' mutex and condition variable; also guards `workerCount`.
    private let sleep = PThreadMutex()
    /// Held for the whole of a job; a second submitter that cannot take it runs serially instead.
    private let submission = PThreadMutex()
    /// Whether `submission` is held (readable without taking it).
    private let running = Atomic<Bool>(false)
    private var workerCount = 0
    private var generation: UInt32 = 0   // below `JobClaims.generationMask`
    /// The caller's share of a core between consecutive jobs (under `submission`).
    private var callerMonitor = ContentionMonitor()
    private var lastJobStart: UInt64 = 0
    private var lastCaller = pthread_self()
    private var job: UnsafeRawPointer?
    private var jobType: (any ParallelJob.Type)?

    /// Whether a job submitted now would run on the caller's thread alone: a worker found its core
    /// shared, or another job is running (a job's parts that submit jobs run those serially).
    var isSerial: Bool {
        running.load(ordering: .relaxed) || serialUntil.load(ordering: .relaxed) >= ContentionMonitor.now()
    }

    /// Ends a serial period early (for tests that need the workers).
    func endSerialPeriod() { serialUntil.store(0, ordering: .relaxed) }

    /// Runs `job.runPart(i)` for `i` in `0..<count` on up to `threads` threads (the caller's included).
    func run<Job: ParallelJob>(_ count: Int, threads: Int, job: Job) {
        guard count > 1, threads > 1, count <= JobClaims.maximumParts, !isSerial,
              submission.tryLock() else {
            for i in 0..<count { job.runPart(i) }
            return
        }
        running.store(true, ordering: .relaxed)
        defer {
            running.store(false, ordering: .relaxed)
            submission.unlock()
        }
        watchCaller()
        let wanted = min(threads, count) - 1
        sleep.withLock { startWorkers(upTo: wanted) }
        // The trailing byte keeps the value non-empty: a zero-sized job's address may be null.
        withUnsafePointer(to: (job, UInt8(0))) { pointer in
            self.job = UnsafeRawPointer(pointer)
            jobType = Job.self
            helpers.store(wanted, ordering: .relaxed)
            unfinished.store(count, ordering: .relaxed)
            generation = (generation &+ 1) & JobClaims.generationMask
            claims.store(JobClaims(generation: generation, low: 0, high: count).bits, ordering: .sequentiallyConsistent)
            if sleepers.load(ordering: .sequentiallyConsistent) > 0 { sleep.withLock { sleep.broadcast() } }
            runParts(of: generation, fromTop: true)
            waitUntilFinished()
        }
    }

    /// Accounts the caller's time since the previous job when jobs come close together from the same
    /// thread (a training step's: the caller was runnable all along); after a longer gap it may have
    /// been idle, and a new span starts.
    private func watchCaller() {
        let now = ContentionMonitor.now()
        let thread = pthread_self()
        defer { lastCaller = thread }
        // A CPU clock belongs to one thread: a new caller starts a new span.
        if now - lastJobStart > Self.spanGapNanoseconds || pthread_equal(thread, lastCaller) == 0 {
            callerMonitor.begin(at: now)
        } else if let until = callerMonitor.account(at: now) {
            runSerially(until: until)
        }
        lastJobStart = now
    }

    /// Starts (or extends) a serial period that lasts until `until` on the monotonic clock; a shorter
    /// period asked for by another thread does not cut it short.
    private func runSerially(until: UInt64) {
        serialUntil.max(until, ordering: .relaxed)
    }

    /// Claims and runs parts of job `generation` until none is left unclaimed: the highest one each
    /// time (`fromTop`, the caller) or the lowest (a worker).
    private func runParts(of generation: UInt32, fromTop: Bool) {
        var state = JobClaims(bits: claims.load(ordering: .relaxed))
        while state.generation == generation, state.low < state.high {
            let (part, next) = fromTop ? (state.high - 1, JobClaims(generation: generation, low: state.low, high: state.high - 1))
                                       : (state.low, JobClaims(generation: generation, low: state.low + 1, high: state.high))
            let (claimed, current) = claims.compareExchange(
                expected: state.bits, desired: next.bits, successOrdering: .acquiring, failureOrdering: .relaxed)
            guard claimed, let job, let jobType else { state = JobClaims(bits: current); continue }
            jobType.runPart(at: job, part)
            state = next
            if unfinished.subtract(1, ordering: .sequentiallyConsistent).newValue == 0,
               callerAsleep.load(ordering: .sequentiallyConsistent) {
                sleep.withLock { sleep.broadcast() }
            }
        }
    }

    /// The caller's wait for parts still running on workers: poll, then sleep.
    private func waitUntilFinished() {
        let deadline = ContentionMonitor.now() + Self.spinNanoseconds
        var polls = 0
        while unfinished.load(ordering: .acquiring) > 0 {
            polls += 1
            if polls & 255 == 0, ContentionMonitor.now() > deadline {
                let asleep = ContentionMonitor.now()
                sleep.withLock {
                    callerAsleep.store(true, ordering: .sequentiallyConsistent)
                    while unfinished.load(ordering: .sequentiallyConsistent) > 0 { sleep.wait() }
                    callerAsleep.store(false, ordering: .sequentiallyConsistent)
                }
                callerMonitor.exclude(ContentionMonitor.now() - asleep)
                return
            }
            gradflow_spin_pause()
        }
    }

    /// Spawns workers until there are `wanted` of them. Called with `sleep` held.
    private func startWorkers(upTo wanted: Int) {
        while workerCount < wanted {
            var thread = pthread_t()
            let context = Unmanaged.passRetained(WorkerStart(pool: self, index: workerCount)).toOpaque()
            let status = pthread_create(&thread, nil, { context in
                guard let context else { return nil }
                let start = Unmanaged<WorkerStart>.fromOpaque(context).takeRetainedValue()
                start.pool.workerLoop(index: start.index)
            }, context)
            guard status == 0 else { Unmanaged<WorkerStart>.fromOpaque(context).release(); return }
            pthread_detach(thread)
            workerCount += 1
        }
    }

    /// A worker's life: poll for a new job, help run it if it wants this worker, sleep when idle or
    /// when it finds itself sharing its core.
    private func workerLoop(index: Int) -> Never {
        var seen = JobClaims(bits: claims.load(ordering: .acquiring)).generation
        var monitor = ContentionMonitor()
        while true {
            var idleSince = ContentionMonitor.now()
            monitor.begin(at: idleSince)
            var polls = 0
            while true {
                let current = JobClaims(bits: claims.load(ordering: .acquiring)).generation
                if current != seen {
                    seen = current
                    if index < helpers.load(ordering: .relaxed) { runParts(of: current, fromTop: false) }
                    idleSince = ContentionMonitor.now()
                    if let until = monitor.account(at: idleSince) { runSerially(until: until); break }
                    continue
                }
                polls += 1
                guard polls & 255 == 0 else { gradflow_spin_pause(); continue }
                let now = ContentionMonitor.now()
                if let until = monitor.account(at: now) { runSerially(until: until); break }
                if now - idleSince > Self.spinNanoseconds { break }
            }
            sleep.withLock {
                sleepers.add(1, ordering: .sequentiallyConsistent)
                while JobClaims(bits: claims.load(ordering: .sequentiallyConsistent)).generation == seen { sleep.wait() }
                sleepers.subtract(1, ordering: .sequentiallyConsistent)
            }
        }
    }

    /// What a new worker thread needs: its pool and its index (workers below the job's helper
    /// count take part).
    private final class WorkerStart {
        let pool: ThreadPool
        let index: Int
        init(pool: ThreadPool, index: Int) { self.pool = pool; self.index = index }
    }
}

/// The thread pool's claim word: a job's generation (high 24 bits) and the parts `low..<high` not
/// yet claimed (20 bits each), packed into one `UInt64` so that a claim is one compare-and-swap.
private struct JobClaims {
    static let generationMask: UInt32 = 1 << 24 - 1
    /// The most parts one job may have (larger jobs run serially).
    static let maximumParts = 1 << 20 - 1
    private static let indexMask: UInt64 = 1 << 20 - 1

    let generation: UInt32
    let low: Int
    let high: Int

    init(generation: UInt32, low: Int, high: Int) {
        (self.generation, self.low, self.high) = (generation, low, high)
    }

    init(bits: UInt64) {
        generation = UInt32(truncatingIfNeeded: bits >> 40)
        low = Int(bits >> 20 & Self.indexMask)
        high = Int(bits & Self.indexMask)
    }

    var bits: UInt64 { UInt64(generation) << 40 | UInt64(low) << 20 | UInt64(high) }
}
