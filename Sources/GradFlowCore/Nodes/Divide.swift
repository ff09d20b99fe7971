/// Elementwise quotient with numpy broadcasting: `y = a / b`.
///
/// Shapes: `a` and `b` broadcast together (see `Add`) → the broadcast shape.
/// Gradients: `∂L/∂a = Σ_broadcast ∂L/∂y / b`, `∂L/∂b = −Σ_broadcast ∂L/∂y · a / b²`.
public final class Divide: Node, GraphOperation {
    private var plan = BroadcastPlan()

    /// Creates `a / b`.
    public init(_ a: Node, _ b: Node, name: String? = nil) { super.init([a, b], name: name) }

    /// `divide` in graph files.
    public static let operationDescription = OperationDescription(
        name: "divide", aliases: ["div"], operands: ["a", "b"], category: .elementwise,
        summary: "a / b, elementwise with broadcasting") { operands, _, name in Divide(operands[0], operands[1], name: name) }

    public override func outputShape(for inputShapes: [SymbolicShape]) throws -> SymbolicShape {
        try BroadcastPlan.outputShape(of: self, operation: "divide", inputShapes)
    }

    public override func planScratchBuffers() { plan = BroadcastPlan(for: self) }

    public override func forward() throws {
        inboundNodes[0].value.withReadPointer { a in inboundNodes[1].value.withReadPointer { b in
            value.withWritePointer { y in plan.forEach { i, ia, ib in y[i] = a[ia] / b[ib] } }
        } }
    }

    public override func backward() {
        let (a, b) = (inboundNodes[0], inboundNodes[1])
        gradient.withReadPointer { dy in b.value.withReadPointer { bv in
            if a.needsGradient { a.gradient.withWritePointer { da in plan.forEach { i, ia, ib in da[ia] += dy[i] / bv[ib] } } }
            if b.needsGradient {
                a.value.withReadPointer { av in b.gradient.withWritePointer { db in
                    plan.forEach { i, ia, ib in db[ib] -= dy[i] * av[ia] / (bv[ib] * bv[ib]) }
                } }
            }
        } }
    }
}

#if canImport(Darwin)
@used @section("__DATA,gradflow_ops")
#else
@used @section("gradflow_ops")
#endif
private let registration: OperationRegistration = { OperationRegistry.entry(for: Divide.self) }
