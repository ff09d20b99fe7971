import GradFlowCore
import GradFlowData
import GradFlowInference

extension Trainer {
    /// The result of scoring a data set: the mean loss, the metric if one was asked for, and the
    /// predictions `[examples, …]` (the `prediction` node's rows, in the data's order).
    public struct Evaluation: Sendable {
        /// The loss averaged over all examples.
        public var loss: Float
        /// The requested metric on the whole data set, or nil.
        public var metric: Float?
        /// The model's predictions, one row per example.
        public var predictions: Tensor
    }

    /// Scores `data` forward only (no gradients, no updates, dropout off), in batches of `batchSize`.
    ///
    /// The loss of each batch is weighted by its size, so the result is the loss of the whole set for
    /// losses that average over examples (`SoftmaxCE`, `MSE`).
    /// - Throws: `DataError.invalidBatchSize`, `TrainerError.dataShapeMismatch`, `DataError` from the
    ///   metric, `GraphError` from the graph.
    public func evaluate(_ data: Dataset, metric: Metric? = nil, batchSize: Int = 256) throws -> Evaluation {
        guard let loss = graph.loss else { throw TrainerError.noLoss }
        graph.isTraining = false
        let set = try conformed(data)
        let ranges = try Minibatches.sequential(exampleCount: set.count, batchSize: batchSize)
        let order = Array(0..<set.count)
        var predictions: Tensor?
        var total: Double = 0
        // A prediction the loss does not read (a sigmoid or softmax output after the logits the loss
        // takes) is computed by a pass of its own; otherwise its value would be a stale batch's.
        let separate = !Graph.ancestors(of: loss).contains(ObjectIdentifier(prediction))
        for range in ranges {
            refill(features, rows: order[range], from: set.features)
            refill(labels, rows: order[range], from: set.labels)
            total += Double(try graph.evaluate(loss).scalars[0]) * Double(range.count)
            if separate { _ = try graph.evaluate(prediction) }
            copy(prediction.value, intoRowsFrom: range.lowerBound, of: &predictions, total: set.count)
        }
        let result = predictions ?? Tensor.zeros([0])
        let score = try metric?.evaluate(predictions: scores(result), targets: set.labels)
        return Evaluation(loss: Float(total / Double(max(set.count, 1))), metric: score, predictions: result)
    }

    /// What the metrics read for these predictions: the predictions themselves, except that
    /// probabilities (the prediction node is a `Sigmoid`) become `p − 0.5`, so that a binary or
    /// multi-label column is always read as a logit (class 1 when > 0; see `Metrics`; arg-maxes are
    /// unchanged).
    public func scores(_ predictions: Tensor) -> Tensor {
        guard prediction is Sigmoid else { return predictions }
        return predictions.map { $0 - 0.5 }
    }

    /// The predictions for `inputs` (`[examples, …]` fitting the features input), forward only
    /// (dropout off), on the planned prediction path over the live weights (`Predictor`, in
    /// batches of `batchSize`); labels are not needed.
    /// - Throws: `TrainerError.dataShapeMismatch`, `GraphError`.
    public func predict(_ inputs: Tensor, batchSize: Int = 256) throws -> Tensor {
        if predictor == nil || predictor?.maximumBatch != max(1, batchSize) {
            predictor = try Predictor(borrowingWeightsOf: graph, input: features, output: prediction, maximumBatch: batchSize)
        }
        let examples = try conformed(inputs, to: features)
        return try predictor?.predict(examples) ?? Tensor.zeros([0])
    }

    /// Copies a batch of outputs into rows `start…` of the result, allocating it on the first batch.
    private func copy(_ batch: Tensor, intoRowsFrom start: Int, of result: inout Tensor?, total: Int) {
        var all = result ?? Tensor.zeros([total] + batch.shape.dropFirst())
        let width = batch.count / max(batch.shape.first ?? 1, 1)
        batch.withUnsafeBufferPointer { source in
            all.withUnsafeMutableBufferPointer { destination in
                guard let from = source.baseAddress, let to = destination.baseAddress else { return }
                (to + start * width).update(from: from, count: source.count)
            }
        }
        result = all
    }
}
