/// The input gradient of a stride-1, one-group convolution, computed as a convolution itself:
/// `∂x[c, iy, ix] += Σ_{o, ki, kj} w[o, c, ki, kj] · ∂y[o, iy + pt − ki·dy, ix + pl − kj·dx]` is the
/// convolution of `∂y`, zero-padded by `d·(k − 1) − p` on each side, with the weights flipped in both
/// axes and their two channel axes swapped. So the direct and implicit-GEMM kernels of the forward
/// pass compute it without a column-gradient matrix or col2im's scattered additions.
///
/// Measured on one image (Zen 4): the Keras CNN's 32→64 layer's input gradient (64 channels of ∂y,
/// 32 out) 218–246 µs as an implicit GEMM (101–114 GFLOP/s), 144–156 µs with Winograd F(2×2, 3×3);
/// LeNet-5's second layer's (16 channels, 6 out: 16-lane vectors would be mostly idle) 7.8–8.9 µs with
/// the AVX2 direct kernel.
package struct TransposedConvolution: Sendable {
    /// How the adjoint convolution runs: Winograd where `WinogradConvolution.isWorthwhile`, else the
    /// implicit GEMM when the input channels fill its 16-lane vectors, else the direct kernels
    /// (dilation 1).
    package enum Method: Equatable, Sendable {
        case direct(DirectConvolution.Kernel)
        case implicitGEMM
        case winograd
    }

    /// The adjoint convolution's geometry: `O` channels of `oh × ow` in, `C` channels of `H × W` out.
    package let geometry: WindowGeometry
    package let method: Method
    /// Channels of the forward convolution's input (`C`) and output (`O`).
    private let inputs, outputs: Int
    private let implicit: ImplicitConvolution?
    private let winograd: WinogradConvolution?
    /// The padded copy of one image's `∂y`.
    package let padded: PaddedImage

    /// The adjoint of the convolution `forward` (one group) with `outputs` output channels, or nil when
    /// it is not a plain convolution: a stride above 1, or a padding wider than the kernel's reach.
    package init?(adjointOf forward: WindowGeometry, outputs: Int) {
        let g = forward
        let (reachY, reachX) = (g.dilationY * (g.kernelHeight - 1), g.dilationX * (g.kernelWidth - 1))
        let padBottom = (g.outputHeight - 1) * g.strideY + reachY + 1 - g.height - g.padTop
        let padRight = (g.outputWidth - 1) * g.strideX + reachX + 1 - g.width - g.padLeft
        guard g.strideX == 1, g.strideY == 1, g.padTop <= reachY, g.padLeft <= reachX, padBottom <= reachY, padRight <= reachX,
              padBottom >= 0, padRight >= 0 else { return nil }
        let adjoint = WindowGeometry(
            channels: outputs, height: g.outputHeight, width: g.outputWidth, kernelHeight: g.kernelHeight, kernelWidth: g.kernelWidth,
            strideY: 1, strideX: 1, dilationY: g.dilationY, dilationX: g.dilationX,
            padTop: reachY - g.padTop, padBottom: reachY - padBottom, padLeft: reachX - g.padLeft, padRight: reachX - padRight)
        (geometry, inputs, self.outputs) = (adjoint, g.channels, outputs)
        if WinogradConvolution.isWorthwhile(adjoint) {
            let winograd = WinogradConvolution(adjoint, outputs: g.channels)
            (method, implicit, self.winograd, padded) = (.winograd, nil, winograd, winograd.padded)
        } else if ImplicitConvolution.isSupported, g.channels % 16 == 0 {
            let implicit = ImplicitConvolution(adjoint, outputs: g.channels)
            (method, self.implicit, winograd, padded) = (.implicitGEMM, implicit, nil, implicit.padded)
        } else if g.dilationX == 1, g.dilationY == 1 {
            (method, implicit, winograd) = (.direct(.best(forOutputWidth: g.width)), nil, nil)
            padded = DirectConvolution.paddedImage(adjoint)
        } else {
            return nil
        }
    }

    /// Floats of the flipped weights `w'` (PyTorch's layout for the adjoint).
    private var flippedCount: Int { inputs * outputs * geometry.kernelHeight * geometry.kernelWidth }
    /// Floats of the flipped weights the parts share (`prepare` writes them once per pass): `w'`
    /// transposed for the implicit GEMM, or `w'` and its Winograd transform.
    package var sharedCount: Int { implicit?.weightsCount ?? flippedCount + (winograd?.weightsCount ?? 0) }
    /// Floats of one part's scratch: the padded `∂y`, then one image's `∂xᵀ` (implicit GEMM) or the
    /// Winograd kernels' chunk.
    package var scratchCount: Int { padded.count + (implicit?.pixelsCount ?? winograd?.scratchCount ?? 0) }

    /// Writes the flipped, channel-swapped weights `w'[c, o, ki, kj] = w[o, c, kh − 1 − ki, kw − 1 − kj]`
    /// (transposed for the implicit GEMM; followed by their transform for Winograd) into `shared`.
    package func prepare(weights w: UnsafePointer<Float>, into shared: UnsafeMutablePointer<Float>) {
        let (kh, kw) = (geometry.kernelHeight, geometry.kernelWidth)
        for c in 0..<inputs { for o in 0..<outputs { for ki in 0..<kh { for kj in 0..<kw {
            let value = w[((o * inputs + c) * kh + kh - 1 - ki) * kw + kw - 1 - kj]
            if let implicit {
                shared[((o * kh + ki) * kw + kj) * implicit.o16 + c] = value
            } else {
                shared[((c * outputs + o) * kh + ki) * kw + kj] = value
            }
        } } } }
        winograd?.transform(weights: shared, into: shared + flippedCount)
    }

    /// `∂x += ` the adjoint convolution of one image's `∂y` (`O × oh × ow`) into its `∂x` (`C × H × W`),
    /// with the weights from `prepare` and one part's `scratch` (the padded copy's borders zero).
    package func accumulate(_ dy: UnsafePointer<Float>, into dx: UnsafeMutablePointer<Float>, weights: UnsafePointer<Float>,
                            scratch: UnsafeMutablePointer<Float>) {
        padded.copy(dy, geometry, into: scratch)
        switch method {
        case .direct(let kernel):
            DirectConvolution.forward(kernel, padded: scratch, padded, geometry, weights: weights, outputs: inputs, bias: nil,
                                      into: dx, accumulate: true)
        case .implicitGEMM:
            guard let implicit else { return }
            let transposed = scratch + padded.count
            implicit.forward(padded: scratch, weights: weights, into: transposed)
            implicit.storePlanes(transposed, bias: nil, into: dx, accumulate: true)
        case .winograd:
            winograd?.forward(padded: scratch, weights: weights + flippedCount, bias: nil, into: dx, accumulate: true,
                              scratch: scratch + padded.count)
        }
    }
}
