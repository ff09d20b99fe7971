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
/// `Dropout` nodes drop during training steps and pass through during `evaluate` and `predict`.
/// Each step refills the inputs' batch buffers in place (`Tensor.copyRows`), so with a fixed batch
/// size a steady-state step allocates no tensors. Like its graph, a trainer is for one thread at a time.
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

    /// An empty tensor put in an input while its buffer is refilled, so the buffer is not shared.
    private let placeholder = Tensor.zeros([0])

    /// Creates a trainer.
    /// - Throws: `TrainerError.noLoss` when the graph has no loss, `.nodeNotInGraph` for a node the
    ///   graph does not contain, `.inputWithoutBatchDimension` for an input not declared `[.batch, …]`.
    public init(graph: Graph, features: Input, labels: Input, prediction: Node, optimizer: any Optimizer,
                log: TrainerLog = .standardOutput) throws(TrainerError) {
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
    }

    /// Trains for `epochs` passes over `data`.
    /// - Parameters:
    ///   - data: the training set; features and labels must fit the inputs' per-example shapes
    ///     (`[n]` and `[n, 1]` are interchangeable).
    ///   - epochs: the number of passes, at least 1.
    ///   - batchSize: examples per step, at least 1.
    ///   - shuffleSeed: seeds the shuffle of every epoch, so a run is reproducible.
    ///   - shuffle: false visits the examples in stored order every epoch (the seed is then unused).
    ///   - dropLast: skip each epoch's last batch when it is short (keeps one batch size, one plan).
    ///   - validation: data scored after each epoch (loss, and `metric` if given).
    ///   - metric: the validation score (`.accuracy` for classification, `.rSquared` for regression).
    /// - Returns: the per-epoch training loss, validation loss and metric, and epoch times.
    /// - Throws: `TrainerError` for unusable arguments, `DataError.invalidBatchSize`, and any
    ///   `GraphError` from the graph (e.g. `.invalidValue` for a label out of range).
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
        var generator = RandomGenerator(seed: shuffleSeed)
        var history = History(metric: held == nil ? nil : metric)
        let clock = ContinuousClock()
        for epoch in 1...epochs {
            let start = clock.now
            let batches = shuffle
                ? try Minibatches.shuffledEpoch(exampleCount: train.count, batchSize: batchSize, dropLast: dropLast, using: &generator)
                : try Minibatches.inOrder(exampleCount: train.count, batchSize: batchSize, dropLast: dropLast)
            history.loss.append(try runEpoch(batches, of: train))
            if let held {
                let result = try evaluate(held, metric: metric, batchSize: batchSize)
                history.validationLoss.append(result.loss)
                if let score = result.metric { history.validationMetric.append(score) }
            }
            let elapsed = (clock.now - start).components
            history.epochSeconds.append(Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18)
            log.write(history.summary(epoch: epoch, of: epochs))
            try epochEnded?(epoch, history)
        }
        return history
    }

    /// One pass over `batches`: feed, forward and backward, update. Returns the mean batch loss.
    private func runEpoch(_ batches: [ArraySlice<Int>], of train: Dataset) throws -> Float {
        setDropout(training: true)
        let bar = log.showsProgress ? ProgressBar(total: batches.count) : nil
        var total: Double = 0
        for (step, batch) in batches.enumerated() {
            refill(features, rows: batch, from: train.features)
            refill(labels, rows: batch, from: train.labels)
            total += Double(try graph.forwardAndBackward())
            optimizer.update(graph.trainables)
            if let bar, bar.shouldRedraw(at: step + 1) {
                log.drawProgress(bar.line(step: step + 1, loss: Float(total / Double(step + 1))))
            }
        }
        if let bar { log.clearProgress(width: bar.line(step: 0, loss: 0).count + 8) }
        return Float(total / Double(max(batches.count, 1)))
    }

    /// Switches every `Dropout` node of the graph to training (drop) or inference (identity) mode.
    func setDropout(training: Bool) {
        for case let dropout as Dropout in graph.nodes { dropout.isTraining = training }
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

    /// `data` with features and labels reshaped to the inputs' declared per-example shapes.
    /// - Throws: `TrainerError.dataShapeMismatch` when the element counts per example differ.
    func conformed(_ data: Dataset) throws(TrainerError) -> Dataset {
        Dataset(uncheckedFeatures: try conformed(data.features, to: features),
                labels: try conformed(data.labels, to: labels))
    }

    private func conformed(_ tensor: Tensor, to input: Input) throws(TrainerError) -> Tensor {
        let rows = tensor.shape.first ?? 0
        let perExample = Array(input.shape.dropFirst()).resolved(batchSize: 1)
        if Array(tensor.shape.dropFirst()) == perExample { return tensor }
        let mismatch = TrainerError.dataShapeMismatch(input: input.name, declared: input.shape.text, found: tensor.shape)
        guard tensor.rank >= 1, !input.shape.dropFirst().contains(.batch) else { throw mismatch }
        do { return try tensor.reshaped([rows] + perExample) } catch { throw mismatch }
    }
}
