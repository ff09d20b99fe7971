/// The L2 penalty (weight decay as a loss term): `L₂ = λ/2 · Σ_θ Σ_i θ_i²` over one or more
/// tensors, usually the weight matrices. Add it to the data loss with `Add`:
/// ```swift
/// let loss = Add(SoftmaxCE(logits, labels), try L2Penalty([W1, W2], lambda: 1e-4))
/// ```
/// Shapes: any operands → a scalar. Gradient: `∂L/∂θ = λ·θ·∂L/∂L₂` for each operand (an operand
/// listed twice counts twice).
public final class L2Penalty: Node, GraphOperation {
    /// The penalty strength λ ≥ 0.
    public let lambda: Float

    /// Creates `λ/2 · Σ θ²` over `parameters`.
    /// - Throws: `GraphError.invalidValue` when `parameters` is empty or λ is negative or not finite.
    public init(_ parameters: [Node], lambda: Float, name: String? = nil) throws(GraphError) {
        guard !parameters.isEmpty else {
            throw .invalidValue(node: name ?? "l2_penalty", detail: "no tensors to penalise: pass at least one")
        }
        guard lambda >= 0, lambda.isFinite else {
            throw .invalidValue(node: name ?? "l2_penalty", detail: "lambda \(lambda) is invalid: expected a finite number ≥ 0")
        }
        self.lambda = lambda
        super.init(parameters, name: name)
    }

    /// `l2_penalty(W1, W2, lambda: 1e-4)` (or `l2`) in graph files.
    public static let operationDescription = OperationDescription(
        name: "l2_penalty", aliases: ["l2"], operands: ["θ"], isVariadic: true,
        attributes: [OperationAttribute("lambda", default: nil, help: "penalty strength λ ≥ 0 (required)")],
        category: .regularization, summary: "λ/2 · Σ θ² over the operands → scalar"
    ) { operands, attributes, name in try L2Penalty(operands, lambda: attributes.float("lambda"), name: name) }

    /// λ.
    public var attributes: OperationAttributes { OperationAttributes(["lambda": .number(float: lambda)], operation: kind) }

    public override func outputShape(for inputShapes: [SymbolicShape]) throws -> SymbolicShape { [] }

    public override func forward() throws {
        var total: Double = 0
        for node in inboundNodes {
            node.value.withUnsafeBufferPointer { theta in for v in theta { total += Double(v) * Double(v) } }
        }
        value.withWritePointer { $0[0] = lambda / 2 * Float(total) }
    }

    public override func backward() {
        let scale = lambda * gradient.scalars[0]
        for node in inboundNodes where node.needsGradient {
            let count = node.value.count
            node.value.withReadPointer { theta in node.gradient.withWritePointer { dtheta in
                for i in 0..<count { dtheta[i] += scale * theta[i] }
            } }
        }
    }
}

#if canImport(Darwin)
@used @section("__DATA,gradflow_ops")
#else
@used @section("gradflow_ops")
#endif
private let registration: OperationRegistration = { OperationRegistry.entry(for: L2Penalty.self) }
