/// The shared shape of reductions over axes (`sum`, `mean`, `prod`, `max`, `min`, `var`, `std`,
/// `logsumexp`, `argmax`, `argmin`), numpy's `axis` and `keepdims`: `axes` nil reduces every axis
/// (a scalar, `[]`); negative axes count from the end; `keepDims` leaves each reduced axis as 1.
///
/// The memory plan maps every input element to its output element once (a broadcast of the kept
/// shape to the input's, as `Add` uses), so passes allocate nothing; elements are visited in
/// row-major order.
public class Reduction: Node {
    /// The reduced axes as given (nil: all) and whether they stay as size-1 axes.
    public let axes: [Int]?, keepDims: Bool
    var plan = BroadcastPlan()
    /// Values per output element (the product of the reduced sizes), set by the plan.
    var groupSize = 1

    init(_ x: Node, axes: [Int]?, keepDims: Bool, name: String?) {
        (self.axes, self.keepDims) = (axes, keepDims)
        super.init([x], name: name)
    }

    /// `axis` and `keep_dims`.
    public var attributes: OperationAttributes {
        OperationAttributes(["axis": axes.map { .numbers($0.map(Double.init)) } ?? .word("none"), "keep_dims": .word(keepDims ? "true" : "false")],
                            operation: kind)
    }

    /// The attributes every reduction takes.
    static let commonAttributes = [
        OperationAttribute("axis", default: .word("none"), help: "axis or axes to reduce (negative from the end; none: all)", words: ["none"],
                           takesNumbers: true),
        OperationAttribute("keep_dims", default: .word("false"), help: "keep reduced axes as size 1 (true or false)", words: ["true", "false"]),
    ]

    /// `(axes, keepDims)` from graph-file attributes.
    static func settings(_ attributes: OperationAttributes) throws(GraphError) -> ([Int]?, Bool) {
        (try attributes.integers("axis"), attributes.word("keep_dims") == "true")
    }

    /// The reduced axes of a rank-`rank` operand, each in 0..<rank, sorted.
    func resolvedAxes(rank: Int) throws -> [Int] {
        guard let axes else { return Array(0..<rank) }
        var resolved: [Int] = []
        for axis in axes {
            let a = axis < 0 ? axis + rank : axis
            guard a >= 0, a < rank, !resolved.contains(a) else {
                throw GraphError.shapeMismatch(node: name, detail: "\(kind) axis \(axis) is invalid for a rank-\(rank) operand (or repeated)")
            }
            resolved.append(a)
        }
        return resolved.sorted()
    }

    public override func outputShape(for inputShapes: [SymbolicShape]) throws -> SymbolicShape {
        let x = inputShapes[0]
        let reduced = try resolvedAxes(rank: x.count)
        return keepDims ? SymbolicShape(x.enumerated().map { reduced.contains($0.offset) ? 1 : $0.element })
            : SymbolicShape(x.enumerated().filter { !reduced.contains($0.offset) }.map(\.element))
    }

    public override func planScratchBuffers() {
        let shape = inboundNodes[0].value.shape
        let reduced = (try? resolvedAxes(rank: shape.count)) ?? []
        let kept = shape.enumerated().map { reduced.contains($0.offset) ? 1 : $0.element }
        plan = BroadcastPlan(result: shape, kept, kept)
        groupSize = Swift.max(1, reduced.reduce(1) { $0 * shape[$1] })
    }

    /// Calls `body(inputIndex, outputIndex)` for every input element, in row-major order.
    @inline(__always)
    func forEachElement(_ body: (Int, Int) -> Void) { plan.forEach { i, o, _ in body(i, o) } }

    /// `out[o] = (Σ of group o's elements of x) / divisor` for the `count` groups (sum: 1; mean: n).
    func groupSums(_ x: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, count: Int, dividedBy divisor: Float) {
        for o in 0..<count { out[o] = 0 }
        forEachElement { i, o in out[o] += x[i] }
        if divisor != 1 { for o in 0..<count { out[o] /= divisor } }
    }

    /// `∂L/∂x[i] += ∂L/∂y[group of i] / divisor` (the backward pass of a sum or a mean).
    func spreadGradient(dividedBy divisor: Float) {
        let x = inboundNodes[0]
        guard x.needsGradient else { return }
        gradient.withReadPointer { dy in x.gradient.withWritePointer { dx in
            if divisor == 1 { forEachElement { i, o in dx[i] += dy[o] } } else { forEachElement { i, o in dx[i] += dy[o] / divisor } }
        } }
    }
}

/// The sum over axes (numpy's `sum`). Gradient: `∂L/∂y` copied to every element of its group.
public final class Sum: Reduction, GraphOperation {
    /// Creates the sum of `x` over `axes` (nil: all).
    public override init(_ x: Node, axes: [Int]? = nil, keepDims: Bool = false, name: String? = nil) { super.init(x, axes: axes, keepDims: keepDims, name: name) }
    /// `sum(x, axis: 1)` in graph files.
    public static let operationDescription = OperationDescription(
        name: "sum", operands: ["x"], attributes: Reduction.commonAttributes, category: .elementwise, summary: "Σ over axes"
    ) { operands, attributes, name in let (axes, keep) = try Reduction.settings(attributes); return Sum(operands[0], axes: axes, keepDims: keep, name: name) }

    public override func forward() throws {
        let count = value.count
        inboundNodes[0].value.withReadPointer { x in value.withWritePointer { y in groupSums(x, into: y, count: count, dividedBy: 1) } }
    }

    public override func backward() { spreadGradient(dividedBy: 1) }
}

/// The mean over axes (numpy's `mean`). Gradient: `∂L/∂y / n` to every element of its group of n.
public final class Mean: Reduction, GraphOperation {
    /// Creates the mean of `x` over `axes` (nil: all).
    public override init(_ x: Node, axes: [Int]? = nil, keepDims: Bool = false, name: String? = nil) { super.init(x, axes: axes, keepDims: keepDims, name: name) }
    /// `mean(x, axis: 0)` in graph files.
    public static let operationDescription = OperationDescription(
        name: "mean", operands: ["x"], attributes: Reduction.commonAttributes, category: .elementwise, summary: "mean over axes"
    ) { operands, attributes, name in let (axes, keep) = try Reduction.settings(attributes); return Mean(operands[0], axes: axes, keepDims: keep, name: name) }

    public override func forward() throws {
        let (count, n) = (value.count, Float(groupSize))
        inboundNodes[0].value.withReadPointer { x in value.withWritePointer { y in groupSums(x, into: y, count: count, dividedBy: n) } }
    }

    public override func backward() { spreadGradient(dividedBy: Float(groupSize)) }
}

/// The product over axes (numpy's `prod`). Gradient: the product of the group's other elements
/// (computed from the count of zeros, so a zero element gets the product of the rest).
public final class Product: Reduction, GraphOperation {
    private var nonZeroProducts: [Float] = [], zeroCounts: [Int] = []
    /// Creates the product of `x` over `axes` (nil: all).
    public override init(_ x: Node, axes: [Int]? = nil, keepDims: Bool = false, name: String? = nil) { super.init(x, axes: axes, keepDims: keepDims, name: name) }
    /// `prod(x, axis: 1)` in graph files.
    public static let operationDescription = OperationDescription(
        name: "prod", operands: ["x"], attributes: Reduction.commonAttributes, category: .elementwise, summary: "Π over axes"
    ) { operands, attributes, name in let (axes, keep) = try Reduction.settings(attributes); return Product(operands[0], axes: axes, keepDims: keep, name: name) }

    public override func planScratchBuffers() {
        super.planScratchBuffers()
        (nonZeroProducts, zeroCounts) = ([Float](repeating: 1, count: value.count), [Int](repeating: 0, count: value.count))
    }

    public override func forward() throws {
        let count = value.count
        inboundNodes[0].value.withReadPointer { x in value.withWritePointer { y in
            nonZeroProducts.withUnsafeMutableBufferPointer { p in zeroCounts.withUnsafeMutableBufferPointer { z in
                for o in 0..<count { (p[o], z[o]) = (1, 0) }
                forEachElement { i, o in if x[i] == 0 { z[o] += 1 } else { p[o] *= x[i] } }
                for o in 0..<count { y[o] = z[o] == 0 ? p[o] : 0 }
            } }
        } }
    }

    public override func backward() {
        let x = inboundNodes[0]
        guard x.needsGradient else { return }
        x.value.withReadPointer { xs in gradient.withReadPointer { dy in x.gradient.withWritePointer { dx in
            nonZeroProducts.withUnsafeBufferPointer { p in zeroCounts.withUnsafeBufferPointer { z in
                forEachElement { i, o in
                    let others: Float = z[o] == 0 ? p[o] / xs[i] : (z[o] == 1 && xs[i] == 0 ? p[o] : 0)
                    dx[i] += dy[o] * others
                }
            } }
        } } }
    }
}

#if canImport(Darwin)
@used @section("__DATA,gradflow_ops") private let registerSum: OperationRegistration = { OperationRegistry.entry(for: Sum.self) }
@used @section("__DATA,gradflow_ops") private let registerMean: OperationRegistration = { OperationRegistry.entry(for: Mean.self) }
@used @section("__DATA,gradflow_ops") private let registerProduct: OperationRegistration = { OperationRegistry.entry(for: Product.self) }
#else
@used @section("gradflow_ops") private let registerSum: OperationRegistration = { OperationRegistry.entry(for: Sum.self) }
@used @section("gradflow_ops") private let registerMean: OperationRegistration = { OperationRegistry.entry(for: Mean.self) }
@used @section("gradflow_ops") private let registerProduct: OperationRegistration = { OperationRegistry.entry(for: Product.self) }
#endif
