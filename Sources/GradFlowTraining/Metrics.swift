import GradFlowCore
import GradFlowData

/// Scores that compare predictions with targets: accuracy and the confusion matrix for
/// classification (`Metrics+ConfusionMatrix.swift`), MSE, MAE and R² for regression
/// (`Metrics+Regression.swift`).
///
/// Predictions for classification are rows of scores `[examples, classes]` (logits or
/// probabilities; the predicted class is each row's arg-max), one logit column `[examples, 1]` (a
/// binary classifier's output, as `BinaryCrossEntropy` takes it: class 1 when the logit is > 0, i.e.
/// probability > 0.5), or class indices `[examples]`; labels are class indices `[examples]` or
/// `[examples, 1]` (0/1 for a binary classifier; a target probability counts as 1 when > 0.5).
public enum Metrics {
    /// The fraction of examples whose predicted class equals the label, in `[0, 1]`.
    ///
    /// `accuracy = (1/n) Σᵢ [ŷᵢ = yᵢ]`, with `ŷᵢ = argmaxⱼ scoresᵢⱼ` for score rows.
    /// - Parameters:
    ///   - predictions: scores `[n, classes]`, or predicted class indices `[n]`.
    ///   - labels: true class indices, `[n]` or `[n, 1]`.
    /// - Throws: `DataError.shapeMismatch` when the example counts differ or the shapes are not one
    ///   of those above; `.empty` when there are no examples.
    public static func accuracy(predictions: Tensor, labels: Tensor) throws(DataError) -> Float {
        let (predicted, truth) = try classPairs(predictions: predictions, labels: labels, operation: "accuracy")
        return accuracy(predictedClasses: predicted, labels: truth)
    }

    /// The fraction of elements a multi-label (or binary) classifier gets right: each logit column is
    /// its own yes/no decision, class 1 when the logit is > 0, against targets counted 1 when > 0.5.
    ///
    /// `binaryAccuracy = (1/(n·k)) Σᵢⱼ [(zᵢⱼ > 0) = (yᵢⱼ > 0.5)]` for logits and targets `[n, k]`
    /// (`[n]` and `[n, 1]` are interchangeable).
    /// - Throws: `DataError.shapeMismatch` when the element counts differ, `.empty` without examples.
    public static func binaryAccuracy(logits: Tensor, targets: Tensor) throws(DataError) -> Float {
        guard logits.count == targets.count, logits.shape.first == targets.shape.first else {
            throw .shapeMismatch(operation: "binary accuracy", expected: targets.shape, found: logits.shape)
        }
        guard targets.count > 0 else { throw .empty(operation: "binary accuracy") }
        let correct = zip(logits.scalars, targets.scalars).reduce(0) { $0 + (($1.0 > 0) == ($1.1 > 0.5) ? 1 : 0) }
        return Float(correct) / Float(targets.count)
    }

    /// The fraction of positions where `predictedClasses` and `labels` agree (0 for empty arrays).
    /// - Precondition: the arrays have the same length.
    public static func accuracy(predictedClasses: [Int], labels: [Int]) -> Float {
        precondition(predictedClasses.count == labels.count, "accuracy: \(predictedClasses.count) predictions for \(labels.count) labels")
        guard !labels.isEmpty else { return 0 }
        let correct = zip(predictedClasses, labels).reduce(0) { $0 + ($1.0 == $1.1 ? 1 : 0) }
        return Float(correct) / Float(labels.count)
    }

    /// Predicted and true classes as integers, with the shapes checked (shared by the classification metrics).
    static func classPairs(predictions: Tensor, labels: Tensor, operation: String) throws(DataError) -> ([Int], [Int]) {
        let rows = labels.shape.first ?? 0
        guard labels.rank == 1 || (labels.rank == 2 && labels.shape[1] == 1) else {
            throw .shapeMismatch(operation: "\(operation) labels", expected: [rows], found: labels.shape)
        }
        guard predictions.rank >= 1, predictions.rank <= 2, predictions.shape[0] == rows else {
            throw .shapeMismatch(operation: "\(operation) predictions", expected: [rows, -1], found: predictions.shape)
        }
        guard rows > 0 else { throw .empty(operation: operation) }
        if predictions.rank == 2, predictions.shape[1] == 1 {
            // One logit per example: a binary classifier, thresholded at 0 (probability 0.5).
            return (predictions.scalars.map { $0 > 0 ? 1 : 0 }, labels.scalars.map { $0 > 0.5 ? 1 : 0 })
        }
        let predicted = predictions.rank == 2
            ? try OneHot.decode(predictions)
            : predictions.scalars.map { Int(exactly: $0.rounded()) ?? -1 }
        let truth = labels.scalars.map { Int(exactly: $0.rounded()) ?? -1 }
        return (predicted, truth)
    }
}
