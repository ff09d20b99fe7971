import GradFlowCore

/// Batch normalisation as a layer (Keras's `BatchNormalization`, PyTorch's `nn.BatchNorm1d` and
/// `nn.BatchNorm2d`): normalises each channel of axis 1 — the features of `[batch, F]`, the channels
/// of `[batch, C, H, W]` — with the batch's statistics in training and the running ones in evaluation.
///
/// ```swift
/// Convolution2D(32, kernelSize: (3, 3))
/// BatchNormalization()                 // then ReLU
/// ActivationLayer(.relu)
/// ```
/// `momentum` follows PyTorch (the weight of each new batch, 0.1 — Keras's `momentum: 0.99` is
/// `momentum: 0.01` here). Parameters are named as `nn.BatchNorm2d`'s state dict:
/// `<layer>.weight` (γ, ones), `<layer>.bias` (β, zeros) and the buffers `<layer>.running_mean`
/// (zeros) and `<layer>.running_var` (ones), which `save(to:)` writes and `load(from:)` reads.
public final class BatchNormalization: Layer {
    /// The weight of each new batch in the running statistics, and the variance's ε.
    public let momentum: Float, epsilon: Float
    /// The user-chosen name, if any.
    public let name: String?
    /// γ, β and the running statistics; nil until the first build.
    public private(set) var weight: Parameter?, bias: Parameter?, runningMean: Parameter?, runningVariance: Parameter?

    /// Creates the layer.
    public init(momentum: Float = 0.1, epsilon: Float = 1e-5, name: String? = nil) {
        (self.momentum, self.epsilon, self.name) = (momentum, epsilon, name)
    }

    /// `batchnorm0`, `batchnorm1`, ….
    public var kind: String { "batchnorm" }

    /// Adds the `BatchNorm` node, creating its parameters and buffers on the first build.
    /// - Throws: `ModelError.incompatibleInput` for an input without a fixed channel axis 1 or whose
    ///   channels changed; `.invalidConfiguration` for a momentum or ε the node rejects.
    public func makeNodes(_ input: Node, context: LayerContext) throws -> Node {
        let shape = try context.shape(of: input)
        guard shape.count >= 2, case .fixed(let channels) = shape[1] else {
            throw ModelError.incompatibleInput(layer: context.layerName, expected: "[batch, features] or [batch, channels, height, width]",
                                               found: shape.text)
        }
        if let weight, weight.value.shape != [channels] {
            throw ModelError.inputShapeChanged(layer: context.layerName, built: "\(weight.value.count) channels", given: shape.text)
        }
        let gamma = weight ?? Parameter(context.parameterName("weight"), .ones([channels]))
        let beta = bias ?? Parameter(context.parameterName("bias"), .zeros([channels]))
        let mean = runningMean ?? Parameter(context.parameterName("running_mean"), .zeros([channels]), isTrainable: false)
        let variance = runningVariance ?? Parameter(context.parameterName("running_var"), .ones([channels]), isTrainable: false)
        (weight, bias, runningMean, runningVariance) = (gamma, beta, mean, variance)
        do {
            return try BatchNorm(input, gamma: gamma, beta: beta, runningMean: mean, runningVariance: variance,
                                 momentum: momentum, epsilon: epsilon)
        } catch {
            throw ModelError.invalidConfiguration(layer: context.layerName, detail: "\(error)")
        }
    }
}
