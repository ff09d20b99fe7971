import GradFlowCore

/// Where a `Trainer.fit` run is: epochs and steps done, the shuffle generator, the running epoch
/// loss and the divergence smoother, plus the settings that fix the batch order.
///
/// Together with the parameters and the optimizer state (`TrainingState`) this is everything a
/// resumed run needs to take exactly the steps an uninterrupted run would have taken.
public struct TrainingProgress: Equatable, Sendable {
    /// Epochs finished (validation and `epochEnded` included).
    public var completedEpochs = 0
    /// Batches finished in the current, unfinished epoch (0 at an epoch boundary).
    public var batchesInEpoch = 0
    /// Optimizer steps finished since the run began (the step numbers in guard messages are 1-based).
    public var step = 0
    /// The sum of the current epoch's batch losses so far (the epoch's loss is its mean).
    public var epochLossSum: Double = 0
    /// The shuffle generator as it was at the start of the current epoch, before that epoch's
    /// shuffle: replaying the shuffle from it gives the same batches, of which the first
    /// `batchesInEpoch` are skipped.
    public var epochGenerator: RandomGenerator
    /// The divergence check's smoothed loss.
    public var smoother = LossSmoother()
    /// The number of training examples (the batch order depends on it).
    public var examples: Int
    /// Examples per step.
    public var batchSize: Int
    /// Whether epochs are shuffled.
    public var shuffle: Bool
    /// Whether each epoch's short last batch is skipped.
    public var dropLast: Bool
    /// The seed the shuffle generator started from.
    public var shuffleSeed: UInt64

    /// The progress of a run that has not taken a step yet.
    public init(examples: Int, batchSize: Int, shuffle: Bool, dropLast: Bool, shuffleSeed: UInt64) {
        self.examples = examples
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.dropLast = dropLast
        self.shuffleSeed = shuffleSeed
        self.epochGenerator = RandomGenerator(seed: shuffleSeed)
    }

    /// Checks that `other` (a new run's settings) would visit batches in this run's order.
    /// - Throws: `TrainerError.resumeMismatch` naming the first setting that differs.
    func checkSameSettings(as other: TrainingProgress) throws(TrainerError) {
        let pairs: [(String, String, String)] = [
            ("the number of training examples", "\(examples)", "\(other.examples)"),
            ("batch size", "\(batchSize)", "\(other.batchSize)"),
            ("shuffle", "\(shuffle)", "\(other.shuffle)"),
            ("dropLast", "\(dropLast)", "\(other.dropLast)"),
            ("shuffle seed", "\(shuffleSeed)", "\(other.shuffleSeed)"),
        ]
        for (setting, saved, requested) in pairs where saved != requested {
            throw .resumeMismatch(setting: setting, saved: saved, requested: requested)
        }
    }
}

/// A snapshot of a training run that `Trainer.restore(_:)` continues bit for bit: parameter values,
/// optimizer buffers and step counts, learning rate, every `Dropout` node's generator, the progress
/// and the history so far. `TrainingCheckpoint` writes it to a safetensors file and reads it back.
public struct TrainingState: Equatable, Sendable {
    /// Each trainable parameter's value, by name.
    public var parameters: [String: Tensor]
    /// The optimizer's buffers and step counts (`Optimizer.state`).
    public var optimizer: OptimizerState
    /// The optimizer's learning rate when the snapshot was taken.
    public var learningRate: Float
    /// Each `Dropout` node's generator, by node name.
    public var dropoutGenerators: [String: RandomGenerator]
    /// Epochs and steps done, shuffle generator, running loss.
    public var progress: TrainingProgress
    /// The per-epoch record so far.
    public var history: History
    /// Free-form text the caller keeps with the state (`gradflow train` stores the graph file and seed).
    public var metadata: [String: String]

    /// Creates a state from its parts.
    public init(parameters: [String: Tensor], optimizer: OptimizerState, learningRate: Float,
                dropoutGenerators: [String: RandomGenerator], progress: TrainingProgress, history: History,
                metadata: [String: String] = [:]) {
        self.parameters = parameters
        self.optimizer = optimizer
        self.learningRate = learningRate
        self.dropoutGenerators = dropoutGenerators
        self.progress = progress
        self.history = history
        self.metadata = metadata
    }
}
