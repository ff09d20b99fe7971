/// The callback that drives a `LearningRateSchedule` (Keras's `LearningRateScheduler`): sets the
/// optimizer's rate before every epoch (`.epoch`, the schedule counting epochs from 0) or before
/// every step (`.step`, counting global steps from 0: for warm-up and one-cycle over steps).
///
/// ```swift
/// trainer.callbacks = [LearningRateScheduler(try OneCycle(maximum: 0.01, total: epochs))]
/// ```
public final class LearningRateScheduler: TrainingCallback {
    /// What the schedule counts.
    public enum Unit: Sendable {
        /// Epochs: the rate is set before each epoch.
        case epoch
        /// Global steps: the rate is set before each step.
        case step
    }

    /// The schedule and what it counts.
    public let schedule: any LearningRateSchedule, unit: Unit

    /// Creates the callback.
    public init(_ schedule: any LearningRateSchedule, unit: Unit = .epoch) {
        (self.schedule, self.unit) = (schedule, unit)
    }

    /// Sets the rate for the coming epoch, or for its first step (step units).
    public func epochBegan(_ epoch: Int, trainer: Trainer) throws {
        let count = unit == .epoch ? epoch - 1 : trainer.progress.step
        trainer.optimizer.learningRate = schedule.learningRate(atEpoch: count)
    }

    /// Sets the rate for the next step (step units).
    public func stepEnded(_ step: Int, loss: Float, trainer: Trainer) {
        guard unit == .step else { return }
        trainer.optimizer.learningRate = schedule.learningRate(atEpoch: step)
    }
}
