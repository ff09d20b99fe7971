/// Operands joined along an axis (numpy's `concatenate`), or — with `stacks` — stacked along a new
/// axis (`stack`: every operand of one shape). Every other axis must agree; the batch axis may be
/// any but the joined one. Gradient: each operand's slice of `∂L/∂y`.
public final class Concatenate: Node, GraphOperation {
    /// The axis joined (for `stack`, the new axis' position in the output; negative from the end).
    public let axis: Int
    /// Whether the operands are stacked along a new axis rather than joined along an existing one.
    public let stacks: Bool
    private var outer = 1, blocks: [Int] = []

    /// Creates `concatenate(operands, axis)` or, with `stacks`, `stack(operands, axis)`.
    public init(_ operands: [Node], axis: Int = 0, stacks: Bool = false, name: String? = nil) {
        (self.axis, self.stacks) = (axis, stacks)
        super.init(operands, name: name)
    }

    /// `concat(a, b, axis: 1)` in graph files (`stack: true` stacks along a new axis).
    public static let operationDescription = OperationDescription(
        name: "concat", operands: ["x"], isVariadic: true,
        attributes: [OperationAttribute("axis", default: .number(0), help: "the axis joined (negative from the end)"),
                     OperationAttribute("stack", default: .word("false"), help: "true: stack along a new axis (numpy's stack)", words: ["true", "false"])],
        category: .linearAlgebra, summary: "operands joined along an axis (or stacked along a new one)"
    ) { operands, attributes, name in
        Concatenate(operands, axis: Int(try attributes.number("axis")), stacks: attributes.word("stack") == "true", name: name)
    }

    /// `axis` and `stack`.
    public var attributes: OperationAttributes {
        OperationAttributes(["axis": .number(Double(axis)), "stack": .word(stacks ? "true" : "false")], operation: kind)
    }

    /// The operand shapes as joined: with `stacks`, each with a size-1 axis inserted.
    private func joined(_ shapes: [SymbolicShape]) throws -> (shapes: [SymbolicShape], axis: Int) {
        let rank = shapes[0].count + (stacks ? 1 : 0)
        let a = axis < 0 ? axis + rank : axis
        guard a >= 0, a < rank else { throw GraphError.shapeMismatch(node: name, detail: "\(kind) axis \(axis) is invalid for rank-\(rank) results") }
        return (stacks ? shapes.map { var s = $0; s.insert(1, at: a); return s } : shapes, a)
    }

    public override func outputShape(for inputShapes: [SymbolicShape]) throws -> SymbolicShape {
        guard !inputShapes.isEmpty else { throw GraphError.shapeMismatch(node: name, detail: "\(kind) needs at least one operand") }
        let (shapes, a) = try joined(inputShapes)
        var total = 0
        for (index, shape) in shapes.enumerated() {
            guard shape.count == shapes[0].count, shape.indices.allSatisfy({ $0 == a || shape[$0] == shapes[0][$0] }) else {
                throw GraphError.shapeMismatch(node: name, detail: "\(stacks ? "stack needs operands of one shape" : "concat operands must agree off axis \(axis)"); "
                                               + "operand \(index) is \(inputShapes[index].text), operand 0 \(inputShapes[0].text)")
            }
            guard case .fixed(let size) = shape[a] else { throw GraphError.shapeMismatch(node: name, detail: "\(kind) cannot join along the batch axis") }
            total += size
        }
        var result = shapes[0]
        result[a] = .fixed(total)
        return result
    }

    public override func planScratchBuffers() {
        let shape = value.shape
        let a = (try? joined(inboundNodes.map { SymbolicShape(fixed: $0.value.shape) }).axis) ?? 0
        outer = shape[..<a].reduce(1, *)
        let inner = shape[(a + 1)...].reduce(1, *)
        blocks = inboundNodes.map { operand in (stacks ? 1 : operand.value.shape[a]) * inner }
    }

    public override func forward() throws {
        let (outer, total) = (self.outer, blocks.reduce(0, +))
        for (index, operand) in inboundNodes.enumerated() {
            let (block, start) = (blocks[index], blocks[..<index].reduce(0, +))
            operand.value.withReadPointer { x in value.withWritePointer { y in
                for o in 0..<outer { (y + o * total + start).update(from: x + o * block, count: block) }
            } }
        }
    }

    public override func backward() {
        let (outer, total) = (self.outer, blocks.reduce(0, +))
        for (index, operand) in inboundNodes.enumerated() where operand.needsGradient {
            let (block, start) = (blocks[index], blocks[..<index].reduce(0, +))
            gradient.withReadPointer { dy in operand.gradient.withWritePointer { dx in
                for o in 0..<outer { for k in 0..<block { dx[o * block + k] += dy[o * total + start + k] } }
            } }
        }
    }
}

/// `x` repeated along broadcast axes to `shape` (numpy's `broadcast_to`, PyTorch's `expand`).
/// Gradient: `∂L/∂y` summed over the broadcast axes.
public final class BroadcastTo: Node, GraphOperation {
    /// The target shape (`-1` keeps the operand's size; the first entry `-1` keeps the batch).
    public let targetShape: [Int]
    private var plan = BroadcastPlan()

    /// Creates `broadcast_to(x, shape)`.
    public init(_ x: Node, shape: [Int], name: String? = nil) {
        targetShape = shape
        super.init([x], name: name)
    }

    /// `broadcast_to(x, shape: [-1, 3, 4])` in graph files.
    public static let operationDescription = OperationDescription(
        name: "broadcast_to", aliases: ["expand"], operands: ["x"],
        attributes: [OperationAttribute("shape", default: nil, help: "the target shape; -1 keeps the operand's size")],
        category: .elementwise, summary: "x repeated along broadcast axes to a shape"
    ) { operands, attributes, name in BroadcastTo(operands[0], shape: try attributes.integers("shape") ?? [], name: name) }

    /// The target shape.
    public var attributes: OperationAttributes { OperationAttributes(["shape": .numbers(targetShape.map(Double.init))], operation: kind) }

    public override func outputShape(for inputShapes: [SymbolicShape]) throws -> SymbolicShape {
        let x = inputShapes[0]
        guard targetShape.count >= x.count else {
            throw GraphError.shapeMismatch(node: name, detail: "broadcast_to \(targetShape) has fewer axes than \(x.text)")
        }
        let offset = targetShape.count - x.count
        var result: SymbolicShape = []
        for (axis, size) in targetShape.enumerated() {
            let operand: Dimension = axis < offset ? 1 : x[axis - offset]
            if size == -1 {
                guard axis >= offset else { throw GraphError.shapeMismatch(node: name, detail: "broadcast_to: -1 at a new axis \(axis)") }
                result.append(operand)
            } else if size >= 1, operand == 1 || operand == .fixed(size) {
                result.append(.fixed(size))
            } else {
                throw GraphError.shapeMismatch(node: name, detail: "cannot broadcast \(x.text) to \(targetShape)")
            }
        }
        return result
    }

    public override func planScratchBuffers() { plan = BroadcastPlan(result: value.shape, inboundNodes[0].value.shape, inboundNodes[0].value.shape) }

    public override func forward() throws {
        inboundNodes[0].value.withReadPointer { x in value.withWritePointer { y in plan.forEach { i, ia, _ in y[i] = x[ia] } } }
    }

    public override func backward() {
        let x = inboundNodes[0]
        guard x.needsGradient else { return }
        gradient.withReadPointer { dy in x.gradient.withWritePointer { dx in plan.forEach { i, ia, _ in dx[ia] += dy[i] } } }
    }
}

#if canImport(Darwin)
@used @section("__DATA,gradflow_ops") private let registerConcat: OperationRegistration = { OperationRegistry.entry(for: Concatenate.self) }
@used @section("__DATA,gradflow_ops") private let registerBroadcast: OperationRegistration = { OperationRegistry.entry(for: BroadcastTo.self) }
#else
@used @section("gradflow_ops") private let registerConcat: OperationRegistration = { OperationRegistry.entry(for: Concatenate.self) }
@used @section("gradflow_ops") private let registerBroadcast: OperationRegistration = { OperationRegistry.entry(for: BroadcastTo.self) }
#endif
