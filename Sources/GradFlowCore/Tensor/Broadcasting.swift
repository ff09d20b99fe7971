/// numpy's broadcasting rules, shared by every elementwise binary operation.
///
/// Shapes are aligned at their last dimension; two dimensions are compatible when they are equal or
/// one of them is 1; a missing leading dimension counts as 1. `[4, 3] + [3]`, `[3, 4, 2] + [4, 2]` and
/// `[4, 3] + [4, 1]` all broadcast; `[4, 3] + [4]` does not.
enum Broadcasting {
    /// The shape of the result of broadcasting `a` against `b`.
    /// - Throws: `ShapeError.notBroadcastable` naming both shapes.
    static func resultShape(_ a: [Int], _ b: [Int]) throws(ShapeError) -> [Int] {
        let rank = max(a.count, b.count)
        var result = [Int](repeating: 0, count: rank)
        for axis in 0..<rank {
            let da = axis < rank - a.count ? 1 : a[axis - (rank - a.count)]
            let db = axis < rank - b.count ? 1 : b[axis - (rank - b.count)]
            guard da == db || da == 1 || db == 1 else { throw .notBroadcastable(a, b) }
            result[axis] = da == 1 ? db : da
        }
        return result
    }

    /// Row-major strides of `shape` as seen from a result of rank `rank`, with 0 on broadcast axes.
    static func strides(of shape: [Int], broadcastTo result: [Int]) -> [Int] {
        let offset = result.count - shape.count
        var strides = [Int](repeating: 0, count: result.count)
        var step = 1
        for axis in shape.indices.reversed() {
            strides[axis + offset] = shape[axis] == 1 ? 0 : step
            step *= shape[axis]
        }
        return strides
    }

    /// Applies `operation` elementwise to `a` and `b` broadcast together.
    static func apply(_ a: Tensor, _ b: Tensor, _ operation: (Float, Float) -> Float) throws(ShapeError) -> Tensor {
        if a.shape == b.shape {
            return Tensor(unchecked: a.shape, zip(a.scalars, b.scalars).map(operation))
        }
        let shape = try resultShape(a.shape, b.shape)
        let stridesA = strides(of: a.shape, broadcastTo: shape)
        let stridesB = strides(of: b.shape, broadcastTo: shape)
        let total = shape.reduce(1, *)
        var out = [Float](repeating: 0, count: total)
        var index = [Int](repeating: 0, count: shape.count)
        var offsetA = 0, offsetB = 0
        for flat in 0..<total {
            out[flat] = operation(a.scalars[offsetA], b.scalars[offsetB])
            // Advance the multi-index like an odometer, updating both source offsets.
            var axis = shape.count - 1
            while axis >= 0 {
                index[axis] += 1
                offsetA += stridesA[axis]
                offsetB += stridesB[axis]
                if index[axis] < shape[axis] { break }
                offsetA -= stridesA[axis] * shape[axis]
                offsetB -= stridesB[axis] * shape[axis]
                index[axis] = 0
                axis -= 1
            }
        }
        return Tensor(unchecked: shape, out)
    }
}
