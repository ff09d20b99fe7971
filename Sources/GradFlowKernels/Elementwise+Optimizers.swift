/// Parameter updates of stochastic gradient descent, one pass over θ eight lanes at a time.
/// Multiply, then add (never fused), as the scalar formulas read, so every platform rounds alike.
/// Large parameters are updated in one contiguous range per thread (`parallelRanges`): the same
/// arithmetic per element, so the result does not depend on the thread count.
extension Elementwise {
    /// SGD without momentum: `θ[i] ← θ[i] − η·(g[i] + λ·θ[i])` for `i < θ.count`. O(n).
    package static func sgdStep(_ theta: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>,
                                learningRate eta: Float, weightDecay decay: Float) {
        precondition(gradient.count >= theta.count, "sgdStep: gradient shorter than the parameter")
        guard let t = theta.baseAddress, let g = gradient.baseAddress else { return }
        parallelRanges(theta.count, parts: elementwiseParts(theta.count), SGDRange(t: t, g: g, b: nil, eta: eta, mu: 0, decay: decay, nesterov: false))
    }

    /// SGD with momentum μ > 0 (PyTorch's form, dampening 0), for `i < θ.count`:
    /// `d = g[i] + λ·θ[i]`, `b[i] ← μ·b[i] + d`, then `θ[i] ← θ[i] − η·(nesterov ? d + μ·b[i] : b[i])`. O(n).
    package static func sgdMomentumStep(_ theta: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>,
                                        buffer: UnsafeMutableBufferPointer<Float>, learningRate eta: Float,
                                        momentum mu: Float, weightDecay decay: Float, nesterov: Bool) {
        precondition(gradient.count >= theta.count && buffer.count >= theta.count, "sgdMomentumStep: buffers too short")
        guard let t = theta.baseAddress, let g = gradient.baseAddress, let b = buffer.baseAddress else { return }
        parallelRanges(theta.count, parts: elementwiseParts(theta.count),
                       SGDRange(t: t, g: g, b: b, eta: eta, mu: mu, decay: decay, nesterov: nesterov))
    }
}

/// One range of an SGD update: plain (`b` nil) or with the momentum buffer `b`.
private struct SGDRange: RangeJob {
    let t: UnsafeMutablePointer<Float>, g: UnsafePointer<Float>, b: UnsafeMutablePointer<Float>?
    let eta: Float, mu: Float, decay: Float, nesterov: Bool

    func run(_ range: Range<Int>) {
        let (t, g, n) = (t + range.lowerBound, g + range.lowerBound, range.count)
        let (eta, decay) = (eta, decay)
        guard let b = b.map({ $0 + range.lowerBound }) else {
            if decay == 0 {
                SIMDAccess.map(n, t, g, t) { $0 - eta * $1 }
            } else {
                SIMDAccess.map(n, t, g, t) { $0 - eta * ($1 + decay * $0) }
            }
            return
        }
        let (mu, nesterov) = (mu, nesterov)
        @inline(__always) func step(_ t: SIMD8<Float>, _ g: SIMD8<Float>, _ b: SIMD8<Float>) -> (SIMD8<Float>, SIMD8<Float>) {
            let d = g + decay * t
            let velocity = mu * b + d
            return (t - eta * (nesterov ? d + mu * velocity : velocity), velocity)
        }
        var i = 0
        while i + 8 <= n {
            let (newTheta, velocity) = step(SIMDAccess.load(t + i), SIMDAccess.load(g + i), SIMDAccess.load(b + i))
            SIMDAccess.store(velocity, b + i)
            SIMDAccess.store(newTheta, t + i)
            i += 8
        }
        if i < n {
            let rest = n - i
            let (newTheta, velocity) = step(SIMDAccess.loadPartial(t + i, rest, padding: 0),
                                            SIMDAccess.loadPartial(g + i, rest, padding: 0),
                                            SIMDAccess.loadPartial(b + i, rest, padding: 0))
            SIMDAccess.storePartial(velocity, b + i, rest)
            SIMDAccess.storePartial(newTheta, t + i, rest)
        }
    }
}
