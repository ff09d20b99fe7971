#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Tells the thread pool whether its threads really have a core each, from the share of wall-clock
/// time a thread got on a CPU while it was runnable (polling, working, or between jobs).
///
/// A polling worker is always runnable. On a quiet machine every thread gets ≈ 100 % of a core; when
/// another process wants a core, the scheduler time-slices three runnable threads over two cores and
/// each gets ½–⅔ — the worker's help is then paid for by the caller's thread. Measured on the 2-core
/// machine with a busy loop beside the MNIST MLP bench: 2 polling threads ran the batch-64 step 1.4×
/// slower than 1 thread; the worker's share per 10 ms window was 0.33–0.71 in most windows, against
/// mostly > 0.99 without it — but on this virtual machine a quiet window also fell to 0.6–0.7 now
/// and then (about one in forty). So a thread whose share falls below `minimumShare` in
/// `strikesToBackOff` windows running switches the pool to serial work (the worker sleeps, the caller
/// runs every part) for `backoff`, which doubles while contention lasts.
struct ContentionMonitor {
    /// How much runnable time is judged at once.
    static let windowNanoseconds: UInt64 = 10_000_000
    /// Spans are accounted at most this often (reading a thread's CPU clock is a ≈ 0.6 µs system call).
    static let accountingInterval: UInt64 = 1_000_000
    /// Below this share of the window on a CPU the thread counts as contended.
    static let minimumShare = 0.75
    /// Consecutive low windows that mean contention (one is noise).
    static let strikesToBackOff = 2
    /// The first serial period after contention, and the longest.
    static let initialBackoff: UInt64 = 50_000_000, maximumBackoff: UInt64 = 800_000_000

    private var wallStart: UInt64 = 0
    private var cpuStart: UInt64 = 0
    /// Wall-clock and CPU time of the runnable spans accounted since the last judgement.
    private var wallTotal: UInt64 = 0, cpuTotal: UInt64 = 0
    /// Time the thread chose to sleep inside the current window (not runnable: not judged).
    private var waitedTotal: UInt64 = 0
    private var strikes = 0
    private var backoff = ContentionMonitor.initialBackoff
    private var lastContention: UInt64 = 0

    /// Starts a runnable span (the worker woke up, or started, at `now`).
    mutating func begin(at now: UInt64, cpuTime: () -> UInt64 = ContentionMonitor.threadCPUTime) {
        wallStart = now
        cpuStart = cpuTime()
    }

    /// Adds the runnable span up to `now` to the current window (a new span starts at `now`) when
    /// `accountingInterval` has passed since the span began. Once the window is full: the time until
    /// which the pool should run serially when this thread was contended, or nil.
    /// `cpuTime` reads the thread's CPU clock (a parameter so that tests can drive the monitor).
    mutating func account(at now: UInt64, cpuTime: () -> UInt64 = ContentionMonitor.threadCPUTime) -> UInt64? {
        guard now >= wallStart, now - wallStart >= Self.accountingInterval else { return nil }
        let cpu = cpuTime()
        guard cpu >= cpuStart else { begin(at: now, cpuTime: { cpu }); return nil }   // not the thread that began
        wallTotal += now - wallStart
        cpuTotal += cpu - cpuStart
        (wallStart, cpuStart) = (now, cpu)
        guard wallTotal >= Self.windowNanoseconds + waitedTotal else { return nil }
        let share = Double(cpuTotal) / Double(wallTotal - waitedTotal)
        (wallTotal, cpuTotal, waitedTotal) = (0, 0, 0)
        guard share < Self.minimumShare else {
            strikes = 0
            if now - lastContention > 4 * Self.maximumBackoff { backoff = Self.initialBackoff }
            return nil
        }
        strikes += 1
        guard strikes >= Self.strikesToBackOff else { return nil }
        strikes = 0
        let until = now + backoff
        backoff = min(2 * backoff, Self.maximumBackoff)
        lastContention = now
        return until
    }

    /// Leaves `nanoseconds` the thread spent asleep by choice out of the current window.
    mutating func exclude(_ nanoseconds: UInt64) {
        waitedTotal += nanoseconds
    }

    /// The monotonic clock in nanoseconds (a vDSO call: tens of nanoseconds).
    static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
    }

    /// CPU time consumed by the calling thread, in nanoseconds.
    static func threadCPUTime() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
    }
}
