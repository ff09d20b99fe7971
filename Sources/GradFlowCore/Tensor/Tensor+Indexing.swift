/// numpy's indexing and joining: `take` (integer-array indexing along an axis), strided slices,
/// `concatenate` and `stack`.
extension Tensor {
    /// The sizes before `axis`, along it, and after it (the tensor as `[outer, size, inner]`).
    private func split(at axis: Int) -> (outer: Int, size: Int, inner: Int) {
        (shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
    }

    /// `axis` counted from the end when negative, checked.
    private func resolve(_ axis: Int) throws(ShapeError) -> Int {
        let resolved = axis < 0 ? axis + rank : axis
        guard resolved >= 0, resolved < rank else { throw .axisOutOfRange(axis: axis, rank: rank) }
        return resolved
    }

    /// The entries at `indices` along `axis` (numpy's `take`; negative indices count from the end):
    /// `take([2, 0], axis: 0)` of a matrix is its rows 2 and 0.
    /// - Throws: `ShapeError.axisOutOfRange`, `.invalidArgument` for an index out of range.
    public func take(_ indices: [Int], axis: Int = 0) throws(ShapeError) -> Tensor {
        let a = try resolve(axis)
        let (outer, size, inner) = split(at: a)
        var resolved: [Int] = []
        resolved.reserveCapacity(indices.count)
        for index in indices {
            let i = index < 0 ? index + size : index
            guard i >= 0, i < size else { throw .invalidArgument("take: index \(index) is out of range for axis \(axis) of size \(size)") }
            resolved.append(i)
        }
        var out = [Float]()
        out.reserveCapacity(outer * resolved.count * inner)
        for o in 0..<outer { for i in resolved { out.append(contentsOf: scalars[(o * size + i) * inner ..< (o * size + i + 1) * inner]) } }
        var newShape = shape
        newShape[a] = resolved.count
        return Tensor(unchecked: newShape, out)
    }

    /// Entries `start, start + step, …` below `end` along `axis` (numpy's `x[start:end:step]`;
    /// negative bounds count from the end and are clipped, as numpy does; `step` ≥ 1).
    /// - Throws: `ShapeError.axisOutOfRange`, `.invalidArgument` for a step below 1.
    public func slice(axis: Int = 0, start: Int = 0, end: Int? = nil, step: Int = 1) throws(ShapeError) -> Tensor {
        let a = try resolve(axis)
        guard step >= 1 else { throw .invalidArgument("slice: step \(step) must be at least 1") }
        let size = shape[a]
        let clip = { (bound: Int) in Swift.min(Swift.max(bound < 0 ? bound + size : bound, 0), size) }
        let (from, to) = (clip(start), clip(end ?? size))
        return try take(Array(stride(from: from, to: Swift.max(from, to), by: step)), axis: a)
    }

    /// `tensors` joined along `axis` (numpy's `concatenate`): every other axis must agree.
    /// - Throws: `ShapeError.invalidArgument` for no tensors or shapes that differ off the axis.
    public static func concatenate(_ tensors: [Tensor], axis: Int = 0) throws(ShapeError) -> Tensor {
        guard let first = tensors.first else { throw .invalidArgument("concatenate needs at least one tensor") }
        let a = try first.resolve(axis)
        for t in tensors where t.rank != first.rank || t.shape.enumerated().contains(where: { $0.offset != a && $0.element != first.shape[$0.offset] }) {
            throw .invalidArgument("concatenate along axis \(axis): shape \(t.shape) does not match \(first.shape) off that axis")
        }
        let outer = first.shape[..<a].reduce(1, *)
        var out = [Float]()
        out.reserveCapacity(tensors.reduce(0) { $0 + $1.count })
        for o in 0..<outer {
            for t in tensors {
                let block = t.shape[a...].reduce(1, *)
                out.append(contentsOf: t.scalars[o * block ..< (o + 1) * block])
            }
        }
        var newShape = first.shape
        newShape[a] = tensors.reduce(0) { $0 + $1.shape[a] }
        return Tensor(unchecked: newShape, out)
    }

    /// `tensors` of one shape stacked along a new `axis` (numpy's `stack`).
    /// - Throws: `ShapeError.invalidArgument` for no tensors or different shapes.
    public static func stack(_ tensors: [Tensor], axis: Int = 0) throws(ShapeError) -> Tensor {
        guard let first = tensors.first else { throw .invalidArgument("stack needs at least one tensor") }
        guard tensors.allSatisfy({ $0.shape == first.shape }) else {
            throw .invalidArgument("stack needs tensors of one shape; got \(tensors.map(\.shape))")
        }
        let a = axis < 0 ? axis + first.rank + 1 : axis
        guard a >= 0, a <= first.rank else { throw .axisOutOfRange(axis: axis, rank: first.rank + 1) }
        var expanded = first.shape
        expanded.insert(1, at: a)
        return try concatenate(tensors.map { Tensor(unchecked: expanded, $0.scalars) }, axis: a)
    }
}
