import CGradFlowKernels

/// Parameter updates of stochastic gradient descent, one vector pass over θ (plain SGD in C, `sgd.c`;
/// with momentum eight lanes at a time in Swift). Multiply, then add (never fused), as the scalar
/// formulas read, so every platform rounds alike.
/// Parameters of at least 2 × `updatePartMinimum` floats are updated in one contiguous range per
/// thread (`parallelRanges`): the same arithmetic per element, so the result does not depend on the
/// thread count.
extension Elementwise {
    /// The least floats per thread in an update: lower than other elementwise work's, because a weight's
    /// halves stay in the cache of the core that used them (the GEMMs of its layer split the same rows
    /// the same way, part 0 on the worker): W₂ of the MNIST MLP (8,192 floats, rows 0–63 read by the
    /// worker's depth half and written by its half of ∂W₂) is then updated where it lives. Measured at
    /// batch 64 on two threads (timers around the bench's update): 12.7 → 9.8 µs per step.
    static let updatePartMinimum = 4_096

    /// SGD without momentum: `θ[i] ← θ[i] − η·(g[i] + λ·θ[i])` for `i < θ.count`. O(n).
    package static func sgdStep(_ theta: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>,
                                learningRate eta: Float, weightDecay decay: Float) {
        precondition(gradient.count >= theta.count, "sgdStep: gradient shorter than the parameter")
        guard let t = theta.baseAddress, let g = gradient.baseAddress else { return }
        parallelRanges(theta.count, parts: elementwiseParts(theta.count, minimumPerPart: updatePartMinimum), SGDRange(t: t, g: g, b: nil, eta: eta, mu: 0, decay: decay, nesterov: false))
    }

    /// SGD with momentum μ > 0 (PyTorch's form, dampening 0), for `i < θ.count`:
    /// `d = g[i] + λ·θ[i]`, `b[i] ← μ·b[i] + d`, then `θ[i] ← θ[i] − η·(nesterov ? d + μ·b[i] : b[i])`. O(n).
    package static func sgdMomentumStep(_ theta: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>,
                                        buffer: UnsafeMutableBufferPointer<Float>, learningRate eta: Float,
                                        momentum mu: Float, weightDecay decay: Float, nesterov: Bool) {
        precondition(gradient.count >= theta.count && buffer.count >= theta.count, "sgdMomentumStep: buffers too short")
        guard let t = theta.baseAddress, let g = gradient.baseAddress, let b = buffer.baseAddress else { return }
        parallelRanges(theta.count, parts: elementwiseParts(theta.count, minimumPerPart: updatePartMinimum),
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
        // Without momentum: the C loop of `sgd.c` (AVX-512/AVX2; `SIMD8` compiles to SSE2 here).
        guard let b = b.map({ $0 + range.lowerBound }) else { return gradflow_sgd_step(t, g, Int64(n), eta, decay) }
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

extension Elementwise {
    /// One Adam step in PyTorch's arrangement, for `i < θ.count`, with `m = moments[0..<n]` and
    /// `v = moments[n..<2n]`: `g = grad[i] + λ·θ[i]`, `m ← β₁m + (1 − β₁)g`, `v ← β₂v + (1 − β₂)g·g`,
    /// `θ ← shrink·θ − stepSize·m / (√v / rootCorrection2 + ε)` (`shrink` is AdamW's decoupled decay).
    /// The same operations in the same order as that scalar formula, eight lanes at a time (so the
    /// bits equal the scalar loop's); large parameters one range per thread. O(n).
    package static func adamStep(_ theta: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>,
                                 moments: UnsafeMutableBufferPointer<Float>, beta1: Float, beta2: Float, epsilon: Float,
                                 stepSize: Float, rootCorrection2: Float, coupledDecay: Float, shrink: Float) {
        let n = theta.count
        precondition(gradient.count >= n && moments.count >= 2 * n, "adamStep: buffers too short")
        guard let t = theta.baseAddress, let g = gradient.baseAddress, let m = moments.baseAddress else { return }
        let job = AdamRange(t: t, g: g, m: m, v: m + n, beta1: beta1, beta2: beta2, epsilon: epsilon, stepSize: stepSize,
                            rootCorrection2: rootCorrection2, coupledDecay: coupledDecay, shrink: shrink)
        parallelRanges(n, parts: elementwiseParts(n), job)
    }
}

/// One range of an Adam step (see `Elementwise.adamStep`).
private struct AdamRange: RangeJob {
    let t: UnsafeMutablePointer<Float>, g: UnsafePointer<Float>, m: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>
    let beta1: Float, beta2: Float, epsilon: Float, stepSize: Float, rootCorrection2: Float, coupledDecay: Float, shrink: Float

    func run(_ range: Range<Int>) {
        var i = range.lowerBound
        while i + 8 <= range.upperBound {
            let (newTheta, newM, newV) = step(SIMDAccess.load(t + i), SIMDAccess.load(g + i), SIMDAccess.load(m + i), SIMDAccess.load(v + i))
            SIMDAccess.store(newM, m + i)
            SIMDAccess.store(newV, v + i)
            SIMDAccess.store(newTheta, t + i)
            i += 8
        }
        if i < range.upperBound {
            let rest = range.upperBound - i
            let (newTheta, newM, newV) = step(SIMDAccess.loadPartial(t + i, rest, padding: 0), SIMDAccess.loadPartial(g + i, rest, padding: 0),
                                              SIMDAccess.loadPartial(m + i, rest, padding: 0), SIMDAccess.loadPartial(v + i, rest, padding: 0))
            SIMDAccess.storePartial(newM, m + i, rest)
            SIMDAccess.storePartial(newV, v + i, rest)
            SIMDAccess.storePartial(newTheta, t + i, rest)
        }
    }

    @inline(__always)
    private func step(_ theta: SIMD8<Float>, _ gradient: SIMD8<Float>, _ m: SIMD8<Float>, _ v: SIMD8<Float>)
        -> (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>) {
        let g = gradient + coupledDecay * theta
        let newM = beta1 * m + (1 - beta1) * g
        let newV = beta2 * v + (1 - beta2) * g * g
        let newTheta = shrink * theta - stepSize * newM / (newV.squareRoot() / rootCorrection2 + epsilon)
        return (newTheta, newM, newV)
    }
}
