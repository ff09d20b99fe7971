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

#if canImport(Darwin)
@used @section("__DATA,gradflow_ops") private let registerMax: OperationRegistration = { OperationRegistry.entry(for: Max.self) }
@used @section("__DATA,gradflow_ops") private let registerMin: OperationRegistration = { OperationRegistry.entry(for: Min.self) }
@used @section("__DATA,gradflow_ops") private let registerArgExtremum: OperationRegistration = { OperationRegistry.entry(for: ArgExtremum.self) }
#else
@used @section("gradflow_ops") private let registerMax: OperationRegistration = { OperationRegistry.entry(for: Max.self) }
@used @section("gradflow_ops") private let registerMin: OperationRegistration = { OperationRegistry.entry(for: Min.self) }
@used @section("gradflow_ops") private let registerArgExtremum: OperationRegistration = { OperationRegistry.entry(for: ArgExtremum.self) }
#endif
