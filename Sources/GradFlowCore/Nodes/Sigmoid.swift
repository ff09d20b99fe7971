import GradFlowKernels

/// The logistic function, elementwise: `σ(x) = 1 / (1 + e^(−x))`, stable for large |x|.
///
/// Shape: unchanged. Gradient: `∂L/∂x = ∂L/∂y · σ(x)(1 − σ(x))`, from the saved output.
public final class Sigmoid: Node, GraphOperation {
    /// Creates `σ(x)`.
    public init(_ x: Node, name: String? = nil) { super.init([x], name: name) }

    /// `sigmoid` in graph files.
    public static let operationDescription = OperationDescription(
        name: "sigmoid", operands: ["x"], category: .activation,
        summary: "1 / (1 + e^(−x))") { operands, _, name in Sigmoid(operands[0], name: name) }

    public override func outputShape(for inputShapes: [SymbolicShape]) throws -> SymbolicShape { inputShapes[0] }

    public override func forward() throws {
        inboundNodes[0].value.withUnsafeBufferPointer { x in
            value.withUnsafeMutableBufferPointer { y in Elementwise.sigmoid(x, into: y) }
        }
    }

    public override func backward() {
        let x = inboundNodes[0]
        guard x.needsGradient else { return }
        value.withUnsafeBufferPointer { y in gradient.withUnsafeBufferPointer { dy in
            x.gradient.withUnsafeMutableBufferPointer { dx in
                Elementwise.sigmoidBackward(output: y, upstream: dy, accumulatingInto: dx)
            }
        } }
    }
}

#if canImport(Darwin)
@used @section("__DATA,gradflow_ops")
#else
@used @section("gradflow_ops")
#endif
private let registration: OperationRegistration = { OperationRegistry.entry(for: Sigmoid.self) }
