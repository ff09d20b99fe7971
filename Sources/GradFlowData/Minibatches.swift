import GradFlowCore

/// The order in which a training loop visits examples, as in the seeds' training loops.
public enum Minibatches {
    /// MiniFlow's `resample(X, y, n_samples)`: `count` example indices drawn uniformly *with
    /// replacement* from `0..<exampleCount` (empty when there are no examples to draw from).
    public static func resample(count: Int, from exampleCount: Int, using generator: inout RandomGenerator) -> [Int] {
        guard exampleCount > 0 else { return [] }
        return (0..<max(count, 0)).map { _ in Int(generator.next() % UInt64(exampleCount)) }
    }

    /// The examples in their stored order, as consecutive ranges of `batchSize` (the last may be
    /// shorter): how evaluation walks a data set.
    /// - Throws: `DataError.invalidBatchSize` for a batch size below 1.
    public static func sequential(exampleCount: Int, batchSize: Int) throws(DataError) -> [Range<Int>] {
        guard batchSize >= 1 else { throw .invalidBatchSize(batchSize) }
        return stride(from: 0, to: exampleCount, by: batchSize).map { $0..<min($0 + batchSize, exampleCount) }
    }

    /// One epoch in stored order, as batches of `batchSize` indices (the last short batch kept unless
    /// `dropLast`): `shuffledEpoch` without the shuffle.
    /// - Throws: `DataError.invalidBatchSize` for a batch size below 1.
    public static func inOrder(exampleCount: Int, batchSize: Int, dropLast: Bool = false) throws(DataError) -> [ArraySlice<Int>] {
        let order = Array(0..<exampleCount)
        return try sequential(exampleCount: exampleCount, batchSize: batchSize)
            .filter { !dropLast || $0.count == batchSize }
            .map { order[$0] }
    }

    /// One shuffled epoch split into batches of `batchSize` index ranges over `order`; the last
    /// short batch is kept unless `dropLast` is true.
    /// - Throws: `DataError.invalidBatchSize` for a batch size below 1.
    public static func shuffledEpoch(exampleCount: Int, batchSize: Int, dropLast: Bool = false,
                                     using generator: inout RandomGenerator) throws(DataError) -> [ArraySlice<Int>] {
        guard batchSize >= 1 else { throw .invalidBatchSize(batchSize) }
        var order = Array(0..<exampleCount)
        generator.shuffle(&order)
        var batches: [ArraySlice<Int>] = []
        var start = 0
        while start < exampleCount {
            let end = min(start + batchSize, exampleCount)
            if end - start < batchSize && dropLast { break }
            batches.append(order[start..<end])
            start = end
        }
        return batches
    }
}
