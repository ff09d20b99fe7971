#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Something a training loop asks, between steps, whether it should stop (`Trainer.interruption`).
///
/// `Trainer.fit` reads `isInterruptionRequested` after each finished step; when it is true the step
/// is complete and consistent, and `fit` throws `TrainerError.interrupted` so the caller can save a
/// checkpoint. Reading it must be cheap and must not allocate.
public protocol TrainingInterruption: AnyObject, Sendable {
    /// Whether training should stop after the current step.
    var isInterruptionRequested: Bool { get }
}

/// A thread- and signal-safe "please stop" flag: an atomic boolean that any thread, or a signal
/// handler, may set, and a training loop reads between steps.
///
/// ```swift
/// let flag = InterruptFlag.installSIGINTHandler()   // Ctrl-C sets it; a second Ctrl-C exits at once
/// trainer.interruption = flag
/// do { try trainer.fit(…) } catch TrainerError.interrupted { /* save a checkpoint */ }
/// ```
/// The handler does nothing but an atomic exchange (and `_exit` on the second signal), both
/// async-signal-safe; the flag lives in a static `let`, created before the handler is installed.
public final class InterruptFlag: TrainingInterruption {
    private let requested = Atomic<Bool>(false)

    /// Creates a cleared flag.
    public init() {}

    /// Whether `request()` was called (or SIGINT received) since the flag was last cleared.
    public var isInterruptionRequested: Bool { requested.load(ordering: .acquiring) }

    /// Sets the flag; returns whether it was already set.
    @discardableResult
    public func request() -> Bool { requested.exchange(true, ordering: .acquiringAndReleasing) }

    /// Clears the flag.
    public func clear() { requested.store(false, ordering: .releasing) }

    /// The flag that the SIGINT handler sets.
    public static let sigint = InterruptFlag()

    /// Installs a SIGINT (Ctrl-C) handler that sets `sigint`; a second SIGINT before the flag is
    /// cleared ends the process at once with status 130 (the shell's code for Ctrl-C).
    /// - Returns: `sigint`, cleared.
    @discardableResult
    public static func installSIGINTHandler() -> InterruptFlag {
        let flag = sigint   // initialises the static before the handler can run
        flag.clear()
        _ = signal(SIGINT) { _ in
            if InterruptFlag.sigint.request() { _exit(130) }
        }
        return flag
    }

    /// Restores the default SIGINT behaviour (the process ends on Ctrl-C).
    public static func removeSIGINTHandler() {
        _ = signal(SIGINT, SIG_DFL)
    }
}
