import GradFlowKernels

/// The rectifier, elementwise: `relu(x) = max(x, 0)`.
///
/// Shape: unchanged. Gradient: `∂L/∂x = ∂L/∂y` where the output is positive, else 0 (at x = 0 the
/// subgradient 0 is used, as PyTorch does).
/// As the only writer of its operand's gradient (`GradientAssigning`) it assigns instead of adding.
public final class ReLU: Node, GraphOperation, GradientAssigning {
    var assignedOperands: UInt8 = 0

    /// Creates `max(x, 0)`.
    public init(_ x: Node, name: String? = nil) { super.init([x], name: name) }

    /// `relu` in graph files.
    public static let operationDescription = OperationDescription(
        name: "relu", operands: ["x"], category: .activation,
        summary: "max(x, 0)") { operands, _, name in ReLU(operands[0], name: name) }

    public override func outputShape(for inputShapes: [SymbolicShape]) throws -> SymbolicShape { inputShapes[0] }

    public override func forward() throws {
        inboundNodes[0].value.withUnsafeBufferPointer { x in
            value.withUnsafeMutableBufferPointer { y in Elementwise.relu(x, into: y) }
        }
    }

    public override func backward() {
        let x = inboundNodes[0]
        guard x.needsGradient else { return }
        value.withUnsafeBufferPointer { y in gradient.withUnsafeBufferPointer { dy in
            x.gradient.withUnsafeMutableBufferPointer { dx in
                if assigns(0) {
                    Elementwise.reluBackward(output: y, upstream: dy, into: dx)
                } else {
                    Elementwise.reluBackward(output: y, upstream: dy, accumulatingInto: dx)
                }
            }
        } }
    }
}

#if canImport(Darwin)
@used @section("__DATA,gradflow_ops")
#else
@used @section("gradflow_ops")
#endif
private let registration: OperationRegistration = { OperationRegistry.entry(for: ReLU.self) }
