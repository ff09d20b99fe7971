import GradFlowKernels

/// How `Conv2D` computes a convolution, chosen once per plan (`choose`), or forced in tests.
package enum ConvolutionAlgorithm: Equatable, Sendable {
    /// im2col of a chunk of images into a planned matrix and one packed FMA GEMM (any geometry).
    case im2colGEMM
    /// `DirectConvolution` for the forward pass and the weight gradient (stride 1, dilation 1, one
    /// group); the input gradient, when needed, still takes the GEMM and col2im.
    case direct(DirectConvolution.Kernel)
    /// `ImplicitConvolution` (AVX-512) for the forward pass and the weight gradient, any stride,
    /// padding and dilation, one group; the input gradient, when needed, takes the GEMM and col2im.
    case implicitGEMM

    /// The most input channels for which `choose` takes the direct kernels. Measured on one image,
    /// Zen 4, AVX-512 (forward / weight gradient): LeNet-5's first layer (1 channel, 5×5, 6 outputs)
    /// direct 2.7 / 4.9 µs against im2col + GEMM 11 / 13 µs (the batch's 0.71 / 0.81 ms ÷ 64); its
    /// second (6 channels of 14×14, 16 outputs) direct 9.2–15 / 18–20 µs against 16 / 20 µs: no clear
    /// gain once the GEMM is 150 deep, so the im2col path keeps deeper layers.
    static let directChannelLimit = 4

    /// For one group: the direct kernels for a shallow stride-1 convolution, else the implicit GEMM
    /// where the CPU has AVX-512; im2col + GEMM otherwise.
    static func choose(_ geometry: WindowGeometry, groups: Int) -> ConvolutionAlgorithm {
        guard groups == 1 else { return .im2colGEMM }
        if geometry.channels <= directChannelLimit, geometry.strideX == 1, geometry.strideY == 1,
           geometry.dilationX == 1, geometry.dilationY == 1 { return .direct(.best) }
        return ImplicitConvolution.isSupported ? .implicitGEMM : .im2colGEMM
    }

    /// Every algorithm this CPU runs (tests run each one).
    package static var available: [ConvolutionAlgorithm] {
        [.im2colGEMM] + (ImplicitConvolution.isSupported ? [.implicitGEMM] : [])
            + DirectConvolution.Kernel.allCases.filter(\.isSupported).map { .direct($0) }
    }

    /// Whether this algorithm can compute `geometry` with `groups` groups on this CPU.
    func supports(_ geometry: WindowGeometry, groups: Int) -> Bool {
        switch self {
        case .im2colGEMM: true
        case .implicitGEMM: ImplicitConvolution.isSupported && groups == 1
        case .direct(let kernel):
            kernel.isSupported && groups == 1 && geometry.strideX == 1 && geometry.strideY == 1
                && geometry.dilationX == 1 && geometry.dilationY == 1
        }
    }
}
