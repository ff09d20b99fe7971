extension Tensor {
    /// The sum of all elements (accumulated in Double), as a rank-0 tensor.
    public func sum() -> Tensor { Tensor(Float(scalars.reduce(0.0) { $0 + Double($1) })) }

    /// The mean of all elements, as a rank-0 tensor (`nan` for an empty tensor).
    public func mean() -> Tensor { Tensor(sum().scalars[0] / Float(count)) }

    /// Sums along `axis`; the axis is removed, or kept with size 1 when `keepDims` is true.
    /// - Throws: `ShapeError.axisOutOfRange`.
    public func sum(axis: Int, keepDims: Bool = false) throws(ShapeError) -> Tensor {
        try reduce(axis: axis, keepDims: keepDims) { values in Float(values.reduce(0.0) { $0 + Double($1) }) }
    }

    /// Averages along `axis`; the axis is removed, or kept with size 1 when `keepDims` is true.
    /// - Throws: `ShapeError.axisOutOfRange`.
    public func mean(axis: Int, keepDims: Bool = false) throws(ShapeError) -> Tensor {
        try reduce(axis: axis, keepDims: keepDims) { values in
            Float(values.reduce(0.0) { $0 + Double($1) } / Double(values.count))
        }
    }

    /// The largest element along `axis` (`-inf` for an empty axis).
    /// - Throws: `ShapeError.axisOutOfRange`.
    public func max(axis: Int, keepDims: Bool = false) throws(ShapeError) -> Tensor {
        try reduce(axis: axis, keepDims: keepDims) { values in values.max() ?? -.infinity }
    }

    /// The index of the largest element along `axis` (the first one on ties), as whole-number floats.
    /// - Throws: `ShapeError.axisOutOfRange`.
    public func argmax(axis: Int, keepDims: Bool = false) throws(ShapeError) -> Tensor {
        try reduce(axis: axis, keepDims: keepDims) { values in
            var best = 0
            for i in values.indices where values[i] > values[best] { best = i }
            return Float(best)
        }
    }

    /// The largest element of the whole tensor.
    /// - Precondition: the tensor is not empty.
    public func max() -> Float {
        precondition(count > 0, "Tensor.max(): empty tensor")
        return scalars.max() ?? -.infinity
    }

    /// Applies `combine` to each line of elements along `axis`.
    private func reduce(axis: Int, keepDims: Bool, _ combine: ([Float]) -> Float) throws(ShapeError) -> Tensor {
        guard axis >= 0 && axis < rank else { throw .axisOutOfRange(axis: axis, rank: rank) }
        let length = shape[axis]
        let inner = shape[(axis + 1)...].reduce(1, *)
        let outer = shape[..<axis].reduce(1, *)
        var out = [Float](repeating: 0, count: outer * inner)
        var line = [Float](repeating: 0, count: length)
        for o in 0..<outer {
            for i in 0..<inner {
                for a in 0..<length { line[a] = scalars[(o * length + a) * inner + i] }
                out[o * inner + i] = combine(line)
            }
        }
        var newShape = shape
        if keepDims { newShape[axis] = 1 } else { newShape.remove(at: axis) }
        return Tensor(unchecked: newShape, out)
    }
}
