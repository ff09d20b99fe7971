/// What a training run measured, one entry per epoch (Keras's `History`).
public struct History: Equatable, Sendable {
    /// The mean training loss over each epoch's batches.
    public var loss: [Float] = []
    /// The loss on the validation data after each epoch (empty without validation data).
    public var validationLoss: [Float] = []
    /// The metric on the validation data after each epoch (empty without validation data or metric).
    public var validationMetric: [Float] = []
    /// The metric that `validationMetric` holds, if any.
    public var metric: Metric?
    /// The wall-clock seconds each epoch took (training and validation).
    public var epochSeconds: [Double] = []

    /// Creates an empty history for a run that reports `metric`.
    public init(metric: Metric? = nil) { self.metric = metric }

    /// The number of epochs recorded.
    public var epochs: Int { loss.count }

    /// The one-line report of epoch `epoch` (1-based) of `total`, in the Keras style:
    /// `Epoch 3/10  loss 0.2134  val_acc 0.9612  (1.9 s)`.
    /// - Precondition: `1 <= epoch <= epochs`.
    public func summary(epoch: Int, of total: Int) -> String {
        let index = epoch - 1
        var line = "Epoch \(epoch)/\(total)  loss \(fixed(loss[index], 4))"
        if let metric, index < validationMetric.count {
            line += "  val_\(metric.shortName) \(fixed(validationMetric[index], 4))"
        }
        if index < epochSeconds.count { line += "  (\(fixed(Float(epochSeconds[index]), 1)) s)" }
        return line
    }
}

/// `value` with exactly `decimals` digits after the point (no Foundation formatting needed);
/// a value too large for that (|value| · 10^decimals ≥ 2⁵³) or not finite is printed as Swift prints it.
package func fixed(_ value: Float, _ decimals: Int) -> String {
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    guard value.isFinite, abs(Double(value) * scale) < 9_007_199_254_740_992 else { return String(value) }
    let rounded = (Double(value) * scale).rounded()
    let negative = rounded < 0
    let digits = String(Int64(abs(rounded)))
    let padded = String(repeating: "0", count: max(decimals + 1 - digits.count, 0)) + digits
    let whole = padded.dropLast(decimals), fraction = padded.suffix(decimals)
    return (negative ? "-" : "") + whole + (decimals > 0 ? "." + fraction : "")
}
