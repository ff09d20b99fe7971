extension Tensor {
    /// The element at a full multi-index, e.g. `t[1, 2]` for a matrix.
    /// - Precondition: one index per dimension, each in range.
    public subscript(indices: Int...) -> Float {
        get { scalars[flatIndex(indices)] }
        set { scalars[flatIndex(indices)] = newValue }
    }

    /// Row `index` of a tensor of rank ≥ 1: the sub-tensor with the first dimension removed.
    /// - Precondition: `0 <= index < shape[0]`.
    public func row(_ index: Int) -> Tensor {
        precondition(rank >= 1 && index >= 0 && index < shape[0], "Tensor.row: index \(index) out of range for shape \(shape)")
        let width = count / Swift.max(shape[0], 1)
        let rowShape = Array(shape.dropFirst())
        return Tensor(unchecked: rowShape, Array(scalars[index * width ..< (index + 1) * width]))
    }

    /// The same elements viewed with another shape of the same element count.
    /// - Throws: `ShapeError.reshapeCountMismatch` when the counts differ.
    public func reshaped(_ newShape: [Int]) throws(ShapeError) -> Tensor {
        try Tensor.validate(newShape)
        guard newShape.reduce(1, *) == count else { throw .reshapeCountMismatch(from: shape, to: newShape) }
        return Tensor(unchecked: newShape, scalars)
    }

    /// The transpose of a matrix: `result[j, i] = self[i, j]`.
    /// - Throws: `ShapeError.rankMismatch` unless the tensor has rank 2.
    public func transposed() throws(ShapeError) -> Tensor {
        guard rank == 2 else { throw .rankMismatch(operation: "transposed()", expected: 2, shape: shape) }
        let (rows, cols) = (shape[0], shape[1])
        var out = [Float](repeating: 0, count: count)
        for i in 0..<rows { for j in 0..<cols { out[j * rows + i] = scalars[i * cols + j] } }
        return Tensor(unchecked: [cols, rows], out)
    }

    /// Calls `body` with the elements as a read-only buffer.
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try scalars.withUnsafeBufferPointer(body)
    }

    /// Calls `body` with the elements as a writable buffer (copying first if the storage is shared).
    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (inout UnsafeMutableBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        try scalars.withUnsafeMutableBufferPointer(body)
    }

    /// Overwrites the elements with `source`'s, keeping this tensor's storage when it is not shared
    /// (no allocation): the way a planned buffer is refilled every step.
    /// - Throws: `ShapeError.elementCountMismatch` when the shapes differ.
    public mutating func assign(_ source: Tensor) throws(ShapeError) {
        guard source.shape == shape else { throw .elementCountMismatch(shape: shape, count: source.count) }
        scalars.withUnsafeMutableBufferPointer { out in
            source.scalars.withUnsafeBufferPointer { src in
                guard let base = src.baseAddress else { return }
                out.baseAddress?.update(from: base, count: src.count)
            }
        }
    }

    /// Builds a tensor without validating; for internal callers that computed the shape themselves.
    package init(unchecked shape: [Int], _ scalars: [Float]) {
        assert(shape.reduce(1, *) == scalars.count, "Tensor: \(scalars.count) elements for shape \(shape)")
        self.shape = shape
        self.scalars = scalars
    }

    private func flatIndex(_ indices: [Int]) -> Int {
        precondition(indices.count == rank, "Tensor: \(indices.count) indices for a rank-\(rank) tensor")
        var flat = 0
        for (axis, index) in indices.enumerated() {
            precondition(index >= 0 && index < shape[axis], "Tensor: index \(index) out of range for axis \(axis) of \(shape)")
            flat = flat * shape[axis] + index
        }
        return flat
    }
}
