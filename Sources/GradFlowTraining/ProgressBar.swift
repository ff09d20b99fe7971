/// A one-line progress indicator for the steps of an epoch: `[=========>          ] 45%  loss 0.3120`.
///
/// Rendering is pure (`line(step:loss:)`), so it can be tested; the training loop draws it with a
/// carriage return, and only when standard output is a terminal, so logs and pipes never see it.
public struct ProgressBar: Sendable {
    /// The number of steps that make 100%.
    public let total: Int
    /// The width of the bar in characters, brackets excluded.
    public let width: Int

    /// Creates a bar for `total` steps.
    public init(total: Int, width: Int = 30) {
        self.total = max(total, 1)
        self.width = max(width, 1)
    }

    /// The bar after `step` of `total` steps, with the running loss.
    public func line(step: Int, loss: Float) -> String {
        let done = min(max(step, 0), total)
        let filled = done * width / total
        let arrow = filled < width && done > 0 ? ">" : ""
        let bar = String(repeating: "=", count: filled) + arrow
            + String(repeating: " ", count: width - filled - arrow.count)
        let percent = String(done * 100 / total)
        return "[\(bar)] " + String(repeating: " ", count: 3 - percent.count) + percent + "%  loss " + fixed(loss, 4)
    }

    /// Whether redrawing after `step` changes the line noticeably (at most ~`width` redraws per epoch).
    public func shouldRedraw(at step: Int) -> Bool {
        step == total || step * width / total != (step - 1) * width / total
    }
}
