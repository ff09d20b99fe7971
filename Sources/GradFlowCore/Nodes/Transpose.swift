/// Permutes the axes (numpy's `transpose`, PyTorch's `permute`; `x.T` of a matrix):
/// `y[i₀, …] = x[…]` with output axis k being input axis `permutation[k]`. No permutation reverses
/// the axes. Gradient: the inverse permutation of `∂L/∂y`, added into `∂L/∂x`.
public final class Transpose: Node, GraphOperation {
    /// Output axis k is input axis `permutation[k]`; nil reverses the axes.
    public let permutation: [Int]?
    /// The output's shape and, per output axis, the input's stride along it (planned).
    private var outputSizes: [Int] = [], strides: [Int] = [], count = 0

    /// Creates the transpose of `x` by `permutation` (nil: reverse the axes).
    public init(_ x: Node, permutation: [Int]? = nil, name: String? = nil) {
        self.permutation = permutation
        super.init([x], name: name)
    }

    /// `transpose(x, axes: [0, 2, 1])` in graph files.
    public static let operationDescription = OperationDescription(
        name: "transpose", aliases: ["permute"], operands: ["x"],
        attributes: [OperationAttribute("axes", default: .word("none"), help: "the input axis of each output axis (none: reversed)", words: ["none"],
                                        takesNumbers: true)],
        category: .linearAlgebra, summary: "permutes the axes (reverses them by default)"
    ) { operands, attributes, name in Transpose(operands[0], permutation: try attributes.integers("axes"), name: name) }

    /// The permutation (`none` when reversed).
    public var attributes: OperationAttributes {
        OperationAttributes(["axes": permutation.map { .numbers($0.map(Double.init)) } ?? .word("none")], operation: kind)
    }

    private func order(rank: Int) throws -> [Int] {
        guard let permutation else { return Array((0..<rank).reversed()) }
        guard permutation.count == rank, Set(permutation) == Set(0..<rank) else {
            throw GraphError.shapeMismatch(node: name, detail: "transpose axes \(permutation) are not a permutation of 0..<\(rank)")
        }
        return permutation
    }

    public override func outputShape(for inputShapes: [SymbolicShape]) throws -> SymbolicShape {
        let x = inputShapes[0]
        return SymbolicShape(try order(rank: x.count).map { x[$0] })
    }

    public override func planScratchBuffers() {
        let input = inboundNodes[0].value.shape
        let axes = (try? order(rank: input.count)) ?? []
        var inputStrides = [Int](repeating: 1, count: input.count)
        for axis in stride(from: input.count - 2, through: 0, by: -1) { inputStrides[axis] = inputStrides[axis + 1] * input[axis + 1] }
        outputSizes = axes.map { input[$0] }
        count = input.reduce(1, *)
        strides = axes.map { inputStrides[$0] }
    }

    /// Calls `body(outputIndex, inputOffset)` for every element, in the output's row-major order.
    @inline(__always)
    private func forEachElement(_ body: (Int, Int) -> Void) {
        let (count, sizes) = (self.count, outputSizes)   // not `value.count`: callers hold `value` for writing
        guard let last = sizes.indices.last else { if count > 0 { body(0, 0) }; return }
        let (inner, innerStride) = (sizes[last], strides[last])
        guard inner > 0 else { return }
        for row in 0..<(count / inner) {
            var (rest, offset) = (row, 0)
            for axis in stride(from: last - 1, through: 0, by: -1) {
                offset += (rest % sizes[axis]) * strides[axis]
                rest /= sizes[axis]
            }
            for j in 0..<inner { body(row * inner + j, offset + j * innerStride) }
        }
    }

    public override func forward() throws {
        inboundNodes[0].value.withReadPointer { x in value.withWritePointer { y in forEachElement { o, i in y[o] = x[i] } } }
    }

    public override func backward() {
        let x = inboundNodes[0]
        guard x.needsGradient else { return }
        gradient.withReadPointer { dy in x.gradient.withWritePointer { dx in forEachElement { o, i in dx[i] += dy[o] } } }
    }
}

#if canImport(Darwin)
@used @section("__DATA,gradflow_ops")
#else
@used @section("gradflow_ops")
#endif
private let registration: OperationRegistration = { OperationRegistry.entry(for: Transpose.self) }
