import GradFlowCore
import GradFlowData

/// The score a training loop reports on validation data: a closed set of `Metrics` functions.
public enum Metric: String, Sendable, CaseIterable {
    /// Whether this metric scores a classifier (`predict` then prints classes and probabilities).
    public var isClassification: Bool { self == .accuracy || self == .binaryAccuracy }

    /// `Metrics.accuracy` (classification: score rows against class indices); higher is better.
    case accuracy
    /// `Metrics.binaryAccuracy` (binary or multi-label classification: every logit thresholded at 0);
    /// higher is better.
    case binaryAccuracy
    /// `Metrics.rSquared` (regression); higher is better.
    case rSquared
    /// `Metrics.meanSquaredError` (regression); lower is better.
    case meanSquaredError
    /// `Metrics.meanAbsoluteError` (regression); lower is better.
    case meanAbsoluteError

    /// The short name used in training logs: `acc`, `r2`, `mse`, `mae`.
    public var shortName: String {
        switch self {
        case .accuracy, .binaryAccuracy: return "acc"
        case .rSquared: return "r2"
        case .meanSquaredError: return "mse"
        case .meanAbsoluteError: return "mae"
        }
    }

    /// Scores `predictions` against `targets`.
    /// - Throws: `DataError.shapeMismatch` or `.empty` from the metric.
    public func evaluate(predictions: Tensor, targets: Tensor) throws(DataError) -> Float {
        switch self {
        case .accuracy: return try Metrics.accuracy(predictions: predictions, labels: targets)
        case .binaryAccuracy: return try Metrics.binaryAccuracy(logits: predictions, targets: targets)
        case .rSquared: return try Metrics.rSquared(predictions: predictions, targets: targets)
        case .meanSquaredError: return try Metrics.meanSquaredError(predictions: predictions, targets: targets)
        case .meanAbsoluteError: return try Metrics.meanAbsoluteError(predictions: predictions, targets: targets)
        }
    }
}
