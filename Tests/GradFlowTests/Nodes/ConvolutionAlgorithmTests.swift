import XCTest
import GradFlow
import GradFlowCore
import GradFlowKernels

/// Conv2D's algorithms (`ConvolutionAlgorithm`): which one a layer gets, and the direct,
/// implicit-GEMM and Winograd kernels (each where the CPU runs it) on sizes that stress their tiles —
/// forward values against the reference loop, backward passes against finite differences, and the
/// layers of LeNet-5 and the Keras CNN (too large for finite differences) against the im2col + GEMM path.
final class ConvolutionAlgorithmTests: XCTestCase {
    private var rng = RandomGenerator(seed: 31)

    /// The algorithms other than im2col + GEMM that this CPU runs.
    private var kernels: [ConvolutionAlgorithm] { ConvolutionAlgorithm.available.filter { $0 != .im2colGEMM } }

    /// Odd sizes for the tiles: output rows of 28, 41 (two or three row segments), 5 and 1 wide; 3, 4, 5,
    /// 6 and 7 output channels (blocks of 6 or 4 with a partial last one; 16 lanes with 9–13 unused);
    /// 784, 369, 30 and 1 pixels (tiles of 12 or 6 with a partial last one); a 7-wide kernel (tap
    /// blocks of 5 and 2); an even kernel with `same` padding (one more zero row and column at the end);
    /// the input gradient's adjoint convolution with 16 and 5 channels.
    private let cases: [(x: [Int], w: [Int], padding: AttributeValue, pads: (Int, Int, Int, Int))] = [
        ([2, 1, 28, 28], [6, 1, 5, 5], .number(2), (2, 2, 2, 2)),
        ([1, 3, 9, 41], [7, 3, 3, 3], .number(1), (1, 1, 1, 1)),
        ([2, 2, 6, 5], [4, 2, 7, 7], .number(3), (3, 3, 3, 3)),
        ([1, 4, 5, 6], [5, 4, 2, 3], .word("same"), (0, 1, 1, 1)),
        ([1, 1, 4, 4], [3, 1, 4, 4], .word("valid"), (0, 0, 0, 0)),
        // 16 input channels: the input gradient as an implicit GEMM (AVX-512) with full vectors.
        ([1, 16, 6, 7], [3, 16, 3, 3], .number(1), (1, 1, 1, 1)),
        // Rows of 20 (one AVX2 segment and a partial one) for the input gradient's direct kernel.
        ([1, 5, 7, 20], [4, 5, 3, 5], .numbers([1, 2]), (1, 1, 2, 2)),
        // Outputs of 2×2 (fewer pixels than a tile) and a 3×3 kernel: the input gradient's padding of 2.
        ([3, 8, 4, 4], [16, 8, 3, 3], .word("valid"), (0, 0, 0, 0)),
        // Winograd as chosen: 33 channels (GEMM rows of 8 with a partial block of 1 output), odd 5×7
        // outputs (half-empty last tiles); then 32 channels of ∂y for the input gradient's Winograd,
        // 3 outputs, 4×7 → 6×9.
        ([2, 33, 5, 7], [9, 33, 3, 3], .number(1), (1, 1, 1, 1)),
        ([1, 3, 6, 9], [32, 3, 3, 3], .word("valid"), (0, 0, 0, 0)),
    ]

    /// Whether `kernel` computes the case (Winograd needs a 3×3 kernel; the others fall back).
    private func runs(_ kernel: ConvolutionAlgorithm, _ w: [Int]) -> Bool { kernel != .winograd || (w[2] == 3 && w[3] == 3) }

    func testChoice_directForFewChannels_winogradOrImplicitGEMMWithAVX512_im2colOtherwise() throws {
        func planned(channels: Int, size: Int, kernel: Int = 5, stride: Int = 1, groups: Int = 1) throws -> ConvolutionAlgorithm {
            let x = Input("x", shape: [.batch, .fixed(channels), .fixed(size), .fixed(size)])
            let conv = try Conv2D(x, Parameter("w", .zeros([6, channels / groups, kernel, kernel])), Parameter("b", .zeros([6])),
                                  stride: (stride, stride), groups: groups)
            _ = try Graph(outputs: [conv]).evaluate(conv, feed: [x: .zeros([1, channels, size, size])])
            return conv.algorithm
        }
        let deep: ConvolutionAlgorithm = GEMMKernel.isAVX512Supported ? .implicitGEMM : .im2colGEMM
        XCTAssertEqual(try planned(channels: 1, size: 28), .direct(.best))
        XCTAssertEqual(try planned(channels: 6, size: 14), deep)
        XCTAssertEqual(try planned(channels: 1, size: 28, stride: 2), deep)
        XCTAssertEqual(try planned(channels: 6, size: 14, groups: 2), .im2colGEMM)
        XCTAssertEqual(try planned(channels: 32, size: 10, kernel: 3), GEMMKernel.isAVX512Supported ? .winograd : .im2colGEMM)
        XCTAssertEqual(try planned(channels: 16, size: 10, kernel: 3), deep)
        XCTAssertEqual(try planned(channels: 32, size: 10, kernel: 3, stride: 2), deep)
    }

    func testForward_matchesTheReferenceLoop_withEveryKernel() throws {
        for kernel in kernels {
            for item in cases where runs(kernel, item.w) {
                let (xv, wv, bv) = (Tensor.randomNormal(item.x, using: &rng), Tensor.randomNormal(item.w, using: &rng),
                                    Tensor.randomNormal([item.w[0]], using: &rng))
                let x = Input("x", shape: [.batch] + SymbolicShape(fixed: Array(item.x.dropFirst())))
                let conv = try Conv2D(x, Parameter("w", wv), Parameter("b", bv), padding: item.padding)
                conv.forcedAlgorithm = kernel
                let actual = try Graph(outputs: [conv]).evaluate(conv, feed: [x: xv])
                XCTAssertEqual(conv.algorithm, kernel)
                let expected = referenceConvolution(xv, wv, bv, stride: (1, 1), pads: item.pads, dilation: (1, 1), groups: 1)
                XCTAssertEqual(actual.shape, expected.shape, "\(kernel) \(item)")
                for (a, e) in zip(actual.scalars, expected.scalars) { XCTAssertEqual(a, e, accuracy: 1e-4, "\(kernel) \(item)") }
            }
        }
    }

    func testBackward_matchesFiniteDifferences_withEveryKernel() throws {
        for kernel in kernels {
            for item in cases.dropFirst() where runs(kernel, item.w) {
                try assertGradientMatchesNumerical(values: [Tensor.randomNormal(item.x, using: &rng), Tensor.randomNormal(item.w, using: &rng),
                                                            Tensor.randomNormal([item.w[0]], using: &rng)], tolerance: 2e-2) { p in
                    let conv = try! Conv2D(p[0], p[1], p[2], padding: item.padding)
                    conv.forcedAlgorithm = kernel
                    return conv
                }
            }
        }
    }

    /// LeNet-5's two convolutions on 3 images, the Keras CNN's second on 2, and two layers whose rows
    /// hold more tiles than a Winograd vector (20 and 19 per row, chunks of 48 tiles starting mid-row;
    /// forward and input gradient), all too many entries for finite differences: every algorithm's
    /// output and gradients equal the im2col + GEMM path's to float rounding.
    func testLeNetAndKerasLayers_matchTheGEMMPath() throws {
        for (xs, ws, padding) in [([3, 1, 28, 28], [6, 1, 5, 5], 2), ([3, 6, 14, 14], [16, 6, 5, 5], 0), ([2, 32, 26, 26], [64, 32, 3, 3], 0),
                                  ([1, 32, 12, 40], [5, 32, 3, 3], 1), ([1, 5, 10, 38], [32, 5, 3, 3], 0)] {
            let (xv, wv, bv) = (Tensor.randomNormal(xs, using: &rng), Tensor.randomNormal(ws, using: &rng), Tensor.randomNormal([ws[0]], using: &rng))
            let (rows, columns) = (xs[2] + 2 * padding - ws[2] + 1, xs[3] + 2 * padding - ws[3] + 1)
            let weights = Tensor.randomNormal([xs[0], ws[0], rows, columns], using: &rng)
            func run(_ algorithm: ConvolutionAlgorithm) throws -> [Tensor] {
                let (x, w, b) = (Parameter("x", xv), Parameter("w", wv), Parameter("b", bv))
                let conv = try Conv2D(x, w, b, padding: .number(Double(padding)))
                conv.forcedAlgorithm = algorithm
                _ = try Graph(loss: WeightedSum(conv, weights: weights)).forwardAndBackward()
                XCTAssertEqual(conv.algorithm, algorithm)
                return [conv.value, x.gradient, w.gradient, b.gradient]
            }
            let expected = try run(.im2colGEMM)
            for kernel in kernels where runs(kernel, ws) {
                for (actual, wanted) in zip(try run(kernel), expected) { assertTensorsEqual(actual, wanted, accuracy: 5e-3) }
            }
        }
    }
}
