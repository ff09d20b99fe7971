/// numpy's everyday functions on plain tensors, computed by the same nodes as `Variable`'s (each
/// operation has one implementation: its node). A constant operand records nothing that outlives
/// the call.
///
/// ```swift
/// let t = try Tensor([[1, -2], [3, 4]])
/// try t.abs().prod(axes: [1])               // [2, 12]
/// try Tensor.where(t.compared(.greater, Tensor(0)), t, Tensor(0))   // relu by hand
/// ```
extension Tensor {
    /// `xᵖ` elementwise.
    public func pow(_ p: Float) throws(AutogradError) -> Tensor { try (Variable(self) ** p).value }
    /// `√x` elementwise.
    public func sqrt() throws(AutogradError) -> Tensor { try Variable(self).sqrt().value }
    /// `|x|` elementwise.
    public func abs() throws(AutogradError) -> Tensor { try Variable(self).abs().value }
    /// `min(max(x, lower), upper)` elementwise.
    public func clamped(min lower: Float = -.infinity, max upper: Float = .infinity) throws(AutogradError) -> Tensor {
        try Variable(self).clamped(min: lower, max: upper).value
    }
    /// Elementwise `max(self, other)` with broadcasting (numpy's `maximum`).
    public func maximum(_ other: Tensor) throws(AutogradError) -> Tensor { try Variable(self).maximum(Variable(other)).value }
    /// Elementwise `min(self, other)` with broadcasting (numpy's `minimum`).
    public func minimum(_ other: Tensor) throws(AutogradError) -> Tensor { try Variable(self).minimum(Variable(other)).value }
    /// 1 where `self <relation> other` holds, else 0 (broadcasting).
    public func compared(_ relation: Compare.Relation, _ other: Tensor) throws(AutogradError) -> Tensor {
        try Variable(self).compared(relation, Variable(other)).value
    }
    /// `a` where `condition` is non-zero, else `b` (numpy's `where`, broadcasting).
    public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) throws(AutogradError) -> Tensor {
        try GradFlowCore.where(Variable(condition), Variable(a), Variable(b)).value
    }
    /// The product over `axes` (nil: all).
    public func prod(axes: [Int]? = nil, keepDims: Bool = false) throws(AutogradError) -> Tensor { try Variable(self).prod(axes: axes, keepDims: keepDims).value }
    /// The minimum over `axes` (nil: all).
    public func min(axes: [Int]? = nil, keepDims: Bool = false) throws(AutogradError) -> Tensor { try Variable(self).min(axes: axes, keepDims: keepDims).value }
    /// The index of the minimum along `axis` (nil: of the flattened tensor), as floats.
    public func argmin(axis: Int? = nil, keepDims: Bool = false) throws(AutogradError) -> Tensor { try Variable(self).argmin(axis: axis, keepDims: keepDims).value }
    /// `log Σ eˣ` over `axes` (nil: all), computed stably.
    public func logSumExp(axes: [Int]? = nil, keepDims: Bool = false) throws(AutogradError) -> Tensor {
        try Variable(self).logSumExp(axes: axes, keepDims: keepDims).value
    }
    /// The variance over `axes` with `ddof` (0 as numpy).
    public func variance(axes: [Int]? = nil, keepDims: Bool = false, ddof: Int = 0) throws(AutogradError) -> Tensor {
        try Variable(self).variance(axes: axes, keepDims: keepDims, ddof: ddof).value
    }
    /// The standard deviation over `axes` with `ddof`.
    public func standardDeviation(axes: [Int]? = nil, keepDims: Bool = false, ddof: Int = 0) throws(AutogradError) -> Tensor {
        try Variable(self).standardDeviation(axes: axes, keepDims: keepDims, ddof: ddof).value
    }
    /// The axes permuted: output axis k is axis `permutation[k]` (numpy's `transpose(axes)`).
    public func transposed(_ permutation: [Int]) throws(AutogradError) -> Tensor { try Variable(self).transposed(permutation).value }
    /// Repeated along broadcast axes to `shape` (numpy's `broadcast_to`; −1 keeps a size).
    public func broadcast(to shape: [Int]) throws(AutogradError) -> Tensor { try Variable(self).broadcast(to: shape).value }
    /// Without the size-1 axis `axis` (nil: every size-1 axis).
    public func squeezed(axis: Int? = nil) throws(AutogradError) -> Tensor { try Variable(self).squeezed(axis: axis).value }
    /// With a size-1 axis inserted at `axis`.
    public func unsqueezed(axis: Int) throws(AutogradError) -> Tensor { try Variable(self).unsqueezed(axis: axis).value }
    /// `count` equal parts along `axis` (numpy's `split`).
    public func split(_ count: Int, axis: Int = 0) throws(AutogradError) -> [Tensor] { try Variable(self).split(count, axis: axis).map(\.value) }
}
