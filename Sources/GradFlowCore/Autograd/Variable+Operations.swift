/// `x ** p`: elementwise power (seed 002's `y = x**2`); binds tighter than `*`.
infix operator ** : ExponentiationPrecedence
/// The precedence of `**`: above multiplication, right-associative.
precedencegroup ExponentiationPrecedence {
    higherThan: MultiplicationPrecedence
    associativity: right
}

/// Arithmetic with numpy broadcasting; each operation records an `Add`, `Subtract`, `Multiply`,
/// `Divide` or `Power` node.
extension Variable {
    /// `a + b` (broadcasting).
    public static func + (a: Variable, b: Variable) throws(AutogradError) -> Variable { try record("add", [a, b]) { Add($0[0], $0[1]) } }
    /// `a − b` (broadcasting).
    public static func - (a: Variable, b: Variable) throws(AutogradError) -> Variable { try record("subtract", [a, b]) { Subtract($0[0], $0[1]) } }
    /// `a ⊙ b` (broadcasting).
    public static func * (a: Variable, b: Variable) throws(AutogradError) -> Variable { try record("multiply", [a, b]) { Multiply($0[0], $0[1]) } }
    /// `a / b` (broadcasting).
    public static func / (a: Variable, b: Variable) throws(AutogradError) -> Variable { try record("divide", [a, b]) { Divide($0[0], $0[1]) } }
    /// `a + s`.
    public static func + (a: Variable, s: Float) throws(AutogradError) -> Variable { try a + constant(s) }
    /// `s + a`.
    public static func + (s: Float, a: Variable) throws(AutogradError) -> Variable { try constant(s) + a }
    /// `a − s`.
    public static func - (a: Variable, s: Float) throws(AutogradError) -> Variable { try a - constant(s) }
    /// `s − a`.
    public static func - (s: Float, a: Variable) throws(AutogradError) -> Variable { try constant(s) - a }
    /// `a · s`.
    public static func * (a: Variable, s: Float) throws(AutogradError) -> Variable { try a * constant(s) }
    /// `s · a` (seed 001's `2 * nd.dot(x.T, x)`).
    public static func * (s: Float, a: Variable) throws(AutogradError) -> Variable { try constant(s) * a }
    /// `a / s`.
    public static func / (a: Variable, s: Float) throws(AutogradError) -> Variable { try a / constant(s) }
    /// `s / a`.
    public static func / (s: Float, a: Variable) throws(AutogradError) -> Variable { try constant(s) / a }
    /// `−a`.
    public static prefix func - (a: Variable) throws(AutogradError) -> Variable { try constant(-1) * a }
    /// `aᵖ` elementwise, for a constant p.
    public static func ** (a: Variable, p: Float) throws(AutogradError) -> Variable {
        try record("pow", [a]) { Power($0[0], exponent: p) }
    }
}

/// Elementwise functions, reductions, shapes and layers: each records the library's node of the
/// same name.
extension Variable {
    /// `eˣ`.
    public func exp() throws(AutogradError) -> Variable { try Variable.record("exp", [self]) { Exp($0[0]) } }
    /// `ln x`.
    public func log() throws(AutogradError) -> Variable { try Variable.record("log", [self]) { Log($0[0]) } }
    /// `√x`.
    public func sqrt() throws(AutogradError) -> Variable { try Variable.record("sqrt", [self]) { Sqrt($0[0]) } }
    /// `|x|`.
    public func abs() throws(AutogradError) -> Variable { try Variable.record("abs", [self]) { Abs($0[0]) } }
    /// `min(max(x, lower), upper)`.
    public func clamped(min lower: Float = -.infinity, max upper: Float = .infinity) throws(AutogradError) -> Variable {
        try Variable.record("clamp", [self]) { try Clamp($0[0], lower: lower, upper: upper) }
    }
    /// `max(x, 0)`.
    public func relu() throws(AutogradError) -> Variable { try Variable.record("relu", [self]) { ReLU($0[0]) } }
    /// `1/(1 + e⁻ˣ)`.
    public func sigmoid() throws(AutogradError) -> Variable { try Variable.record("sigmoid", [self]) { Sigmoid($0[0]) } }
    /// `tanh x`.
    public func tanh() throws(AutogradError) -> Variable { try Variable.record("tanh", [self]) { Tanh($0[0]) } }
    /// Softmax over the last axis.
    public func softmax() throws(AutogradError) -> Variable { try Variable.record("softmax", [self]) { Softmax($0[0]) } }

    /// Σ over `axes` (nil: all, giving a scalar).
    public func sum(axes: [Int]? = nil, keepDims: Bool = false) throws(AutogradError) -> Variable {
        try Variable.record("sum", [self]) { Sum($0[0], axes: axes, keepDims: keepDims) }
    }
    /// The mean over `axes` (nil: all).
    public func mean(axes: [Int]? = nil, keepDims: Bool = false) throws(AutogradError) -> Variable {
        try Variable.record("mean", [self]) { Mean($0[0], axes: axes, keepDims: keepDims) }
    }
    /// The maximum over `axes` (nil: all).
    public func max(axes: [Int]? = nil, keepDims: Bool = false) throws(AutogradError) -> Variable {
        try Variable.record("max", [self]) { Max($0[0], axes: axes, keepDims: keepDims) }
    }
    /// The minimum over `axes` (nil: all).
    public func min(axes: [Int]? = nil, keepDims: Bool = false) throws(AutogradError) -> Variable {
        try Variable.record("min", [self]) { Min($0[0], axes: axes, keepDims: keepDims) }
    }
    /// The index of the maximum along `axis` (nil: of the flattened tensor), as floats; no gradient flows through it.
    public func argmax(axis: Int? = nil, keepDims: Bool = false) throws(AutogradError) -> Variable {
        try Variable.record("argmax", [self]) { ArgExtremum($0[0], axis: axis, findsMaximum: true, keepDims: keepDims) }
    }
    /// The index of the minimum along `axis` (nil: of the flattened tensor), as floats; no gradient flows through it.
    public func argmin(axis: Int? = nil, keepDims: Bool = false) throws(AutogradError) -> Variable {
        try Variable.record("argmin", [self]) { ArgExtremum($0[0], axis: axis, findsMaximum: false, keepDims: keepDims) }
    }
    /// `log Σ eˣ` over `axes` (nil: all), computed stably.
    public func logSumExp(axes: [Int]? = nil, keepDims: Bool = false) throws(AutogradError) -> Variable {
        try Variable.record("logsumexp", [self]) { LogSumExp($0[0], axes: axes, keepDims: keepDims) }
    }
    /// The variance over `axes` with `ddof` (0 as numpy; 1 as PyTorch's default).
    public func variance(axes: [Int]? = nil, keepDims: Bool = false, ddof: Int = 0) throws(AutogradError) -> Variable {
        try Variable.record("var", [self]) { Variance($0[0], axes: axes, keepDims: keepDims, ddof: ddof) }
    }
    /// The standard deviation over `axes` with `ddof`.
    public func standardDeviation(axes: [Int]? = nil, keepDims: Bool = false, ddof: Int = 0) throws(AutogradError) -> Variable {
        try Variable.record("std", [self]) { Variance($0[0], axes: axes, keepDims: keepDims, ddof: ddof, squareRoot: true) }
    }

    /// The matrix transpose of a rank-2 variable, or the axes reversed (numpy's `x.T`).
    public var T: Variable { get throws(AutogradError) { try transposed() } }
    /// The axes permuted: output axis k is axis `permutation[k]` (nil: reversed).
    public func transposed(_ permutation: [Int]? = nil) throws(AutogradError) -> Variable {
        try Variable.record("transpose", [self]) { Transpose($0[0], permutation: permutation) }
    }
    /// The same elements in `shape` (one −1 is inferred).
    public func reshaped(_ shape: [Int]) throws(AutogradError) -> Variable {
        try Variable.record("reshape", [self]) { Reshape($0[0], shape: shape) }
    }
}

/// `a · b` for matrices `[m, k] · [k, n]` (numpy's `dot`, PyTorch's `matmul`).
public func matmul(_ a: Variable, _ b: Variable) throws(AutogradError) -> Variable {
    try Variable.record("matmul", [a, b]) { MatMul($0[0], $0[1]) }
}

/// `x · W + b` (the `Linear` node: `W [in, out]`, `b [out]`).
public func linear(_ x: Variable, _ weights: Variable, _ bias: Variable) throws(AutogradError) -> Variable {
    try Variable.record("linear", [x, weights, bias]) { Linear($0[0], $0[1], $0[2]) }
}

/// The mean softmax cross-entropy of `logits [n, classes]` against class indices `labels [n]`.
public func softmaxCrossEntropy(_ logits: Variable, _ labels: Variable) throws(AutogradError) -> Variable {
    try Variable.record("softmax_ce", [logits, labels]) { SoftmaxCE($0[0], $0[1]) }
}

/// The mean squared error between `target` and `prediction`.
public func meanSquaredError(_ target: Variable, _ prediction: Variable) throws(AutogradError) -> Variable {
    try Variable.record("mse", [target, prediction]) { MSE($0[0], $0[1]) }
}
