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
    /// The product over `axes` (nil: all).
    public func prod(axes: [Int]? = nil, keepDims: Bool = false) throws(AutogradError) -> Variable {
        try Variable.record("prod", [self]) { Product($0[0], axes: axes, keepDims: keepDims) }
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
    /// Without the size-1 axis `axis` (nil: without every size-1 axis), numpy's `squeeze`.
    public func squeezed(axis: Int? = nil) throws(AutogradError) -> Variable {
        var shape = self.shape
        if let axis {
            let a = axis < 0 ? axis + shape.count : axis
            guard a >= 0, a < shape.count, shape[a] == 1 else {
                throw .shapeMismatch(operation: "squeeze", shapes: [self.shape], detail: "axis \(axis) is not an axis of size 1")
            }
            shape.remove(at: a)
        } else {
            shape.removeAll { $0 == 1 }
        }
        return try reshaped(shape)
    }
    /// With a size-1 axis inserted at `axis` (numpy's `expand_dims`, PyTorch's `unsqueeze`).
    public func unsqueezed(axis: Int) throws(AutogradError) -> Variable {
        var shape = self.shape
        let a = axis < 0 ? axis + shape.count + 1 : axis
        guard a >= 0, a <= shape.count else { throw .shapeMismatch(operation: "unsqueeze", shapes: [self.shape], detail: "axis \(axis) is out of range") }
        shape.insert(1, at: a)
        return try reshaped(shape)
    }
    /// Repeated along broadcast axes to `shape` (numpy's `broadcast_to`, PyTorch's `expand`; −1 keeps a size).
    public func broadcast(to shape: [Int]) throws(AutogradError) -> Variable {
        try Variable.record("broadcast_to", [self]) { BroadcastTo($0[0], shape: shape) }
    }
    /// Entries `start, start + step, …` below `end` along `axis` (numpy's `x[start:end:step]`).
    public func slice(axis: Int = 0, start: Int = 0, end: Int? = nil, step: Int = 1) throws(AutogradError) -> Variable {
        try Variable.record("slice", [self]) { try Slice($0[0], axis: axis, start: start, end: end, step: step) }
    }
    /// The entries at `indices` along `axis` (numpy's `take`); the gradient scatter-adds.
    public func take(_ indices: [Int], axis: Int = 0) throws(AutogradError) -> Variable {
        try Variable.record("take", [self]) { Take($0[0], indices: indices, axis: axis) }
    }
    /// The entries along `axis` at the positions held by the vector `index` (PyTorch's `index_select`).
    public func gather(_ index: Variable, axis: Int = 0) throws(AutogradError) -> Variable {
        try Variable.record("gather", [self, index]) { Gather($0[0], index: $0[1], axis: axis) }
    }
    /// `count` equal parts along `axis` (numpy's `split`), each a slice of this variable.
    public func split(_ count: Int, axis: Int = 0) throws(AutogradError) -> [Variable] {
        let a = axis < 0 ? axis + shape.count : axis
        guard count >= 1, a >= 0, a < shape.count, shape[a] % count == 0 else {
            throw .shapeMismatch(operation: "split", shapes: [shape], detail: "axis \(axis) does not split into \(count) equal parts")
        }
        let part = shape[a] / count
        var parts: [Variable] = []
        for index in 0..<count { parts.append(try slice(axis: a, start: index * part, end: (index + 1) * part)) }
        return parts
    }
    /// Elementwise `max(self, other)` (numpy's `maximum`).
    public func maximum(_ other: Variable) throws(AutogradError) -> Variable { try Variable.record("maximum", [self, other]) { Extreme($0[0], $0[1]) } }
    /// Elementwise `min(self, other)` (numpy's `minimum`).
    public func minimum(_ other: Variable) throws(AutogradError) -> Variable {
        try Variable.record("minimum", [self, other]) { Extreme($0[0], $0[1], takesLarger: false) }
    }
    /// 1 where `self <relation> other`, else 0 (no gradient).
    public func compared(_ relation: Compare.Relation, _ other: Variable) throws(AutogradError) -> Variable {
        try Variable.record("compare", [self, other]) { Compare($0[0], $0[1], relation) }
    }
}

/// `variables` joined along `axis` (numpy's `concatenate`).
public func concatenate(_ variables: [Variable], axis: Int = 0) throws(AutogradError) -> Variable {
    try Variable.record("concat", variables) { Concatenate($0, axis: axis) }
}

/// `variables` of one shape stacked along a new `axis` (numpy's `stack`).
public func stack(_ variables: [Variable], axis: Int = 0) throws(AutogradError) -> Variable {
    try Variable.record("stack", variables) { Concatenate($0, axis: axis, stacks: true) }
}

/// `a` where `condition` is non-zero, else `b` (numpy's `where`, broadcasting).
public func `where`(_ condition: Variable, _ a: Variable, _ b: Variable) throws(AutogradError) -> Variable {
    try Variable.record("where", [condition, a, b]) { Where($0[0], $0[1], $0[2]) }
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
