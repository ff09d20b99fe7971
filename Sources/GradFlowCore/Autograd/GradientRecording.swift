/// Whether operations on `Variable`s record themselves for a backward pass (PyTorch's grad mode).
/// On by default; `noGrad { … }` turns it off for a scope (per task and thread).
public enum GradientRecording {
    /// Whether recording is on in the current scope.
    @TaskLocal public static var isEnabled = true
}

/// Runs `body` with gradient recording off (PyTorch's `with torch.no_grad():`): results of
/// operations inside are constants without history, whatever their operands.
///
/// ```swift
/// noGrad { w.value = w.value - 0.1 * w.grad! }     // an update that is not recorded
/// ```
public func noGrad<R>(_ body: () throws -> R) rethrows -> R {
    try GradientRecording.$isEnabled.withValue(false) { try body() }
}
