import CGradFlowKernels

/// Direct 2-D convolution (stride 1, dilation 1, one group) of one image with few input channels:
/// every output row computed from a zero-padded copy of the image with register tiles of 6 output
/// channels (`conv_direct.c` explains the tiling). Chosen over im2col + GEMM where the GEMM would be
/// shallow: LeNet-5's first layer (1 channel, 5×5, 6 outputs) is a GEMM of depth 25 whose time goes
/// into writing 25 shifted copies of each image and packing them again.
package enum DirectConvolution {
    /// The instruction set of the kernels.
    package enum Kernel: Sendable, CaseIterable {
        /// Plain C loops, correct on any CPU.
        case portable
        /// AVX2 + FMA: row segments of 16 outputs.
        case avx2FMA
        /// AVX-512F: row segments of 32 outputs.
        case avx512

        /// The fastest kernel this CPU runs. Measured on LeNet-5's first layer (one 28×28 image,
        /// Zen 4): forward 4.1 µs with AVX2, 2.7 µs with AVX-512; weight gradient 6.8 and 4.9 µs.
        package static let best: Kernel =
            GEMMKernel.isAVX512Supported ? .avx512 : GEMMKernel.isAVX2FMASupported ? .avx2FMA : .portable

        /// `best`, except that output rows of at most 16 take AVX2's 16-float segments (AVX-512's
        /// 32 would leave half the lanes or more idle).
        package static func best(forOutputWidth width: Int) -> Kernel {
            best == .avx512 && width <= 16 ? .avx2FMA : best
        }

        /// Whether this CPU can run the kernel.
        package var isSupported: Bool {
            switch self {
            case .portable: true
            case .avx2FMA: GEMMKernel.isAVX2FMASupported
            case .avx512: GEMMKernel.isAVX512Supported
            }
        }
    }

    /// The padded copy the kernels read for `geometry` (stride 1, dilation 1): `oh + kh − 1` rows of
    /// `gradflow_conv_direct_padded_width` floats (row segments are read past the last output).
    package static func paddedImage(_ geometry: WindowGeometry) -> PaddedImage {
        precondition(geometry.strideX == 1 && geometry.strideY == 1 && geometry.dilationX == 1 && geometry.dilationY == 1,
                     "DirectConvolution: stride and dilation must be 1")
        return PaddedImage(channels: geometry.channels, height: geometry.outputHeight + geometry.kernelHeight - 1,
                           width: Int(gradflow_conv_direct_padded_width(Int64(geometry.outputWidth), Int64(geometry.kernelWidth))))
    }

    /// `y[o, oy, ox] = (accumulate ? y[o, oy, ox] : 0) + bias[o] + Σ_{c, ki, kj} w[o, c, ki, kj] · padded[c, oy + ki, ox + kj]`
    /// for the `outputs × oh × ow` image `y` (no bias when `bias` is nil; see `gradflow_conv_direct_forward_avx2`).
    /// Kernel rows that fall on the padding rows are skipped.
    package static func forward(_ kernel: Kernel, padded: UnsafePointer<Float>, _ layout: PaddedImage, _ geometry: WindowGeometry,
                                weights: UnsafePointer<Float>, outputs: Int, bias: UnsafePointer<Float>?, into y: UnsafeMutablePointer<Float>,
                                accumulate: Bool = false) {
        let run = switch kernel {
        case .portable: gradflow_conv_direct_forward_portable
        case .avx2FMA: gradflow_conv_direct_forward_avx2
        case .avx512: gradflow_conv_direct_forward_avx512
        }
        run(padded, Int64(layout.channels), Int64(layout.height), Int64(layout.width), weights, Int64(outputs),
            Int64(geometry.kernelHeight), Int64(geometry.kernelWidth), bias, y, Int64(geometry.outputHeight), Int64(geometry.outputWidth),
            accumulate ? 1 : 0, Int64(geometry.padTop), Int64(geometry.padTop + geometry.height))
    }

    /// `dw[o, c, ki, kj] += Σ_{oy, ox} dy[o, oy, ox] · padded[c, oy + ki, ox + kj]` for one image
    /// (see `gradflow_conv_direct_weight_gradient_avx2`).
    package static func accumulateWeightGradient(_ kernel: Kernel, padded: UnsafePointer<Float>, _ layout: PaddedImage,
                                                 _ geometry: WindowGeometry, outputGradient dy: UnsafePointer<Float>, outputs: Int,
                                                 into dw: UnsafeMutablePointer<Float>) {
        let run = switch kernel {
        case .portable: gradflow_conv_direct_weight_gradient_portable
        case .avx2FMA: gradflow_conv_direct_weight_gradient_avx2
        case .avx512: gradflow_conv_direct_weight_gradient_avx512
        }
        run(padded, Int64(layout.channels), Int64(layout.height), Int64(layout.width), dy, Int64(outputs),
            Int64(geometry.kernelHeight), Int64(geometry.kernelWidth), Int64(geometry.outputHeight), Int64(geometry.outputWidth), dw,
            Int64(geometry.padTop), Int64(geometry.padTop + geometry.height))
    }
}
