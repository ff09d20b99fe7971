import GradFlowCore

/// RMSProp, with PyTorch's `torch.optim.RMSprop` semantics (not centred, no momentum).
///
/// For each trainable θ with gradient ∂L/∂θ, learning rate η, smoothing α, ε and weight decay λ:
/// ```
/// g ← ∂L/∂θ + λ·θ
/// v ← α·v + (1 − α)·g²            (v starts at 0)
/// θ ← θ − η·g / (√v + ε)
/// ```
public final class RMSProp: Optimizer {
    /// The step size η.
    public var learningRate: Float
    /// The smoothing constant α of the running mean of squared gradients.
    public let alpha: Float
    /// The term ε added to the denominator for numerical stability.
    public let epsilon: Float
    /// The L2 weight-decay factor λ added to the gradient (0: none).
    public let weightDecay: Float
    /// The parameters weight decay leaves alone.
    public let decayExcludes: DecayExclusion
    private var slots = ParameterSlots(slotNames: ["squareAverage"])

    /// Creates the optimizer (defaults as in PyTorch: η = 0.01, α = 0.99, ε = 1e-8).
    /// - Throws: `OptimizerError.invalidHyperparameter` unless η > 0, 0 ≤ α < 1, ε > 0 and λ ≥ 0,
    ///   all finite.
    public init(learningRate: Float = 0.01, alpha: Float = 0.99, epsilon: Float = 1e-8,
                weightDecay: Float = 0, decayExcludes: DecayExclusion = .nothing) throws(OptimizerError) {
        try Hyperparameter.positive("learningRate", learningRate)
        try Hyperparameter.fraction("alpha", alpha)
        try Hyperparameter.positive("epsilon", epsilon)
        try Hyperparameter.nonNegative("weightDecay", weightDecay)
        self.learningRate = learningRate
        self.alpha = alpha
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decayExcludes = decayExcludes
    }

    /// Applies one step to each parameter (allocates nothing once each parameter has been seen).
    public func update(_ trainables: [Parameter]) {
        let (eta, alpha, epsilon) = (learningRate, alpha, epsilon)
        for parameter in trainables {
            let decay = decayExcludes.rate(weightDecay, for: parameter)
            slots.update(parameter) { theta, gradient, squareAverage, _ in
                for i in 0..<theta.count {
                    let g = gradient[i] + decay * theta[i]
                    squareAverage[i] = alpha * squareAverage[i] + (1 - alpha) * g * g
                    theta[i] -= eta * g / (squareAverage[i].squareRoot() + epsilon)
                }
            }
        }
    }

    /// The running means of squared gradients (`"<name>.squareAverage"`) and step counts.
    public var state: OptimizerState { slots.state }

    /// Restores buffers saved by `state`.
    /// - Throws: `OptimizerError.stateMismatch` (see `Optimizer.loadState(_:for:)`).
    public func loadState(_ state: OptimizerState, for trainables: [Parameter]) throws(OptimizerError) {
        try slots.load(state, for: trainables)
    }
}
