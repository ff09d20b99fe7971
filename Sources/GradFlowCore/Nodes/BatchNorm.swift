import GradFlowKernels

/// Batch normalisation (Ioffe & Szegedy 2015; PyTorch's `BatchNorm1d`/`BatchNorm2d`), per channel of
/// axis 1: for `[batch, C, H, W]` over the batch and the image, for `[batch, F]` over the batch.
///
/// `y = γ · (x − μ) / √(σ² + ε) + β`. In training (`Graph.isTraining`), μ and σ² are the batch's
/// mean and biased variance, and the running statistics move towards them with PyTorch's momentum
/// rule: `running_mean ← (1 − m) · running_mean + m · μ`, `running_var ← (1 − m) · running_var + m · σ²·M/(M − 1)`
/// (the unbiased variance, M values per channel). In evaluation μ and σ² are the running statistics.
/// A gradient check (`Graph.replaysRandomDraws`) leaves the running statistics alone.
///
/// Operands: `x`, `γ [C]` and `β [C]` (trainable), `running_mean [C]` and `running_var [C]`
/// (non-trainable parameters — buffers — so checkpoints save them under their names, as PyTorch's
/// state dict does). Gradients in training, with `x̂ = (x − μ)/√(σ² + ε)`:
/// `∂L/∂β = Σ ∂L/∂y`, `∂L/∂γ = Σ ∂L/∂y · x̂`,
/// `∂L/∂x = γ/√(σ² + ε) · (∂L/∂y − ∂L/∂β / M − x̂ · ∂L/∂γ / M)`; in evaluation the statistics are
/// constants and `∂L/∂x = γ/√(σ² + ε) · ∂L/∂y`.
public final class BatchNorm: Node, GraphOperation {
    /// The weight of the newest batch in the running statistics (PyTorch's `momentum`, 0.1).
    public let momentum: Float
    /// Added to the variance before the square root (1e-5).
    public let epsilon: Float
    /// Per channel: the mean and 1/√(σ² + ε) the last forward pass used, and four planned vectors
    /// for the backward pass's coefficients.
    private var mean = Tensor.zeros([0]), inverseDeviation = Tensor.zeros([0])
    private var work = Tensor.zeros([0])
    private var lastPassWasTraining = false

    /// `batch_norm(x, gamma, beta, running_mean, running_var, momentum: 0.1, eps: 1e-5)` in graph files.
    public static let operationDescription = OperationDescription(
        name: "batch_norm", operands: ["x", "gamma", "beta", "running_mean", "running_var"],
        attributes: [OperationAttribute("momentum", default: .number(0.1), help: "weight of each new batch in the running statistics, in [0, 1]"),
                     OperationAttribute("eps", default: .number(float: 1e-5), help: "added to the variance (> 0)")],
        category: .normalization,
        summary: "batch normalisation per channel of axis 1: batch statistics in training, running ones in evaluation"
    ) { operands, attributes, name in
        try BatchNorm(operands[0], gamma: operands[1], beta: operands[2], runningMean: operands[3], runningVariance: operands[4],
                      momentum: attributes.float("momentum"), epsilon: attributes.float("eps"), name: name)
    }

    /// Creates the normalisation of `x` with scale `gamma`, shift `beta` and the running statistics
    /// `runningMean` and `runningVariance` (parameters made with `isTrainable: false`, which this
    /// node updates in training).
    /// - Throws: `GraphError.invalidValue` unless 0 ≤ momentum ≤ 1 and ε > 0.
    public init(_ x: Node, gamma: Node, beta: Node, runningMean: Node, runningVariance: Node,
                momentum: Float = 0.1, epsilon: Float = 1e-5, name: String? = nil) throws(GraphError) {
        guard momentum >= 0, momentum <= 1 else {
            throw .invalidValue(node: name ?? "batch_norm", detail: "momentum \(momentum) is invalid: expected a number in [0, 1]")
        }
        guard epsilon > 0, epsilon.isFinite else {
            throw .invalidValue(node: name ?? "batch_norm", detail: "eps \(epsilon) is invalid: expected a positive number")
        }
        (self.momentum, self.epsilon) = (momentum, epsilon)
        super.init([x, gamma, beta, runningMean, runningVariance], name: name)
    }

    /// `momentum` and `eps`.
    public var attributes: OperationAttributes {
        OperationAttributes(["momentum": .number(float: momentum), "eps": .number(float: epsilon)], operation: kind)
    }

    public override func outputShape(for inputShapes: [SymbolicShape]) throws -> SymbolicShape {
        let x = inputShapes[0]
        guard x.count >= 2, case .fixed(let channels) = x[1], !x.dropFirst().contains(.batch) else {
            throw GraphError.shapeMismatch(node: name, detail: "batch_norm needs x [batch, C] or [batch, C, H, W] with fixed C, H, W; got \(x.text)")
        }
        for (index, operand) in ["gamma", "beta", "running_mean", "running_var"].enumerated() where inputShapes[index + 1] != [.fixed(channels)] {
            throw GraphError.shapeMismatch(node: name, detail: "batch_norm's \(operand) must be [\(channels)] (one per channel of x \(x.text)); got \(inputShapes[index + 1].text)")
        }
        if inboundNodes[3].needsGradient || inboundNodes[4].needsGradient {
            throw GraphError.invalidValue(node: name, detail: "batch_norm's running statistics must not be trainable: make them with isTrainable: false (graph files: 'buffer')")
        }
        return x
    }

    public override func planScratchBuffers() {
        let channels = value.shape[1]
        (mean, inverseDeviation, work) = (Tensor.zeros([channels]), Tensor.zeros([channels]), Tensor.zeros([4 * channels]))
    }

    public override var scratchBytes: Int { (mean.count + inverseDeviation.count + work.count) * MemoryLayout<Float>.size }

    private var layout: BatchNormKernels.Layout {
        let shape = value.shape
        return BatchNormKernels.Layout(batch: shape[0], channels: shape[1], spatial: shape.dropFirst(2).reduce(1, *))
    }

    public override func forward() throws {
        let layout = self.layout
        let (x, gamma, beta, runningMean, runningVariance) = (inboundNodes[0], inboundNodes[1], inboundNodes[2], inboundNodes[3], inboundNodes[4])
        let (channels, eps) = (layout.channels, epsilon)
        lastPassWasTraining = isTraining
        if isTraining {
            x.value.withReadPointer { xs in mean.withWritePointer { mu in work.withWritePointer { variance in
                BatchNormKernels.statistics(xs, layout, mean: mu, variance: variance)
            } } }
            if !replaysRandomDraws { updateRunningStatistics(runningMean, runningVariance, count: layout.perChannel) }
            work.withReadPointer { variance in inverseDeviation.withWritePointer { inv in
                for c in 0..<channels { inv[c] = 1 / (variance[c] + eps).squareRoot() }
            } }
        } else {
            runningMean.value.withReadPointer { rm in runningVariance.value.withReadPointer { rv in
                mean.withWritePointer { mu in inverseDeviation.withWritePointer { inv in
                    for c in 0..<channels { (mu[c], inv[c]) = (rm[c], 1 / (rv[c] + eps).squareRoot()) }
                } }
            } }
        }
        // y = x · scale + shift with scale = γ/√(σ² + ε), shift = β − μ · scale (in work[0..<2C]).
        gamma.value.withReadPointer { g in beta.value.withReadPointer { b in mean.withReadPointer { mu in
            inverseDeviation.withReadPointer { inv in work.withWritePointer { w in
                for c in 0..<channels {
                    w[c] = g[c] * inv[c]
                    w[channels + c] = b[c] - mu[c] * w[c]
                }
            } }
        } } }
        x.value.withReadPointer { xs in value.withWritePointer { y in work.withReadPointer { w in
            BatchNormKernels.affine(xs, into: y, layout, scale: w, shift: w + channels)
        } } }
    }

    /// Moves the running statistics towards this batch's (the biased variance is in `work[0..<C]`).
    private func updateRunningStatistics(_ runningMean: Node, _ runningVariance: Node, count: Int) {
        let (m, channels) = (momentum, mean.count)
        let unbiased = count > 1 ? Float(count) / Float(count - 1) : 1
        mean.withReadPointer { mu in runningMean.value.withWritePointer { rm in
            for c in 0..<channels { rm[c] = (1 - m) * rm[c] + m * mu[c] }
        } }
        work.withReadPointer { variance in runningVariance.value.withWritePointer { rv in
            for c in 0..<channels { rv[c] = (1 - m) * rv[c] + m * variance[c] * unbiased }
        } }
    }

    public override func backward() {
        let layout = self.layout
        let (x, gamma, beta) = (inboundNodes[0], inboundNodes[1], inboundNodes[2])
        let (channels, count) = (layout.channels, Float(layout.perChannel))
        // work = [Σ dy | Σ dy·(x − μ) | a | k]
        x.value.withReadPointer { xs in gradient.withReadPointer { dy in mean.withReadPointer { mu in work.withWritePointer { w in
            BatchNormKernels.gradientSums(dy, xs, layout, mean: mu, sumDy: w, sumDyX: w + channels)
        } } } }
        inverseDeviation.withReadPointer { inv in work.withReadPointer { w in
            if beta.needsGradient { beta.gradient.withWritePointer { db in for c in 0..<channels { db[c] += w[c] } } }
            if gamma.needsGradient { gamma.gradient.withWritePointer { dg in for c in 0..<channels { dg[c] += w[channels + c] * inv[c] } } }
        } }
        guard x.needsGradient else { return }
        let training = lastPassWasTraining
        // ∂L/∂x = a·dy + b·x + k per channel, with a = γ·inv and, in training,
        // b = −a·inv²·Σdy(x − μ)/M, k = −b·μ − a·Σdy/M (zero in evaluation).
        gamma.value.withReadPointer { g in inverseDeviation.withReadPointer { inv in mean.withReadPointer { mu in work.withWritePointer { w in
            for c in 0..<channels {
                let (sumDy, sumDyX) = (w[c], w[channels + c])
                let a = g[c] * inv[c]
                let b = training ? -a * inv[c] * inv[c] * sumDyX / count : 0
                let k = training ? -b * mu[c] - a * sumDy / count : 0
                (w[c], w[channels + c], w[2 * channels + c]) = (a, b, k)
            }
        } } } }
        x.value.withReadPointer { xs in gradient.withReadPointer { dy in work.withReadPointer { w in x.gradient.withWritePointer { dx in
            BatchNormKernels.accumulateInputGradient(dx, dy, xs, layout, a: w, b: w + channels, k: w + 2 * channels)
        } } } }
    }
}

#if canImport(Darwin)
@used @section("__DATA,gradflow_ops")
#else
@used @section("gradflow_ops")
#endif
private let registration: OperationRegistration = { OperationRegistry.entry(for: BatchNorm.self) }
