import CGradFlowKernels

/// Implicit-GEMM convolution with AVX-512 (`conv_implicit.c`): the product
/// `yᵀ[pixel, o] = Σ_t cols[t, pixel] · wᵀ[t, o]` with `cols` read straight from a zero-padded copy of
/// the image through planned offsets, so no im2col matrix is written or packed. Output channels sit
/// in the vector lanes (rounded up to `o16`), so results are pixel-major (`yᵀ`) and are transposed into
/// NCHW planes with the bias added; the weight gradient is the same product with pixels as the depth.
/// Any stride, padding and dilation; one group.
package struct ImplicitConvolution: Sendable {
    /// Whether this CPU runs the kernels (AVX-512F).
    package static var isSupported: Bool { GEMMKernel.isAVX512Supported }

    /// The padded copy of one image the kernels read.
    package let padded: PaddedImage
    /// Output channels, and the same rounded up to 16 (the columns of `wᵀ`, `yᵀ`, `∂yᵀ` and `∂wᵀ`).
    package let outputs, o16: Int
    /// Offset (floats) of each output pixel's window in the padded copy, and of each tap
    /// `(c, ki, kj)` within a window.
    private let pixelOffsets, tapOffsets: [Int32]

    /// Taps per block of the forward sum: whole channels whose padded planes fit in 16 KiB (half of
    /// L1d), at least one, so a block's planes stay in L1 across all pixel tiles. Measured (one image,
    /// Zen 4) it neither helps nor hurts here: the Keras CNN's 32→64 layer 194–209 µs with blocks of
    /// 45, 18 or all 288 taps; the 8×32 tile, not the blocking, fixed the input gradient's 42 GFLOP/s.
    /// Kept for larger images, whose channels would not fit L1 together (not measured).
    private let tapBlock: Int

    /// Output pixels (`oh·ow`) and taps (`C·kh·kw`).
    package var pixels: Int { pixelOffsets.count }
    package var taps: Int { tapOffsets.count }

    /// Plans the offsets for `geometry` (one group) with `outputs` output channels.
    package init(_ g: WindowGeometry, outputs: Int) {
        let rows = max((g.outputHeight - 1) * g.strideY + (g.kernelHeight - 1) * g.dilationY + 1, g.padTop + g.height)
        let columns = max((g.outputWidth - 1) * g.strideX + (g.kernelWidth - 1) * g.dilationX + 1, g.padLeft + g.width)
        padded = PaddedImage(channels: g.channels, height: rows, width: columns)
        (self.outputs, o16) = (outputs, (outputs + 15) / 16 * 16)
        var pixelOffsets: [Int32] = []
        for oy in 0..<g.outputHeight { for ox in 0..<g.outputWidth { pixelOffsets.append(Int32(oy * g.strideY * columns + ox * g.strideX)) } }
        var tapOffsets: [Int32] = []
        for c in 0..<g.channels { for ki in 0..<g.kernelHeight { for kj in 0..<g.kernelWidth {
            tapOffsets.append(Int32((c * rows + ki * g.dilationY) * columns + kj * g.dilationX))
        } } }
        (self.pixelOffsets, self.tapOffsets) = (pixelOffsets, tapOffsets)
        tapBlock = max(1, 4096 / (rows * columns)) * g.kernelHeight * g.kernelWidth
    }

    /// Floats of `wᵀ` and `∂wᵀ` (`taps × o16`), and of `yᵀ` or `∂yᵀ` (`pixels × o16`).
    package var weightsCount: Int { taps * o16 }
    package var pixelsCount: Int { pixels * o16 }

    /// `wt[t·o16 + o] = w[o·taps + t]` (PyTorch's `[O, C, kh, kw]` transposed). Columns past
    /// `outputs` are not written: they must hold zeros.
    package func transpose(weights w: UnsafePointer<Float>, into wt: UnsafeMutablePointer<Float>) {
        for o in 0..<outputs { for t in 0..<taps { wt[t * o16 + o] = w[o * taps + t] } }
    }

    /// `yt[p·o16 + o] = Σ_t padded[pixel_p + tap_t] · wt[t·o16 + o]` for one image.
    package func forward(padded xp: UnsafePointer<Float>, weights wt: UnsafePointer<Float>, into yt: UnsafeMutablePointer<Float>) {
        pixelOffsets.withUnsafeBufferPointer { pixel in tapOffsets.withUnsafeBufferPointer { tap in
            gradflow_conv_implicit_forward_avx512(xp, pixel.baseAddress, Int64(pixels), tap.baseAddress, Int64(taps), Int64(tapBlock),
                                                  wt, Int64(o16), yt)
        } }
    }

    /// `y[o·pixels + p] = yt[p·o16 + o] + bias[o]` (no bias when nil; added to `y` with `accumulate`):
    /// one image's NCHW planes.
    package func storePlanes(_ yt: UnsafePointer<Float>, bias: UnsafePointer<Float>?, into y: UnsafeMutablePointer<Float>,
                             accumulate: Bool = false) {
        for o in 0..<outputs {
            let (plane, b) = (y + o * pixels, bias?[o] ?? 0)
            if accumulate {
                for p in 0..<pixels { plane[p] += yt[p * o16 + o] + b }
            } else {
                for p in 0..<pixels { plane[p] = yt[p * o16 + o] + b }
            }
        }
    }

    /// `dyt[p·o16 + o] = dy[o·pixels + p]` (columns past `outputs` untouched: they hold zeros), in
    /// blocks (`gradflow_transpose`).
    package func loadPlanes(_ dy: UnsafePointer<Float>, into dyt: UnsafeMutablePointer<Float>) {
        gradflow_transpose(dy, Int64(outputs), Int64(pixels), Int64(pixels), dyt, Int64(o16))
    }

    /// `dwt[t·o16 + o] += Σ_p padded[pixel_p + tap_t] · dyt[p·o16 + o]` for one image.
    package func accumulateWeightGradient(padded xp: UnsafePointer<Float>, outputGradient dyt: UnsafePointer<Float>,
                                          into dwt: UnsafeMutablePointer<Float>) {
        pixelOffsets.withUnsafeBufferPointer { pixel in tapOffsets.withUnsafeBufferPointer { tap in
            gradflow_conv_implicit_weight_gradient_avx512(xp, pixel.baseAddress, Int64(pixels), tap.baseAddress, Int64(taps), dyt,
                                                          Int64(o16), dwt)
        } }
    }

    /// `dw[o·taps + t] += dwt[t·o16 + o]`: a part's `∂wᵀ` into PyTorch's layout.
    package func addTransposed(_ dwt: UnsafePointer<Float>, into dw: UnsafeMutablePointer<Float>) {
        for o in 0..<outputs { for t in 0..<taps { dw[o * taps + t] += dwt[t * o16 + o] } }
    }
}
