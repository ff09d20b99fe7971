#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

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
        inboundNodes[0].value.withReadPointer { x in value.withWritePointer { y in
            for o in 0..<count { y[o] = 0 }
            forEachElement { i, o in y[o] += x[i] }
        } }
    }

    public override func backward() {
        let x = inboundNodes[0]
        guard x.needsGradient else { return }
        gradient.withReadPointer { dy in x.gradient.withWritePointer { dx in forEachElement { i, o in dx[i] += dy[o] } } }
    }
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
        inboundNodes[0].value.withReadPointer { x in value.withWritePointer { y in
            for o in 0..<count { y[o] = 0 }
            forEachElement { i, o in y[o] += x[i] }
            for o in 0..<count { y[o] /= n }
        } }
    }

    public override func backward() {
        let x = inboundNodes[0]
        guard x.needsGradient else { return }
        let n = Float(groupSize)
        gradient.withReadPointer { dy in x.gradient.withWritePointer { dx in forEachElement { i, o in dx[i] += dy[o] / n } } }
    }
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

/// The largest or smallest element of each group, and where it is (the first on ties); the shared
/// pass of `Max`, `Min`, `ArgMax` and `ArgMin`.
public class Extremum: Reduction {
    /// The flat index of each group's winner, from the last forward pass.
    var winners: [Int] = []
    /// Whether it looks for the largest.
    var largest: Bool { true }

    public override func planScratchBuffers() {
        super.planScratchBuffers()
        winners = [Int](repeating: 0, count: value.count)
    }

    public override var scratchBytes: Int { winners.count * MemoryLayout<Int>.size }

    /// Fills `winners` (and `best` with the winning values).
    func findWinners(into best: UnsafeMutablePointer<Float>) {
        let (count, largest) = (winners.count, self.largest)   // not `value.count`: callers may hold `value` for writing
        inboundNodes[0].value.withReadPointer { x in winners.withUnsafeMutableBufferPointer { w in
            for o in 0..<count { best[o] = largest ? -.infinity : .infinity; w[o] = -1 }
            forEachElement { i, o in
                let v = x[i]
                if w[o] < 0 || (largest ? v > best[o] : v < best[o]) || (v.isNaN && !best[o].isNaN) { (best[o], w[o]) = (v, i) }
            }
        } }
    }
}

/// The maximum over axes (numpy's `max`; NaN wins, as numpy). Gradient: `∂L/∂y` to the first maximum.
public final class Max: Extremum, GraphOperation {
    /// Creates the maximum of `x` over `axes` (nil: all).
    public override init(_ x: Node, axes: [Int]? = nil, keepDims: Bool = false, name: String? = nil) { super.init(x, axes: axes, keepDims: keepDims, name: name) }
    /// `max(x, axis: 1)` in graph files.
    public static let operationDescription = OperationDescription(
        name: "max", operands: ["x"], attributes: Reduction.commonAttributes, category: .elementwise, summary: "maximum over axes"
    ) { operands, attributes, name in let (axes, keep) = try Reduction.settings(attributes); return Max(operands[0], axes: axes, keepDims: keep, name: name) }
    public override func forward() throws { value.withWritePointer { findWinners(into: $0) } }
    public override func backward() { routeToWinners() }
}

/// The minimum over axes (numpy's `min`). Gradient: `∂L/∂y` to the first minimum.
public final class Min: Extremum, GraphOperation {
    override var largest: Bool { false }
    /// Creates the minimum of `x` over `axes` (nil: all).
    public override init(_ x: Node, axes: [Int]? = nil, keepDims: Bool = false, name: String? = nil) { super.init(x, axes: axes, keepDims: keepDims, name: name) }
    /// `min(x, axis: 1)` in graph files.
    public static let operationDescription = OperationDescription(
        name: "min", operands: ["x"], attributes: Reduction.commonAttributes, category: .elementwise, summary: "minimum over axes"
    ) { operands, attributes, name in let (axes, keep) = try Reduction.settings(attributes); return Min(operands[0], axes: axes, keepDims: keep, name: name) }
    public override func forward() throws { value.withWritePointer { findWinners(into: $0) } }
    public override func backward() { routeToWinners() }
}

extension Extremum {
    /// `∂L/∂x[winner] += ∂L/∂y` for each group.
    func routeToWinners() {
        let x = inboundNodes[0]
        guard x.needsGradient else { return }
        let count = value.count
        gradient.withReadPointer { dy in x.gradient.withWritePointer { dx in winners.withUnsafeBufferPointer { w in
            for o in 0..<count where w[o] >= 0 { dx[w[o]] += dy[o] }
        } } }
    }
}

/// The position of the maximum (`argmax`) or minimum (`argmin`) along one axis, as a float index
/// (numpy's; the first on ties). Not differentiable: it passes no gradient.
public final class ArgExtremum: Extremum, GraphOperation {
    /// Whether it finds the maximum (`argmax`) or the minimum (`argmin`).
    public let findsMaximum: Bool
    override var largest: Bool { findsMaximum }
    private var best: [Float] = []
    private var axisStride = 1, axisSize = 1

    /// Creates `argmax` (or `argmin` with `findsMaximum: false`) of `x` along `axis` (nil: over the
    /// flattened tensor).
    public init(_ x: Node, axis: Int?, findsMaximum: Bool = true, keepDims: Bool = false, name: String? = nil) {
        self.findsMaximum = findsMaximum
        super.init(x, axes: axis.map { [$0] }, keepDims: keepDims, name: name)
    }
    /// `argmax(x, axis: 1)` in graph files (the minimum's index: `argmax(x, find: min)`).
    public static let operationDescription = OperationDescription(
        name: "argmax", operands: ["x"],
        attributes: [OperationAttribute("axis", default: .word("none"), help: "the axis (none: the flattened tensor)", words: ["none"], takesNumbers: true),
                     OperationAttribute("keep_dims", default: .word("false"), help: "keep the axis as size 1", words: ["true", "false"]),
                     OperationAttribute("find", default: .word("max"), help: "max, or min for the minimum's index", words: ["max", "min"])],
        category: .elementwise, summary: "index of the maximum (or minimum) along an axis, as a float; no gradient"
    ) { operands, attributes, name in
        let (axes, keep) = try Reduction.settings(attributes)
        guard axes == nil || axes?.count == 1 else { throw GraphError.invalidValue(node: name, detail: "argmax takes one axis") }
        return ArgExtremum(operands[0], axis: axes?.first, findsMaximum: attributes.word("find") != "min", keepDims: keep, name: name)
    }
    /// The axis, `keep_dims` and `find`.
    public override var attributes: OperationAttributes {
        var values = super.attributes
        values["find"] = .word(findsMaximum ? "max" : "min")
        return values
    }

    public override func planScratchBuffers() {
        super.planScratchBuffers()
        best = [Float](repeating: 0, count: value.count)
        let shape = inboundNodes[0].value.shape
        if let axis = try? resolvedAxes(rank: shape.count).first, axes != nil {
            (axisStride, axisSize) = (shape[(axis + 1)...].reduce(1, *), shape[axis])
        } else {
            (axisStride, axisSize) = (1, shape.reduce(1, *))
        }
    }

    public override func forward() throws {
        best.withUnsafeMutableBufferPointer { findWinners(into: $0.baseAddress!) }
        let (count, stride, size) = (value.count, axisStride, axisSize)
        value.withWritePointer { y in winners.withUnsafeBufferPointer { w in
            for o in 0..<count { y[o] = Float((w[o] / stride) % size) }
        } }
    }

    public override func backward() {}
}

/// `log Σ eˣ` over axes, computed as `m + log Σ e^(x − m)` with m the group's maximum (no overflow).
/// Gradient: `∂L/∂y · e^(x − y)` (the softmax of the group).
public final class LogSumExp: Reduction, GraphOperation {
    private var maxima: [Float] = []
    /// Creates `logsumexp` of `x` over `axes` (nil: all).
    public override init(_ x: Node, axes: [Int]? = nil, keepDims: Bool = false, name: String? = nil) { super.init(x, axes: axes, keepDims: keepDims, name: name) }
    /// `logsumexp(x, axis: 1)` in graph files.
    public static let operationDescription = OperationDescription(
        name: "logsumexp", operands: ["x"], attributes: Reduction.commonAttributes, category: .elementwise, summary: "log Σ eˣ over axes, stably"
    ) { operands, attributes, name in let (axes, keep) = try Reduction.settings(attributes); return LogSumExp(operands[0], axes: axes, keepDims: keep, name: name) }

    public override func planScratchBuffers() {
        super.planScratchBuffers()
        maxima = [Float](repeating: 0, count: value.count)
    }

    public override func forward() throws {
        let count = value.count
        inboundNodes[0].value.withReadPointer { x in value.withWritePointer { y in maxima.withUnsafeMutableBufferPointer { m in
            for o in 0..<count { (m[o], y[o]) = (-.infinity, 0) }
            forEachElement { i, o in m[o] = Swift.max(m[o], x[i]) }
            for o in 0..<count where !m[o].isFinite { m[o] = 0 }
            forEachElement { i, o in y[o] += expf(x[i] - m[o]) }
            for o in 0..<count { y[o] = m[o] + logf(y[o]) }
        } } }
    }

    public override func backward() {
        let x = inboundNodes[0]
        guard x.needsGradient else { return }
        x.value.withReadPointer { xs in value.withReadPointer { y in gradient.withReadPointer { dy in x.gradient.withWritePointer { dx in
            forEachElement { i, o in dx[i] += dy[o] * expf(xs[i] - y[o]) }
        } } } }
    }
}

/// The variance over axes, `Σ (x − μ)² / (n − ddof)` (numpy's `var`, ddof 0 by default; PyTorch's
/// `var` is ddof 1), or with `squareRoot` its standard deviation (`std`).
/// Gradients: `∂L/∂y · 2(x − μ)/(n − ddof)` for the variance, `∂L/∂y · (x − μ)/((n − ddof)·y)` for `std`.
public final class Variance: Reduction, GraphOperation {
    /// Subtracted from the group size in the denominator (0: population, 1: sample).
    public let ddof: Int
    /// Whether the node returns the standard deviation (`std`).
    public let squareRoot: Bool
    private var means: [Float] = []

    /// Creates the variance (or, with `squareRoot`, the standard deviation) of `x` over `axes`.
    public init(_ x: Node, axes: [Int]? = nil, keepDims: Bool = false, ddof: Int = 0, squareRoot: Bool = false, name: String? = nil) {
        (self.ddof, self.squareRoot) = (ddof, squareRoot)
        super.init(x, axes: axes, keepDims: keepDims, name: name)
    }
    /// `var(x, axis: 0, ddof: 1)` in graph files (the standard deviation: `var(x, root: true)`).
    public static let operationDescription = OperationDescription(
        name: "var", operands: ["x"],
        attributes: Reduction.commonAttributes + [
            OperationAttribute("ddof", default: .number(0), help: "subtracted from n in the denominator (0 numpy, 1 PyTorch)"),
            OperationAttribute("root", default: .word("false"), help: "true: the standard deviation (std)", words: ["true", "false"])],
        category: .elementwise, summary: "variance (or standard deviation) over axes"
    ) { operands, attributes, name in
        let (axes, keep) = try Reduction.settings(attributes)
        return Variance(operands[0], axes: axes, keepDims: keep, ddof: Int(try attributes.wholeNumber("ddof")),
                        squareRoot: attributes.word("root") == "true", name: name)
    }
    /// The axes, `keep_dims`, `ddof` and `root`.
    public override var attributes: OperationAttributes {
        var values = super.attributes
        values["ddof"] = .number(Double(ddof))
        values["root"] = .word(squareRoot ? "true" : "false")
        return values
    }

    public override func outputShape(for inputShapes: [SymbolicShape]) throws -> SymbolicShape {
        let shape = try super.outputShape(for: inputShapes)
        let reduced = try resolvedAxes(rank: inputShapes[0].count)
        if reduced.allSatisfy({ if case .fixed(let size) = inputShapes[0][$0] { return true && size >= 0 } else { return false } }) {
            let n = reduced.reduce(1) { if case .fixed(let size) = inputShapes[0][$1] { return $0 * size } else { return $0 } }
            guard n > ddof else { throw GraphError.shapeMismatch(node: name, detail: "var over \(n) values with ddof \(ddof) divides by zero or less") }
        }
        return shape
    }

    public override func planScratchBuffers() {
        super.planScratchBuffers()
        means = [Float](repeating: 0, count: value.count)
    }

    public override func forward() throws {
        let (count, n, denominator, root) = (value.count, Float(groupSize), Float(groupSize - ddof), squareRoot)
        inboundNodes[0].value.withReadPointer { x in value.withWritePointer { y in means.withUnsafeMutableBufferPointer { m in
            for o in 0..<count { (m[o], y[o]) = (0, 0) }
            forEachElement { i, o in m[o] += x[i] }
            for o in 0..<count { m[o] /= n }
            forEachElement { i, o in let d = x[i] - m[o]; y[o] += d * d }
            for o in 0..<count { y[o] = root ? (y[o] / denominator).squareRoot() : y[o] / denominator }
        } } }
    }

    public override func backward() {
        let x = inboundNodes[0]
        guard x.needsGradient else { return }
        let (denominator, root) = (Float(groupSize - ddof), squareRoot)
        x.value.withReadPointer { xs in value.withReadPointer { y in gradient.withReadPointer { dy in means.withUnsafeBufferPointer { m in
            x.gradient.withWritePointer { dx in
                forEachElement { i, o in
                    let d = xs[i] - m[o]
                    dx[i] += root ? (y[o] > 0 ? dy[o] * d / (denominator * y[o]) : 0) : dy[o] * 2 * d / denominator
                }
            }
        } } } }
    }
}

#if canImport(Darwin)
@used @section("__DATA,gradflow_ops") private let registerSum: OperationRegistration = { OperationRegistry.entry(for: Sum.self) }
@used @section("__DATA,gradflow_ops") private let registerMean: OperationRegistration = { OperationRegistry.entry(for: Mean.self) }
@used @section("__DATA,gradflow_ops") private let registerMax: OperationRegistration = { OperationRegistry.entry(for: Max.self) }
@used @section("__DATA,gradflow_ops") private let registerMin: OperationRegistration = { OperationRegistry.entry(for: Min.self) }
@used @section("__DATA,gradflow_ops") private let registerArg: OperationRegistration = { OperationRegistry.entry(for: ArgExtremum.self) }
@used @section("__DATA,gradflow_ops") private let registerLSE: OperationRegistration = { OperationRegistry.entry(for: LogSumExp.self) }
@used @section("__DATA,gradflow_ops") private let registerVar: OperationRegistration = { OperationRegistry.entry(for: Variance.self) }
@used @section("__DATA,gradflow_ops") private let registerProd: OperationRegistration = { OperationRegistry.entry(for: Product.self) }
#else
@used @section("gradflow_ops") private let registerSum: OperationRegistration = { OperationRegistry.entry(for: Sum.self) }
@used @section("gradflow_ops") private let registerMean: OperationRegistration = { OperationRegistry.entry(for: Mean.self) }
@used @section("gradflow_ops") private let registerMax: OperationRegistration = { OperationRegistry.entry(for: Max.self) }
@used @section("gradflow_ops") private let registerMin: OperationRegistration = { OperationRegistry.entry(for: Min.self) }
@used @section("gradflow_ops") private let registerArg: OperationRegistration = { OperationRegistry.entry(for: ArgExtremum.self) }
@used @section("gradflow_ops") private let registerLSE: OperationRegistration = { OperationRegistry.entry(for: LogSumExp.self) }
@used @section("gradflow_ops") private let registerVar: OperationRegistration = { OperationRegistry.entry(for: Variance.self) }
@used @section("gradflow_ops") private let registerProd: OperationRegistration = { OperationRegistry.entry(for: Product.self) }
#endif
