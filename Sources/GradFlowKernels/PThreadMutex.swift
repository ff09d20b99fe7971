#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A pthread mutex and condition variable at stable heap addresses (pthread objects must not move,
/// so they cannot live inline in a Swift class). Created once, never freed: instances are
/// process-lifetime singletons (the thread pool, the thread-count setting).
final class PThreadMutex: @unchecked Sendable {  // the pthread objects synchronise themselves
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>

    init() {
        mutex = .allocate(capacity: 1)
        condition = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    /// Blocks until this thread holds the mutex.
    func lock() { pthread_mutex_lock(mutex) }

    /// Takes the mutex if it is free; returns whether it was taken.
    func tryLock() -> Bool { pthread_mutex_trylock(mutex) == 0 }

    /// Releases the mutex.
    func unlock() { pthread_mutex_unlock(mutex) }

    /// Atomically releases the mutex and sleeps until `broadcast()`; holds the mutex again on return
    /// (spurious wake-ups happen: callers re-check their condition in a loop).
    func wait() { pthread_cond_wait(condition, mutex) }

    /// Wakes every thread sleeping in `wait()`.
    func broadcast() { pthread_cond_broadcast(condition) }

    /// Runs `body` with the mutex held.
    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        lock()
        defer { unlock() }
        return try body()
    }
}
