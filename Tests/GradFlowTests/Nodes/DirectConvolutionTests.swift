import XCTest
import GradFlow
import GradFlowCore
import GradFlowKernels

/// The direct convolution kernels (portable, AVX2, AVX-512, each where the CPU runs it): forward
/// values against the reference loop, backward passes against finite differences, and gradients
/// against the im2col + GEMM path on LeNet-5's first layer.
final class DirectConvolutionTests: XCTestCase {
    private var rng = RandomGenerator(seed: 31)

    private var kernels: [DirectConvolution.Kernel] { DirectConvolution.Kernel.allCases.filter(\.isSupported) }

    /// Odd sizes for the tiles: output rows of 28, 41 (two or three row segments), 5 and 1 wide; 1, 3, 6
    /// and 7 output channels (blocks of 6 or 4 with a partial last one); a 7-wide kernel (tap blocks of
    /// 5 and 2); an even kernel with `same` padding (one more zero row and column at the end).
    private let cases: [(x: [Int], w: [Int], padding: AttributeValue, pads: (Int, Int, Int, Int))] = [
        ([2, 1, 28, 28], [6, 1, 5, 5], .number(2), (2, 2, 2, 2)),
        ([1, 3, 9, 41], [7, 3, 3, 3], .number(1), (1, 1, 1, 1)),
        ([2, 2, 6, 5], [4, 2, 7, 7], .number(3), (3, 3, 3, 3)),
        ([1, 4, 5, 6], [5, 4, 2, 3], .word("same"), (0, 1, 1, 1)),
        ([1, 1, 4, 4], [3, 1, 4, 4], .word("valid"), (0, 0, 0, 0)),
    ]

    func testChoice_takesTheDirectKernelsForFewChannels_andTheGEMMOtherwise() throws {
        func planned(channels: Int, size: Int, stride: Int) throws -> ConvolutionAlgorithm {
            let x = Input("x", shape: [.batch, .fixed(channels), .fixed(size), .fixed(size)])
            let conv = try Conv2D(x, Parameter("w", .zeros([6, channels, 5, 5])), Parameter("b", .zeros([6])), stride: (stride, stride))
            _ = try Graph(outputs: [conv]).evaluate(conv, feed: [x: .zeros([1, channels, size, size])])
            return conv.algorithm
        }
        XCTAssertEqual(try planned(channels: 1, size: 28, stride: 1), .direct(.best))
        XCTAssertEqual(try planned(channels: 6, size: 14, stride: 1), .im2colGEMM)
        XCTAssertEqual(try planned(channels: 1, size: 28, stride: 2), .im2colGEMM)
    }

    func testForward_matchesTheReferenceLoop_withEveryKernel() throws {
        for kernel in kernels {
            for item in cases {
                let (xv, wv, bv) = (Tensor.randomNormal(item.x, using: &rng), Tensor.randomNormal(item.w, using: &rng),
                                    Tensor.randomNormal([item.w[0]], using: &rng))
                let x = Input("x", shape: [.batch] + SymbolicShape(fixed: Array(item.x.dropFirst())))
                let conv = try Conv2D(x, Parameter("w", wv), Parameter("b", bv), padding: item.padding)
                conv.forcedAlgorithm = .direct(kernel)
                let actual = try Graph(outputs: [conv]).evaluate(conv, feed: [x: xv])
                XCTAssertEqual(conv.algorithm, .direct(kernel))
                let expected = referenceConvolution(xv, wv, bv, stride: (1, 1), pads: item.pads, dilation: (1, 1), groups: 1)
                XCTAssertEqual(actual.shape, expected.shape, "\(kernel) \(item)")
                for (a, e) in zip(actual.scalars, expected.scalars) { XCTAssertEqual(a, e, accuracy: 1e-4, "\(kernel) \(item)") }
            }
        }
    }

    func testBackward_matchesFiniteDifferences_withEveryKernel() throws {
        for kernel in kernels {
            for item in cases.dropFirst() {
                try assertGradientMatchesNumerical(values: [Tensor.randomNormal(item.x, using: &rng), Tensor.randomNormal(item.w, using: &rng),
                                                            Tensor.randomNormal([item.w[0]], using: &rng)], tolerance: 2e-2) { p in
                    let conv = try! Conv2D(p[0], p[1], p[2], padding: item.padding)
                    conv.forcedAlgorithm = .direct(kernel)
                    return conv
                }
            }
        }
    }

    /// LeNet-5's first layer on 3 images (too many entries for finite differences): every kernel's
    /// weight and bias gradients equal the im2col + GEMM path's to float rounding.
    func testLeNetFirstLayer_gradientsMatchTheGEMMPath() throws {
        let (xv, wv, weights) = (Tensor.randomNormal([3, 1, 28, 28], using: &rng), Tensor.randomNormal([6, 1, 5, 5], using: &rng),
                                 Tensor.randomNormal([3, 6, 28, 28], using: &rng))
        func gradients(_ algorithm: ConvolutionAlgorithm) throws -> (Tensor, Tensor) {
            let (w, b) = (Parameter("w", wv), Parameter("b", .zeros([6])))
            let x = Input("x", shape: [.batch, 1, 28, 28])
            let conv = try Conv2D(x, w, b, padding: .number(2))
            conv.forcedAlgorithm = algorithm
            let graph = try Graph(loss: WeightedSum(conv, weights: weights))
            _ = try graph.forwardAndBackward(feed: [x: xv])
            XCTAssertEqual(conv.algorithm, algorithm)
            return (w.gradient, b.gradient)
        }
        let (expectedW, expectedB) = try gradients(.im2colGEMM)
        for kernel in kernels {
            let (dw, db) = try gradients(.direct(kernel))
            assertTensorsEqual(dw, expectedW, accuracy: 5e-3)
            assertTensorsEqual(db, expectedB, accuracy: 1e-4)
        }
    }
}
