import GradFlowCore

/// An optimizer's per-parameter state, detached from the parameters so it can be checkpointed.
///
/// `tensors` holds one buffer per parameter and slot under the key `"<parameter>.<slot>"`
/// (`"W1.momentum"`, `"W1.m"`, `"W1.v"`), each of its parameter's shape; `steps` holds how many
/// updates each parameter has had (Adam's bias correction needs it).
public struct OptimizerState: Equatable, Sendable {
    /// The buffers, keyed `"<parameter name>.<slot name>"`.
    public var tensors: [String: Tensor]
    /// The number of updates applied to each parameter, keyed by parameter name.
    public var steps: [String: Int]

    /// Creates a state from its buffers and step counts (empty: a fresh optimizer).
    public init(tensors: [String: Tensor] = [:], steps: [String: Int] = [:]) {
        self.tensors = tensors
        self.steps = steps
    }
}
