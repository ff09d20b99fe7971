import GradFlowCore

/// Standardisation fitted on training data: `z = (x − μ) / σ` per column, with the column means μ
/// and population standard deviations σ of the data it was fitted on.
///
/// Fit on the training set only, then apply the same transform to the test set, so that no
/// information from the test set leaks into training:
/// ```swift
/// let scaler = try Standardizer.fit(train.features)
/// let trainX = try scaler.transform(train.features), testX = try scaler.transform(test.features)
/// ```
/// A constant column (σ = 0) is only centred (σ is taken as 1), so it becomes 0, never NaN.
/// Works on matrices `[examples, columns]` and on vectors `[examples]` (one column, e.g. a
/// regression target).
public struct Standardizer: Equatable, Sendable {
    /// The column means μ of the fitted data.
    public let mean: [Float]
    /// The column standard deviations σ (population, divided by n) of the fitted data.
    public let standardDeviation: [Float]

    /// Computes the means and standard deviations of each column of `data` (in Double precision).
    /// - Throws: `DataError.notAMatrix` for a rank other than 1 or 2, `.empty` for no rows.
    public static func fit(_ data: Tensor) throws(DataError) -> Standardizer {
        let columns = try ColumnStatistics(data, operation: "Standardizer.fit")
        return Standardizer(mean: columns.mean.map { Float($0) },
                            standardDeviation: columns.variance.map { Float($0.squareRoot()) })
    }

    /// `(x − μ) / σ` per column (σ = 0 treated as 1).
    /// - Throws: `DataError.columnCountMismatch` when `data` has another number of columns than the
    ///   fitted data, `.notAMatrix` for a rank other than 1 or 2.
    public func transform(_ data: Tensor) throws(DataError) -> Tensor {
        try ColumnStatistics.apply(to: data, columns: mean.count, operation: "Standardizer.transform") { value, column in
            let sigma = standardDeviation[column]
            return (value - mean[column]) / (sigma > 0 ? sigma : 1)
        }
    }

    /// The inverse, `x = z·σ + μ` per column: maps standardised predictions back to original units.
    /// - Throws: as `transform(_:)`.
    public func inverseTransform(_ data: Tensor) throws(DataError) -> Tensor {
        try ColumnStatistics.apply(to: data, columns: mean.count, operation: "Standardizer.inverseTransform") { value, column in
            let sigma = standardDeviation[column]
            return value * (sigma > 0 ? sigma : 1) + mean[column]
        }
    }

    /// A copy of `dataset` with its features standardised (labels unchanged).
    /// - Throws: as `transform(_:)`.
    public func transformFeatures(of dataset: Dataset) throws(DataError) -> Dataset {
        Dataset(uncheckedFeatures: try transform(dataset.features), labels: dataset.labels)
    }

    /// A standardiser with given statistics (e.g. read back from a checkpoint).
    /// - Precondition: `mean` and `standardDeviation` have the same length.
    public init(mean: [Float], standardDeviation: [Float]) {
        precondition(mean.count == standardDeviation.count, "Standardizer: \(mean.count) means for \(standardDeviation.count) deviations")
        (self.mean, self.standardDeviation) = (mean, standardDeviation)
    }

    /// The statistics as text, `μ₀,μ₁,…;σ₀,σ₁,…`, each float in its shortest exact form (for a
    /// checkpoint's metadata; `init(encoded:)` reads it back bit for bit).
    public var encoded: String {
        mean.map(\.description).joined(separator: ",") + ";" + standardDeviation.map(\.description).joined(separator: ",")
    }

    /// Reads `encoded`; nil when the text is not two equally long lists of finite numbers.
    public init?(encoded text: String) {
        let halves = text.split(separator: ";", omittingEmptySubsequences: false)
        guard halves.count == 2 else { return nil }
        let lists = halves.map { $0.split(separator: ",").map { Float($0) } }
        guard lists[0].count == lists[1].count, lists.allSatisfy({ $0.allSatisfy { $0?.isFinite == true } }) else { return nil }
        self.init(mean: lists[0].map { $0 ?? 0 }, standardDeviation: lists[1].map { $0 ?? 0 })
    }
}
