import GradFlowKernels

/// The hyperbolic tangent, elementwise: `tanh(x) = (eˣ − e⁻ˣ) / (eˣ + e⁻ˣ)`.
///
/// Shape: unchanged. Gradient: `∂L/∂x = ∂L/∂y · (1 − y²)`, from the saved output `y = tanh(x)`.
public final class Tanh: Node, GraphOperation {
    /// Creates `tanh(x)`.
    public init(_ x: Node, name: String? = nil) { super.init([x], name: name) }

    /// `tanh` in graph files.
    public static let operationDescription = OperationDescription(
        name: "tanh", operands: ["x"], category: .activation,
        summary: "tanh(x)") { operands, _, name in Tanh(operands[0], name: name) }

    public override func outputShape(for inputShapes: [SymbolicShape]) throws -> SymbolicShape { inputShapes[0] }

    public override func forward() throws {
        inboundNodes[0].value.withUnsafeBufferPointer { x in
            value.withUnsafeMutableBufferPointer { y in Elementwise.tanh(x, into: y) }
        }
    }

    public override func backward() {
        let x = inboundNodes[0]
        guard x.needsGradient else { return }
        value.withUnsafeBufferPointer { y in gradient.withUnsafeBufferPointer { dy in
            x.gradient.withUnsafeMutableBufferPointer { dx in
                Elementwise.tanhBackward(output: y, upstream: dy, accumulatingInto: dx)
            }
        } }
    }
}

#if canImport(Darwin)
@used @section("__DATA,gradflow_ops")
#else
@used @section("gradflow_ops")
#endif
private let registration: OperationRegistration = { OperationRegistry.entry(for: Tanh.self) }
