import GradFlowCore
import GradFlowTraining

/// Flattens each example to a vector (Keras's `Flatten`): `[batch, d₁, d₂, …] → [batch, d₁·d₂·…]`,
/// e.g. 28×28 images to 784 features for a `Dense` layer. It has no parameters.
///
/// The elements keep their row-major order, so this is a copy forward and a copy (added) backward.
public final class Flatten: Layer {
    /// The user-chosen name, if any.
    public let name: String?

    /// Creates the layer.
    public init(name: String? = nil) { self.name = name }

    /// `flatten0`, `flatten1`, ….
    public var kind: String { "flatten" }

    /// Adds a flattening node, or returns `input` when it is already `[batch, features]`.
    /// - Throws: `ModelError.incompatibleInput` for an input without a batch dimension first or
    ///   with another unknown dimension.
    public func makeNodes(_ input: Node, context: LayerContext) throws -> Node {
        let shape = try context.shape(of: input)
        guard shape.first == .batch, shape.count >= 2, !shape.dropFirst().contains(.batch) else {
            throw ModelError.incompatibleInput(layer: context.layerName, expected: "[batch, d1, d2, …]", found: shape.text)
        }
        return shape.count == 2 ? input : FlattenNode(input)
    }
}
