import Foundation

/// Linear warm-up in front of another schedule (PyTorch's `LinearLR` chained before it): over the
/// first `epochs` epochs the rate rises from `startFactor ×` the base rate to the base rate,
/// `η(e) = base(e) · (f + (1 − f) · min(e, n) / n)`.
public struct LinearWarmup: LearningRateSchedule {
    /// The epochs of the ramp, n ≥ 1.
    public let epochs: Int
    /// The factor f at epoch 0, in (0, 1].
    public let startFactor: Float
    /// The schedule the ramp multiplies.
    public let base: any LearningRateSchedule

    /// Creates the warm-up.
    /// - Throws: `OptimizerError.invalidHyperparameter` unless epochs ≥ 1 and 0 < startFactor ≤ 1.
    public init(epochs: Int, startFactor: Float = 0.1, then base: any LearningRateSchedule) throws(OptimizerError) {
        guard epochs >= 1 else { throw .invalidHyperparameter(name: "epochs", value: Float(epochs), expected: "a whole number of epochs ≥ 1") }
        guard startFactor > 0, startFactor <= 1 else {
            throw .invalidHyperparameter(name: "startFactor", value: startFactor, expected: "a number in (0, 1]")
        }
        (self.epochs, self.startFactor, self.base) = (epochs, startFactor, base)
    }

    /// `base(e) · (f + (1 − f) · min(e, n) / n)`.
    public func learningRate(atEpoch epoch: Int) -> Float {
        let ramp = startFactor + (1 - startFactor) * Float(min(max(epoch, 0), epochs)) / Float(epochs)
        return base.learningRate(atEpoch: epoch) * ramp
    }
}

/// The one-cycle policy (PyTorch's `OneCycleLR`, cosine annealing, two phases): from
/// `maximum / divFactor` up to `maximum` over the first `warmupFraction` of `total` epochs (or steps),
/// then down to `maximum / divFactor / finalDivFactor` at the last one, each along half a cosine.
public struct OneCycle: LearningRateSchedule, Equatable {
    /// The peak rate, the length T of the cycle, the share of it spent rising, and the divisors of
    /// the start (`maximum / divFactor`) and end (`start / finalDivFactor`) rates.
    public let maximum: Float, total: Int, warmupFraction: Float, divFactor: Float, finalDivFactor: Float

    /// Creates the schedule with PyTorch's defaults (30 % rising, ÷25 at the start, ÷10⁴ more at the end).
    /// - Throws: `OptimizerError.invalidHyperparameter` unless maximum > 0, total ≥ 2, the fraction is in
    ///   (0, 1) and the divisors are ≥ 1.
    public init(maximum: Float, total: Int, warmupFraction: Float = 0.3, divFactor: Float = 25, finalDivFactor: Float = 1e4) throws(OptimizerError) {
        try Hyperparameter.positive("maximum", maximum)
        guard total >= 2 else { throw .invalidHyperparameter(name: "total", value: Float(total), expected: "a whole number ≥ 2") }
        guard warmupFraction > 0, warmupFraction < 1 else {
            throw .invalidHyperparameter(name: "warmupFraction", value: warmupFraction, expected: "a number in (0, 1)")
        }
        guard divFactor >= 1, finalDivFactor >= 1 else {
            throw .invalidHyperparameter(name: "divFactor", value: min(divFactor, finalDivFactor), expected: "numbers ≥ 1")
        }
        (self.maximum, self.total, self.warmupFraction, self.divFactor, self.finalDivFactor) = (maximum, total, warmupFraction, divFactor, finalDivFactor)
    }

    /// The rate at epoch (or step) `t`, as `OneCycleLR.get_lr` computes it.
    public func learningRate(atEpoch epoch: Int) -> Float {
        let start = Double(maximum / divFactor), end = start / Double(finalDivFactor), peak = Double(maximum)
        let rising = Double(warmupFraction) * Double(total) - 1
        let t = Double(min(max(epoch, 0), total - 1))
        func anneal(_ from: Double, _ to: Double, _ share: Double) -> Double { to + (from - to) / 2 * (cos(Double.pi * share) + 1) }
        if t <= rising { return Float(anneal(start, peak, rising > 0 ? t / rising : 1)) }
        return Float(anneal(peak, end, (t - rising) / (Double(total) - 1 - rising)))
    }
}
