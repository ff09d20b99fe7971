import GradFlowCore

/// Adam with decoupled weight decay (Loshchilov & Hutter), with PyTorch's `torch.optim.AdamW`
/// semantics: the decay shrinks θ directly instead of passing through the moment estimates.
///
/// For each trainable θ with gradient g = ∂L/∂θ at its t-th update:
/// ```
/// θ ← θ·(1 − η·λ)
/// m ← β₁·m + (1 − β₁)·g             v ← β₂·v + (1 − β₂)·g²
/// θ ← θ − η·m̂ / (√v̂ + ε)             (m̂, v̂ bias-corrected as in `Adam`)
/// ```
public final class AdamW: Optimizer {
    private let adam: Adam

    /// The step size η (the decay per step is η·λ, so a schedule scales both).
    public var learningRate: Float {
        get { adam.learningRate }
        set { adam.learningRate = newValue }
    }
    /// The decay rate β₁ of the first-moment estimate.
    public var beta1: Float { adam.beta1 }
    /// The decay rate β₂ of the second-moment estimate.
    public var beta2: Float { adam.beta2 }
    /// The term ε added to the denominator.
    public var epsilon: Float { adam.epsilon }
    /// The decoupled weight-decay factor λ.
    public var weightDecay: Float { adam.weightDecay }
    /// The parameters weight decay leaves alone.
    public var decayExcludes: DecayExclusion { adam.decayExcludes }

    /// Creates the optimizer (defaults as in PyTorch: η = 0.001, β₁ = 0.9, β₂ = 0.999, ε = 1e-8,
    /// λ = 0.01).
    /// - Throws: `OptimizerError.invalidHyperparameter` unless η > 0, 0 ≤ β₁, β₂ < 1, ε > 0 and
    ///   λ ≥ 0, all finite.
    public init(learningRate: Float = 0.001, beta1: Float = 0.9, beta2: Float = 0.999,
                epsilon: Float = 1e-8, weightDecay: Float = 0.01,
                decayExcludes: DecayExclusion = .nothing) throws(OptimizerError) {
        adam = try Adam(learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
                        weightDecay: weightDecay, decayExcludes: decayExcludes, decoupled: true)
    }

    /// Applies one step to each parameter (allocates nothing once each parameter has been seen).
    public func update(_ trainables: [Parameter]) { adam.update(trainables) }

    /// The moment estimates (`"<name>.m"`, `"<name>.v"`) and each parameter's step count t.
    public var state: OptimizerState { adam.state }

    /// Restores moments and step counts saved by `state`.
    /// - Throws: `OptimizerError.stateMismatch` (see `Optimizer.loadState(_:for:)`).
    public func loadState(_ state: OptimizerState, for trainables: [Parameter]) throws(OptimizerError) {
        try adam.loadState(state, for: trainables)
    }
}
