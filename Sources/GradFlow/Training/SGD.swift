import GradFlowKernels

/// Plain stochastic gradient descent: `θ ← θ − η·∂L/∂θ` for every trainable θ.
public final class SGD: Optimizer {
    /// The step size η.
    public let learningRate: Float

    /// Creates the optimizer.
    /// - Throws: `OptimizerError.invalidHyperparameter` unless the learning rate is positive and finite.
    public init(learningRate: Float) throws {
        guard learningRate > 0, learningRate.isFinite else {
            throw OptimizerError.invalidHyperparameter(name: "learningRate", value: learningRate, expected: "a positive finite number")
        }
        self.learningRate = learningRate
    }

    /// Applies one step to each parameter (allocates nothing).
    public func update(_ trainables: [Parameter]) {
        for parameter in trainables {
            parameter.gradient.withUnsafeBufferPointer { gradient in
                parameter.value.withUnsafeMutableBufferPointer { value in
                    Elementwise.axpy(-learningRate, gradient, value)
                }
            }
        }
    }
}
