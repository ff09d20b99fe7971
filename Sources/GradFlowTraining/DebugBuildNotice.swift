import Foundation
import Synchronization
import GradFlowData

/// The one line a non-optimised build of GradFlow prints before its first training step: numeric
/// code in a debug build runs about 90× slower (one MNIST epoch 34 s instead of 0.36 s), which
/// otherwise looks like a slow library. `GRADFLOW_NO_DEBUG_NOTICE=1` silences it.
enum DebugBuildNotice {
    private static let shown = Atomic<Bool>(false)

    /// Prints the notice to standard error once per process, in a debug build only (SwiftPM
    /// defines `DEBUG` there).
    static func showOnce() {
        #if DEBUG
        guard ProcessInfo.processInfo.environment["GRADFLOW_NO_DEBUG_NOTICE"] != "1",
              !shown.exchange(true, ordering: .relaxed) else { return }
        FileHandle.standardError.write(Data(("GradFlow: this is a debug (non-optimised) build: training runs about 90× slower "
            + "(an MNIST epoch 34 s instead of 0.36 s). Build with -c release (swift build -c release, swift run -c release, "
            + "make test); set GRADFLOW_NO_DEBUG_NOTICE=1 to hide this line.\n").utf8))
        #endif
    }
}
