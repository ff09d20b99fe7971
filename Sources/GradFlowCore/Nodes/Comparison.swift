/// Elementwise choices with numpy broadcasting: `maximum`/`minimum` (differentiable), the
/// comparisons `greater`, `less`, `equal`, … (0 or 1, no gradient), and `where(cond, a, b)`.

/// `max(a, b)` or `min(a, b)` elementwise (numpy's `maximum`/`minimum`). Gradient: to the operand
/// chosen (to `a` on ties).
public final class Extreme: Node, GraphOperation {
    /// Whether it takes the larger (`maximum`) or the smaller (`minimum`).
    public let takesLarger: Bool
    private var plan = BroadcastPlan()

    /// Creates `maximum(a, b)` (or `minimum` with `takesLarger: false`).
    public init(_ a: Node, _ b: Node, takesLarger: Bool = true, name: String? = nil) {
        self.takesLarger = takesLarger
        super.init([a, b], name: name)
    }

    /// `maximum(a, b)` in graph files (`maximum(a, b, take: min)` is the minimum).
    public static let operationDescription = OperationDescription(
        name: "maximum", operands: ["a", "b"],
        attributes: [OperationAttribute("take", default: .word("max"), help: "max, or min for numpy's minimum", words: ["max", "min"])],
        category: .elementwise, summary: "the larger (or smaller) of a and b, elementwise with broadcasting"
    ) { operands, attributes, name in Extreme(operands[0], operands[1], takesLarger: attributes.word("take") != "min", name: name) }

    /// `take`.
    public var attributes: OperationAttributes { OperationAttributes(["take": .word(takesLarger ? "max" : "min")], operation: kind) }

    public override func outputShape(for inputShapes: [SymbolicShape]) throws -> SymbolicShape {
        try BroadcastPlan.outputShape(of: self, operation: "maximum", inputShapes)
    }

    public override func planScratchBuffers() { plan = BroadcastPlan(for: self) }

    @inline(__always)
    private func choosesA(_ a: Float, _ b: Float) -> Bool { takesLarger ? a >= b : a <= b }

    public override func forward() throws {
        inboundNodes[0].value.withReadPointer { a in inboundNodes[1].value.withReadPointer { b in
            value.withWritePointer { y in plan.forEach { i, ia, ib in y[i] = choosesA(a[ia], b[ib]) ? a[ia] : b[ib] } }
        } }
    }

    public override func backward() {
        let (a, b) = (inboundNodes[0], inboundNodes[1])
        a.value.withReadPointer { av in b.value.withReadPointer { bv in gradient.withReadPointer { dy in
            if a.needsGradient { a.gradient.withWritePointer { da in plan.forEach { i, ia, ib in if choosesA(av[ia], bv[ib]) { da[ia] += dy[i] } } } }
            if b.needsGradient { b.gradient.withWritePointer { db in plan.forEach { i, ia, ib in if !choosesA(av[ia], bv[ib]) { db[ib] += dy[i] } } } }
        } } }
    }
}

/// An elementwise comparison with broadcasting, 1 where it holds and 0 elsewhere (a mask for `where`,
/// or accuracy counting). Not differentiable: it passes no gradient.
public final class Compare: Node, GraphOperation {
    /// The comparisons.
    public enum Relation: String, Sendable, CaseIterable {
        /// `a > b`, `a ≥ b`, `a < b`, `a ≤ b`, `a = b`, `a ≠ b`.
        case greater, greaterEqual = "greater_equal", less, lessEqual = "less_equal", equal, notEqual = "not_equal"

        func holds(_ a: Float, _ b: Float) -> Bool {
            switch self {
            case .greater: return a > b
            case .greaterEqual: return a >= b
            case .less: return a < b
            case .lessEqual: return a <= b
            case .equal: return a == b
            case .notEqual: return a != b
            }
        }
    }

    /// The comparison made.
    public let relation: Relation
    private var plan = BroadcastPlan()

    /// Creates `a <relation> b` as 0/1.
    public init(_ a: Node, _ b: Node, _ relation: Relation, name: String? = nil) {
        self.relation = relation
        super.init([a, b], name: name)
    }

    /// `compare(a, b, op: greater)` in graph files.
    public static let operationDescription = OperationDescription(
        name: "compare", operands: ["a", "b"],
        attributes: [OperationAttribute("op", default: nil, help: "the relation", words: Relation.allCases.map(\.rawValue), takesNumbers: false)],
        category: .elementwise, summary: "1 where a <op> b holds, else 0 (broadcasting; no gradient)"
    ) { operands, attributes, name in
        guard let relation = attributes.word("op").flatMap(Relation.init(rawValue:)) else {
            throw GraphError.invalidValue(node: name, detail: "compare needs op: one of \(Relation.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return Compare(operands[0], operands[1], relation, name: name)
    }

    /// `op`.
    public var attributes: OperationAttributes { OperationAttributes(["op": .word(relation.rawValue)], operation: kind) }

    public override func outputShape(for inputShapes: [SymbolicShape]) throws -> SymbolicShape {
        try BroadcastPlan.outputShape(of: self, operation: "compare", inputShapes)
    }

    public override func planScratchBuffers() { plan = BroadcastPlan(for: self) }

    public override func forward() throws {
        let relation = self.relation
        inboundNodes[0].value.withReadPointer { a in inboundNodes[1].value.withReadPointer { b in
            value.withWritePointer { y in plan.forEach { i, ia, ib in y[i] = relation.holds(a[ia], b[ib]) ? 1 : 0 } }
        } }
    }

    public override func backward() {}
}

/// `where(cond, a, b)`: `a` where `cond` is non-zero, else `b` (numpy's `where`; all three broadcast
/// together). Gradient: `∂L/∂y` to `a` where chosen and to `b` elsewhere; none to `cond`.
public final class Where: Node, GraphOperation {
    private var choices = BroadcastPlan(), condition = BroadcastPlan()
    private var mask: [Bool] = []

    /// Creates `where(condition, a, b)`.
    public init(_ condition: Node, _ a: Node, _ b: Node, name: String? = nil) { super.init([condition, a, b], name: name) }

    /// `where(cond, a, b)` in graph files.
    public static let operationDescription = OperationDescription(
        name: "where", operands: ["cond", "a", "b"], category: .elementwise, summary: "a where cond ≠ 0, else b (broadcasting)"
    ) { operands, _, name in Where(operands[0], operands[1], operands[2], name: name) }

    public override func outputShape(for inputShapes: [SymbolicShape]) throws -> SymbolicShape {
        guard let ab = BroadcastPlan.shape(inputShapes[1], inputShapes[2]), let all = BroadcastPlan.shape(inputShapes[0], ab), all.hasPositiveSizes else {
            throw GraphError.shapeMismatch(node: name, detail: "where needs cond, a and b that broadcast together; got "
                                           + inputShapes.map(\.text).joined(separator: ", "))
        }
        return all
    }

    public override func planScratchBuffers() {
        let shape = value.shape
        choices = BroadcastPlan(result: shape, inboundNodes[1].value.shape, inboundNodes[2].value.shape)
        condition = BroadcastPlan(result: shape, inboundNodes[0].value.shape, inboundNodes[0].value.shape)
        mask = [Bool](repeating: false, count: value.count)
    }

    public override var scratchBytes: Int { mask.count }

    public override func forward() throws {
        mask.withUnsafeMutableBufferPointer { m in
            inboundNodes[0].value.withReadPointer { c in condition.forEach { i, ic, _ in m[i] = c[ic] != 0 } }
        }
        mask.withUnsafeBufferPointer { m in
            inboundNodes[1].value.withReadPointer { a in inboundNodes[2].value.withReadPointer { b in
                value.withWritePointer { y in choices.forEach { i, ia, ib in y[i] = m[i] ? a[ia] : b[ib] } }
            } }
        }
    }

    public override func backward() {
        let (a, b) = (inboundNodes[1], inboundNodes[2])
        mask.withUnsafeBufferPointer { m in gradient.withReadPointer { dy in
            if a.needsGradient { a.gradient.withWritePointer { da in choices.forEach { i, ia, _ in if m[i] { da[ia] += dy[i] } } } }
            if b.needsGradient { b.gradient.withWritePointer { db in choices.forEach { i, _, ib in if !m[i] { db[ib] += dy[i] } } } }
        } }
    }
}

#if canImport(Darwin)
@used @section("__DATA,gradflow_ops") private let registerExtreme: OperationRegistration = { OperationRegistry.entry(for: Extreme.self) }
@used @section("__DATA,gradflow_ops") private let registerCompare: OperationRegistration = { OperationRegistry.entry(for: Compare.self) }
@used @section("__DATA,gradflow_ops") private let registerWhere: OperationRegistration = { OperationRegistry.entry(for: Where.self) }
#else
@used @section("gradflow_ops") private let registerExtreme: OperationRegistration = { OperationRegistry.entry(for: Extreme.self) }
@used @section("gradflow_ops") private let registerCompare: OperationRegistration = { OperationRegistry.entry(for: Compare.self) }
@used @section("gradflow_ops") private let registerWhere: OperationRegistration = { OperationRegistry.entry(for: Where.self) }
#endif
