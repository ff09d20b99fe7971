import GradFlowCore

/// A layer that only applies a non-linearity (Keras's `Activation('relu')`, PyTorch's `nn.ReLU()`):
/// `ActivationLayer(.relu)` adds a `ReLU` node. It has no parameters.
///
/// Shape: unchanged.
public final class ActivationLayer: Layer {
    /// The non-linearity applied.
    public let activation: Activation
    /// The user-chosen name, if any.
    public let name: String?

    /// Creates the layer.
    public init(_ activation: Activation, name: String? = nil) {
        self.activation = activation
        self.name = name
    }

    /// Named after its activation: `relu0`, `sigmoid1`, ….
    public var kind: String { activation.rawValue }

    /// Adds the activation's node.
    public func makeNodes(_ input: Node, context: LayerContext) throws -> Node {
        activation.makeNode(input)
    }
}
