import GradFlowCore

/// Min-max normalisation fitted on training data: `x' = (x − min) / (max − min)` per column, which
/// maps the fitted data into `[0, 1]`.
///
/// Fit on the training set, apply to the test set (whose values may fall outside `[0, 1]`).
/// A constant column (max = min) maps to 0, never NaN. Works on matrices `[examples, columns]` and
/// vectors `[examples]`.
public struct MinMaxScaler: Equatable, Sendable {
    /// The column minima of the fitted data.
    public let minimum: [Float]
    /// The column maxima of the fitted data.
    public let maximum: [Float]

    /// Records each column's minimum and maximum.
    /// - Throws: `DataError.notAMatrix` for a rank other than 1 or 2, `.empty` for no rows.
    public static func fit(_ data: Tensor) throws(DataError) -> MinMaxScaler {
        let columns = try ColumnStatistics(data, operation: "MinMaxScaler.fit")
        return MinMaxScaler(minimum: columns.minimum, maximum: columns.maximum)
    }

    /// `(x − min) / (max − min)` per column (a constant column gives 0).
    /// - Throws: `DataError.columnCountMismatch` for another number of columns than the fitted data,
    ///   `.notAMatrix` for a rank other than 1 or 2.
    public func transform(_ data: Tensor) throws(DataError) -> Tensor {
        try ColumnStatistics.apply(to: data, columns: minimum.count, operation: "MinMaxScaler.transform") { value, column in
            let range = maximum[column] - minimum[column]
            return range > 0 ? (value - minimum[column]) / range : 0
        }
    }

    /// The inverse, `x = x'·(max − min) + min` per column.
    /// - Throws: as `transform(_:)`.
    public func inverseTransform(_ data: Tensor) throws(DataError) -> Tensor {
        try ColumnStatistics.apply(to: data, columns: minimum.count, operation: "MinMaxScaler.inverseTransform") { value, column in
            value * (maximum[column] - minimum[column]) + minimum[column]
        }
    }

    /// A copy of `dataset` with its features normalised (labels unchanged).
    /// - Throws: as `transform(_:)`.
    public func transformFeatures(of dataset: Dataset) throws(DataError) -> Dataset {
        Dataset(uncheckedFeatures: try transform(dataset.features), labels: dataset.labels)
    }
}
