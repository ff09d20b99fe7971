import GradFlowCore

/// Something that updates trainable parameters from their gradients after a backward pass
/// (MiniFlow's `sgd_update(trainables, lr)` is `SGD(learningRate: lr).update(trainables)`).
///
/// Every optimizer keeps its per-parameter buffers (momentum, moment estimates) keyed by the
/// parameter's identity, allocated on the parameter's first update and reused afterwards, so a
/// steady-state step allocates nothing. Two optimizers may share one graph when they update disjoint
/// parameter lists (Gluon's separate trainers for weights and biases). An optimizer is meant for
/// one thread at a time, like the graph whose parameters it updates.
public protocol Optimizer: AnyObject {
    /// The step size η; a `LearningRateSchedule` may change it between steps or epochs. It should be
    /// positive and finite (the initialiser checks the first value, schedules check theirs).
    var learningRate: Float { get set }

    /// Updates each parameter's value in place from its `gradient`; a parameter whose gradient buffer
    /// does not match its value (never planned into a graph) is left unchanged.
    func update(_ trainables: [Parameter])

    /// The per-parameter buffers and step counts, keyed by parameter name, for a checkpoint.
    var state: OptimizerState { get }

    /// Restores buffers saved by `state` onto `trainables`, matched by name; parameters the state
    /// does not mention start afresh.
    /// - Throws: `OptimizerError.stateMismatch` when a saved buffer's shape differs from its
    ///   parameter's, a key names no parameter or slot of this optimizer, or two trainables share a name.
    func loadState(_ state: OptimizerState, for trainables: [Parameter]) throws(OptimizerError)
}

extension Optimizer {
    /// Sets `learningRate` to the schedule's rate for `epoch` (or step, for a per-step schedule).
    public func apply(_ schedule: some LearningRateSchedule, atEpoch epoch: Int) {
        learningRate = schedule.learningRate(atEpoch: epoch)
    }
}
