import CGradFlowKernels

/// Winograd F(2×2, 3×3) convolution with AVX-512 (`conv_winograd.c`) for 3×3, stride-1,
/// dilation-1 layers of one group: each 2×2 block of outputs costs 16 multiplies per channel pair
/// instead of 36, so 2.25× fewer FLOPs than the implicit GEMM, for additions in the transforms and a
/// little rounding (within 2.5e-6 of a double-precision loop on the Keras CNN's layers, |y| ≤ 11).
///
/// Measured on one image (C microbenchmark, Zen 4, AVX-512; Winograd / implicit GEMM): the Keras
/// CNN's 32→64 layer (26×26 in) 109–124 / 185–190 µs; its input gradient (64 channels of 28×28 in, 32
/// out) 144–156 / 219–233 µs; 32 → 8 channels on 28×28 31 / 55–57 µs (8 outputs fill half of the
/// implicit GEMM's 16 lanes). With fewer input channels the 16 GEMMs are too shallow for their
/// transforms: 16 → 16 on 28×28 26 / 27–28 µs, 16 → 32 on 14×14 14 / 12 µs, 8 → 16 on 40×41 34–40 /
/// 30–32 µs — hence `channelLimit`.
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

    /// Floats of the transformed weights `U` (shared by the parts of a pass).
    package var weightsCount: Int { Int(gradflow_conv_winograd_weights_count(Int64(outputs), Int64(geometry.channels))) }
    /// Floats of one part's scratch (one chunk of tiles' transformed input and products).
    package var scratchCount: Int { Int(gradflow_conv_winograd_scratch_count(Int64(outputs), Int64(geometry.channels))) }

    /// `U = G g Gᵀ` of PyTorch's `w[outputs, channels, 3, 3]`, packed for `forward`.
    package func transform(weights w: UnsafePointer<Float>, into u: UnsafeMutablePointer<Float>) {
        gradflow_conv_winograd_weights(w, Int64(outputs), Int64(geometry.channels), u)
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
