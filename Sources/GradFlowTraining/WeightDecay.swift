import GradFlowCore

/// Which parameters an optimizer's weight decay leaves alone.
///
/// Decaying biases rarely helps, so common practice (and the seed's Gluon example, with one trainer
/// for weights and another for biases) decays only the weight matrices:
/// ```swift
/// let adam = try AdamW(learningRate: 1e-3, weightDecay: 0.01, decayExcludes: .biases)
/// ```
public enum DecayExclusion {
    /// Every parameter is decayed.
    case nothing
    /// Parameters of rank 0 or 1 (biases, scales) are not decayed; matrices and higher are.
    case biases
    /// Parameters for which the predicate is true are not decayed.
    case parameters(where: (Parameter) -> Bool)

    /// Whether `parameter` is exempt from weight decay.
    public func excludes(_ parameter: Parameter) -> Bool {
        switch self {
        case .nothing: return false
        case .biases: return parameter.value.rank <= 1
        case .parameters(let predicate): return predicate(parameter)
        }
    }

    /// The decay rate to use for `parameter`: `rate`, or 0 when it is excluded.
    func rate(_ rate: Float, for parameter: Parameter) -> Float {
        rate == 0 || excludes(parameter) ? 0 : rate
    }
}
