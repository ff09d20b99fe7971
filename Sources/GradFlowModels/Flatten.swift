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

/// `[batch, d₁, …] → [batch, d₁·…]`: the values unchanged, the shape merged. (A reshape node belongs
/// in Nodes/; this private one serves `Flatten` until there is one.)
private final class FlattenNode: Node, GraphOperation {
    init(_ x: Node, name: String? = nil) { super.init([x], name: name) }

    static let operationDescription = OperationDescription(name: "flatten", operands: ["x"], category: .linearAlgebra,
                                                           summary: "[batch, d₁, …] → [batch, d₁·…]") { operands, _, name in
        FlattenNode(operands[0], name: name)
    }

    override func outputShape(for inputShapes: [SymbolicShape]) throws -> SymbolicShape {
        let shape = inputShapes[0]
        var width = 1
        for dimension in shape.dropFirst() {
            guard case .fixed(let size) = dimension else {
                throw GraphError.shapeMismatch(node: name, detail: "flatten needs fixed sizes after the batch; got \(shape.text)")
            }
            width *= size
        }
        guard let first = shape.first else {
            throw GraphError.shapeMismatch(node: name, detail: "flatten needs a rank ≥ 1 input; got a scalar")
        }
        return [first, .fixed(width)]
    }

    override func forward() throws {
        let source = inboundNodes[0].value
        source.withUnsafeBufferPointer { x in
            value.withUnsafeMutableBufferPointer { y in
                guard let from = x.baseAddress, let to = y.baseAddress else { return }
                to.update(from: from, count: min(x.count, y.count))
            }
        }
    }

    override func backward() {
        let x = inboundNodes[0]
        guard x.needsGradient else { return }
        gradient.withUnsafeBufferPointer { dy in
            x.gradient.withUnsafeMutableBufferPointer { dx in
                for i in 0..<min(dx.count, dy.count) { dx[i] += dy[i] }
            }
        }
    }
}
