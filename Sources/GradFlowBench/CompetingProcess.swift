import Foundation

/// A busy loop in a separate process (`/bin/sh -c 'while :; do :; done'`), so that the benchmarks can
/// measure what GradFlow's threads do when another program wants a core: the rule is that two
/// kernel threads must then be no slower than one.
final class CompetingProcess {
    private let process = Process()

    /// Starts the loop; nil (with a message) when no shell can be started.
    init?() {
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "while :; do :; done"]
        do { try process.run() } catch {
            print("competing process: cannot start /bin/sh (\(error)); the busy-core rows are skipped")
            return nil
        }
        Thread.sleep(forTimeInterval: 0.2)   // let the scheduler see it
    }

    /// Stops the loop and waits for it to exit.
    func stop() {
        process.terminate()
        process.waitUntilExit()
    }

    deinit { if process.isRunning { stop() } }
}
