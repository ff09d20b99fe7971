import GradFlowCore
import GradFlowData

/// A confusion matrix: `counts[actual][predicted]` is how many examples of class `actual` were
/// predicted as class `predicted`. The diagonal holds the correct predictions.
///
/// `description` prints a table with the actual classes as rows and the predicted ones as columns:
/// ```
/// actual \ predicted     0     1     2
///                  0    10     0     0
///                  1     0     9     1
///                  2     0     0    10
/// ```
public struct ConfusionMatrix: Equatable, Sendable, CustomStringConvertible {
    /// The number of classes (rows and columns).
    public let classCount: Int
    /// `counts[actual][predicted]`.
    public private(set) var counts: [[Int]]

    /// Counts predictions against labels.
    /// - Parameters:
    ///   - predictions: scores `[n, classes]` (arg-max taken) or predicted class indices `[n]`.
    ///   - labels: true class indices `[n]` or `[n, 1]`.
    ///   - classCount: the number of classes; every predicted and true class must be below it.
    /// - Throws: `DataError.shapeMismatch` or `.empty` (as `Metrics.accuracy`), `.invalidLabel` for a
    ///   class outside `0..<classCount` (in the labels or the predictions).
    public init(predictions: Tensor, labels: Tensor, classCount: Int) throws(DataError) {
        let (predicted, truth) = try Metrics.classPairs(predictions: predictions, labels: labels, operation: "ConfusionMatrix")
        self.classCount = classCount
        counts = Array(repeating: Array(repeating: 0, count: max(classCount, 0)), count: max(classCount, 0))
        for (row, (guess, actual)) in zip(predicted, truth).enumerated() {
            guard actual >= 0, actual < classCount else { throw .invalidLabel(row: row, value: labels.scalars[row], classCount: classCount) }
            guard guess >= 0, guess < classCount else { throw .invalidLabel(row: row, value: Float(guess), classCount: classCount) }
            counts[actual][guess] += 1
        }
    }

    /// The number of examples counted.
    public var total: Int { counts.reduce(0) { $0 + $1.reduce(0, +) } }

    /// The fraction on the diagonal (the accuracy), 0 when empty.
    public var accuracy: Float {
        let correct = (0..<classCount).reduce(0) { $0 + counts[$1][$1] }
        return total == 0 ? 0 : Float(correct) / Float(total)
    }

    /// Of the examples predicted as `label`, the fraction that are `label` (0 when none were).
    /// - Precondition: `0 <= label < classCount`.
    public func precision(of label: Int) -> Float {
        let predicted = counts.reduce(0) { $0 + $1[label] }
        return predicted == 0 ? 0 : Float(counts[label][label]) / Float(predicted)
    }

    /// Of the examples of class `label`, the fraction predicted as `label` (0 when there are none).
    /// - Precondition: `0 <= label < classCount`.
    public func recall(of label: Int) -> Float {
        let actual = counts[label].reduce(0, +)
        return actual == 0 ? 0 : Float(counts[label][label]) / Float(actual)
    }

    public var description: String {
        let corner = "actual \\ predicted"
        let width = max(String(counts.flatMap { $0 }.max() ?? 0).count, String(classCount - 1).count) + 2
        func pad(_ text: String, _ size: Int) -> String { String(repeating: " ", count: max(size - text.count, 0)) + text }
        var lines = [corner + (0..<classCount).map { pad(String($0), width) }.joined()]
        for (actual, row) in counts.enumerated() {
            lines.append(pad(String(actual), corner.count) + row.map { pad(String($0), width) }.joined())
        }
        return lines.joined(separator: "\n")
    }
}
