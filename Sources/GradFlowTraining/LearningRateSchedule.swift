import Foundation

/// A learning rate that changes with the epoch (or the step, when the caller counts steps).
///
/// Apply it between epochs: `optimizer.apply(schedule, atEpoch: epoch)` sets
/// `optimizer.learningRate = schedule.learningRate(atEpoch: epoch)`.
public protocol LearningRateSchedule: Sendable {
    /// The learning rate η for `epoch`, counted from 0 (negative epochs count as 0).
    func learningRate(atEpoch epoch: Int) -> Float
}

/// Step decay (PyTorch's `StepLR`): η multiplied by `factor` every `stepSize` epochs,
/// `η(e) = η₀ · factor^⌊e / stepSize⌋`.
public struct StepDecay: LearningRateSchedule, Equatable {
    /// The rate η₀ at epoch 0.
    public let initialLearningRate: Float
    /// The number of epochs between decays.
    public let stepSize: Int
    /// The multiplier γ applied at each decay.
    public let factor: Float

    /// Creates the schedule (PyTorch's default factor is 0.1).
    /// - Throws: `OptimizerError.invalidHyperparameter` unless η₀ > 0, stepSize ≥ 1 and 0 < factor ≤ 1.
    public init(initialLearningRate: Float, stepSize: Int, factor: Float = 0.1) throws(OptimizerError) {
        try Hyperparameter.positive("initialLearningRate", initialLearningRate)
        guard stepSize >= 1 else {
            throw .invalidHyperparameter(name: "stepSize", value: Float(stepSize), expected: "a whole number of epochs ≥ 1")
        }
        guard factor > 0, factor <= 1 else {
            throw .invalidHyperparameter(name: "factor", value: factor, expected: "a number in (0, 1]")
        }
        self.initialLearningRate = initialLearningRate
        self.stepSize = stepSize
        self.factor = factor
    }

    /// `η₀ · factor^⌊epoch / stepSize⌋`.
    public func learningRate(atEpoch epoch: Int) -> Float {
        initialLearningRate * Float(power(Double(factor), max(epoch, 0) / stepSize))
    }
}

/// Cosine annealing (PyTorch's `CosineAnnealingLR`, without restarts): over `period` epochs the
/// rate falls from η₀ to η_min along half a cosine, then stays at η_min:
/// `η(e) = η_min + (η₀ − η_min) · (1 + cos(π·min(e, T)/T)) / 2`.
public struct CosineAnnealing: LearningRateSchedule, Equatable {
    /// The rate η₀ at epoch 0.
    public let initialLearningRate: Float
    /// The floor η_min reached at epoch `period`.
    public let minimumLearningRate: Float
    /// The number of epochs T of the descent.
    public let period: Int

    /// Creates the schedule.
    /// - Throws: `OptimizerError.invalidHyperparameter` unless η₀ > 0, 0 ≤ η_min ≤ η₀ and period ≥ 1.
    public init(initialLearningRate: Float, minimumLearningRate: Float = 0, period: Int) throws(OptimizerError) {
        try Hyperparameter.positive("initialLearningRate", initialLearningRate)
        guard minimumLearningRate >= 0, minimumLearningRate <= initialLearningRate else {
            throw .invalidHyperparameter(name: "minimumLearningRate", value: minimumLearningRate,
                                         expected: "a number in [0, initialLearningRate]")
        }
        guard period >= 1 else {
            throw .invalidHyperparameter(name: "period", value: Float(period), expected: "a whole number of epochs ≥ 1")
        }
        self.initialLearningRate = initialLearningRate
        self.minimumLearningRate = minimumLearningRate
        self.period = period
    }

    /// `η_min + (η₀ − η_min) · (1 + cos(π·min(epoch, T)/T)) / 2`.
    public func learningRate(atEpoch epoch: Int) -> Float {
        let progress = Double(min(max(epoch, 0), period)) / Double(period)
        let cosine = (1 + cos(Double.pi * progress)) / 2
        return minimumLearningRate + (initialLearningRate - minimumLearningRate) * Float(cosine)
    }
}
