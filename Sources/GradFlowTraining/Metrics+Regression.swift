import GradFlowCore
import GradFlowData

extension Metrics {
    /// Mean squared error, `MSE = (1/n) Σᵢ (ŷᵢ − yᵢ)²` over all elements (accumulated in Double).
    /// - Throws: `DataError.shapeMismatch` when the element counts differ, `.empty` for no elements.
    public static func meanSquaredError(predictions: Tensor, targets: Tensor) throws(DataError) -> Float {
        let pairs = try elementPairs(predictions, targets, operation: "meanSquaredError")
        return Float(pairs.reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / Double(pairs.count))
    }

    /// Mean absolute error, `MAE = (1/n) Σᵢ |ŷᵢ − yᵢ|` over all elements.
    /// - Throws: `DataError.shapeMismatch` when the element counts differ, `.empty` for no elements.
    public static func meanAbsoluteError(predictions: Tensor, targets: Tensor) throws(DataError) -> Float {
        let pairs = try elementPairs(predictions, targets, operation: "meanAbsoluteError")
        return Float(pairs.reduce(0.0) { $0 + abs($1.0 - $1.1) } / Double(pairs.count))
    }

    /// The coefficient of determination, `R² = 1 − Σ(y − ŷ)² / Σ(y − ȳ)²`: 1 for perfect predictions,
    /// 0 for always predicting the mean ȳ, negative for worse. With constant targets the ratio is
    /// undefined; the result is then 1 if the predictions are exact and 0 otherwise (as scikit-learn).
    /// - Throws: `DataError.shapeMismatch` when the element counts differ, `.empty` for no elements.
    /// Targets with several columns `[n, k]` (multi-output regression) give the mean of the columns'
    /// R² (scikit-learn's `multioutput="uniform_average"`).
    public static func rSquared(predictions: Tensor, targets: Tensor) throws(DataError) -> Float {
        if targets.rank == 2, targets.shape[1] > 1 {
            guard predictions.shape == targets.shape else {
                throw .shapeMismatch(operation: "rSquared", expected: targets.shape, found: predictions.shape)
            }
            let (rows, columns) = (targets.shape[0], targets.shape[1])
            var sum: Float = 0
            for column in 0..<columns {
                let pick = { (tensor: Tensor) in Tensor(unchecked: [rows], (0..<rows).map { tensor.scalars[$0 * columns + column] }) }
                sum += try rSquared(predictions: pick(predictions), targets: pick(targets))
            }
            return sum / Float(columns)
        }
        let pairs = try elementPairs(predictions, targets, operation: "rSquared")
        let mean = pairs.reduce(0.0) { $0 + $1.1 } / Double(pairs.count)
        let residual = pairs.reduce(0.0) { $0 + ($1.1 - $1.0) * ($1.1 - $1.0) }
        let total = pairs.reduce(0.0) { $0 + ($1.1 - mean) * ($1.1 - mean) }
        guard total > 0 else { return residual == 0 ? 1 : 0 }
        return Float(1 - residual / total)
    }

    /// `(prediction, target)` pairs in Double; `[n]` and `[n, 1]` are interchangeable.
    private static func elementPairs(_ predictions: Tensor, _ targets: Tensor,
                                     operation: String) throws(DataError) -> [(Double, Double)] {
        guard predictions.count == targets.count, predictions.shape.first == targets.shape.first else {
            throw .shapeMismatch(operation: operation, expected: targets.shape, found: predictions.shape)
        }
        guard targets.count > 0 else { throw .empty(operation: operation) }
        return zip(predictions.scalars, targets.scalars).map { (Double($0), Double($1)) }
    }
}
