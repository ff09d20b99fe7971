import GradFlowKernels

/// How `Conv2D` computes a convolution, chosen once per plan (`choose`), or forced in tests.
package enum ConvolutionAlgorithm: Equatable, Sendable {
    /// im2col of a chunk of images into a planned matrix and one packed FMA GEMM (any geometry).
    case im2colGEMM
    /// `DirectConvolution` for the forward pass and the weight gradient (stride 1, dilation 1, one
    /// group). The input gradient, when needed, is a `TransposedConvolution` where one applies, else
    /// the GEMM and col2im.
    case direct(DirectConvolution.Kernel)
    /// `ImplicitConvolution` (AVX-512) for the forward pass and the weight gradient, any stride,
    /// padding and dilation, one group; the input gradient as for `direct`.
    case implicitGEMM
    /// `WinogradConvolution` (AVX-512, F(2×2, 3×3)) for the forward pass and the weight gradient of
    /// a 3×3, stride-1, dilation-1 layer of one group; the input gradient as for `direct`.
    case winograd

    /// The most input channels for which `choose` takes the direct kernels. Measured on one image,
    /// Zen 4 (forward / weight gradient): LeNet-5's first layer (1 channel, 5×5, 6 outputs) direct
    /// AVX-512 2.7 / 4.9 µs, implicit GEMM 9.2 / 9.4 µs (6 of its 16 lanes busy), im2col + GEMM about
    /// 11 / 13 µs (the batch's 0.71 / 0.81 ms ÷ 64); the Keras CNN's first (1 channel, 3×3, 32 outputs)
    /// direct 5.9 / 12 µs, implicit 14.7 / 15.2 µs. LeNet-5's second layer (6 channels of 14×14, 16
    /// outputs): implicit 4.4 / 4.2 µs, direct AVX2 9.2 / 20 µs, im2col + GEMM about 16 µs forward.
    static let directChannelLimit = 4

    /// For one group: the direct kernels for a shallow stride-1 convolution, Winograd for a 3×3
    /// stride-1 one of at least `WinogradConvolution.channelLimit` channels (the measurements are in
    /// its comment), else the implicit GEMM where the CPU has AVX-512; im2col + GEMM otherwise.
    static func choose(_ geometry: WindowGeometry, groups: Int) -> ConvolutionAlgorithm {
        guard groups == 1 else { return .im2colGEMM }
        if geometry.channels <= directChannelLimit, geometry.strideX == 1, geometry.strideY == 1,
           geometry.dilationX == 1, geometry.dilationY == 1 { return .direct(.best) }
        if WinogradConvolution.isWorthwhile(geometry) { return .winograd }
        return ImplicitConvolution.isSupported ? .implicitGEMM : .im2colGEMM
    }

    /// Every algorithm this CPU runs (tests run each one).
    package static var available: [ConvolutionAlgorithm] {
        [.im2colGEMM] + (ImplicitConvolution.isSupported ? [.implicitGEMM] : [])
            + (WinogradConvolution.isSupported ? [.winograd] : [])
            + DirectConvolution.Kernel.allCases.filter(\.isSupported).map { .direct($0) }
    }

    /// Whether this algorithm can compute `geometry` with `groups` groups on this CPU.
    package func supports(_ geometry: WindowGeometry, groups: Int) -> Bool {
        switch self {
        case .im2colGEMM: true
        case .implicitGEMM: ImplicitConvolution.isSupported && groups == 1
        case .winograd: WinogradConvolution.isSupported && groups == 1 && WinogradConvolution.applies(to: geometry)
        case .direct(let kernel):
            kernel.isSupported && groups == 1 && geometry.strideX == 1 && geometry.strideY == 1
                && geometry.dilationX == 1 && geometry.dilationY == 1
        }
    }
}
