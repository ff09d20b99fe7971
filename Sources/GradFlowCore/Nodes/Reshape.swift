/// Gives the elements a new shape, keeping their row-major order (numpy's `reshape`): one `-1` is
/// inferred; `[-1, 1, 28, 28]` on `[batch, 784]` keeps the batch axis (`[batch, 1, 28, 28]`).
/// The forward pass is a copy and the backward pass a copy added into `∂L/∂x`.
public final class Reshape: Node, GraphOperation {
    /// The requested shape (one entry may be −1).
    public let targetShape: [Int]

    /// Creates `x` reshaped to `shape`.
    public init(_ x: Node, shape: [Int], name: String? = nil) {
        targetShape = shape
        super.init([x], name: name)
    }

    /// `reshape(x, shape: [-1, 1, 28, 28])` in graph files.
    public static let operationDescription = OperationDescription(
        name: "reshape", operands: ["x"],
        attributes: [OperationAttribute("shape", default: nil, help: "the new shape; one -1 is inferred (the batch when first)")],
        category: .linearAlgebra, summary: "the same elements in a new shape (row-major)"
    ) { operands, attributes, name in
        guard let shape = try attributes.integers("shape") else { throw GraphError.invalidValue(node: name, detail: "reshape needs a shape") }
        return Reshape(operands[0], shape: shape, name: name)
    }

    /// The target shape.
    public var attributes: OperationAttributes {
        OperationAttributes(["shape": .numbers(targetShape.map(Double.init))], operation: kind)
    }

    public override func outputShape(for inputShapes: [SymbolicShape]) throws -> SymbolicShape {
        let x = inputShapes[0]
        let fail = { (why: String) in GraphError.shapeMismatch(node: self.name, detail: "cannot reshape \(x.text) to \(self.targetShape): \(why)") }
        guard targetShape.allSatisfy({ $0 >= 1 || $0 == -1 }), targetShape.filter({ $0 == -1 }).count <= 1 else {
            throw fail("sizes must be ≥ 1, with at most one -1")
        }
        let known = targetShape.filter { $0 > 0 }.reduce(1, *)
        if x.first == .batch {   // only the batch may stay symbolic: it must be the inferred first axis
            guard targetShape.first == -1 else { throw fail("the batch axis must stay first, as -1") }
            let perExample = try x.dropFirst().reduce(1) { (product, dimension) throws(GraphError) -> Int in
                guard case .fixed(let size) = dimension else { throw fail("only the first axis may be the batch") }
                return product * size
            }
            guard perExample == known else { throw fail("each example has \(perExample) elements, the new shape \(known)") }
            return [.batch] + SymbolicShape(fixed: Array(targetShape.dropFirst()))
        }
        let total = try x.reduce(1) { (product, dimension) throws(GraphError) -> Int in
            guard case .fixed(let size) = dimension else { throw fail("only the first axis may be the batch") }
            return product * size
        }
        if targetShape.contains(-1) {
            guard known > 0, total % known == 0 else { throw fail("\(total) elements do not divide into \(known)") }
            return SymbolicShape(fixed: targetShape.map { $0 == -1 ? total / known : $0 })
        }
        guard total == known else { throw fail("\(total) elements, the new shape has \(known)") }
        return SymbolicShape(fixed: targetShape)
    }

    public override func forward() throws {
        let count = value.count
        inboundNodes[0].value.withReadPointer { x in value.withWritePointer { y in y.update(from: x, count: count) } }
    }

    public override func backward() {
        let x = inboundNodes[0]
        guard x.needsGradient else { return }
        let count = value.count
        gradient.withReadPointer { dy in x.gradient.withWritePointer { dx in for i in 0..<count { dx[i] += dy[i] } } }
    }
}

#if canImport(Darwin)
@used @section("__DATA,gradflow_ops")
#else
@used @section("gradflow_ops")
#endif
private let registration: OperationRegistration = { OperationRegistry.entry(for: Reshape.self) }
