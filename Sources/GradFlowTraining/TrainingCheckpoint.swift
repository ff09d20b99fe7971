import GradFlowCore
import GradFlowStorage

/// Writes a `TrainingState` to a safetensors file and reads it back exactly, so that
/// `Trainer.restore(_:)` continues a run bit for bit (`gradflow train --save`/`--resume`).
///
/// Layout (version 1). Tensors, all F32:
/// - `<parameter>`: each trainable parameter's value under its own name (`W1`, `dense0.weight`), so
///   the file is also a plain weights file for `gradflow eval/predict --weights`;
/// - `optimizer/<parameter>.<slot>`: each optimizer buffer (`optimizer/W1.m`, `optimizer/W1.v`,
///   `optimizer/W1.momentum`), as `Sequential.save` writes them;
/// - `history/loss`, `history/validation_loss`, `history/validation_metric`: `[epochs]` each.
///
/// Metadata (`__metadata__`, strings; floats in Swift's shortest round-trip form, so exact):
/// - `gradflow.checkpoint` = `training`, `gradflow.checkpoint_version` = `1`;
/// - `optimizer.learning_rate`; `optimizer.step.<parameter>` = updates applied to that parameter;
/// - `trainer.completed_epochs`, `trainer.batches_in_epoch`, `trainer.step`, `trainer.epoch_loss_sum`;
/// - `trainer.shuffle_generator` = the four xoshiro256** words at the start of the current epoch,
///   `0x…,0x…,0x…,0x…` (16 hex digits each);
/// - `trainer.examples`, `trainer.batch_size`, `trainer.shuffle`, `trainer.drop_last`,
///   `trainer.shuffle_seed`: the settings a resumed `fit` must repeat;
/// - `guard.average`, `guard.best`, `guard.count`, `guard.first`: the divergence check's smoothed loss;
/// - `dropout.<node>.generator`: each `Dropout` node's four generator words;
/// - `history.metric` (a `Metric` raw value, when there is one), `history.epoch_seconds`
///   (comma-separated);
/// - any other key: the caller's `TrainingState.metadata` (`gradflow train` adds `gradflow.graph`
///   and `gradflow.seed`).
///
/// Writing goes through `Checkpoint.write`, which writes a temporary file and renames it over the
/// target, so an interrupted save leaves the previous checkpoint whole.
public enum TrainingCheckpoint {
    /// The format version written in `gradflow.checkpoint_version`.
    public static let version = 1
    private static let optimizerPrefix = "optimizer/"
    private static let historyPrefix = "history/"
    private static let stepPrefix = "optimizer.step."
    private static let reservedPrefixes = ["gradflow.checkpoint", "optimizer.", "trainer.", "guard.", "dropout.", "history."]

    /// Writes `state` to `path` atomically (temporary file, then rename).
    /// - Throws: `CheckpointError.unwritable`, `.reservedName`.
    public static func write(_ state: TrainingState, to path: String) throws(CheckpointError) {
        let contents = encode(state)
        try Checkpoint.write(tensors: contents.tensors, metadata: contents.metadata, to: path)
    }

    /// Reads a training checkpoint written by `write(_:to:)`.
    /// - Throws: `CheckpointError`: the file errors of `Checkpoint.readContents(from:)`, and
    ///   `.invalidHeader` for a file that is not a training checkpoint (a plain weights file, say) or
    ///   whose metadata is malformed, naming the key.
    public static func read(from path: String) throws(CheckpointError) -> TrainingState {
        try decode(Checkpoint.readContents(from: path), file: path)
    }

    /// The tensors and metadata that represent `state` (see the layout above).
    public static func encode(_ state: TrainingState) -> Checkpoint.Contents {
        var tensors = state.parameters
        for (key, tensor) in state.optimizer.tensors { tensors[optimizerPrefix + key] = tensor }
        let history = state.history
        tensors[historyPrefix + "loss"] = Tensor(history.loss)
        tensors[historyPrefix + "validation_loss"] = Tensor(history.validationLoss)
        tensors[historyPrefix + "validation_metric"] = Tensor(history.validationMetric)
        var metadata = state.metadata
        let progress = state.progress
        let entries: [(String, String)] = [
            ("gradflow.checkpoint", "training"), ("gradflow.checkpoint_version", String(version)),
            ("optimizer.learning_rate", state.learningRate.description),
            ("trainer.completed_epochs", String(progress.completedEpochs)),
            ("trainer.batches_in_epoch", String(progress.batchesInEpoch)),
            ("trainer.step", String(progress.step)),
            ("trainer.epoch_loss_sum", progress.epochLossSum.description),
            ("trainer.shuffle_generator", words(progress.epochGenerator)),
            ("trainer.examples", String(progress.examples)), ("trainer.batch_size", String(progress.batchSize)),
            ("trainer.shuffle", String(progress.shuffle)), ("trainer.drop_last", String(progress.dropLast)),
            ("trainer.shuffle_seed", String(progress.shuffleSeed)),
            ("guard.average", progress.smoother.average.description), ("guard.best", progress.smoother.best.description),
            ("guard.count", String(progress.smoother.count)), ("guard.first", progress.smoother.first.description),
            ("history.epoch_seconds", history.epochSeconds.map(\.description).joined(separator: ",")),
        ]
        for (key, value) in entries { metadata[key] = value }
        if let metric = history.metric { metadata["history.metric"] = metric.rawValue }
        for (name, steps) in state.optimizer.steps { metadata[stepPrefix + name] = String(steps) }
        for (name, generator) in state.dropoutGenerators { metadata["dropout.\(name).generator"] = words(generator) }
        return Checkpoint.Contents(tensors: tensors, metadata: metadata)
    }

    /// The state that `contents` represent; `file` names the source in errors.
    /// - Throws: `CheckpointError.invalidHeader` naming the missing or malformed key.
    public static func decode(_ contents: Checkpoint.Contents, file: String = "<contents>") throws(CheckpointError) -> TrainingState {
        let fields = Fields(metadata: contents.metadata, file: file)
        guard contents.metadata["gradflow.checkpoint"] == "training" else {
            throw .invalidHeader(file: file, detail: "metadata 'gradflow.checkpoint' is not 'training': this is a weights file, "
                                 + "not a training checkpoint (write one with `gradflow train --save`)")
        }
        let version: Int = try fields.value("gradflow.checkpoint_version")
        guard version == TrainingCheckpoint.version else {
            throw .invalidHeader(file: file, detail: "training checkpoint version \(version) is not supported (expected \(TrainingCheckpoint.version))")
        }
        var progress = TrainingProgress(examples: try fields.value("trainer.examples"), batchSize: try fields.value("trainer.batch_size"),
                                        shuffle: try fields.value("trainer.shuffle"), dropLast: try fields.value("trainer.drop_last"),
                                        shuffleSeed: try fields.value("trainer.shuffle_seed"))
        guard progress.batchSize >= 1 else {
            throw .invalidHeader(file: file, detail: "metadata 'trainer.batch_size' is \(progress.batchSize); a run has batches of at least 1 example")
        }
        progress.completedEpochs = try fields.value("trainer.completed_epochs")
        progress.batchesInEpoch = try fields.value("trainer.batches_in_epoch")
        progress.step = try fields.value("trainer.step")
        progress.epochLossSum = try fields.value("trainer.epoch_loss_sum")
        progress.epochGenerator = try fields.generator("trainer.shuffle_generator")
        // `guard.first` came with the floored divergence rule; a checkpoint without it resumes with
        // the absolute floor alone.
        let first: Double = contents.metadata["guard.first"] == nil ? 0 : try fields.value("guard.first")
        progress.smoother = LossSmoother(average: try fields.value("guard.average"), best: try fields.value("guard.best"),
                                         count: try fields.value("guard.count"), first: first)
        var parameters: [String: Tensor] = [:]
        var optimizer = OptimizerState()
        var history = History()
        for (name, tensor) in contents.tensors {
            if name.hasPrefix(optimizerPrefix) {
                optimizer.tensors[String(name.dropFirst(optimizerPrefix.count))] = tensor
            } else if name.hasPrefix(historyPrefix) {
                switch name.dropFirst(historyPrefix.count) {
                case "loss": history.loss = tensor.scalars
                case "validation_loss": history.validationLoss = tensor.scalars
                case "validation_metric": history.validationMetric = tensor.scalars
                default: throw .invalidHeader(file: file, detail: "unknown history tensor '\(name)'")
                }
            } else {
                parameters[name] = tensor
            }
        }
        if let raw = contents.metadata["history.metric"] {
            guard let metric = Metric(rawValue: raw) else { throw fields.malformed("history.metric", raw) }
            history.metric = metric
        }
        history.epochSeconds = try fields.list("history.epoch_seconds")
        var generators: [String: RandomGenerator] = [:]
        var metadata: [String: String] = [:]
        for (key, value) in contents.metadata {
            if key.hasPrefix(stepPrefix) {
                guard let steps = Int(value), steps >= 0 else { throw fields.malformed(key, value) }
                optimizer.steps[String(key.dropFirst(stepPrefix.count))] = steps
            } else if key.hasPrefix("dropout."), key.hasSuffix(".generator") {
                generators[String(key.dropFirst("dropout.".count).dropLast(".generator".count))] = try fields.generator(key)
            } else if !reservedPrefixes.contains(where: key.hasPrefix) {
                metadata[key] = value
            }
        }
        return TrainingState(parameters: parameters, optimizer: optimizer, learningRate: try fields.value("optimizer.learning_rate"),
                             dropoutGenerators: generators, progress: progress, history: history, metadata: metadata)
    }

    /// A generator's four state words as `0x…,0x…,0x…,0x…`.
    static func words(_ generator: RandomGenerator) -> String {
        let (a, b, c, d) = generator.state
        return [a, b, c, d].map { word in
            let hex = String(word, radix: 16)
            return "0x" + String(repeating: "0", count: 16 - hex.count) + hex
        }.joined(separator: ",")
    }

    /// Typed access to metadata values, with errors that name the key.
    private struct Fields {
        let metadata: [String: String]
        let file: String

        func malformed(_ key: String, _ value: String) -> CheckpointError {
            .invalidHeader(file: file, detail: "metadata '\(key)' = '\(value.messageExcerpt)' is malformed")
        }

        func text(_ key: String) throws(CheckpointError) -> String {
            guard let value = metadata[key] else {
                throw .invalidHeader(file: file, detail: "metadata '\(key)' is missing from the training checkpoint")
            }
            return value
        }

        /// The value of `key`; a negative count, or a non-finite learning rate, average or loss sum,
        /// is refused here rather than trained with (`guard.best` may be +∞: no step yet).
        func value<T: LosslessStringConvertible>(_ key: String) throws(CheckpointError) -> T {
            let raw = try text(key)
            guard let parsed = T(raw) else { throw malformed(key, raw) }
            if let number = parsed as? Int, number < 0 { throw malformed(key, raw) }
            if key != "guard.best" {
                if let number = parsed as? Float, !number.isFinite { throw nonFinite(key, raw) }
                if let number = parsed as? Double, !number.isFinite { throw nonFinite(key, raw) }
            }
            if key == "optimizer.learning_rate", let rate = parsed as? Float, rate < 0 { throw nonFinite(key, raw) }
            return parsed
        }

        func nonFinite(_ key: String, _ raw: String) -> CheckpointError {
            .invalidHeader(file: file, detail: "metadata '\(key)' is \(raw.messageExcerpt), not a finite number ≥ 0; "
                           + "the file was damaged or written by a run that overflowed, so it cannot be resumed")
        }

        func list(_ key: String) throws(CheckpointError) -> [Double] {
            let raw = try text(key)
            guard !raw.isEmpty else { return [] }
            var result: [Double] = []
            for item in raw.split(separator: ",", omittingEmptySubsequences: false) {
                guard let number = Double(item) else { throw malformed(key, raw) }
                result.append(number)
            }
            return result
        }

        func generator(_ key: String) throws(CheckpointError) -> RandomGenerator {
            let raw = try text(key)
            let words = raw.split(separator: ",", omittingEmptySubsequences: false).map { part -> UInt64? in
                guard part.hasPrefix("0x"), part.count == 18 else { return nil }
                return UInt64(part.dropFirst(2), radix: 16)
            }
            guard words.count == 4, let a = words[0], let b = words[1], let c = words[2], let d = words[3],
                  (a, b, c, d) != (0, 0, 0, 0) else { throw malformed(key, raw) }
            return RandomGenerator(state: (a, b, c, d))
        }
    }
}
