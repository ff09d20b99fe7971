import GradFlowKernels
import XCTest

/// `Elementwise.sgdStep` / `sgdMomentumStep` / `adamStep` against the scalar formulas of `SGD` and
/// `Adam`, on lengths around the SIMD width (the partial last vector included) and one long enough
/// to be split across threads.
final class OptimizerKernelTests: XCTestCase {
    private let lengths = [0, 1, 7, 8, 9, 17, 100, 40_000]

    func testSGDStep_matchesScalarFormula_withAndWithoutDecay() {
        for n in lengths {
            for decay: Float in [0, 0.01] {
                var random = TestRandom(seed: UInt64(n))
                var theta = random.array(n)
                let gradient = random.array(n)
                let expected = (0..<n).map { theta[$0] - 0.1 * (gradient[$0] + decay * theta[$0]) }
                theta.withUnsafeMutableBufferPointer { t in gradient.withUnsafeBufferPointer { g in
                    Elementwise.sgdStep(t, gradient: g, learningRate: 0.1, weightDecay: decay)
                } }
                XCTAssertEqual(theta, expected, "n=\(n) decay=\(decay): the same bits as the scalar formula")
            }
        }
    }

    func testSGDMomentumStep_matchesScalarFormula_plainAndNesterov() {
        for n in lengths {
            for nesterov in [false, true] {
                var random = TestRandom(seed: UInt64(n) + 100)
                var theta = random.array(n), buffer = random.array(n)
                let gradient = random.array(n)
                var expectedTheta = theta, expectedBuffer = buffer
                for i in 0..<n {
                    let d = gradient[i] + 0.01 * theta[i]
                    expectedBuffer[i] = 0.9 * buffer[i] + d
                    expectedTheta[i] = theta[i] - 0.1 * (nesterov ? d + 0.9 * expectedBuffer[i] : expectedBuffer[i])
                }
                theta.withUnsafeMutableBufferPointer { t in gradient.withUnsafeBufferPointer { g in
                    buffer.withUnsafeMutableBufferPointer { b in
                        Elementwise.sgdMomentumStep(t, gradient: g, buffer: b, learningRate: 0.1, momentum: 0.9,
                                                    weightDecay: 0.01, nesterov: nesterov)
                    }
                } }
                assertClose(theta, expectedTheta, relative: 1e-6, absolute: 1e-7, "theta n=\(n) nesterov=\(nesterov)")
                assertClose(buffer, expectedBuffer, relative: 1e-6, absolute: 1e-7, "buffer n=\(n) nesterov=\(nesterov)")
            }
        }
    }

    /// Same operations, same order as the scalar loop Adam used before: the bits must be equal.
    func testAdamStep_equalsTheScalarFormulaBitForBit_coupledAndDecoupled() {
        for n in lengths {
            for (coupled, shrink): (Float, Float) in [(0.01, 1), (0, 0.9999)] {
                var random = TestRandom(seed: UInt64(n) + 200)
                var theta = random.array(n), moments = random.array(2 * n).map { abs($0) }
                let gradient = random.array(n)
                let (beta1, beta2, epsilon, stepSize, root): (Float, Float, Float, Float, Float) = (0.9, 0.999, 1e-8, 0.0021, 0.0447)
                var (expectedTheta, expectedMoments) = (theta, moments)
                for i in 0..<n {
                    let g = gradient[i] + coupled * theta[i]
                    let m = beta1 * moments[i] + (1 - beta1) * g
                    let v = beta2 * moments[n + i] + (1 - beta2) * g * g
                    (expectedMoments[i], expectedMoments[n + i]) = (m, v)
                    expectedTheta[i] = shrink * theta[i] - stepSize * m / (v.squareRoot() / root + epsilon)
                }
                theta.withUnsafeMutableBufferPointer { t in gradient.withUnsafeBufferPointer { g in
                    moments.withUnsafeMutableBufferPointer { moments in
                        Elementwise.adamStep(t, gradient: g, moments: moments, beta1: beta1, beta2: beta2, epsilon: epsilon,
                                             stepSize: stepSize, rootCorrection2: root, coupledDecay: coupled, shrink: shrink)
                    }
                } }
                XCTAssertEqual(theta, expectedTheta, "theta n=\(n)")
                XCTAssertEqual(moments, expectedMoments, "moments n=\(n)")
            }
        }
    }
}
