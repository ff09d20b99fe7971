extension Tensor {
    /// Elementwise sum with numpy broadcasting.
    /// - Throws: `ShapeError.notBroadcastable` naming both shapes.
    public static func + (lhs: Tensor, rhs: Tensor) throws(ShapeError) -> Tensor {
        try Broadcasting.apply(lhs, rhs, +)
    }

    /// Elementwise difference with numpy broadcasting.
    /// - Throws: `ShapeError.notBroadcastable` naming both shapes.
    public static func - (lhs: Tensor, rhs: Tensor) throws(ShapeError) -> Tensor {
        try Broadcasting.apply(lhs, rhs, -)
    }

    /// Elementwise product with numpy broadcasting.
    /// - Throws: `ShapeError.notBroadcastable` naming both shapes.
    public static func * (lhs: Tensor, rhs: Tensor) throws(ShapeError) -> Tensor {
        try Broadcasting.apply(lhs, rhs, *)
    }

    /// Elementwise quotient with numpy broadcasting (IEEE rules: x/0 is ±inf or nan).
    /// - Throws: `ShapeError.notBroadcastable` naming both shapes.
    public static func / (lhs: Tensor, rhs: Tensor) throws(ShapeError) -> Tensor {
        try Broadcasting.apply(lhs, rhs, /)
    }

    /// Adds a number to every element.
    public static func + (lhs: Tensor, rhs: Float) -> Tensor { lhs.map { $0 + rhs } }
    /// Subtracts a number from every element.
    public static func - (lhs: Tensor, rhs: Float) -> Tensor { lhs.map { $0 - rhs } }
    /// Multiplies every element by a number.
    public static func * (lhs: Tensor, rhs: Float) -> Tensor { lhs.map { $0 * rhs } }
    /// Divides every element by a number.
    public static func / (lhs: Tensor, rhs: Float) -> Tensor { lhs.map { $0 / rhs } }
    /// Adds every element to a number.
    public static func + (lhs: Float, rhs: Tensor) -> Tensor { rhs.map { lhs + $0 } }
    /// Subtracts every element from a number.
    public static func - (lhs: Float, rhs: Tensor) -> Tensor { rhs.map { lhs - $0 } }
    /// Multiplies a number by every element.
    public static func * (lhs: Float, rhs: Tensor) -> Tensor { rhs.map { lhs * $0 } }
    /// Divides a number by every element.
    public static func / (lhs: Float, rhs: Tensor) -> Tensor { rhs.map { lhs / $0 } }
    /// Negates every element.
    public static prefix func - (operand: Tensor) -> Tensor { operand.map { -$0 } }

    /// A tensor of the same shape with `transform` applied to every element.
    public func map(_ transform: (Float) -> Float) -> Tensor {
        Tensor(unchecked: shape, scalars.map(transform))
    }
}
