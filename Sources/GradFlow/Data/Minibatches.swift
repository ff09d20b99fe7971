/// The order in which a training loop visits examples, as in the seeds' training loops.
public enum Minibatches {
    /// MiniFlow's `resample(X, y, n_samples)`: `count` example indices drawn *with replacement*.
    public static func resample(count: Int, from exampleCount: Int, using generator: inout RandomGenerator) -> [Int] {
        (0..<count).map { _ in Int(generator.next() % UInt64(exampleCount)) }
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
