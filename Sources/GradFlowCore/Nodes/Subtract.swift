/// Elementwise difference with numpy broadcasting: `y = a − b`.
///
/// Shapes: `a` and `b` broadcast together (see `Add`) → the broadcast shape.
/// Gradients: `∂L/∂a = Σ_broadcast ∂L/∂y`, `∂L/∂b = −Σ_broadcast ∂L/∂y`.
public final class Subtract: Node, GraphOperation {
    private var plan = BroadcastPlan()

    /// Creates `a − b`.
    public init(_ a: Node, _ b: Node, name: String? = nil) { super.init([a, b], name: name) }

    /// `subtract` in graph files.
    public static let operationDescription = OperationDescription(
        name: "subtract", aliases: ["sub"], operands: ["a", "b"], category: .elementwise,
        summary: "a − b, elementwise with broadcasting") { operands, _, name in Subtract(operands[0], operands[1], name: name) }

    public override func outputShape(for inputShapes: [SymbolicShape]) throws -> SymbolicShape {
        try BroadcastPlan.outputShape(of: self, operation: "subtract", inputShapes)
    }

    public override func planScratchBuffers() { plan = BroadcastPlan(for: self) }

    public override func forward() throws {
        inboundNodes[0].value.withReadPointer { a in inboundNodes[1].value.withReadPointer { b in
            value.withWritePointer { y in plan.forEach { i, ia, ib in y[i] = a[ia] - b[ib] } }
        } }
    }

    public override func backward() {
        let (a, b) = (inboundNodes[0], inboundNodes[1])
        gradient.withReadPointer { dy in
            if a.needsGradient { a.gradient.withWritePointer { da in plan.forEach { i, ia, _ in da[ia] += dy[i] } } }
            if b.needsGradient { b.gradient.withWritePointer { db in plan.forEach { i, _, ib in db[ib] -= dy[i] } } }
        }
    }
}

#if canImport(Darwin)
@used @section("__DATA,gradflow_ops")
#else
@used @section("gradflow_ops")
#endif
private let registration: OperationRegistration = { OperationRegistry.entry(for: Subtract.self) }
