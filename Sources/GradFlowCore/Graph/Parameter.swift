/// A tensor the graph keeps between steps and checkpoints save by name: a trainable weight or bias,
/// which optimizers update, or a non-trainable buffer (a batch norm's running mean and variance,
/// PyTorch's `register_buffer`), which only its node updates.
///
/// ```swift
/// let W = Parameter("W1", Tensor.randomNormal([2, 3], standardDeviation: 0.1, using: &rng))
/// let runningVariance = Parameter("bn1.running_var", .ones([3]), isTrainable: false)
/// ```
public final class Parameter: Input {
    private let trainable: Bool

    /// Creates a parameter with its initial value (its shape is the value's shape); a
    /// non-trainable one (`isTrainable: false`) gets no gradient and no optimizer update.
    public init(_ name: String, _ initialValue: Tensor, isTrainable: Bool = true) {
        trainable = isTrainable
        super.init(name, shape: SymbolicShape(fixed: initialValue.shape))
        self.value = initialValue
        self.needsGradient = isTrainable
    }

    public override var kind: String { trainable ? "parameter" : "buffer" }

    public override var isTrainable: Bool { trainable }
}
