import GradFlowCore

/// One-hot encoding of class indices: label `k` becomes the row with 1 in column `k` and 0 elsewhere.
///
/// Shapes: labels `[examples]` (or `[examples, 1]`) → `[examples, classCount]`.
public enum OneHot {
    /// Encodes integer class labels.
    /// - Parameters:
    ///   - labels: whole numbers in `0..<classCount`, one per example.
    ///   - classCount: the number of classes (columns of the result).
    /// - Throws: `DataError.invalidLabel` naming the first row whose label is not a class index
    ///   (negative, fractional, non-finite or ≥ `classCount`); `.shapeMismatch` for labels that are
    ///   not one per example; `.columnCountMismatch` for `classCount < 1`.
    public static func encode(_ labels: Tensor, classCount: Int) throws(DataError) -> Tensor {
        guard classCount >= 1 else { throw .columnCountMismatch(operation: "OneHot.encode", expected: 1, found: classCount) }
        guard labels.rank == 1 || (labels.rank == 2 && labels.shape[1] == 1) else {
            throw .shapeMismatch(operation: "OneHot.encode labels", expected: [labels.shape.first ?? 0], found: labels.shape)
        }
        let classes = try classIndices(labels, classCount: classCount)
        var result = Tensor.zeros([classes.count, classCount])
        for (row, label) in classes.enumerated() { result[row, label] = 1 }
        return result
    }

    /// The labels as `Int` class indices, each checked to be a whole number in `0..<classCount`.
    /// - Throws: `DataError.invalidLabel` for the first label that is not.
    public static func classIndices(_ labels: Tensor, classCount: Int) throws(DataError) -> [Int] {
        var result: [Int] = []
        result.reserveCapacity(labels.count)
        for (row, value) in labels.scalars.enumerated() {
            guard value.isFinite, value >= 0, value < Float(classCount), value == value.rounded(.towardZero) else {
                throw .invalidLabel(row: row, value: value, classCount: classCount)
            }
            result.append(Int(value))
        }
        return result
    }

    /// Decodes rows of scores (one-hot rows, probabilities or logits) to the index of each row's
    /// largest entry (the first one on ties).
    /// - Throws: `DataError.notAMatrix` unless `scores` is `[examples, classes]` with classes ≥ 1.
    public static func decode(_ scores: Tensor) throws(DataError) -> [Int] {
        guard scores.rank == 2, scores.shape[1] >= 1 else { throw .notAMatrix(shape: scores.shape) }
        let (rows, classes) = (scores.shape[0], scores.shape[1])
        return scores.withUnsafeBufferPointer { values in
            (0..<rows).map { row in
                var best = 0
                for column in 1..<classes where values[row * classes + column] > values[row * classes + best] { best = column }
                return best
            }
        }
    }
}
