import XCTest
import GradFlow

/// Finite-difference checks of the arithmetic nodes and penalties: Add, Multiply, MatMul, L2Penalty,
/// including broadcasting, fan-out and a node used twice by one consumer.
final class ArithmeticNodeGradientTests: XCTestCase {
    var rng = RandomGenerator(seed: 7)

    func random(_ shape: [Int], scale: Float = 1) -> Tensor {
        Tensor.randomNormal(shape, standardDeviation: scale, using: &rng)
    }

    func testAdd_sameShape_backwardMatchesFiniteDifferences() throws {
        try assertGradientMatchesNumerical(values: [random([3, 4]), random([3, 4])]) { p in Add(p[0], p[1]) }
    }

    func testAdd_rowVectorBroadcast_backwardMatchesFiniteDifferences() throws {
        try assertGradientMatchesNumerical(values: [random([5, 3]), random([3])]) { p in Add(p[0], p[1]) }
    }

    func testAdd_columnAndLeadingBroadcast_backwardMatchesFiniteDifferences() throws {
        // [4, 1] + [2, 1, 3] → [2, 4, 3]: both operands are repeated along some axis.
        try assertGradientMatchesNumerical(values: [random([4, 1]), random([2, 1, 3])]) { p in Add(p[0], p[1]) }
    }

    func testAdd_twoScalarLosses_backwardMatchesFiniteDifferences() throws {
        try assertGradientMatchesNumerical(values: [random([4, 2]), random([4, 2]), random([2, 3])]) { p in
            Add(MSE(p[0], p[1]), penalty([p[2]], lambda: 0.5))
        }
    }

    func testMultiply_sameShape_backwardMatchesFiniteDifferences() throws {
        try assertGradientMatchesNumerical(values: [random([3, 4]), random([3, 4])]) { p in Multiply(p[0], p[1]) }
    }

    func testMultiply_broadcast_backwardMatchesFiniteDifferences() throws {
        try assertGradientMatchesNumerical(values: [random([6, 3]), random([3])]) { p in Multiply(p[0], p[1]) }
        try assertGradientMatchesNumerical(values: [random([]), random([2, 3])]) { p in Multiply(p[0], p[1]) }
    }

    func testMultiply_sameOperandTwice_backwardMatchesFiniteDifferences() throws {
        try assertGradientMatchesNumerical(values: [random([2, 5])]) { p in Multiply(p[0], p[0]) }
    }

    func testFanOut_backwardSumsBothConsumers() throws {
        // x feeds Tanh and Multiply; b is broadcast along the rows.
        try assertGradientMatchesNumerical(values: [random([4, 3]), random([3])]) { p in
            Add(Tanh(p[0]), Multiply(p[0], p[1]))
        }
    }

    func testMatMul_backwardMatchesFiniteDifferences() throws {
        try assertGradientMatchesNumerical(values: [random([4, 3]), random([3, 5])]) { p in MatMul(p[0], p[1]) }
    }

    func testMatMul_squareOfOneOperand_backwardMatchesFiniteDifferences() throws {
        try assertGradientMatchesNumerical(values: [random([3, 3])]) { p in MatMul(p[0], p[0]) }
    }

    func testL2Penalty_backwardMatchesFiniteDifferences() throws {
        try assertGradientMatchesNumerical(values: [random([3, 2]), random([4])]) { p in
            penalty([p[0], p[1], p[0]], lambda: 0.3)   // p0 listed twice: counted twice
        }
    }

    private func penalty(_ nodes: [Node], lambda: Float) -> L2Penalty {
        try! L2Penalty(nodes, lambda: lambda)   // test: valid constant arguments
    }
}
