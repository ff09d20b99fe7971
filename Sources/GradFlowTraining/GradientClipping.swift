import GradFlowCore

/// Gradient clipping applied by `Trainer` after the backward pass and the numeric guards, before the
/// optimizer step — PyTorch's two utilities, with their formulas:
///
/// - `.norm(maxNorm)`: `torch.nn.utils.clip_grad_norm_(parameters, maxNorm)`: the global L2 norm
///   `‖g‖ = √(Σ over all parameters of Σ gᵢ²)`; when `maxNorm / (‖g‖ + 10⁻⁶) < 1`, every gradient is
///   multiplied by that factor.
/// - `.value(limit)`: `torch.nn.utils.clip_grad_value_(parameters, limit)`: each element clamped to
///   `[−limit, limit]`.
///
/// Both work in place on the planned gradient buffers and allocate nothing.
public enum GradientClipping: Equatable, Sendable {
    /// Scale all gradients so their global L2 norm is at most this.
    case norm(Float)
    /// Clamp every gradient element to ± this.
    case value(Float)

    /// Clips the gradients of `parameters` in place.
    /// - Returns: the global L2 norm before clipping (for `.norm`; `.value` returns it too).
    @discardableResult
    public func apply(to parameters: [Parameter]) -> Float {
        var sum: Double = 0
        for parameter in parameters {
            parameter.gradient.withUnsafeBufferPointer { g in for value in g { sum += Double(value) * Double(value) } }
        }
        let total = Float(sum.squareRoot())
        switch self {
        case .norm(let maxNorm):
            let coefficient = maxNorm / (total + 1e-6)
            guard coefficient < 1 else { return total }
            for parameter in parameters {
                parameter.gradient.withUnsafeMutableBufferPointer { g in for i in g.indices { g[i] *= coefficient } }
            }
        case .value(let limit):
            for parameter in parameters {
                parameter.gradient.withUnsafeMutableBufferPointer { g in for i in g.indices { g[i] = min(max(g[i], -limit), limit) } }
            }
        }
        return total
    }
}
