/// numpy's array constructors: `arange`, `linspace`, `eye`, `full`.
extension Tensor {
    /// `[start, start + step, …]` below `end` (numpy's `arange`; `arange(4)` is `[0, 1, 2, 3]`).
    /// - Throws: `ShapeError` for a zero step or a range of more than 2³¹ values.
    public static func arange(_ start: Float = 0, _ end: Float, step: Float = 1) throws(ShapeError) -> Tensor {
        guard step != 0, step.isFinite, start.isFinite, end.isFinite else { throw .invalidArgument("arange needs a finite, non-zero step and finite bounds") }
        let count = Swift.max(0, Int(((end - start) / step).rounded(.up)))
        guard count < 1 << 31 else { throw .invalidArgument("arange(\(start), \(end), step: \(step)) has \(count) values, too many") }
        return Tensor((0..<count).map { start + Float($0) * step })
    }

    /// `arange(0, end)`: `[0, 1, …, end − 1]`.
    public static func arange(_ end: Int) -> Tensor { Tensor((0..<Swift.max(0, end)).map(Float.init)) }

    /// `count` evenly spaced values from `start` to `end`, both included (numpy's `linspace`).
    public static func linspace(_ start: Float, _ end: Float, count: Int) -> Tensor {
        guard count > 1 else { return Tensor(count == 1 ? [start] : []) }
        let step = (end - start) / Float(count - 1)
        return Tensor((0..<count).map { $0 == count - 1 ? end : start + Float($0) * step })
    }

    /// The `n × n` identity matrix (numpy's `eye`).
    public static func eye(_ n: Int) -> Tensor {
        let size = Swift.max(0, n)
        var identity = Tensor.zeros([size, size])
        for i in 0..<size { identity.scalars[i * size + i] = 1 }
        return identity
    }

    /// A tensor of `shape` filled with `value` (numpy's `full`).
    public static func full(_ shape: [Int], _ value: Float) -> Tensor { Tensor(shape: shape, repeating: value) }
}
