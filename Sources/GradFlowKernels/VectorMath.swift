/// Vectorised transcendental functions on SIMD8<Float>, written with separate multiplies and adds
/// (on baseline x86-64 a fused `addingProduct` becomes a libm call per lane).
enum VectorMath {
    /// `e^x` per lane, relative error ≲ 2e-7 over the normal range.
    ///
    /// Cody–Waite reduction `x = n·ln2 + r` (|r| ≤ ln2/2), the Cephes degree-6 polynomial for `e^r`,
    /// and the scaling by `2^n` done in two halves (`2^⌊n/2⌋·2^(n−⌊n/2⌋)`) so that results near the
    /// overflow and underflow thresholds (including subnormals) are right. `x > 88.72` gives `+∞`,
    /// `x < −103.9` gives 0, NaN gives NaN.
    @inline(__always)
    static func exp(_ x: SIMD8<Float>) -> SIMD8<Float> {
        // Clamp where the result is already ∞ or 0; comparisons with NaN are false, so NaN survives.
        var v = x.replacing(with: -104, where: x .< -104)
        v = v.replacing(with: 89, where: v .> 89)
        let shifter: Float = 12_582_912  // 1.5·2^23: adding it rounds to an integer in the low bits
        let t = v * 1.442_695_04 + shifter
        let n = t - shifter
        let r = (v - n * 0.693_359_375) - n * -2.121_944_4e-4
        var p = SIMD8<Float>(repeating: 1.987_569_15e-4)
        p = p * r + 1.398_199_950_7e-3
        p = p * r + 8.333_451_907_3e-3
        p = p * r + 4.166_579_589_4e-2
        p = p * r + 1.666_666_545_9e-1
        p = p * r + 5.000_000_120_1e-1
        p = p * (r * r) + r + 1
        let ni = unsafeBitCast(t, to: SIMD8<Int32>.self) &- 0x4B40_0000
        let half = ni &>> 1
        let scaleLow = unsafeBitCast((half &+ 127) &<< 23, to: SIMD8<Float>.self)
        let scaleHigh = unsafeBitCast((ni &- half &+ 127) &<< 23, to: SIMD8<Float>.self)
        return p * scaleLow * scaleHigh
    }

    /// `1 / (1 + e^−x)` per lane; exactly 0 and 1 far in the tails (±1000 included), never NaN for
    /// finite input.
    @inline(__always)
    static func sigmoid(_ x: SIMD8<Float>) -> SIMD8<Float> {
        1 / (1 + exp(-x))
    }

    /// `tanh x` per lane, relative error ≲ 1e-6: the Cephes odd polynomial for |x| < 0.625 (where
    /// `1 − 2/(e^2|x| + 1)` would cancel), that formula with the sign restored elsewhere.
    @inline(__always)
    static func tanh(_ x: SIMD8<Float>) -> SIMD8<Float> {
        let z = x * x
        var p = SIMD8<Float>(repeating: -5.704_988_727_45e-3)
        p = p * z + 2.063_908_879_54e-2
        p = p * z - 5.373_971_555_31e-2
        p = p * z + 1.333_144_220_36e-1
        p = p * z - 3.333_328_194_22e-1
        let small = p * z * x + x
        let magnitude = x.replacing(with: -x, where: x .< 0)
        let large = 1 - 2 / (exp(magnitude + magnitude) + 1)
        let signedLarge = large.replacing(with: -large, where: x .< 0)
        return signedLarge.replacing(with: small, where: magnitude .< 0.625)
    }
}
