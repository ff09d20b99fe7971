/// Entries of `x` picked along one axis (numpy's `take`, PyTorch's `index_select`): output entry j
/// along `axis` is input entry `indices[j]`; the other axes are kept. The shared pass of `Take`
/// (constant indices), `Slice` (a strided range) and `Gather` (indices fed as data).
/// Gradient: scatter-add — `∂L/∂x[…, indices[j], …] += ∂L/∂y[…, j, …]`, so a repeated index sums.
public class IndexSelect: Node {
    /// The axis indexed (negative counts from the end).
    public let axis: Int
    /// The resolved indices of the last plan (for `Gather`: of the last forward pass).
    var resolved: [Int] = []
    private var outer = 1, size = 1, inner = 1

    init(_ operands: [Node], axis: Int, name: String?) {
        self.axis = axis
        super.init(operands, name: name)
    }

    /// `axis` resolved for a rank-`rank` operand.
    func resolvedAxis(rank: Int) throws -> Int {
        let a = axis < 0 ? axis + rank : axis
        guard a >= 0, a < rank else { throw GraphError.shapeMismatch(node: name, detail: "\(kind) axis \(axis) is invalid for a rank-\(rank) operand") }
        return a
    }

    /// The output's shape with `count` entries along the axis (which must not be the batch).
    func shape(of x: SymbolicShape, taking count: Int) throws -> SymbolicShape {
        let a = try resolvedAxis(rank: x.count)
        guard case .fixed = x[a] else { throw GraphError.shapeMismatch(node: name, detail: "\(kind) cannot index the batch axis of \(x.text)") }
        var shape = x
        shape[a] = .fixed(count)
        return shape
    }

    /// The indices for an axis of `size` entries (subclasses; `Gather` reads its operand).
    func indices(size: Int) throws -> [Int] { preconditionFailure("\(type(of: self)) must override indices(size:)") }

    public override func planScratchBuffers() {
        let shape = inboundNodes[0].value.shape
        let a = (try? resolvedAxis(rank: shape.count)) ?? 0
        (outer, size, inner) = (shape[..<a].reduce(1, *), shape[a], shape[(a + 1)...].reduce(1, *))
        resolved = (try? indices(size: size)) ?? []
    }

    public override func forward() throws {
        let (outer, size, inner, picks) = (self.outer, self.size, self.inner, resolved)
        inboundNodes[0].value.withReadPointer { x in value.withWritePointer { y in
            var out = 0
            for o in 0..<outer {
                for i in picks {
                    let source = x + (o * size + i) * inner
                    for k in 0..<inner { y[out + k] = source[k] }
                    out += inner
                }
            }
        } }
    }

    public override func backward() {
        let x = inboundNodes[0]
        guard x.needsGradient else { return }
        let (outer, size, inner, picks) = (self.outer, self.size, self.inner, resolved)
        gradient.withReadPointer { dy in x.gradient.withWritePointer { dx in
            var out = 0
            for o in 0..<outer {
                for i in picks {
                    let target = dx + (o * size + i) * inner
                    for k in 0..<inner { target[k] += dy[out + k] }
                    out += inner
                }
            }
        } }
    }
}

/// Constant integer-array indexing along an axis (numpy's `take(x, [2, 0, 2], axis=1)`; negative
/// indices count from the end).
public final class Take: IndexSelect, GraphOperation {
    /// The indices as given.
    public let indexList: [Int]

    /// Creates `take(x, indices, axis)`.
    public init(_ x: Node, indices: [Int], axis: Int = 0, name: String? = nil) {
        indexList = indices
        super.init([x], axis: axis, name: name)
    }

    /// `take(x, indices: [2, 0], axis: 1)` in graph files.
    public static let operationDescription = OperationDescription(
        name: "take", operands: ["x"],
        attributes: [OperationAttribute("indices", default: nil, help: "the entries to pick (negative from the end)"),
                     OperationAttribute("axis", default: .number(0), help: "the axis indexed")],
        category: .linearAlgebra, summary: "entries picked along an axis (numpy's take); gradient scatter-adds"
    ) { operands, attributes, name in
        Take(operands[0], indices: try attributes.integers("indices") ?? [], axis: Int(try attributes.number("axis")), name: name)
    }

    /// `indices` and `axis`.
    public var attributes: OperationAttributes {
        OperationAttributes(["indices": .numbers(indexList.map(Double.init)), "axis": .number(Double(axis))], operation: kind)
    }

    public override func outputShape(for inputShapes: [SymbolicShape]) throws -> SymbolicShape {
        let shape = try shape(of: inputShapes[0], taking: indexList.count)
        if case .fixed(let size) = inputShapes[0][try resolvedAxis(rank: inputShapes[0].count)] { _ = try indices(size: size) }
        return shape
    }

    override func indices(size: Int) throws -> [Int] {
        try indexList.map { index in
            let i = index < 0 ? index + size : index
            guard i >= 0, i < size else { throw GraphError.shapeMismatch(node: name, detail: "take index \(index) is out of range for an axis of \(size)") }
            return i
        }
    }
}

/// A strided range along an axis (numpy's `x[start:end:step]`; negative bounds count from the end and
/// are clipped, as numpy does; `step` ≥ 1).
public final class Slice: IndexSelect, GraphOperation {
    /// The bounds and step as given (nil `end`: to the end).
    public let start: Int, end: Int?, step: Int

    /// Creates `x[start:end:step]` along `axis`.
    /// - Throws: `GraphError.invalidValue` for a step below 1.
    public init(_ x: Node, axis: Int = 0, start: Int = 0, end: Int? = nil, step: Int = 1, name: String? = nil) throws(GraphError) {
        guard step >= 1 else { throw .invalidValue(node: name ?? "slice", detail: "slice step \(step) must be at least 1") }
        (self.start, self.end, self.step) = (start, end, step)
        super.init([x], axis: axis, name: name)
    }

    /// `slice(x, axis: 1, start: 1, end: 4, step: 2)` in graph files.
    public static let operationDescription = OperationDescription(
        name: "slice", operands: ["x"],
        attributes: [OperationAttribute("axis", default: .number(0), help: "the axis sliced"),
                     OperationAttribute("start", default: .number(0), help: "the first entry (negative from the end)"),
                     OperationAttribute("end", default: .word("none"), help: "one past the last entry (none: the end)", words: ["none"], takesNumbers: true),
                     OperationAttribute("step", default: .number(1), help: "the stride (≥ 1)")],
        category: .linearAlgebra, summary: "x[start:end:step] along an axis"
    ) { operands, attributes, name in
        try Slice(operands[0], axis: Int(try attributes.number("axis")), start: Int(try attributes.number("start")),
                  end: try attributes.integers("end")?.first, step: Int(try attributes.number("step")), name: name)
    }

    /// `axis`, `start`, `end` and `step`.
    public var attributes: OperationAttributes {
        OperationAttributes(["axis": .number(Double(axis)), "start": .number(Double(start)), "end": end.map { .number(Double($0)) } ?? .word("none"),
                             "step": .number(Double(step))], operation: kind)
    }

    public override func outputShape(for inputShapes: [SymbolicShape]) throws -> SymbolicShape {
        let a = try resolvedAxis(rank: inputShapes[0].count)
        guard case .fixed(let size) = inputShapes[0][a] else {
            throw GraphError.shapeMismatch(node: name, detail: "slice cannot index the batch axis of \(inputShapes[0].text)")
        }
        let count = try indices(size: size).count
        guard count > 0 else { throw GraphError.shapeMismatch(node: name, detail: "slice \(start):\(end.map(String.init) ?? ""):\(step) of an axis of \(size) is empty") }
        return try shape(of: inputShapes[0], taking: count)
    }

    override func indices(size: Int) throws -> [Int] {
        let clip = { (bound: Int) in Swift.min(Swift.max(bound < 0 ? bound + size : bound, 0), size) }
        let (from, to) = (clip(start), clip(end ?? size))
        return Array(stride(from: from, to: Swift.max(from, to), by: step))
    }
}

/// Integer-array indexing by data: rows of `x` along `axis` picked by the values of `index` (a
/// vector of whole numbers, fed or computed; PyTorch's `index_select`). `index` gets no gradient.
public final class Gather: IndexSelect, GraphOperation {
    /// Creates the selection of `x` by `index` along `axis`.
    public init(_ x: Node, index: Node, axis: Int = 0, name: String? = nil) { super.init([x, index], axis: axis, name: name) }

    /// `gather(x, index, axis: 0)` in graph files.
    public static let operationDescription = OperationDescription(
        name: "gather", operands: ["x", "index"], attributes: [OperationAttribute("axis", default: .number(0), help: "the axis indexed")],
        category: .linearAlgebra, summary: "x's entries along an axis at the positions in the vector index (index_select)"
    ) { operands, attributes, name in Gather(operands[0], index: operands[1], axis: Int(try attributes.number("axis")), name: name) }

    /// `axis`.
    public var attributes: OperationAttributes { OperationAttributes(["axis": .number(Double(axis))], operation: kind) }

    public override func outputShape(for inputShapes: [SymbolicShape]) throws -> SymbolicShape {
        guard inputShapes[1].count == 1 else {
            throw GraphError.shapeMismatch(node: name, detail: "gather's index must be a vector; got \(inputShapes[1].text)")
        }
        let a = try resolvedAxis(rank: inputShapes[0].count)
        guard case .fixed = inputShapes[0][a] else { throw GraphError.shapeMismatch(node: name, detail: "gather cannot index the batch axis of \(inputShapes[0].text)") }
        var shape = inputShapes[0]
        shape[a] = inputShapes[1][0]
        return shape
    }

    override func indices(size: Int) throws -> [Int] {
        var picks = [Int](repeating: 0, count: inboundNodes[1].value.count)
        try fill(&picks, size: size)
        return picks
    }

    /// Reads the index operand into `picks` (same count), checking every value.
    private func fill(_ picks: inout [Int], size: Int) throws {
        let count = picks.count
        try inboundNodes[1].value.withReadPointer { index in
            for position in 0..<count {
                let value = index[position]
                guard value == value.rounded(), value >= 0, value < Float(size) else {
                    throw GraphError.invalidValue(node: name, detail: "index \(position) is \(value), not a whole number in 0..<\(size)")
                }
                picks[position] = Int(value)
            }
        }
    }

    public override func planScratchBuffers() {
        super.planScratchBuffers()
        resolved = [Int](repeating: 0, count: inboundNodes[1].value.count)   // filled (and checked) by each forward pass
    }

    public override func forward() throws {
        let shape = inboundNodes[0].value.shape
        try fill(&resolved, size: shape[try resolvedAxis(rank: shape.count)])   // in place: no allocation per step
        try super.forward()
    }
}

#if canImport(Darwin)
@used @section("__DATA,gradflow_ops") private let registerTake: OperationRegistration = { OperationRegistry.entry(for: Take.self) }
@used @section("__DATA,gradflow_ops") private let registerSlice: OperationRegistration = { OperationRegistry.entry(for: Slice.self) }
@used @section("__DATA,gradflow_ops") private let registerGather: OperationRegistration = { OperationRegistry.entry(for: Gather.self) }
#else
@used @section("gradflow_ops") private let registerTake: OperationRegistration = { OperationRegistry.entry(for: Take.self) }
@used @section("gradflow_ops") private let registerSlice: OperationRegistration = { OperationRegistry.entry(for: Slice.self) }
@used @section("gradflow_ops") private let registerGather: OperationRegistration = { OperationRegistry.entry(for: Gather.self) }
#endif
