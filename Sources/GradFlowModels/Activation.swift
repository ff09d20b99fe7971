import GradFlowCore

/// The elementwise non-linearity a `Dense` layer or an `ActivationLayer` applies to its output.
public enum Activation: String, Equatable, Sendable, CaseIterable {
    /// The identity: no node is added.
    case none
    /// `max(x, 0)` (the `ReLU` node).
    case relu
    /// `1 / (1 + e^(−x))` (the `Sigmoid` node).
    case sigmoid
    /// `tanh(x)` (the `Tanh` node).
    case tanh
    /// The row-wise softmax (the `Softmax` node): each row becomes a probability distribution. Before
    /// a `.softmaxCrossEntropy` loss the model trains on the logits with the fused, stable loss.
    case softmax

    /// Adds the activation's node after `input` (or returns `input` for `.none`).
    /// - Returns: the activated node, of `input`'s shape.
    public func makeNode(_ input: Node) -> Node {
        switch self {
        case .none: return input
        case .relu: return ReLU(input)
        case .sigmoid: return Sigmoid(input)
        case .tanh: return Tanh(input)
        case .softmax: return Softmax(input)
        }
    }

    /// The weight initialiser that suits this activation: He for ReLU, Glorot otherwise (Keras's
    /// and PyTorch's usual advice).
    var defaultInitializer: Initializer {
        self == .relu ? .heUniform : .xavierUniform
    }
}
