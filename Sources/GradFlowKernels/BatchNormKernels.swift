/// The loops of batch normalisation over a tensor laid out `[batch, channels, spatial]` (NCHW with
/// H·W = spatial; `[N, F]` is spatial 1): each channel's values are `batch` runs of `spatial`
/// contiguous floats. Every pass is a SIMD loop over those runs; channels are split across threads
/// when the tensor is large enough to pay for the hand-off (parts write disjoint channels).
package enum BatchNormKernels {
    /// The sizes of one pass.
    package struct Layout: Sendable {
        /// Examples, channels, and floats per channel per example.
        package let batch: Int, channels: Int, spatial: Int
        /// Creates the layout.
        package init(batch: Int, channels: Int, spatial: Int) { (self.batch, self.channels, self.spatial) = (batch, channels, spatial) }
        /// Values per channel (`batch · spatial`).
        package var perChannel: Int { batch * spatial }
    }

    /// Below this many floats one thread does the pass (measured: the hand-off costs more).
    static let parallelThreshold = 1 << 16

    /// `mean[c]` and the biased `variance[c]` of each channel (two passes over the data, in Double,
    /// so the variance loses nothing to cancellation).
    package static func statistics(_ x: UnsafePointer<Float>, _ layout: Layout,
                                   mean: UnsafeMutablePointer<Float>, variance: UnsafeMutablePointer<Float>) {
        run(layout, Statistics(x: x, layout: layout, mean: mean, variance: variance))
    }

    /// `y = x · scale[c] + shift[c]` (`y` may alias `x`).
    package static func affine(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, _ layout: Layout,
                               scale: UnsafePointer<Float>, shift: UnsafePointer<Float>) {
        run(layout, Affine(x: x, y: y, layout: layout, scale: scale, shift: shift))
    }

    /// `sumDy[c] = Σ dy` and `sumDyX[c] = Σ dy · (x − mean[c])` over each channel.
    package static func gradientSums(_ dy: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ layout: Layout, mean: UnsafePointer<Float>,
                                     sumDy: UnsafeMutablePointer<Float>, sumDyX: UnsafeMutablePointer<Float>) {
        run(layout, GradientSums(dy: dy, x: x, layout: layout, mean: mean, sumDy: sumDy, sumDyX: sumDyX))
    }

    /// `dx += a[c] · dy + b[c] · x + k[c]`: the input gradient of batch normalisation in one pass.
    package static func accumulateInputGradient(_ dx: UnsafeMutablePointer<Float>, _ dy: UnsafePointer<Float>, _ x: UnsafePointer<Float>,
                                                _ layout: Layout, a: UnsafePointer<Float>, b: UnsafePointer<Float>, k: UnsafePointer<Float>) {
        run(layout, InputGradient(dx: dx, dy: dy, x: x, layout: layout, a: a, b: b, k: k))
    }

    /// `statistics` for a range of channels.
    private struct Statistics: RangeJob {
        let x: UnsafePointer<Float>, layout: Layout
        let mean: UnsafeMutablePointer<Float>, variance: UnsafeMutablePointer<Float>
        func run(_ channels: Range<Int>) {
            for c in channels {
                let count = Double(layout.perChannel)
                var sum = 0.0
                forEachRun(layout, c) { offset in sum += sumOf(x + offset, layout.spatial) }
                let m = sum / count
                var squares = 0.0
                forEachRun(layout, c) { offset in squares += squaredDeviations(x + offset, layout.spatial, from: Float(m)) }
                (mean[c], variance[c]) = (Float(m), Float(squares / count))
            }
        }
    }

    /// `affine` for a range of channels.
    private struct Affine: RangeJob {
        let x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, layout: Layout
        let scale: UnsafePointer<Float>, shift: UnsafePointer<Float>
        func run(_ channels: Range<Int>) {
            for c in channels {
                let (a, b) = (SIMD8<Float>(repeating: scale[c]), SIMD8<Float>(repeating: shift[c]))
                forEachRun(layout, c) { offset in SIMDAccess.map(layout.spatial, x + offset, y + offset) { $0 * a + b } }
            }
        }
    }

    /// `gradientSums` for a range of channels.
    private struct GradientSums: RangeJob {
        let dy: UnsafePointer<Float>, x: UnsafePointer<Float>, layout: Layout, mean: UnsafePointer<Float>
        let sumDy: UnsafeMutablePointer<Float>, sumDyX: UnsafeMutablePointer<Float>
        func run(_ channels: Range<Int>) {
            for c in channels {
                var (total, weighted) = (0.0, 0.0)
                let m = SIMD8<Float>(repeating: mean[c])
                forEachRun(layout, c) { offset in
                    total += sumOf(dy + offset, layout.spatial)
                    var lanes = SIMD8<Float>(), i = 0
                    let (g, v) = (dy + offset, x + offset)
                    while i + 8 <= layout.spatial {
                        lanes += SIMDAccess.load(g + i) * (SIMDAccess.load(v + i) - m)
                        i += 8
                    }
                    var rest = Double(lanes.sum())
                    while i < layout.spatial { rest += Double(g[i] * (v[i] - mean[c])); i += 1 }
                    weighted += rest
                }
                (sumDy[c], sumDyX[c]) = (Float(total), Float(weighted))
            }
        }
    }

    /// `accumulateInputGradient` for a range of channels.
    private struct InputGradient: RangeJob {
        let dx: UnsafeMutablePointer<Float>, dy: UnsafePointer<Float>, x: UnsafePointer<Float>, layout: Layout
        let a: UnsafePointer<Float>, b: UnsafePointer<Float>, k: UnsafePointer<Float>
        func run(_ channels: Range<Int>) {
            for c in channels {
                let (va, vb, vk) = (SIMD8<Float>(repeating: a[c]), SIMD8<Float>(repeating: b[c]), SIMD8<Float>(repeating: k[c]))
                forEachRun(layout, c) { offset in
                    SIMDAccess.update(layout.spatial, dx + offset, dy + offset, x + offset) { d, g, v in d + va * g + vb * v + vk }
                }
            }
        }
    }

    /// Calls `body(offset)` for the start of each of channel `c`'s `batch` runs.
    @inline(__always)
    private static func forEachRun(_ layout: Layout, _ c: Int, _ body: (Int) -> Void) {
        for n in 0..<layout.batch { body((n * layout.channels + c) * layout.spatial) }
    }

    /// `Σ p[i]` for `i < count`: SIMD8 in Float per run, added in Double.
    @inline(__always)
    private static func sumOf(_ p: UnsafePointer<Float>, _ count: Int) -> Double {
        var lanes = SIMD8<Float>(), i = 0
        while i + 8 <= count { lanes += SIMDAccess.load(p + i); i += 8 }
        var total = Double(lanes.sum())
        while i < count { total += Double(p[i]); i += 1 }
        return total
    }

    /// `Σ (p[i] − m)²` for `i < count`.
    @inline(__always)
    private static func squaredDeviations(_ p: UnsafePointer<Float>, _ count: Int, from m: Float) -> Double {
        var lanes = SIMD8<Float>(), i = 0
        let vm = SIMD8<Float>(repeating: m)
        while i + 8 <= count { let d = SIMDAccess.load(p + i) - vm; lanes += d * d; i += 8 }
        var total = Double(lanes.sum())
        while i < count { let d = p[i] - m; total += Double(d * d); i += 1 }
        return total
    }

    /// Runs `job` over all channels: on this thread for small tensors, else in one contiguous range
    /// of channels per thread (no allocation: the job is a struct of pointers).
    private static func run<Job: RangeJob>(_ layout: Layout, _ job: Job) {
        let large = layout.batch * layout.channels * layout.spatial >= parallelThreshold
        let parts = large ? min(availableThreads(KernelThreads.count), layout.channels) : 1
        parallelRanges(layout.channels, parts: parts, alignment: 1, job)
    }
}
