/// Flattens each example: `[batch, d₁, d₂, …] → [batch, d₁·d₂·…]` (the `flatten` operation, and the
/// node behind the `Flatten` layer). The elements keep their row-major order, so the forward pass is a
/// copy and the backward pass a copy added into the operand's gradient.
public final class FlattenNode: Node, GraphOperation {
    /// Creates the flattening of `x`.
    public init(_ x: Node, name: String? = nil) { super.init([x], name: name) }

    /// `flatten(x)` in graph files.
    public static let operationDescription = OperationDescription(
        name: "flatten", operands: ["x"], category: .linearAlgebra, summary: "[batch, d₁, …] → [batch, d₁·…]"
    ) { operands, _, name in FlattenNode(operands[0], name: name) }

    public override func outputShape(for inputShapes: [SymbolicShape]) throws -> SymbolicShape {
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

    public override func forward() throws {
        let source = inboundNodes[0].value
        source.withUnsafeBufferPointer { x in
            value.withUnsafeMutableBufferPointer { y in
                guard let from = x.baseAddress, let to = y.baseAddress else { return }
                to.update(from: from, count: min(x.count, y.count))
            }
        }
    }

    public override func backward() {
        let x = inboundNodes[0]
        guard x.needsGradient else { return }
        gradient.withUnsafeBufferPointer { dy in
            x.gradient.withUnsafeMutableBufferPointer { dx in
                for i in 0..<min(dx.count, dy.count) { dx[i] += dy[i] }
            }
        }
    }
}

#if canImport(Darwin)
@used @section("__DATA,gradflow_ops")
#else
@used @section("gradflow_ops")
#endif
private let registration: OperationRegistration = { OperationRegistry.entry(for: FlattenNode.self) }
