import GradFlowCore

/// An n-dimensional array as numpy stores it in `.npy` files: a shape (C order) and typed elements.
///
/// ```swift
/// let labels = try NPYFile.read(path: "y.npy")        // int64 from np.save("y.npy", y)
/// let asFloats = labels.tensor                         // Tensor [n] of Float
/// try NPYFile.write(NumpyArray(tensor), to: "out.npy")
/// ```
public struct NumpyArray: Equatable, Sendable {
    /// The element types this reader and writer take (little-endian, as numpy writes on x86 and ARM).
    public enum Elements: Equatable, Sendable {
        /// `<f4`.
        case float32([Float])
        /// `<f8`.
        case float64([Double])
        /// `<i8`.
        case int64([Int64])
        /// `<i4`.
        case int32([Int32])
        /// `|u1`.
        case uint8([UInt8])
        /// `|b1`.
        case bool([Bool])

        /// The number of elements.
        public var count: Int {
            switch self {
            case .float32(let v): return v.count
            case .float64(let v): return v.count
            case .int64(let v): return v.count
            case .int32(let v): return v.count
            case .uint8(let v): return v.count
            case .bool(let v): return v.count
            }
        }

        /// numpy's dtype string (`<f4`, `|b1`, …).
        public var descriptor: String {
            switch self {
            case .float32: return "<f4"
            case .float64: return "<f8"
            case .int64: return "<i8"
            case .int32: return "<i4"
            case .uint8: return "|u1"
            case .bool: return "|b1"
            }
        }
    }

    /// The shape (`[]` for a numpy scalar).
    public let shape: [Int]
    /// The elements in C (row-major) order.
    public let elements: Elements

    /// An array of `shape` holding `elements`.
    /// - Throws: `ShapeError.elementCountMismatch` when the counts differ.
    public init(shape: [Int], elements: Elements) throws(ShapeError) {
        guard shape.allSatisfy({ $0 >= 0 }), shape.reduce(1, *) == elements.count else {
            throw .elementCountMismatch(shape: shape, count: elements.count)
        }
        (self.shape, self.elements) = (shape, elements)
    }

    /// A float32 array with a tensor's shape and values.
    public init(_ tensor: Tensor) {
        (shape, elements) = (tensor.shape, .float32(tensor.scalars))
    }

    /// The elements as a `Float` tensor of the same shape (float64 is rounded, integers converted —
    /// exact up to 2²⁴ — and booleans are 0 or 1).
    public var tensor: Tensor {
        let values: [Float]
        switch elements {
        case .float32(let v): values = v
        case .float64(let v): values = v.map { Float($0) }
        case .int64(let v): values = v.map { Float($0) }
        case .int32(let v): values = v.map { Float($0) }
        case .uint8(let v): values = v.map { Float($0) }
        case .bool(let v): values = v.map { $0 ? 1 : 0 }
        }
        return try! Tensor(shape: shape, scalars: values)   // the counts agree by construction
    }
}
