/// Elementwise loops over raw buffers. Every function takes its output buffer from the caller and
/// allocates nothing; lengths need not be multiples of the SIMD width. Inputs are read for
/// `x.count` elements (the first operand's count); outputs must be at least that long.
/// All are O(n), vectorised eight lanes at a time (`SIMDAccess`).
package enum Elementwise {
    /// `y[i] += x[i]` (gradient accumulation).
    package static func accumulate(_ x: UnsafeBufferPointer<Float>, into y: UnsafeMutableBufferPointer<Float>) {
        let (x, y, n) = checked(x, y)
        SIMDAccess.map(n, y, x, y) { $0 + $1 }
    }

    /// `y[i] += alpha · x[i]` (BLAS axpy; with `alpha = −lr` it is the SGD update). Multiply, then
    /// add: never a fused multiply-add, so every platform rounds alike.
    package static func axpy(_ alpha: Float, _ x: UnsafeBufferPointer<Float>, _ y: UnsafeMutableBufferPointer<Float>) {
        let (x, y, n) = checked(x, y)
        SIMDAccess.map(n, y, x, y) { $0 + alpha * $1 }
    }

    /// `y[i] = alpha · x[i]`.
    package static func scale(_ x: UnsafeBufferPointer<Float>, by alpha: Float, into y: UnsafeMutableBufferPointer<Float>) {
        let (x, y, n) = checked(x, y)
        SIMDAccess.map(n, x, y) { alpha * $0 }
    }

    /// `y[i] = value` for every element of `y`.
    package static func fill(_ y: UnsafeMutableBufferPointer<Float>, with value: Float) {
        guard let base = y.baseAddress else { return }
        base.initialize(repeating: value, count: y.count)
    }

    /// `z[i] = x[i] + y[i]`.
    package static func add(_ x: UnsafeBufferPointer<Float>, _ y: UnsafeBufferPointer<Float>,
                            into z: UnsafeMutableBufferPointer<Float>) {
        let (x, y, z, n) = checked(x, y, z)
        SIMDAccess.map(n, x, y, z) { $0 + $1 }
    }

    /// `z[i] = x[i] − y[i]`.
    package static func subtract(_ x: UnsafeBufferPointer<Float>, _ y: UnsafeBufferPointer<Float>,
                                 into z: UnsafeMutableBufferPointer<Float>) {
        let (x, y, z, n) = checked(x, y, z)
        SIMDAccess.map(n, x, y, z) { $0 - $1 }
    }

    /// `z[i] = x[i] · y[i]` (Hadamard product; dropout applies its mask, pre-scaled by 1/(1−p),
    /// with this).
    package static func multiply(_ x: UnsafeBufferPointer<Float>, _ y: UnsafeBufferPointer<Float>,
                                 into z: UnsafeMutableBufferPointer<Float>) {
        let (x, y, z, n) = checked(x, y, z)
        SIMDAccess.map(n, x, y, z) { $0 * $1 }
    }

    /// `z[i] += x[i] · y[i]` (the backward of a product: `∂L/∂a += ∂L/∂c · b`).
    package static func accumulateProduct(_ x: UnsafeBufferPointer<Float>, _ y: UnsafeBufferPointer<Float>,
                                          into z: UnsafeMutableBufferPointer<Float>) {
        let (x, y, z, n) = checked(x, y, z)
        SIMDAccess.update(n, z, x, y) { $0 + $1 * $2 }
    }

    /// `y[i] = ln x[i]` (C library `logf` per element: used on loss-sized buffers, not hot).
    package static func log(_ x: UnsafeBufferPointer<Float>, into y: UnsafeMutableBufferPointer<Float>) {
        let (x, y, n) = checked(x, y)
        for i in 0..<n { y[i] = _log(x[i]) }
    }

    /// The entry check shared by the one-input kernels: base addresses and the element count.
    @inline(__always)
    static func checked(_ x: UnsafeBufferPointer<Float>, _ y: UnsafeMutableBufferPointer<Float>)
        -> (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) {
        precondition(y.count >= x.count, "Elementwise: output shorter than input")
        guard let xs = x.baseAddress, let ys = y.baseAddress else { return (emptyInput, emptyOutput, 0) }
        return (xs, ys, x.count)
    }

    /// The entry check shared by the two-input kernels.
    @inline(__always)
    static func checked(_ x: UnsafeBufferPointer<Float>, _ y: UnsafeBufferPointer<Float>,
                        _ z: UnsafeMutableBufferPointer<Float>)
        -> (UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) {
        precondition(y.count >= x.count && z.count >= x.count, "Elementwise: operand shorter than the first input")
        guard let xs = x.baseAddress, let ys = y.baseAddress, let zs = z.baseAddress else {
            return (emptyInput, emptyInput, emptyOutput, 0)
        }
        return (xs, ys, zs, x.count)
    }

    /// Stand-ins for the base address of an empty buffer (never dereferenced: the count is 0).
    private static var emptyInput: UnsafePointer<Float> { UnsafePointer(bitPattern: 0x40)! }
    private static var emptyOutput: UnsafeMutablePointer<Float> { UnsafeMutablePointer(bitPattern: 0x40)! }
}
