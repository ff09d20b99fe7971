import GradFlowKernels

/// How `Conv2D` computes a convolution, chosen once per plan (`choose`), or forced in tests.
package enum ConvolutionAlgorithm: Equatable, Sendable {
    /// im2col of a chunk of images into a planned matrix and one packed FMA GEMM (any geometry).
    case im2colGEMM
    /// `DirectConvolution` for the forward pass and the weight gradient (stride 1, dilation 1, one
    /// group); the input gradient, when needed, still takes the GEMM and col2im.
    case direct(DirectConvolution.Kernel)

    /// The most input channels for which `choose` takes the direct kernels. Measured on one image,
    /// Zen 4, AVX-512 (forward / weight gradient): LeNet-5's first layer (1 channel, 5×5, 6 outputs)
    /// direct 2.7 / 4.9 µs against im2col + GEMM 11 / 13 µs (the batch's 0.71 / 0.81 ms ÷ 64); its
    /// second (6 channels of 14×14, 16 outputs) direct 9.2–15 / 18–20 µs against 16 / 20 µs: no clear
    /// gain once the GEMM is 150 deep, so the im2col path keeps deeper layers.
    static let directChannelLimit = 4

    /// The direct kernels for a shallow stride-1 convolution of one group, else im2col + GEMM.
    static func choose(_ geometry: WindowGeometry, groups: Int) -> ConvolutionAlgorithm {
        guard groups == 1, geometry.channels <= directChannelLimit, geometry.strideX == 1, geometry.strideY == 1,
              geometry.dilationX == 1, geometry.dilationY == 1 else { return .im2colGEMM }
        return .direct(.best)
    }

    /// Whether this algorithm can compute `geometry` with `groups` groups on this CPU.
    func supports(_ geometry: WindowGeometry, groups: Int) -> Bool {
        switch self {
        case .im2colGEMM: true
        case .direct(let kernel):
            kernel.isSupported && groups == 1 && geometry.strideX == 1 && geometry.strideY == 1
                && geometry.dilationX == 1 && geometry.dilationY == 1
        }
    }
}
