/// A trainable input: a weight or bias that holds its own value, which optimizers update.
///
/// ```swift
/// let W = Parameter("W1", Tensor.randomNormal([2, 3], standardDeviation: 0.1, using: &rng))
/// ```
public final class Parameter: Input {
    /// Creates a trainable parameter with its initial value (its shape is the value's shape).
    public init(_ name: String, _ initialValue: Tensor) {
        super.init(name, shape: SymbolicShape(fixed: initialValue.shape))
        self.value = initialValue
        self.needsGradient = true
    }

    public override var kind: String { "parameter" }

    public override var isTrainable: Bool { true }
}
