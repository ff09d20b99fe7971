import GradFlowCore

/// Code that `Trainer.fit` calls as training goes (Keras-style callbacks): at the start and end of
/// every epoch and after every step. Every method has an empty default, so a callback implements
/// only what it needs; `trainer.requestStop()` ends `fit` after the current epoch.
///
/// Callbacks run on the training thread, in the order of `Trainer.callbacks`, after the epoch's
/// log line. Their own state is not part of a training checkpoint.
public protocol TrainingCallback: AnyObject {
    /// Before epoch `epoch` (1-based) starts.
    func epochBegan(_ epoch: Int, trainer: Trainer) throws
    /// After epoch `epoch` ended, with the history so far (validation figures included).
    func epochEnded(_ epoch: Int, history: History, trainer: Trainer) throws
    /// After global step `step` (1-based) and its update, with the step's loss.
    func stepEnded(_ step: Int, loss: Float, trainer: Trainer)
}

extension TrainingCallback {
    /// Does nothing (the default).
    public func epochBegan(_ epoch: Int, trainer: Trainer) throws {}
    /// Does nothing (the default).
    public func epochEnded(_ epoch: Int, history: History, trainer: Trainer) throws {}
    /// Does nothing (the default).
    public func stepEnded(_ step: Int, loss: Float, trainer: Trainer) {}
}

/// What an epoch-level callback watches.
public enum MonitoredValue: Equatable, Sendable {
    /// The validation loss (lower is better).
    case validationLoss
    /// The validation metric (`Metric`'s direction: higher is better except for MSE and MAE).
    case validationMetric
    /// The training loss (lower is better).
    case loss

    /// The value after the last epoch, and whether higher is better; nil when it was not recorded.
    func latest(in history: History) -> (value: Float, higherIsBetter: Bool)? {
        switch self {
        case .validationLoss: return history.validationLoss.last.map { ($0, false) }
        case .loss: return history.loss.last.map { ($0, false) }
        case .validationMetric:
            guard let value = history.validationMetric.last, let metric = history.metric else { return nil }
            return (value, metric != .meanSquaredError && metric != .meanAbsoluteError)
        }
    }

    /// Whether `value` beats `best` by more than `minDelta` in the monitored direction.
    static func improves(_ value: Float, on best: Float?, minDelta: Float, higherIsBetter: Bool) -> Bool {
        guard let best else { return true }
        return higherIsBetter ? value > best + minDelta : value < best - minDelta
    }
}

/// Stops training when the monitored value has not improved by more than `minDelta` for `patience`
/// epochs; with `restoreBest`, puts back the parameter values of the best epoch (bit for bit).
public final class EarlyStopping: TrainingCallback {
    /// What is watched, how many epochs without improvement stop training, the smallest change that
    /// counts as one, and whether the best epoch's parameters are put back.
    public let monitor: MonitoredValue, patience: Int, minDelta: Float, restoreBest: Bool
    /// The best value seen and its epoch (1-based).
    public private(set) var best: Float?, bestEpoch = 0
    /// The epoch at which training was stopped (0: not stopped).
    public private(set) var stoppedEpoch = 0
    private var bestValues: [Tensor] = []

    /// Creates the callback (`patience` ≥ 1 epochs without improvement before stopping).
    public init(monitor: MonitoredValue = .validationLoss, patience: Int = 5, minDelta: Float = 0, restoreBest: Bool = false) {
        (self.monitor, self.patience, self.minDelta, self.restoreBest) = (monitor, max(1, patience), max(0, minDelta), restoreBest)
    }

    /// Records an improvement (and the parameters, with `restoreBest`), or stops after `patience` epochs without.
    public func epochEnded(_ epoch: Int, history: History, trainer: Trainer) throws {
        guard let (value, higher) = monitor.latest(in: history) else { return }
        if MonitoredValue.improves(value, on: best, minDelta: minDelta, higherIsBetter: higher) {
            (best, bestEpoch) = (value, epoch)
            if restoreBest { bestValues = trainer.graph.parameters.map(\.value) }
        } else if epoch - bestEpoch >= patience {
            stoppedEpoch = epoch
            if restoreBest { for (parameter, value) in zip(trainer.graph.parameters, bestValues) { parameter.value = value } }
            trainer.requestStop()
        }
    }
}

/// Multiplies the learning rate by `factor` when the monitored value has not improved by more than
/// `minDelta` for `patience` epochs (then waits `patience` epochs again), never below `minimum`.
public final class ReduceLROnPlateau: TrainingCallback {
    /// What is watched, the factor applied, the epochs without improvement before applying it, the
    /// smallest change that counts as one, and the lowest learning rate.
    public let monitor: MonitoredValue, factor: Float, patience: Int, minDelta: Float, minimum: Float
    private var best: Float?, waited = 0

    /// Creates the callback (`factor` in (0, 1)).
    public init(monitor: MonitoredValue = .validationLoss, factor: Float = 0.1, patience: Int = 10, minDelta: Float = 0, minimum: Float = 0) {
        (self.monitor, self.factor, self.patience, self.minDelta, self.minimum) = (monitor, factor, max(1, patience), max(0, minDelta), minimum)
    }

    /// Records an improvement, or lowers the learning rate after `patience` epochs without.
    public func epochEnded(_ epoch: Int, history: History, trainer: Trainer) throws {
        guard let (value, higher) = monitor.latest(in: history) else { return }
        if MonitoredValue.improves(value, on: best, minDelta: minDelta, higherIsBetter: higher) {
            (best, waited) = (value, 0)
            return
        }
        waited += 1
        if waited >= patience {
            trainer.optimizer.learningRate = max(minimum, trainer.optimizer.learningRate * factor)
            waited = 0
        }
    }
}
