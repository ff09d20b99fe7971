import GradFlowCore

/// A training loop was set up with arguments that cannot work; each case says what to change.
public enum TrainerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The graph has no scalar loss to minimise.
    case noLoss
    /// A node given to the trainer is not part of its graph.
    case nodeNotInGraph(node: String)
    /// An input whose first dimension is not the batch dimension, so batches cannot be fed.
    case inputWithoutBatchDimension(input: String, declared: String)
    /// Data whose per-example shape does not fit the input it is fed to.
    case dataShapeMismatch(input: String, declared: String, found: [Int])
    /// A number of epochs below 1.
    case invalidEpochs(Int)
    /// No batch to train on: an empty data set, or fewer examples than one batch with `dropLast`.
    case noBatches(examples: Int, batchSize: Int, dropLast: Bool)
    /// A numeric guard found a NaN or an infinity in a node's value or gradient after global step
    /// `step` (1-based) of epoch `epoch`, before the optimizer step: the parameters were not updated.
    /// `kind` is the node's kind (`linear`, `input`, `parameter`, …); `value` is `nan`, `inf` or `-inf`.
    case nonFiniteValue(node: String, kind: String, isGradient: Bool, value: String, step: Int, epoch: Int)
    /// The optimizer step made a parameter non-finite although its gradient was finite (a learning
    /// rate far too large); every parameter was rolled back to its value before the step.
    case nonFiniteUpdate(parameter: String, value: String, step: Int, epoch: Int, learningRate: Float)
    /// The smoothed loss grew past `factor` × its best; the step's update was not applied.
    case diverged(step: Int, epoch: Int, smoothedLoss: Float, bestLoss: Float, factor: Float, learningRate: Float)
    /// Training stopped because an interruption was requested (Ctrl-C); `step` steps are complete
    /// (`batch` of `batches` in epoch `epoch`), so a checkpoint taken now resumes exactly.
    case interrupted(step: Int, epoch: Int, batch: Int, batches: Int)
    /// `fit` after `restore(_:)` with a setting that differs from the saved run's, so the run could not
    /// continue exactly.
    case resumeMismatch(setting: String, saved: String, requested: String)
    /// A saved `TrainingState` that does not fit this trainer's graph or optimizer.
    case incompatibleState(detail: String)

    public var description: String {
        switch self {
        case .noLoss:
            return "the graph has no loss to minimise; build it with `Graph(loss:)`"
        case .nodeNotInGraph(let node):
            return "node '\(node)' is not part of the graph being trained; pass a node the loss depends on"
        case let .inputWithoutBatchDimension(input, declared):
            return "input '\(input)' is declared \(declared); declare its first dimension as `.batch` to feed batches"
        case let .dataShapeMismatch(input, declared, found):
            return "input '\(input)' is declared \(declared) but the data has shape \(found)"
        case .invalidEpochs(let epochs):
            return "epochs = \(epochs) is invalid: expected at least 1"
        case let .noBatches(examples, batchSize, dropLast):
            return "no batch to train on: \(examples) examples, batch size \(batchSize)"
                + (dropLast ? " with dropLast (use a smaller batch or keep the last short batch)" : "")
        case let .nonFiniteValue(node, kind, isGradient, value, step, epoch):
            let prefix = "step \(step) (epoch \(epoch)): "
            if kind == "input" {
                return prefix + "input '\(node)' was fed a non-finite value (\(value)); check the data; the last good parameters were kept"
            }
            if kind == "parameter" && !isGradient {
                return prefix + "parameter '\(node)' holds a non-finite value (\(value)): an earlier optimizer step overflowed; "
                    + "try a smaller learning rate (NumericGuards.strict rolls such a step back)"
            }
            return prefix + "\(kind == "parameter" ? "parameter" : "node") '\(node)' produced a non-finite \(isGradient ? "gradient" : "value") "
                + "(\(value)); the last good parameters were kept (a smaller learning rate, or inputs scaled to a smaller range, may help)"
        case let .nonFiniteUpdate(parameter, value, step, epoch, learningRate):
            return "step \(step) (epoch \(epoch)): the optimizer step made parameter '\(parameter)' non-finite (\(value)); "
                + "the last good parameters were restored; try a learning rate smaller than \(learningRate)"
        case let .diverged(step, epoch, smoothed, best, factor, learningRate):
            return "step \(step) (epoch \(epoch)): the loss diverged: its running average \(smoothed) is more than "
                + "\(factor.factorText)× its best (\(best)); training stopped with the last good parameters kept; "
                + "try a learning rate smaller than \(learningRate)"
        case let .interrupted(step, epoch, batch, batches):
            return "training was interrupted after step \(step) (epoch \(epoch), batch \(batch) of \(batches))"
        case let .resumeMismatch(setting, saved, requested):
            return "cannot resume exactly: the checkpoint was trained with \(setting) \(saved) but this run asks for \(requested); "
                + "use the same \(setting)"
        case .incompatibleState(let detail):
            return "the saved training state does not fit this trainer: \(detail)"
        }
    }
}

private extension Float {
    /// A factor without a trailing `.0` when whole (`100`, `2.5`).
    var factorText: String { self == rounded() && abs(self) < 1e9 ? String(Int(self)) : String(self) }
}
