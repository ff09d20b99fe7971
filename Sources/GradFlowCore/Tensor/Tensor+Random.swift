extension Tensor {
    /// A tensor of samples from N(mean, std²), drawn from `generator`.
    public static func randomNormal(_ shape: [Int], mean: Float = 0, standardDeviation: Float = 1,
                                    using generator: inout RandomGenerator) -> Tensor {
        var t = Tensor.zeros(shape)
        for i in 0..<t.count { t.scalars[i] = generator.nextNormal(mean: mean, standardDeviation: standardDeviation) }
        return t
    }

    /// A tensor of samples from the uniform distribution on `[lower, upper)`, drawn from `generator`.
    public static func randomUniform(_ shape: [Int], lower: Float = 0, upper: Float = 1,
                                     using generator: inout RandomGenerator) -> Tensor {
        var t = Tensor.zeros(shape)
        for i in 0..<t.count { t.scalars[i] = lower + (upper - lower) * generator.nextUnitFloat() }
        return t
    }
}
