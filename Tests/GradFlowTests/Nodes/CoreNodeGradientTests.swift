import XCTest
import GradFlow

/// Finite-difference checks of the design card's nodes: Linear, Sigmoid, ReLU, MSE, SoftmaxCE.
final class CoreNodeGradientTests: XCTestCase {
    var rng = RandomGenerator(seed: 2024)

    func random(_ shape: [Int], scale: Float = 1) -> Tensor {
        Tensor.randomNormal(shape, standardDeviation: scale, using: &rng)
    }

    func testLinear_backwardMatchesFiniteDifferences() throws {
        try assertGradientMatchesNumerical(values: [random([5, 4]), random([4, 3]), random([3])]) { p in
            Linear(p[0], p[1], p[2])
        }
    }

    func testSigmoid_backwardMatchesFiniteDifferences() throws {
        try assertGradientMatchesNumerical(values: [random([3, 7], scale: 2)]) { p in Sigmoid(p[0]) }
    }

    func testReLU_backwardMatchesFiniteDifferences() throws {
        // Keep inputs away from the kink at 0, where finite differences are meaningless.
        let x = random([4, 6]).map { $0 >= 0 ? $0 + 0.1 : $0 - 0.1 }
        try assertGradientMatchesNumerical(values: [x]) { p in ReLU(p[0]) }
    }

    func testMSE_backwardMatchesFiniteDifferencesForBothOperands() throws {
        try assertGradientMatchesNumerical(values: [random([6, 2]), random([6, 2])]) { p in MSE(p[0], p[1]) }
    }

    func testSoftmaxCE_backwardMatchesFiniteDifferences() throws {
        let labels = Input("labels", shape: [.batch])
        try assertGradientMatchesNumerical(values: [random([5, 4], scale: 2)],
                                           feeds: [labels: Tensor([0, 3, 1, 2, 3])]) { p in
            SoftmaxCE(p[0], labels)
        }
    }

    func testChain_backwardMatchesFiniteDifferences() throws {
        try assertGradientMatchesNumerical(values: [random([3, 2]), random([2, 4]), random([4]), random([4, 1]), random([1])]) { p in
            Linear(Sigmoid(Linear(p[0], p[1], p[2])), p[3], p[4])
        }
    }
}
