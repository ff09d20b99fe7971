import GradFlowCore

/// K-fold cross-validation: the examples are shuffled with a seeded generator and dealt into `k`
/// folds whose sizes differ by at most one; split `i` validates on fold `i` and trains on the rest,
/// so every example is in exactly one validation fold.
///
/// ```swift
/// var rng = RandomGenerator(seed: 7)
/// for fold in try data.kFolds(5, using: &rng) { … train on fold.train, score on fold.validation … }
/// ```
public enum CrossValidation {
    /// The example indices of one split.
    public struct Split: Equatable, Sendable {
        /// The indices to train on (every fold but one), in shuffled order.
        public var train: [Int]
        /// The indices of the held-out fold, in shuffled order.
        public var validation: [Int]
    }

    /// The `folds` index splits of `exampleCount` examples.
    /// - Throws: `DataError.invalidFoldCount` unless `2 ≤ folds ≤ exampleCount`.
    public static func splits(exampleCount: Int, folds: Int,
                              using generator: inout RandomGenerator) throws(DataError) -> [Split] {
        guard folds >= 2, folds <= exampleCount else { throw .invalidFoldCount(folds: folds, examples: exampleCount) }
        var order = Array(0..<exampleCount)
        generator.shuffle(&order)
        // Fold i covers order[bounds[i]..<bounds[i+1]]; the first `exampleCount % folds` folds get one more.
        let (base, extra) = exampleCount.quotientAndRemainder(dividingBy: folds)
        var bounds = [0]
        for fold in 0..<folds { bounds.append(bounds[fold] + base + (fold < extra ? 1 : 0)) }
        return (0..<folds).map { fold in
            let range = bounds[fold]..<bounds[fold + 1]
            return Split(train: Array(order[..<range.lowerBound] + order[range.upperBound...]),
                         validation: Array(order[range]))
        }
    }
}

extension Dataset {
    /// The `k` train/validation pairs of k-fold cross-validation (see `CrossValidation`).
    /// - Throws: `DataError.invalidFoldCount` unless `2 ≤ k ≤ count`.
    public func kFolds(_ k: Int, using generator: inout RandomGenerator) throws(DataError)
        -> [(train: Dataset, validation: Dataset)] {
        try CrossValidation.splits(exampleCount: count, folds: k, using: &generator).map {
            (subset($0.train), subset($0.validation))
        }
    }
}
