import XCTest
import GradFlow

/// Finite-difference checks of Tanh, Softmax, Dropout and BinaryCrossEntropy.
final class ActivationNodeGradientTests: XCTestCase {
    var rng = RandomGenerator(seed: 11)

    func random(_ shape: [Int], scale: Float = 1) -> Tensor {
        Tensor.randomNormal(shape, standardDeviation: scale, using: &rng)
    }

    func testTanh_backwardMatchesFiniteDifferences() throws {
        try assertGradientMatchesNumerical(values: [random([3, 5], scale: 1.5)]) { p in Tanh(p[0]) }
    }

    func testSoftmax_backwardMatchesFiniteDifferences() throws {
        try assertGradientMatchesNumerical(values: [random([4, 5], scale: 2)]) { p in Softmax(p[0]) }
    }

    func testSoftmax_rank3_backwardMatchesFiniteDifferences() throws {
        try assertGradientMatchesNumerical(values: [random([2, 3, 4])]) { p in Softmax(p[0]) }
    }

    func testDropout_replayedMask_backwardMatchesFiniteDifferences() throws {
        // GradientCheck sets graph.replaysRandomDraws, so every perturbed pass reuses one mask.
        try assertGradientMatchesNumerical(values: [random([6, 5])]) { p in Tanh(makeDropout(p[0], probability: 0.4)) }
    }

    func testDropout_evaluationMode_backwardIsIdentity() throws {
        try assertGradientMatchesNumerical(values: [random([3, 4])], isTraining: false) { p in
            Tanh(makeDropout(p[0], probability: 0.5))
        }
    }

    func testBinaryCrossEntropy_backwardMatchesFiniteDifferencesForLogitsAndTargets() throws {
        let logits = random([5, 2], scale: 2)
        let targets = Tensor.randomUniform([5, 2], lower: 0.1, upper: 0.9, using: &rng)
        try assertGradientMatchesNumerical(values: [logits, targets], step: 1e-3) { p in BinaryCrossEntropy(p[0], p[1]) }
    }

    func testBinaryCrossEntropy_fedLabels_backwardMatchesFiniteDifferences() throws {
        let labels = Input("labels", shape: [.batch, 1])
        try assertGradientMatchesNumerical(values: [random([4, 1], scale: 3)],
                                           feeds: [labels: try Tensor([[1], [0], [0], [1]])]) { p in
            BinaryCrossEntropy(p[0], labels)
        }
    }

    private func makeDropout(_ x: Node, probability: Float) -> Dropout {
        try! Dropout(x, dropProbability: probability, seed: 5)   // test: a valid constant probability
    }
}
