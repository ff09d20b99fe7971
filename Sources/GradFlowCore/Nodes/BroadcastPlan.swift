/// The index arithmetic of a broadcasting binary elementwise node (`Add`, `Multiply`), worked out
/// once per memory plan so that forward and backward passes allocate nothing.
///
/// numpy's rules: shapes align at their last axis, a missing or size-1 axis is repeated. Each result
/// element `flat` reads operand A at `offsetA` and B at `offsetB`; a broadcast axis has stride 0, so
/// a backward pass that *adds* `∂L/∂y[flat]` at `offsetA` sums the gradient over the broadcast axes.
struct BroadcastPlan {
    private var shape: [Int] = []
    private var stridesA: [Int] = []
    private var stridesB: [Int] = []
    private var count = 0

    /// An empty plan (before the graph plans its buffers).
    init() {}

    /// The plan for operands of concrete shapes `a` and `b` whose broadcast shape is `result`.
    init(result: [Int], _ a: [Int], _ b: [Int]) {
        shape = result
        stridesA = Broadcasting.strides(of: a, broadcastTo: result)
        stridesB = Broadcasting.strides(of: b, broadcastTo: result)
        count = result.reduce(1, *)
    }

    /// Calls `body(flat, offsetA, offsetB)` for every result element, in row-major order.
    @inline(__always)
    func forEach(_ body: (Int, Int, Int) -> Void) {
        guard count > 0 else { return }
        guard let last = shape.indices.last else { body(0, 0, 0); return }   // two scalars
        let (inner, innerA, innerB) = (shape[last], stridesA[last], stridesB[last])
        for row in 0..<(count / inner) {
            // Offsets of this row's first element: decompose `row` over the outer axes.
            var (rest, offsetA, offsetB) = (row, 0, 0)
            for axis in stride(from: last - 1, through: 0, by: -1) {
                let index = rest % shape[axis]
                rest /= shape[axis]
                offsetA += index * stridesA[axis]
                offsetB += index * stridesB[axis]
            }
            let base = row * inner
            for j in 0..<inner { body(base + j, offsetA + j * innerA, offsetB + j * innerB) }
        }
    }

    /// The plan for a binary node's two operands, from their planned values (call in
    /// `planScratchBuffers()`, once the output buffer has its concrete shape).
    init(for node: Node) {
        self.init(result: node.value.shape, node.inboundNodes[0].value.shape, node.inboundNodes[1].value.shape)
    }

    /// The output shape of a broadcasting binary node (`Add`, `Multiply`).
    /// - Throws: `GraphError.shapeMismatch` naming the node, its operation and both shapes.
    static func outputShape(of node: Node, operation: String, _ shapes: [SymbolicShape]) throws -> SymbolicShape {
        guard let shape = BroadcastPlan.shape(shapes[0], shapes[1]), shape.hasPositiveSizes else {
            throw GraphError.shapeMismatch(node: node.name, detail:
                "\(operation) needs operands that broadcast together; got \(shapes[0].text) and \(shapes[1].text)")
        }
        return shape
    }

    /// The broadcast of two declared shapes, or nil when they cannot broadcast. A `.batch` axis
    /// against a fixed size other than 1 is accepted here and checked again with the real batch size.
    static func shape(_ a: SymbolicShape, _ b: SymbolicShape) -> SymbolicShape? {
        let rank = max(a.count, b.count)
        var result: SymbolicShape = []
        for axis in 0..<rank {
            let da: Dimension = axis < rank - a.count ? 1 : a[axis - (rank - a.count)]
            let db: Dimension = axis < rank - b.count ? 1 : b[axis - (rank - b.count)]
            switch (da, db) {
            case (1, _): result.append(db)
            case (_, 1): result.append(da)
            case (.fixed, _) where da.agrees(with: db): result.append(da)
            case (.batch, _) where da.agrees(with: db): result.append(db)
            default: return nil
            }
        }
        return result
    }
}
