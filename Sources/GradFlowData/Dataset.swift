import GradFlowCore
import GradFlowKernels

/// Examples for training or evaluation: a feature matrix and the matching targets.
///
/// `features` is `[examples, featureCount]`; `labels` is `[examples]` (class indices, or a single
/// regression target) or `[examples, outputs]`.
public struct Dataset: Sendable {
    /// The inputs, one row per example.
    public var features: Tensor
    /// The targets, one row (or one number) per example.
    public var labels: Tensor

    /// Creates a data set, checking that features and labels have one row per example.
    /// - Throws: `DataError.rowCountMismatch` when the counts differ, `.notAMatrix` for features of rank ≠ 2.
    public init(features: Tensor, labels: Tensor) throws(DataError) {
        guard features.rank == 2 else { throw .notAMatrix(shape: features.shape) }
        guard labels.rank >= 1, labels.shape[0] == features.shape[0] else {
            throw .rowCountMismatch(features: features.shape[0], labels: labels.shape.first ?? 0)
        }
        self.features = features
        self.labels = labels
    }

    /// The number of examples.
    public var count: Int { features.shape[0] }

    /// The examples at `indices`, in that order.
    public func subset(_ indices: [Int]) -> Dataset {
        // Rows were validated at init, so the gathered tensors keep matching row counts.
        Dataset(uncheckedFeatures: features.gatheringRows(indices), labels: labels.gatheringRows(indices))
    }

    /// Splits off the last `testFraction` of a seeded shuffle as a test set.
    /// - Precondition: `0 < testFraction < 1`.
    public func split(testFraction: Double, using generator: inout RandomGenerator) -> (train: Dataset, test: Dataset) {
        precondition(testFraction > 0 && testFraction < 1, "Dataset.split: testFraction must be in (0, 1)")
        var order = Array(0..<count)
        generator.shuffle(&order)
        let testCount = Int((Double(count) * testFraction).rounded())
        return (subset(Array(order[testCount...])), subset(Array(order[..<testCount])))
    }

    package init(uncheckedFeatures features: Tensor, labels: Tensor) {
        self.features = features
        self.labels = labels
    }
}

extension Tensor {
    /// The rows (along the first axis) at `indices`, in that order.
    /// - Precondition: every index is in `0..<shape[0]`.
    public func gatheringRows(_ indices: [Int]) -> Tensor {
        var result = Tensor.zeros([indices.count] + shape.dropFirst())
        result.copyRows(indices[...], from: self)
        return result
    }

    /// Overwrites this tensor's rows with `source`'s rows at `indices` (allocates nothing when the
    /// storage is not shared): how a planned batch buffer is refilled each step.
    /// - Precondition: `shape == [indices.count] + source.shape.dropFirst()`, indices in range.
    public mutating func copyRows(_ indices: ArraySlice<Int>, from source: Tensor) {
        precondition(rank >= 1 && shape[0] == indices.count && shape.dropFirst().elementsEqual(source.shape.dropFirst()),
                     "copyRows: \(indices.count) rows of \(source.shape) do not fit \(shape)")
        let width = source.shape.dropFirst().reduce(1, *)
        guard width > 0 else { return }
        for row in indices { precondition(row >= 0 && row < source.shape[0], "copyRows: row \(row) out of range") }
        source.scalars.withUnsafeBufferPointer { src in
            scalars.withUnsafeMutableBufferPointer { dst in
                indices.withUnsafeBufferPointer { rows in
                    guard let from = src.baseAddress, let to = dst.baseAddress, let rows = rows.baseAddress else { return }
                    // Large batches are copied in one range of rows per thread (a batch of 64 MNIST
                    // images is 200 KB; the GEMMs that read it next are split across the threads too).
                    let parts = elementwiseParts(indices.count * width)
                    parallelRanges(indices.count, parts: parts, alignment: 1,
                                   RowCopy(source: from, destination: to, rows: rows, width: width))
                }
            }
        }
    }
}

/// Copies the rows `rows[position]` of `source` to rows `position` of `destination`, for a range of
/// positions (one part of `copyRows`).
private struct RowCopy: RangeJob {
    let source: UnsafePointer<Float>, destination: UnsafeMutablePointer<Float>
    let rows: UnsafePointer<Int>
    let width: Int

    func run(_ positions: Range<Int>) {
        for position in positions {
            (destination + position * width).update(from: source + rows[position] * width, count: width)
        }
    }
}
