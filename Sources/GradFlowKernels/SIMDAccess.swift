/// Vector-at-a-time access to raw Float buffers and the loop drivers the elementwise kernels share.
///
/// Every driver walks the buffers in SIMD8 steps, then does the last `count % 8` elements as one
/// partial vector (loaded with padding, stored lane by lane), so callers write the maths once and
/// lengths need not be multiples of 8. All of it is `@inline(__always)`: in release builds each
/// kernel is specialised with its closure inlined (no call per element or per vector).
enum SIMDAccess {
    /// Eight floats starting at `p` (no alignment required).
    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }

    /// Stores eight floats at `p` (no alignment required).
    @inline(__always)
    static func store(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
    }

    /// The first `count` (< 8) floats at `p`, the other lanes set to `padding`.
    @inline(__always)
    static func loadPartial(_ p: UnsafePointer<Float>, _ count: Int, padding: Float) -> SIMD8<Float> {
        var v = SIMD8<Float>(repeating: padding)
        for i in 0..<count { v[i] = p[i] }
        return v
    }

    /// Stores the first `count` (< 8) lanes of `v` at `p`.
    @inline(__always)
    static func storePartial(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>, _ count: Int) {
        for i in 0..<count { p[i] = v[i] }
    }

    /// `y[i] = f(x[i])` for `i < count`, eight lanes at a time.
    @inline(__always)
    static func map(_ count: Int, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                    _ f: (SIMD8<Float>) -> SIMD8<Float>) {
        var i = 0
        while i + 8 <= count {
            store(f(load(x + i)), y + i)
            i += 8
        }
        if i < count { storePartial(f(loadPartial(x + i, count - i, padding: 0)), y + i, count - i) }
    }

    /// `z[i] = f(x[i], y[i])` for `i < count`, eight lanes at a time (`z` may alias `x` or `y`).
    @inline(__always)
    static func map(_ count: Int, _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>,
                    _ z: UnsafeMutablePointer<Float>, _ f: (SIMD8<Float>, SIMD8<Float>) -> SIMD8<Float>) {
        var i = 0
        while i + 8 <= count {
            store(f(load(x + i), load(y + i)), z + i)
            i += 8
        }
        if i < count {
            let rest = count - i
            storePartial(f(loadPartial(x + i, rest, padding: 0), loadPartial(y + i, rest, padding: 0)), z + i, rest)
        }
    }

    /// `z[i] = f(z[i], x[i], y[i])` for `i < count`: the shape of every backward kernel
    /// (`dx += g(y, dy)`).
    @inline(__always)
    static func update(_ count: Int, _ z: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>,
                       _ y: UnsafePointer<Float>, _ f: (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>) -> SIMD8<Float>) {
        var i = 0
        while i + 8 <= count {
            store(f(load(z + i), load(x + i), load(y + i)), z + i)
            i += 8
        }
        if i < count {
            let rest = count - i
            let value = f(loadPartial(z + i, rest, padding: 0), loadPartial(x + i, rest, padding: 0),
                          loadPartial(y + i, rest, padding: 0))
            storePartial(value, z + i, rest)
        }
    }
}
