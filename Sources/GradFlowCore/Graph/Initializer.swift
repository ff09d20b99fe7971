/// How to fill a new weight or bias tensor, drawing from the library's seeded `RandomGenerator`.
///
/// `fanIn` is the number of inputs each output unit sums over and `fanOut` the number of units
/// each input feeds; for a `Linear` weight `W: [in, out]`, fanIn = in and fanOut = out. A fan below 1
/// counts as 1.
/// ```swift
/// var rng = RandomGenerator(seed: 42)
/// let w = Initializer.heNormal.tensor(shape: [784, 128], fanIn: 784, fanOut: 128, using: &rng)
/// let b = Initializer.pytorchDefault.tensor(shape: [128], fanIn: 784, fanOut: 128, using: &rng)
/// ```
public enum Initializer: Equatable, Sendable {
    /// Samples of N(mean, σ²) (the seeds use σ = 0.01).
    case normal(mean: Float, standardDeviation: Float)
    /// Samples of U[lower, upper).
    case uniform(lower: Float, upper: Float)
    /// Glorot uniform: U(−a, a) with a = √(6 / (fanIn + fanOut)).
    case xavierUniform
    /// Glorot normal: N(0, σ²) with σ = √(2 / (fanIn + fanOut)).
    case xavierNormal
    /// Kaiming uniform for ReLU layers: U(−a, a) with a = √(6 / fanIn).
    case heUniform
    /// Kaiming normal for ReLU layers: N(0, σ²) with σ = √(2 / fanIn).
    case heNormal
    /// All zeros (a common choice for biases).
    case zeros
    /// What PyTorch's `nn.Linear` uses for its weight and its bias: U(−a, a) with a = 1/√fanIn.
    case pytorchDefault

    /// A new tensor of `shape` filled by this rule.
    /// - Parameters:
    ///   - shape: the tensor's shape.
    ///   - fanIn: inputs per unit of the layer the tensor belongs to (for a bias, its weight's fanIn).
    ///   - fanOut: outputs of that layer.
    ///   - generator: the seeded source of randomness; the same seed gives the same tensor.
    /// - Returns: a tensor of `shape`.
    public func tensor(shape: [Int], fanIn: Int, fanOut: Int, using generator: inout RandomGenerator) -> Tensor {
        let (inputs, outputs) = (Float(max(fanIn, 1)), Float(max(fanOut, 1)))
        switch self {
        case let .normal(mean, standardDeviation):
            return Tensor.randomNormal(shape, mean: mean, standardDeviation: standardDeviation, using: &generator)
        case let .uniform(lower, upper):
            return Tensor.randomUniform(shape, lower: lower, upper: upper, using: &generator)
        case .xavierUniform:
            return symmetricUniform(shape, bound: (6 / (inputs + outputs)).squareRoot(), &generator)
        case .xavierNormal:
            return Tensor.randomNormal(shape, standardDeviation: (2 / (inputs + outputs)).squareRoot(), using: &generator)
        case .heUniform:
            return symmetricUniform(shape, bound: (6 / inputs).squareRoot(), &generator)
        case .heNormal:
            return Tensor.randomNormal(shape, standardDeviation: (2 / inputs).squareRoot(), using: &generator)
        case .zeros:
            return Tensor.zeros(shape)
        case .pytorchDefault:
            return symmetricUniform(shape, bound: 1 / inputs.squareRoot(), &generator)
        }
    }

    /// A new tensor for a weight matrix `[fanIn, fanOut]` (GradFlow's `Linear` layout), or a vector
    /// `[n]` treated as fanIn = fanOut = n, or a convolution weight `[out, in/groups, kh, kw]`
    /// (fanIn = in/groups·kh·kw, fanOut = out·kh·kw, as PyTorch computes them).
    public func tensor(shape: [Int], using generator: inout RandomGenerator) -> Tensor {
        if shape.count >= 3 {   // a convolution weight [out, in/groups, kh, kw]: PyTorch's fans
            let receptive = shape.dropFirst(2).reduce(1, *)
            return tensor(shape: shape, fanIn: shape[1] * receptive, fanOut: shape[0] * receptive, using: &generator)
        }
        let fanIn = shape.first ?? 1
        let fanOut = shape.count >= 2 ? shape.dropFirst().reduce(1, *) : fanIn
        return tensor(shape: shape, fanIn: fanIn, fanOut: fanOut, using: &generator)
    }

    private func symmetricUniform(_ shape: [Int], bound: Float, _ generator: inout RandomGenerator) -> Tensor {
        Tensor.randomUniform(shape, lower: -bound, upper: bound, using: &generator)
    }
}
