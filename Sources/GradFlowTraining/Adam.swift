import GradFlowCore
import GradFlowKernels

/// Adam with bias correction, with PyTorch's `torch.optim.Adam` semantics (weight decay, if any,
/// is the coupled L2 kind; see `AdamW` for the decoupled kind).
///
/// For each trainable θ with gradient ∂L/∂θ at its t-th update (t = 1, 2, …):
/// ```
/// g ← ∂L/∂θ + λ·θ
/// m ← β₁·m + (1 − β₁)·g             v ← β₂·v + (1 − β₂)·g²      (m, v start at 0)
/// m̂ = m / (1 − β₁ᵗ)                  v̂ = v / (1 − β₂ᵗ)
/// θ ← θ − η·m̂ / (√v̂ + ε)
/// ```
public final class Adam: Optimizer {
    /// The step size η.
    public var learningRate: Float
    /// The decay rate β₁ of the first-moment (mean) estimate.
    public let beta1: Float
    /// The decay rate β₂ of the second-moment (uncentred variance) estimate.
    public let beta2: Float
    /// The term ε added to the denominator for numerical stability.
    public let epsilon: Float
    /// The weight-decay factor λ (coupled L2 for Adam, decoupled for AdamW; 0: none).
    public let weightDecay: Float
    /// The parameters weight decay leaves alone.
    public let decayExcludes: DecayExclusion
    /// Whether weight decay shrinks θ directly (AdamW) instead of being added to the gradient.
    let isDecoupled: Bool
    private var slots = ParameterSlots(slotNames: ["m", "v"])

    /// Creates the optimizer (defaults as in PyTorch: η = 0.001, β₁ = 0.9, β₂ = 0.999, ε = 1e-8).
    /// - Throws: `OptimizerError.invalidHyperparameter` unless η > 0, 0 ≤ β₁, β₂ < 1, ε > 0 and
    ///   λ ≥ 0, all finite.
    public convenience init(learningRate: Float = 0.001, beta1: Float = 0.9, beta2: Float = 0.999,
                            epsilon: Float = 1e-8, weightDecay: Float = 0,
                            decayExcludes: DecayExclusion = .nothing) throws(OptimizerError) {
        try self.init(learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
                      weightDecay: weightDecay, decayExcludes: decayExcludes, decoupled: false)
    }

    init(learningRate: Float, beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float,
         decayExcludes: DecayExclusion, decoupled: Bool) throws(OptimizerError) {
        try Hyperparameter.positive("learningRate", learningRate)
        try Hyperparameter.fraction("beta1", beta1)
        try Hyperparameter.fraction("beta2", beta2)
        try Hyperparameter.positive("epsilon", epsilon)
        try Hyperparameter.nonNegative("weightDecay", weightDecay)
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decayExcludes = decayExcludes
        self.isDecoupled = decoupled
    }

    /// Applies one step to each parameter (allocates nothing once each parameter has been seen).
    public func update(_ trainables: [Parameter]) {
        let (eta, beta1, beta2, epsilon) = (learningRate, beta1, beta2, epsilon)
        for parameter in trainables {
            let decay = decayExcludes.rate(weightDecay, for: parameter)
            let (coupled, shrink) = isDecoupled ? (Float(0), 1 - eta * decay) : (decay, Float(1))
            slots.update(parameter) { theta, gradient, moments, step in
                // PyTorch's arrangement: θ −= (η / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε).
                let stepSize = eta / Float(1 - power(Double(beta1), step))
                let rootCorrection2 = Float((1 - power(Double(beta2), step)).squareRoot())
                Elementwise.adamStep(theta, gradient: gradient, moments: moments, beta1: beta1, beta2: beta2,
                                     epsilon: epsilon, stepSize: stepSize, rootCorrection2: rootCorrection2,
                                     coupledDecay: coupled, shrink: shrink)
            }
        }
    }

    /// The moment estimates (`"<name>.m"`, `"<name>.v"`) and each parameter's step count t.
    public var state: OptimizerState { slots.state }

    /// Restores moments and step counts saved by `state`.
    /// - Throws: `OptimizerError.stateMismatch` (see `Optimizer.loadState(_:for:)`).
    public func loadState(_ state: OptimizerState, for trainables: [Parameter]) throws(OptimizerError) {
        try slots.load(state, for: trainables)
    }
}
