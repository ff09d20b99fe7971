import GradFlowKernels
import GradFlowCore

/// Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay,
/// with PyTorch's `torch.optim.SGD` semantics (dampening 0).
///
/// For each trainable θ with gradient ∂L/∂θ, learning rate η, momentum μ and weight decay λ:
/// ```
/// g ← ∂L/∂θ + λ·θ
/// b ← μ·b + g                     (b starts at 0, so the first step has b = g)
/// g ← g + μ·b  if Nesterov,  else  g ← b      (only when μ > 0)
/// θ ← θ − η·g
/// ```
/// With μ = 0 and λ = 0 this is MiniFlow's `sgd_update`: `θ ← θ − η·∂L/∂θ`.
public final class SGD: Optimizer {
    /// The step size η.
    public var learningRate: Float
    /// The momentum factor μ (0: none).
    public let momentum: Float
    /// Whether the Nesterov form of momentum is used.
    public let isNesterov: Bool
    /// The L2 weight-decay factor λ added to the gradient (0: none).
    public let weightDecay: Float
    /// The parameters weight decay leaves alone.
    public let decayExcludes: DecayExclusion
    private var slots: ParameterSlots

    /// Creates the optimizer.
    /// - Parameters:
    ///   - learningRate: η > 0.
    ///   - momentum: μ ≥ 0 (PyTorch allows μ ≥ 1 too, though it diverges; so does this).
    ///   - nesterov: use Nesterov momentum; needs μ > 0.
    ///   - weightDecay: λ ≥ 0, added to the gradient as `λ·θ`.
    ///   - decayExcludes: parameters that get no weight decay (e.g. `.biases`).
    /// - Throws: `OptimizerError.invalidHyperparameter` for η not positive and finite, μ or λ negative
    ///   or not finite, or Nesterov without momentum.
    public init(learningRate: Float, momentum: Float = 0, nesterov: Bool = false,
                weightDecay: Float = 0, decayExcludes: DecayExclusion = .nothing) throws(OptimizerError) {
        try Hyperparameter.positive("learningRate", learningRate)
        try Hyperparameter.nonNegative("momentum", momentum)
        try Hyperparameter.nonNegative("weightDecay", weightDecay)
        guard !nesterov || momentum > 0 else {
            throw .invalidHyperparameter(name: "momentum", value: momentum, expected: "a positive momentum when nesterov is true")
        }
        self.learningRate = learningRate
        self.momentum = momentum
        self.isNesterov = nesterov
        self.weightDecay = weightDecay
        self.decayExcludes = decayExcludes
        self.slots = ParameterSlots(slotNames: momentum > 0 ? ["momentum"] : [])
    }

    /// Applies one step to each parameter (allocates nothing once each parameter has been seen).
    /// Vectorised (`Elementwise.sgdStep` / `sgdMomentumStep`); O(total parameter count).
    public func update(_ trainables: [Parameter]) {
        let (eta, mu, nesterov) = (learningRate, momentum, isNesterov)
        for parameter in trainables {
            let decay = decayExcludes.rate(weightDecay, for: parameter)
            slots.update(parameter) { theta, gradient, buffer, _ in
                if mu > 0 {
                    Elementwise.sgdMomentumStep(theta, gradient: gradient, buffer: buffer, learningRate: eta,
                                                momentum: mu, weightDecay: decay, nesterov: nesterov)
                } else {
                    Elementwise.sgdStep(theta, gradient: gradient, learningRate: eta, weightDecay: decay)
                }
            }
        }
    }

    /// The momentum buffers (`"<name>.momentum"`, none without momentum) and step counts.
    public var state: OptimizerState { slots.state }

    /// Restores momentum buffers saved by `state`.
    /// - Throws: `OptimizerError.stateMismatch` (see `Optimizer.loadState(_:for:)`).
    public func loadState(_ state: OptimizerState, for trainables: [Parameter]) throws(OptimizerError) {
        try slots.load(state, for: trainables)
    }
}
