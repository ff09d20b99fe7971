/// Mean squared error: `L = (1/m) Σ (y − a)²` over all `m` elements.
///
/// Shapes: `y` (targets) and `a` (predictions) must have the same shape; the output is a scalar.
/// Gradients: `∂L/∂a = −(2/m)(y − a)`, `∂L/∂y = (2/m)(y − a)`, from the difference saved in forward.
public final class MSE: Node, GraphOperation {
    private var difference = Tensor.zeros([0])

    /// Creates the mean squared error between targets `y` and predictions `a` (MiniFlow's order).
    public init(_ y: Node, _ a: Node, name: String? = nil) { super.init([y, a], name: name) }

    /// `mse` in graph files.
    public static let operationDescription = OperationDescription(
        name: "mse", operands: ["y", "prediction"], category: .loss,
        summary: "mean squared error → scalar") { operands, _, name in MSE(operands[0], operands[1], name: name) }

    public override func outputShape(for inputShapes: [SymbolicShape]) throws -> SymbolicShape {
        guard inputShapes[0].agrees(with: inputShapes[1]) else {
            throw GraphError.shapeMismatch(node: name, detail:
                "mse needs targets and predictions of one shape; got \(inputShapes[0].text) and \(inputShapes[1].text)")
        }
        return []
    }

    public override func planScratchBuffers() {
        difference = Tensor.zeros(inboundNodes[0].value.shape)
    }

    public override func forward() throws {
        let count = difference.count
        var total: Float = 0
        inboundNodes[0].value.withReadPointer { y in inboundNodes[1].value.withReadPointer { a in
            difference.withWritePointer { d in
                for i in 0..<count {
                    d[i] = y[i] - a[i]
                    total += d[i] * d[i]
                }
            }
        } }
        value.withWritePointer { $0[0] = total / Float(count) }
    }

    public override func backward() {
        let (y, a) = (inboundNodes[0], inboundNodes[1])
        let count = difference.count
        let scale = 2 * gradient.scalars[0] / Float(count)
        difference.withReadPointer { d in
            if y.needsGradient { y.gradient.withWritePointer { dy in for i in 0..<count { dy[i] += scale * d[i] } } }
            if a.needsGradient { a.gradient.withWritePointer { da in for i in 0..<count { da[i] -= scale * d[i] } } }
        }
    }
}

#if canImport(Darwin)
@used @section("__DATA,gradflow_ops")
#else
@used @section("gradflow_ops")
#endif
private let registration: OperationRegistration = { OperationRegistry.entry(for: MSE.self) }
