import CGradFlowKernels

/// Winograd F(2×2, 3×3) convolution with AVX-512 (`conv_winograd.c`, `conv_winograd_gradient.c`) for
/// 3×3, stride-1, dilation-1 layers of one group: each 2×2 block of outputs costs 16 multiplies per
/// channel pair instead of 36, so 2.25× fewer FLOPs than the implicit GEMM, for additions in the
/// transforms and a little rounding (within 2.5e-6 of a double-precision loop on the Keras CNN's
/// layers, |y| ≤ 11; the weight gradient within 5.1e-6, |∂w| ≤ 8.5). The forward pass and the input
/// gradient (`TransposedConvolution`) share `forward`; the weight gradient is summed in the Winograd
/// domain over a part's images and brought back to 3×3 filters once per pass.
///
/// Measured on one image (C microbenchmark, Zen 4, AVX-512; Winograd / implicit GEMM): the Keras
/// CNN's 32→64 layer (26×26 in) 109–124 / 185–190 µs; its input gradient (64 channels of 28×28 in, 32
/// out) 144–156 / 219–233 µs; 32 → 8 channels on 28×28 31 / 55–57 µs (8 outputs fill half of the
/// implicit GEMM's 16 lanes). With fewer input channels the 16 GEMMs are too shallow for their
/// transforms: 16 → 16 on 28×28 26 / 27–28 µs, 16 → 32 on 14×14 14 / 12 µs, 8 → 16 on 40×41 34–40 /
/// 30–32 µs — hence `channelLimit`. The weight gradient of the 32→64 layer: 108–127 µs plus 8.2 µs
/// for the channels-last copy, against about 200 µs (106 GFLOP/s) for the implicit GEMM.
package struct WinogradConvolution: Sendable {
    /// Whether this CPU runs the kernels (AVX-512F).
    package static var isSupported: Bool { GEMMKernel.isAVX512Supported }

    /// The fewest input channels (the depth of the 16 GEMMs) for which `ConvolutionAlgorithm.choose`
    /// and the input gradient take it.
    package static let channelLimit = 32

    /// Whether the kernels compute `geometry`: a 3×3 kernel, stride 1, dilation 1 (one group).
    package static func applies(to g: WindowGeometry) -> Bool {
        g.kernelHeight == 3 && g.kernelWidth == 3 && g.strideX == 1 && g.strideY == 1 && g.dilationX == 1 && g.dilationY == 1
    }

    /// Whether it is the fastest choice here: supported, applicable, and at least `channelLimit`
    /// input channels.
    package static func isWorthwhile(_ g: WindowGeometry) -> Bool {
        isSupported && applies(to: g) && g.channels >= channelLimit
    }

    /// The convolution's geometry (its input channels are the GEMMs' depth) and output channels.
    package let geometry: WindowGeometry
    package let outputs: Int
    /// The padded copy of one image the kernels read: the tiles cover `2·⌈oh/2⌉ × 2·⌈ow/2⌉`
    /// outputs, so odd sizes need one more zero row or column than the padding gives.
    package let padded: PaddedImage

    /// The plan for `geometry` (see `applies(to:)`) with `outputs` output channels.
    package init(_ g: WindowGeometry, outputs: Int) {
        precondition(WinogradConvolution.applies(to: g), "WinogradConvolution needs a 3×3 kernel, stride 1 and dilation 1")
        (geometry, self.outputs) = (g, outputs)
        let tileRows = 2 * ((g.outputHeight + 1) / 2) + 2, tileColumns = 2 * ((g.outputWidth + 1) / 2) + 2
        padded = PaddedImage(channels: g.channels, height: max(tileRows, g.padTop + g.height),
                             width: max(tileColumns, g.padLeft + g.width))
    }

    /// Input channels rounded up to 16: the lanes of the weight gradient's channels-last copy.
    package var c16: Int { (geometry.channels + 15) / 16 * 16 }
    /// Output channels rounded up to 16: the lanes of the pixel-major `∂yᵀ` the weight gradient reads.
    package var o16: Int { (outputs + 15) / 16 * 16 }

    /// Floats of the transformed weights `U` (shared by the parts of a pass).
    package var weightsCount: Int { Int(gradflow_conv_winograd_weights_count(Int64(outputs), Int64(geometry.channels))) }
    /// Floats of one part's scratch (one chunk of tiles' transformed input and products).
    package var scratchCount: Int { Int(gradflow_conv_winograd_scratch_count(Int64(outputs), Int64(geometry.channels))) }

    /// `U = G g Gᵀ` of PyTorch's `w[outputs, channels, 3, 3]`, packed for `forward`.
    package func transform(weights w: UnsafePointer<Float>, into u: UnsafeMutablePointer<Float>) {
        gradflow_conv_winograd_weights(w, Int64(outputs), Int64(geometry.channels), u)
    }

    /// Floats of the channels-last padded copy (`padded`'s rows and columns × `c16`), of one image's
    /// pixel-major `∂yᵀ` (`oh·ow × o16`), of one part's weight-gradient scratch, and of the
    /// Winograd-domain weight gradient `∂U` (`16 × outputs × c16`).
    package var channelsLastCount: Int { padded.height * padded.width * c16 }
    package var pixelsCount: Int { geometry.outputHeight * geometry.outputWidth * o16 }
    package var gradientScratchCount: Int { Int(gradflow_conv_winograd_gradient_scratch_count(Int64(o16), Int64(c16))) }
    package var weightGradientCount: Int { 16 * outputs * c16 }

    /// Copies one NCHW image into the interior of its channels-last padded copy (borders and channels
    /// past the real ones stay zero: zero the copy once when planning).
    package func copyChannelsLast(_ image: UnsafePointer<Float>, into xhwc: UnsafeMutablePointer<Float>) {
        let g = geometry
        gradflow_conv_winograd_channels_last(image, Int64(g.channels), Int64(g.height), Int64(g.width), Int64(g.padTop), Int64(g.padLeft),
                                             Int64(padded.height), Int64(padded.width), Int64(c16), xhwc)
    }

    /// `dyt[p·o16 + k] = dy[k·oh·ow + p]`: one image's `∂y` pixel-major (columns past `outputs`
    /// untouched: they hold zeros).
    package func loadPlanes(_ dy: UnsafePointer<Float>, into dyt: UnsafeMutablePointer<Float>) {
        let pixels = geometry.outputHeight * geometry.outputWidth
        gradflow_transpose(dy, Int64(outputs), Int64(pixels), Int64(pixels), dyt, Int64(o16))
    }

    /// `∂U += ` one image's weight gradient in the Winograd domain, from its channels-last copy and
    /// its pixel-major `∂yᵀ` (`dyt[pixel·o16 + k]`), with one part's `scratch`.
    package func accumulateWeightGradient(channelsLast xhwc: UnsafePointer<Float>, outputGradient dyt: UnsafePointer<Float>,
                                          into du: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
        gradflow_conv_winograd_weight_gradient_avx512(xhwc, Int64(padded.width), Int64(c16), dyt, Int64(o16),
                                                      Int64(outputs), Int64(geometry.outputHeight), Int64(geometry.outputWidth), du, scratch)
    }

    /// `dw += Gᵀ ∂U G`: a part's Winograd-domain weight gradient into PyTorch's `[outputs, channels, 3, 3]`.
    package func addWeightGradient(_ du: UnsafePointer<Float>, into dw: UnsafeMutablePointer<Float>) {
        gradflow_conv_winograd_weight_gradient_finish(du, Int64(outputs), Int64(geometry.channels), Int64(c16), dw)
    }

    /// One image: `y = conv(padded, w) + bias` (no bias when nil; added to `y` with `accumulate`),
    /// `y` NCHW `outputs × oh × ow`, with `u` from `transform` and one part's `scratch`.
    package func forward(padded xp: UnsafePointer<Float>, weights u: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                         into y: UnsafeMutablePointer<Float>, accumulate: Bool = false, scratch: UnsafeMutablePointer<Float>) {
        gradflow_conv_winograd_forward_avx512(xp, Int64(geometry.channels), Int64(padded.height), Int64(padded.width), u,
                                              Int64(outputs), Int64(geometry.outputHeight), Int64(geometry.outputWidth), bias, y,
                                              accumulate ? 1 : 0, scratch)
    }
}
