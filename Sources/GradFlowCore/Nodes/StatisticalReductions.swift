#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

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
            groupSums(x, into: m.baseAddress!, count: count, dividedBy: n)
            for o in 0..<count { y[o] = 0 }
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
@used @section("__DATA,gradflow_ops") private let registerLogSumExp: OperationRegistration = { OperationRegistry.entry(for: LogSumExp.self) }
@used @section("__DATA,gradflow_ops") private let registerVariance: OperationRegistration = { OperationRegistry.entry(for: Variance.self) }
#else
@used @section("gradflow_ops") private let registerLogSumExp: OperationRegistration = { OperationRegistry.entry(for: LogSumExp.self) }
@used @section("gradflow_ops") private let registerVariance: OperationRegistration = { OperationRegistry.entry(for: Variance.self) }
#endif
