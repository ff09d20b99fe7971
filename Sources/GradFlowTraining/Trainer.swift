import GradFlowCore
import GradFlowData
import GradFlowInference

/// The training loop over a `Graph`: shuffled minibatches fed into the graph's data inputs, one
/// `forwardAndBackward` and one optimizer step per batch, an optional validation pass after every
/// epoch, and a `History` of what was measured.
///
/// ```swift
/// let trainer = try Trainer(graph: graph, features: X, labels: y, prediction: logits,
///                           optimizer: try SGD(learningRate: 0.1))
/// let history = try trainer.fit(train, epochs: 10, batchSize: 64, shuffleSeed: 1,
///                               validation: test, metric: .accuracy)
/// // Epoch 1/10  loss 0.3921  val_acc 0.9402  (2.1 s)
/// ```
/// The graph is in training mode (`Graph.isTraining`: dropout drops) during steps and in evaluation
/// mode during `evaluate`, `predict` and after `fit` returns or throws.
/// Each step refills the inputs' batch buffers in place (`Tensor.copyRows`), so with a fixed batch
/// size a steady-state step allocates no tensors. Like its graph, a trainer is for one thread at a time.
///
/// Reliability: `guards` stops a run at the first NaN, infinity or divergence, naming the node and
/// step, with the parameters never updated by the bad step; `trainingState()` and `restore(_:)`
/// (with `TrainingCheckpoint`) save and resume a run bit for bit; `interruption` stops it cleanly
/// between steps (Ctrl-C).
public final class Trainer {
    /// The graph being trained; its `loss` is minimised.
    public let graph: Graph
    /// The input fed with the examples' features (`[.batch, …]`).
    public let features: Input
    /// The input fed with the examples' labels or targets (`[.batch]` or `[.batch, …]`).
    public let labels: Input
    /// The node whose value is the model's prediction (logits, probabilities or regression outputs).
    public let prediction: Node
    /// The optimizer that updates `graph.trainables` after each backward pass.
    public let optimizer: any Optimizer
    /// Where progress is reported; `.silent` prints nothing.
    public var log: TrainerLog
    /// Called after each epoch with the 1-based epoch number and the history so far (e.g. to adjust a
    /// learning rate or stop early by throwing).
    public var epochEnded: ((_ epoch: Int, _ history: History) throws -> Void)?
    /// Called after each training step's update with that step's loss (e.g. to record step losses).
    public var stepEnded: ((_ loss: Float) -> Void)?
    /// Gradient clipping applied before each optimizer step (nil: none).
    public var clipping: GradientClipping?
    /// Keras-style callbacks (`EarlyStopping`, `ReduceLROnPlateau`, your own `TrainingCallback`).
    public var callbacks: [any TrainingCallback] = []
    /// Set by `requestStop()`: `fit` returns after the current epoch.
    private var stopRequested = false

    /// Asks `fit` to return after the current epoch (what `EarlyStopping` does).
    public func requestStop() { stopRequested = true }

    /// The NaN/infinity and divergence checks made after each step (`.default`: on).
    public var guards: NumericGuards
    /// Asked after every step whether to stop (e.g. `InterruptFlag.installSIGINTHandler()`); nil: never.
    public var interruption: (any TrainingInterruption)?
    /// Data-parallel training across processes (`DataParallel` over MPI); nil: this process alone.
    public var dataParallel: DataParallel?
    /// Where the current or last `fit` is (epochs, steps, shuffle generator, running loss).
    public internal(set) var progress = TrainingProgress(examples: 0, batchSize: 1, shuffle: true, dropLast: false, shuffleSeed: 0)
    /// The history of the current or last `fit`, up to the last finished epoch.
    public internal(set) var history = History()
    /// A state given to `restore(_:)`, which the next `fit` continues.
    var pendingResume: TrainingState?
    /// The planned prediction path of `predict` (made by its first call).
    var predictor: Predictor?

    /// An empty tensor put in an input while its buffer is refilled, so the buffer is not shared.
    private let placeholder = Tensor.zeros([0])

    /// Creates a trainer.
    /// - Parameter guards: the checks made after every step (`.off` to skip them).
    /// - Throws: `TrainerError.noLoss` when the graph has no loss, `.nodeNotInGraph` for a node the
    ///   graph does not contain, `.inputWithoutBatchDimension` for an input not declared `[.batch, …]`.
    public init(graph: Graph, features: Input, labels: Input, prediction: Node, optimizer: any Optimizer,
                log: TrainerLog = .standardOutput, guards: NumericGuards = .default) throws(TrainerError) {
        guard graph.loss != nil else { throw .noLoss }
        for node in [features, labels, prediction] as [Node] where !graph.nodes.contains(node) {
            throw .nodeNotInGraph(node: node.name)
        }
        for input in [features, labels] where input.shape.first != .batch {
            throw .inputWithoutBatchDimension(input: input.name, declared: input.shape.text)
        }
        self.graph = graph
        self.features = features
        self.labels = labels
        self.prediction = prediction
        self.optimizer = optimizer
        self.log = log
        self.guards = guards
    }

    /// Trains until `epochs` passes over `data` are complete (counting those of a restored run).
    ///
    /// After `restore(_:)`, the run continues where the saved one stopped, mid-epoch if need be,
    /// and takes bit for bit the steps the uninterrupted run would have taken; `epochs` is then the
    /// total, as Keras's `initial_epoch`. With `guards` on, each step is checked before its update
    /// (see `NumericGuards`); with an `interruption` set, `fit` stops after the step during which it
    /// was requested.
    /// - Parameters:
    ///   - data: the training set; features and labels must fit the inputs' per-example shapes
    ///     (`[n]` and `[n, 1]` are interchangeable).
    ///   - epochs: the number of passes in all, at least 1.
    ///   - batchSize: examples per step, at least 1.
    ///   - shuffleSeed: seeds the shuffle of every epoch, so a run is reproducible.
    ///   - shuffle: false visits the examples in stored order every epoch (the seed is then unused).
    ///   - dropLast: skip each epoch's last batch when it is short (keeps one batch size, one plan).
    ///   - validation: data scored after each epoch (loss, and `metric` if given).
    ///   - metric: the validation score (`.accuracy` for classification, `.rSquared` for regression).
    /// - Returns: the per-epoch training loss, validation loss and metric, and epoch times.
    /// - Throws: `TrainerError` for unusable arguments, `.resumeMismatch` when a restored run's
    ///   settings differ, `.nonFiniteValue`, `.nonFiniteUpdate` and `.diverged` from the guards,
    ///   `.interrupted`; `DataError.invalidBatchSize`, and any `GraphError` from the graph (e.g.
    ///   `.invalidValue` for a label out of range). After an error `trainingState()` describes the
    ///   last complete step.
    @discardableResult
    public func fit(_ data: Dataset, epochs: Int, batchSize: Int, shuffleSeed: UInt64 = 0, shuffle: Bool = true,
                    dropLast: Bool = false, validation: Dataset? = nil, metric: Metric? = nil) throws -> History {
        guard epochs >= 1 else { throw TrainerError.invalidEpochs(epochs) }
        guard batchSize >= 1 else { throw DataError.invalidBatchSize(batchSize) }
        let train = try conformed(data)
        let held = try validation.map { try conformed($0) }
        guard train.count >= (dropLast ? batchSize : 1) else {
            throw TrainerError.noBatches(examples: train.count, batchSize: batchSize, dropLast: dropLast)
        }
        let fresh = TrainingProgress(examples: train.count, batchSize: batchSize, shuffle: shuffle,
                                     dropLast: dropLast, shuffleSeed: shuffleSeed)
        if let saved = pendingResume {
            try saved.progress.checkSameSettings(as: fresh)
            (progress, history, pendingResume) = (saved.progress, saved.history, nil)
        } else {
            (progress, history) = (fresh, History(metric: held == nil ? nil : metric))
        }
        DebugBuildNotice.showOnce()
        let checks = guards.checksFiniteness || guards.rollsBackOverflowingUpdates
            ? NumericGuard(graph: graph, keepsSnapshot: guards.rollsBackOverflowingUpdates) : nil
        let clock = ContinuousClock()
        stopRequested = false
        try dataParallel?.broadcastParameters(graph.parameters)
        defer { graph.isTraining = false }   // steps train; whatever comes after fit evaluates
        while progress.completedEpochs < epochs, !stopRequested {
            let epoch = progress.completedEpochs + 1
            for callback in callbacks { try callback.epochBegan(epoch, trainer: self) }
            let start = clock.now
            var generator = progress.epochGenerator
            let batches = shuffle
                ? try Minibatches.shuffledEpoch(exampleCount: train.count, batchSize: batchSize, dropLast: dropLast, using: &generator)
                : try Minibatches.inOrder(exampleCount: train.count, batchSize: batchSize, dropLast: dropLast)
            let interruptedAtEnd = try runEpoch(batches, of: train, epoch: epoch, checks: checks)
            history.loss.append(Float(progress.epochLossSum / Double(max(batches.count, 1))))
            if let held {
                let result = try evaluate(held, metric: metric, batchSize: batchSize)
                history.validationLoss.append(result.loss)
                if let score = result.metric { history.validationMetric.append(score) }
            }
            let elapsed = (clock.now - start).components
            history.epochSeconds.append(Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18)
            progress.completedEpochs = epoch
            (progress.batchesInEpoch, progress.epochLossSum, progress.epochGenerator) = (0, 0, generator)
            log.write(history.summary(epoch: epoch, of: epochs))
            try epochEnded?(epoch, history)
            for callback in callbacks { try callback.epochEnded(epoch, history: history, trainer: self) }
            if interruptedAtEnd {
                throw TrainerError.interrupted(step: progress.step, epoch: epoch, batch: batches.count, batches: batches.count)
            }
        }
        return history
    }

    /// The rest of one epoch, from batch `progress.batchesInEpoch`: feed, forward and backward,
    /// check, update; `progress` counts each finished step. An interruption stops after the current
    /// step (`TrainerError.interrupted`); one that comes during the epoch's last step returns true
    /// instead, so that `fit` records the finished epoch before stopping (a checkpoint taken between
    /// the last step and the epoch's record would resume into an epoch with no step left to run).
    private func runEpoch(_ batches: [ArraySlice<Int>], of train: Dataset, epoch: Int, checks: NumericGuard?) throws -> Bool {
        graph.isTraining = true
        let bar = log.showsProgress ? ProgressBar(total: batches.count) : nil
        defer { if let bar { log.clearProgress(width: bar.line(step: 0, loss: 0).count + 8) } }
        while progress.batchesInEpoch < batches.count {
            let batch = batches[progress.batchesInEpoch]
            let loss: Float
            if let dataParallel {
                loss = try dataParallel.gradients(self, rows: batch, of: train, step: progress.step)
            } else {
                refill(features, rows: batch, from: train.features)
                refill(labels, rows: batch, from: train.labels)
                loss = try graph.forwardAndBackward()
            }
            let smoother = try checkStep(loss: loss, epoch: epoch, checks: checks)
            if guards.rollsBackOverflowingUpdates { checks?.saveParameters() }
            clipping?.apply(to: graph.trainables)
            optimizer.update(graph.trainables)
            if guards.rollsBackOverflowingUpdates, let bad = checks?.rollBackIfNonFinite() {
                throw TrainerError.nonFiniteUpdate(parameter: bad.node.name, value: "\(bad.value)", step: progress.step + 1,
                                                   epoch: epoch, learningRate: optimizer.learningRate)
            }
            progress.step += 1
            progress.batchesInEpoch += 1
            progress.epochLossSum += Double(loss)
            progress.smoother = smoother
            stepEnded?(loss)
            for callback in callbacks { callback.stepEnded(progress.step, loss: loss, trainer: self) }
            let done = progress.batchesInEpoch
            if let bar, bar.shouldRedraw(at: done) {
                log.drawProgress(bar.line(step: done, loss: Float(progress.epochLossSum / Double(done))))
            }
            var stopHere = interruption?.isInterruptionRequested ?? false
            if let dataParallel { stopHere = try dataParallel.anyRank(stopHere) }   // every rank stops after the same step
            if stopHere {
                if done == batches.count { return true }
                throw TrainerError.interrupted(step: progress.step, epoch: epoch, batch: done, batches: batches.count)
            }
        }
        return false
    }

    /// The guards' checks of a step before its update: every value and gradient finite, and the
    /// smoothed loss not diverging. Returns the smoother with this step's loss added.
    /// - Throws: `TrainerError.nonFiniteValue`, `.diverged`.
    private func checkStep(loss: Float, epoch: Int, checks: NumericGuard?) throws(TrainerError) -> LossSmoother {
        if guards.checksFiniteness, let checks, !checks.stepIsFinite(loss: loss), let bad = checks.firstNonFinite() {
            throw .nonFiniteValue(node: bad.node.name, kind: bad.node.kind, isGradient: bad.isGradient,
                                  value: "\(bad.value)", step: progress.step + 1, epoch: epoch)
        }
        var smoother = progress.smoother
        if let factor = guards.divergenceFactor, let smoothed = smoother.observe(loss, factor: factor) {
            let reference = max(progress.smoother.best, progress.smoother.floor(factor: factor))
            throw .diverged(step: progress.step + 1, epoch: epoch, smoothedLoss: Float(smoothed),
                            bestLoss: Float(reference), factor: factor, learningRate: optimizer.learningRate)
        }
        return smoother
    }


    /// Overwrites `input`'s value with `source`'s rows at `rows`, in place when the buffer already
    /// has that shape (the steady state); otherwise allocates a buffer of the new shape.
    func refill(_ input: Input, rows: ArraySlice<Int>, from source: Tensor) {
        let current = input.value.shape
        let fits = current.count == source.rank && current.first == rows.count
            && current.dropFirst().elementsEqual(source.shape.dropFirst())
        var buffer = fits ? input.value : Tensor.zeros([rows.count] + source.shape.dropFirst())
        input.value = placeholder          // drop the input's reference: `buffer` is now unique
        buffer.copyRows(rows, from: source)
        input.value = buffer
    }

    /// Checks that `data`'s features and labels fit the graph's inputs (as `fit` and `evaluate` will).
    /// - Throws: `TrainerError.dataShapeMismatch` naming the input and both shapes.
    public func check(_ data: Dataset) throws(TrainerError) { _ = try conformed(data) }

    /// `data` with features and labels reshaped to the inputs' declared per-example shapes.
    /// - Throws: `TrainerError.dataShapeMismatch` when the element counts per example differ.
    package func conformed(_ data: Dataset) throws(TrainerError) -> Dataset {
        Dataset(uncheckedFeatures: try conformed(data.features, to: features),
                labels: try conformed(data.labels, to: labels))
    }

    package func conformed(_ tensor: Tensor, to input: Input) throws(TrainerError) -> Tensor {
        let rows = tensor.shape.first ?? 0
        let perExample = Array(input.shape.dropFirst()).resolved(batchSize: 1)
        if Array(tensor.shape.dropFirst()) == perExample { return tensor }
        let mismatch = TrainerError.dataShapeMismatch(input: input.name, declared: input.shape.text, found: tensor.shape)
        guard tensor.rank >= 1, !input.shape.dropFirst().contains(.batch) else { throw mismatch }
        do { return try tensor.reshaped([rows] + perExample) } catch { throw mismatch }
    }
}
