/// An n-dimensional array of 32-bit floats, row-major and contiguous, with value semantics.
///
/// Storage is a Swift array, so copies share memory until one of them is written (copy-on-write):
/// passing a tensor around is cheap, and mutating one copy never changes another.
///
/// ```swift
/// let a = try Tensor([[1, 2, 3], [4, 5, 6]])   // shape [2, 3]
/// let b = try a + Tensor([10, 20, 30])          // broadcasting: [2, 3] + [3]
/// ```
public struct Tensor: Equatable, Sendable {
    /// The size of each dimension, outermost first; `[]` for a scalar.
    public internal(set) var shape: [Int]
    /// The elements in row-major order.
    public package(set) var scalars: [Float]

    /// Creates a tensor from a flat array of elements and a shape.
    /// - Throws: `ShapeError.elementCountMismatch` when `scalars.count` is not the product of `shape`,
    ///   `ShapeError.negativeDimension` for a dimension below zero.
    public init(shape: [Int], scalars: [Float]) throws(ShapeError) {
        try Tensor.validate(shape)
        let expected = shape.reduce(1, *)
        guard expected == scalars.count else {
            throw .elementCountMismatch(shape: shape, count: scalars.count)
        }
        self.shape = shape
        self.scalars = scalars
    }

    /// Creates a tensor of the given shape with every element equal to `value`.
    /// - Precondition: no dimension is negative (a programming error, not a data error).
    public init(shape: [Int], repeating value: Float) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative dimension in \(shape)")
        self.shape = shape
        self.scalars = [Float](repeating: value, count: shape.reduce(1, *))
    }

    /// Creates a rank-0 tensor holding one number.
    public init(_ scalar: Float) {
        self.shape = []
        self.scalars = [scalar]
    }

    /// Creates a rank-1 tensor from an array.
    public init(_ vector: [Float]) {
        self.shape = [vector.count]
        self.scalars = vector
    }

    /// Creates a rank-2 tensor from rows of equal length.
    /// - Throws: `ShapeError.raggedRows` when rows differ in length.
    public init(_ matrix: [[Float]]) throws(ShapeError) {
        let columns = matrix.first?.count ?? 0
        for (index, row) in matrix.enumerated() where row.count != columns {
            throw .raggedRows(row: index, expected: columns, found: row.count)
        }
        self.shape = [matrix.count, columns]
        self.scalars = matrix.flatMap { $0 }
    }

    /// Creates a rank-3 tensor from nested arrays of equal lengths.
    /// - Throws: `ShapeError.raggedRows` when the nesting is not rectangular.
    public init(_ cube: [[[Float]]]) throws(ShapeError) {
        let first = try Tensor(cube.first ?? [])
        var scalars: [Float] = []
        for (index, matrix) in cube.enumerated() {
            let slice = try Tensor(matrix)
            guard slice.shape == first.shape else {
                throw .raggedRows(row: index, expected: first.shape.reduce(1, *), found: slice.count)
            }
            scalars += slice.scalars
        }
        self.shape = [cube.count] + (cube.isEmpty ? [0, 0] : first.shape)
        self.scalars = scalars
    }

    /// A tensor of zeros.
    public static func zeros(_ shape: [Int]) -> Tensor { Tensor(shape: shape, repeating: 0) }

    /// A tensor of ones.
    public static func ones(_ shape: [Int]) -> Tensor { Tensor(shape: shape, repeating: 1) }

    /// The number of elements (the product of the shape; 1 for a scalar).
    public var count: Int { scalars.count }

    /// The number of dimensions.
    public var rank: Int { shape.count }

    /// The single element of a one-element tensor (a loss, say).
    /// - Precondition: `count == 1`.
    public var scalar: Float {
        precondition(count == 1, "Tensor.scalar: tensor of shape \(shape) has \(count) elements")
        return scalars[0]
    }

    static func validate(_ shape: [Int]) throws(ShapeError) {
        if let bad = shape.first(where: { $0 < 0 }) { throw .negativeDimension(shape: shape, dimension: bad) }
    }
}
