import GradFlowCore
import GradFlowData
import GradFlowInference
import GradFlowTraining

/// The loss and metrics of a model on a data set, from `Sequential.evaluate(_:_:batchSize:)`.
public struct ModelEvaluation: Equatable, Sendable {
    /// The loss over all examples.
    public var loss: Float
    /// Each compiled metric's score.
    public var metrics: [Metric: Float]
}

extension Sequential {
    /// Chooses the loss, the optimizer and the metrics (Keras's `compile`); the graph is rebuilt
    /// with the loss at the next build, `fit`, `evaluate` or `predict`.
    /// - Parameters:
    ///   - loss: what `fit` minimises.
    ///   - optimizer: what updates the parameters after each batch (`SGD`, `Adam`, …).
    ///   - metrics: scores reported by `evaluate`; the first is also recorded per epoch by `fit` on
    ///     validation data (`History` holds one metric).
    public func compile(loss: Loss, optimizer: any Optimizer, metrics: [Metric] = []) {
        configuration = (loss, optimizer, metrics)
        invalidate()
    }

    /// Trains the model (Keras's `fit`) with the same engine as every other front door: it hands
    /// the run to the model's `Trainer` (shuffled minibatches, one optimizer step per batch, the
    /// validation loss and first metric after each epoch with dropout off, numeric guards, the
    /// progress bar, callbacks, Ctrl-C through `interruption`, resume through `trainer(for:)`).
    /// - Parameters:
    ///   - x: the examples, `[n, …]` (a vector `[n]` is taken as `[n, 1]`); the model is built
    ///     from their shape if it has not been.
    ///   - y: the targets: class indices `[n]` for `.softmaxCrossEntropy`, else the output's shape.
    ///   - epochs: passes over the data, at least 1 (after `trainer(for:).restore(_:)`, the total
    ///     including the restored run's, as Keras's `initial_epoch`).
    ///   - batchSize: examples per step, at least 1 (the last batch of an epoch may be shorter).
    ///   - validationData: examples scored after each epoch.
    ///   - validationSplit: when no `validationData` is given, the fraction in [0, 1) of the examples,
    ///     taken from the end before shuffling (as Keras), held out for validation.
    ///   - shuffle: whether each epoch visits the examples in a new seeded order.
    ///   - seed: seeds the shuffles.
    ///   - verbose: print one line per epoch (`Epoch 3/10  loss 0.2134  val_acc 0.9612  (1.9 s)`)
    ///     and, on a terminal, a progress bar.
    ///   - schedule: sets the optimizer's learning rate before each epoch (epochs counted from 0;
    ///     a `LearningRateScheduler` callback first in the list).
    ///   - callbacks: `EarlyStopping`, `ModelCheckpoint`, `ReduceLROnPlateau`, `HistoryLogger`, your own.
    ///   - guards: the NaN/infinity and divergence checks after each step (`.off` to skip them).
    ///   - clipping: gradient clipping before each optimizer step.
    ///   - interruption: asked after each step whether to stop (`InterruptFlag.installSIGINTHandler()`).
    ///   - dataParallel: train across processes (`DataParallel(communicator: MPICommunicator.world())`
    ///     under `mpirun`); every process calls `fit` with the same data and settings, and the
    ///     weights do not depend on the number of processes. Rank 0 alone should print (`verbose`)
    ///     and save.
    /// - Returns: the per-epoch loss, validation loss and metric, and times.
    /// - Throws: `ModelError` (`.notCompiled`, `.dataShapeMismatch`, `.invalidArgument`, a layer's
    ///   shape error), `TrainerError` (`.invalidEpochs`, the guards' errors, `.interrupted`),
    ///   `DataError.invalidBatchSize`, `GraphError`.
    @discardableResult
    public func fit(_ x: Tensor, _ y: Tensor, epochs: Int = 1, batchSize: Int = 32,
                    validationData: (x: Tensor, y: Tensor)? = nil, validationSplit: Double = 0,
                    shuffle: Bool = true, seed: UInt64 = 0, verbose: Bool = true,
                    schedule: (any LearningRateSchedule)? = nil, callbacks: [any TrainingCallback] = [],
                    guards: NumericGuards = .default, clipping: GradientClipping? = nil,
                    interruption: (any TrainingInterruption)? = nil, dataParallel: DataParallel? = nil) throws -> History {
        guard validationSplit >= 0, validationSplit < 1 else {
            throw ModelError.invalidArgument(name: "validationSplit", value: "\(validationSplit)", expected: "a fraction in [0, 1)")
        }
        let trainer = try self.trainer(for: x)
        var train = try dataset(x, y)
        var held = try validationData.map { try dataset($0.x, $0.y) }
        if held == nil, validationSplit > 0 {
            let cut = Int((Double(train.count) * (1 - validationSplit)).rounded(.down))
            held = train.subset(Array(cut..<train.count))
            train = train.subset(Array(0..<cut))
        }
        trainer.log = verbose ? .standardOutput : .silent
        trainer.callbacks = (schedule.map { [LearningRateScheduler($0)] } ?? []) + callbacks
        (trainer.guards, trainer.clipping, trainer.interruption, trainer.dataParallel) = (guards, clipping, interruption, dataParallel)
        return try trainer.fit(train, epochs: epochs, batchSize: batchSize, shuffleSeed: seed, shuffle: shuffle,
                               validation: held, metric: held == nil ? nil : configuration?.metrics.first)
    }

    /// The loss and every compiled metric on `x` and `y`, forward only with dropout off.
    /// - Throws: as `fit`.
    public func evaluate(_ x: Tensor, _ y: Tensor, batchSize: Int = 256) throws -> ModelEvaluation {
        let trainer = try self.trainer(for: x)
        let result = try trainer.evaluate(try dataset(x, y), batchSize: batchSize)
        var scores: [Metric: Float] = [:]
        let targets = try trainer.conformed(try dataset(x, y)).labels
        for metric in configuration?.metrics ?? [] {
            scores[metric] = try metric.evaluate(predictions: trainer.scores(result.predictions), targets: targets)
        }
        return ModelEvaluation(loss: result.loss, metrics: scores)
    }

    /// The model's outputs for `x` (`[n, …]`, or `[n]` as `[n, 1]`), forward only, in batches, with
    /// dropout off. Works before `compile` too; builds the model from `x`'s shape if needed.
    /// - Returns: `[n] + output shape`.
    /// - Throws: `DataError.invalidBatchSize`, a layer's `ModelError` when `x` does not fit, `GraphError`.
    public func predict(_ x: Tensor, batchSize: Int = 256) throws -> Tensor {
        var result = Tensor.zeros([0])
        try predict(x, into: &result, batchSize: batchSize)
        return result
    }

    /// `predict(_:)` into a caller's tensor, on the model's planned prediction path (`Predictor`:
    /// buffers planned once per batch size, the model's current weights borrowed for the call), so a
    /// steady-state call allocates nothing; `output` is reshaped only when it does not fit.
    /// - Throws: as `predict(_:batchSize:)`.
    public func predict(_ x: Tensor, into output: inout Tensor, batchSize: Int = 256) throws {
        let examples = try asExamples(x)
        if graph == nil || !(inputShape.map { examples.shape.dropFirst().elementsEqual($0) } ?? false) {
            try build(inputShape: Array(examples.shape.dropFirst()))
        }
        guard let input, let prediction = self.output, let graph else { throw ModelError.notBuilt }
        if cachedPredictor == nil || cachedPredictor?.maximumBatch != max(1, batchSize) {
            cachedPredictor = try Predictor(borrowingWeightsOf: graph, input: input, output: prediction, maximumBatch: batchSize)
        }
        try cachedPredictor?.predict(examples, into: &output)
    }

    /// The trainer that `fit` and `evaluate` use, over the model built for `x`'s example shape:
    /// take it to checkpoint (`trainingState()`) or resume (`restore(_:)`, then `fit` continues
    /// the run bit for bit). The same trainer is returned until the layers, loss or shape change.
    /// - Throws: `ModelError.notCompiled`, a layer's build error.
    public func trainer(for x: Tensor) throws -> Trainer {
        guard let configuration else { throw ModelError.notCompiled }
        try build(inputShape: Array(try asExamples(x).shape.dropFirst()))
        if let cachedTrainer { return cachedTrainer }
        guard let graph, let input, let targets, let output else { throw ModelError.notBuilt }
        let trainer = try Trainer(graph: graph, features: input, labels: targets, prediction: output,
                                  optimizer: configuration.optimizer, log: .silent)
        cachedTrainer = trainer
        return trainer
    }

    /// `x` and `y` as a data set with features flattened to `[n, features]` (the trainer reshapes
    /// them back to the input's shape).
    private func dataset(_ x: Tensor, _ y: Tensor) throws -> Dataset {
        let examples = try asExamples(x)
        let rows = examples.shape[0]
        guard y.rank >= 1, y.shape[0] == rows else {
            throw ModelError.dataShapeMismatch(argument: "y", expected: "[\(rows), …] (one target per example of x)", found: y.shape)
        }
        return try Dataset(features: try examples.reshaped([rows, examples.count / max(rows, 1)]), labels: y)
    }

    /// `x` with examples along the first axis: a vector `[n]` becomes `[n, 1]`; with a declared
    /// input shape, each example is read in it (`[n, 784]` as `[n, 1, 28, 28]`).
    private func asExamples(_ x: Tensor) throws -> Tensor {
        guard x.rank >= 1 else { throw ModelError.dataShapeMismatch(argument: "x", expected: "[examples, …]", found: x.shape) }
        if let shape = declaredInputShape {
            let rows = x.shape[0]
            guard x.count == rows * shape.reduce(1, *) else {
                throw ModelError.dataShapeMismatch(argument: "x", expected: "[examples] + \(shape) (the model's inputShape)", found: x.shape)
            }
            return try x.reshaped([rows] + shape)
        }
        return x.rank == 1 ? try x.reshaped([x.shape[0], 1]) : x
    }
}
