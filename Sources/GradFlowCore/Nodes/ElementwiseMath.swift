#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The shared shape of one-operand elementwise functions (`exp`, `log`, `sqrt`, `abs`, `pow`,
/// `clamp`): shape unchanged, `y[i] = f(x[i])`, `∂L/∂x[i] += ∂L/∂y[i] · f′(x[i], y[i])`.
/// Subclasses give `f` and `f′`.
public class ElementwiseFunction: Node {
    /// `f(x)`.
    func function(_ x: Float) -> Float { preconditionFailure("\(type(of: self)) must override function(_:)") }
    /// `f′` at `x`, given `y = f(x)`.
    func derivative(_ x: Float, _ y: Float) -> Float { preconditionFailure("\(type(of: self)) must override derivative(_:_:)") }

    public override func outputShape(for inputShapes: [SymbolicShape]) throws -> SymbolicShape { inputShapes[0] }

    public override func forward() throws {
        let count = value.count
        inboundNodes[0].value.withReadPointer { x in value.withWritePointer { y in
            for i in 0..<count { y[i] = function(x[i]) }
        } }
    }

    public override func backward() {
        let x = inboundNodes[0]
        guard x.needsGradient else { return }
        let count = value.count
        x.value.withReadPointer { xs in value.withReadPointer { y in gradient.withReadPointer { dy in x.gradient.withWritePointer { dx in
            for i in 0..<count { dx[i] += dy[i] * derivative(xs[i], y[i]) }
        } } } }
    }
}

/// `eˣ`, elementwise. Gradient: `∂L/∂y · eˣ`.
public final class Exp: ElementwiseFunction, GraphOperation {
    /// Creates `exp(x)`.
    public init(_ x: Node, name: String? = nil) { super.init([x], name: name) }
    /// `exp(x)` in graph files.
    public static let operationDescription = OperationDescription(
        name: "exp", operands: ["x"], category: .elementwise, summary: "eˣ, elementwise") { operands, _, name in Exp(operands[0], name: name) }
    override func function(_ x: Float) -> Float { expf(x) }
    override func derivative(_ x: Float, _ y: Float) -> Float { y }
}

/// The natural logarithm, elementwise (−∞ at 0, NaN below, as numpy). Gradient: `∂L/∂y / x`.
public final class Log: ElementwiseFunction, GraphOperation {
    /// Creates `log(x)`.
    public init(_ x: Node, name: String? = nil) { super.init([x], name: name) }
    /// `log(x)` in graph files.
    public static let operationDescription = OperationDescription(
        name: "log", operands: ["x"], category: .elementwise, summary: "ln x, elementwise") { operands, _, name in Log(operands[0], name: name) }
    override func function(_ x: Float) -> Float { logf(x) }
    override func derivative(_ x: Float, _ y: Float) -> Float { 1 / x }
}

/// `√x`, elementwise. Gradient: `∂L/∂y / (2√x)`.
public final class Sqrt: ElementwiseFunction, GraphOperation {
    /// Creates `sqrt(x)`.
    public init(_ x: Node, name: String? = nil) { super.init([x], name: name) }
    /// `sqrt(x)` in graph files.
    public static let operationDescription = OperationDescription(
        name: "sqrt", operands: ["x"], category: .elementwise, summary: "√x, elementwise") { operands, _, name in Sqrt(operands[0], name: name) }
    override func function(_ x: Float) -> Float { x.squareRoot() }
    override func derivative(_ x: Float, _ y: Float) -> Float { 0.5 / y }
}

/// `|x|`, elementwise. Gradient: `∂L/∂y · sign(x)` (0 at 0, as PyTorch).
public final class Abs: ElementwiseFunction, GraphOperation {
    /// Creates `abs(x)`.
    public init(_ x: Node, name: String? = nil) { super.init([x], name: name) }
    /// `abs(x)` in graph files.
    public static let operationDescription = OperationDescription(
        name: "abs", operands: ["x"], category: .elementwise, summary: "|x|, elementwise") { operands, _, name in Abs(operands[0], name: name) }
    override func function(_ x: Float) -> Float { abs(x) }
    override func derivative(_ x: Float, _ y: Float) -> Float { x > 0 ? 1 : x < 0 ? -1 : 0 }
}

/// `xᵖ` for a constant exponent p, elementwise (`x ** 2` of the seeds). Gradient: `∂L/∂y · p·xᵖ⁻¹`.
public final class Power: ElementwiseFunction, GraphOperation {
    /// The exponent p.
    public let exponent: Float
    /// Creates `x ** exponent`.
    public init(_ x: Node, exponent: Float, name: String? = nil) {
        self.exponent = exponent
        super.init([x], name: name)
    }
    /// `pow(x, exponent: 2)` in graph files.
    public static let operationDescription = OperationDescription(
        name: "pow", operands: ["x"], attributes: [OperationAttribute("exponent", default: nil, help: "the constant power p")],
        category: .elementwise, summary: "xᵖ, elementwise, for a constant p"
    ) { operands, attributes, name in Power(operands[0], exponent: try attributes.float("exponent"), name: name) }
    /// The exponent.
    public var attributes: OperationAttributes { OperationAttributes(["exponent": .number(float: exponent)], operation: kind) }
    override func function(_ x: Float) -> Float { exponent == 2 ? x * x : powf(x, exponent) }
    override func derivative(_ x: Float, _ y: Float) -> Float { exponent == 2 ? 2 * x : exponent * powf(x, exponent - 1) }
}

/// `min(max(x, lower), upper)`, elementwise. Gradient: `∂L/∂y` where `lower ≤ x ≤ upper`, else 0.
public final class Clamp: ElementwiseFunction, GraphOperation {
    /// The bounds (−∞ and +∞ when not given).
    public let lower: Float, upper: Float
    /// Creates the clamp of `x` to `[lower, upper]`.
    /// - Throws: `GraphError.invalidValue` when `lower > upper`.
    public init(_ x: Node, lower: Float = -.infinity, upper: Float = .infinity, name: String? = nil) throws(GraphError) {
        guard lower <= upper else { throw .invalidValue(node: name ?? "clamp", detail: "clamp's min \(lower) is above its max \(upper)") }
        (self.lower, self.upper) = (lower, upper)
        super.init([x], name: name)
    }
    /// `clamp(x, min: 0, max: 1)` in graph files.
    public static let operationDescription = OperationDescription(
        name: "clamp", operands: ["x"],
        attributes: [OperationAttribute("min", default: .word("none"), help: "lower bound (none: no bound)", words: ["none"], takesNumbers: true),
                     OperationAttribute("max", default: .word("none"), help: "upper bound (none: no bound)", words: ["none"], takesNumbers: true)],
        category: .elementwise, summary: "x limited to [min, max], elementwise"
    ) { operands, attributes, name in
        try Clamp(operands[0], lower: attributes.word("min") == nil ? attributes.float("min") : -.infinity,
                  upper: attributes.word("max") == nil ? attributes.float("max") : .infinity, name: name)
    }
    /// The bounds (`none` for an infinite one).
    public var attributes: OperationAttributes {
        OperationAttributes(["min": lower.isFinite ? .number(float: lower) : .word("none"),
                             "max": upper.isFinite ? .number(float: upper) : .word("none")], operation: kind)
    }
    override func function(_ x: Float) -> Float { Swift.min(Swift.max(x, lower), upper) }
    override func derivative(_ x: Float, _ y: Float) -> Float { x >= lower && x <= upper ? 1 : 0 }
}

#if canImport(Darwin)
@used @section("__DATA,gradflow_ops") private let registerExp: OperationRegistration = { OperationRegistry.entry(for: Exp.self) }
@used @section("__DATA,gradflow_ops") private let registerLog: OperationRegistration = { OperationRegistry.entry(for: Log.self) }
@used @section("__DATA,gradflow_ops") private let registerSqrt: OperationRegistration = { OperationRegistry.entry(for: Sqrt.self) }
@used @section("__DATA,gradflow_ops") private let registerAbs: OperationRegistration = { OperationRegistry.entry(for: Abs.self) }
@used @section("__DATA,gradflow_ops") private let registerPower: OperationRegistration = { OperationRegistry.entry(for: Power.self) }
@used @section("__DATA,gradflow_ops") private let registerClamp: OperationRegistration = { OperationRegistry.entry(for: Clamp.self) }
#else
@used @section("gradflow_ops") private let registerExp: OperationRegistration = { OperationRegistry.entry(for: Exp.self) }
@used @section("gradflow_ops") private let registerLog: OperationRegistration = { OperationRegistry.entry(for: Log.self) }
@used @section("gradflow_ops") private let registerSqrt: OperationRegistration = { OperationRegistry.entry(for: Sqrt.self) }
@used @section("gradflow_ops") private let registerAbs: OperationRegistration = { OperationRegistry.entry(for: Abs.self) }
@used @section("gradflow_ops") private let registerPower: OperationRegistration = { OperationRegistry.entry(for: Power.self) }
@used @section("gradflow_ops") private let registerClamp: OperationRegistration = { OperationRegistry.entry(for: Clamp.self) }
#endif
