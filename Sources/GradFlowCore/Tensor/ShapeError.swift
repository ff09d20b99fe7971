/// A tensor operation was given shapes it cannot work with.
public enum ShapeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Two shapes cannot be broadcast together (numpy rules).
    case notBroadcastable([Int], [Int])
    /// A flat array's length does not match the shape it should fill.
    case elementCountMismatch(shape: [Int], count: Int)
    /// A reshape to a shape with a different number of elements.
    case reshapeCountMismatch(from: [Int], to: [Int])
    /// A shape with a negative dimension.
    case negativeDimension(shape: [Int], dimension: Int)
    /// Nested arrays whose rows differ in length.
    case raggedRows(row: Int, expected: Int, found: Int)
    /// Matrix product of `[m, k] · [k', n]` with `k != k'`, or operands that are not matrices.
    case matmulMismatch([Int], [Int])
    /// An axis outside `0..<rank`.
    case axisOutOfRange(axis: Int, rank: Int)
    /// An operation that needs a specific rank was given another.
    case rankMismatch(operation: String, expected: Int, shape: [Int])
    /// A constructor's range or an index is invalid (the text says which and why).
    case invalidArgument(String)

    public var description: String {
        switch self {
        case let .notBroadcastable(a, b):
            return "shapes \(a) and \(b) cannot be broadcast together"
        case let .elementCountMismatch(shape, count):
            return "shape \(shape) needs \(shape.reduce(1, *)) elements but \(count) were given"
        case let .reshapeCountMismatch(from, to):
            return "cannot reshape \(from) (\(from.reduce(1, *)) elements) to \(to) (\(to.reduce(1, *)) elements)"
        case let .negativeDimension(shape, dimension):
            return "shape \(shape) has a negative dimension \(dimension)"
        case let .raggedRows(row, expected, found):
            return "row \(row) has \(found) elements but the first row has \(expected)"
        case let .matmulMismatch(a, b):
            return "cannot multiply matrices of shapes \(a) and \(b): inner dimensions must agree"
        case let .axisOutOfRange(axis, rank):
            return "axis \(axis) is out of range for a tensor of rank \(rank)"
        case let .rankMismatch(operation, expected, shape):
            return "\(operation) needs a rank-\(expected) tensor, got shape \(shape)"
        case .invalidArgument(let detail):
            return detail
        }
    }
}
