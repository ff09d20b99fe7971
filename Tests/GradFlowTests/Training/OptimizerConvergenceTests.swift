import XCTest
import GradFlow

/// Short training runs: Adam and SGD with momentum fit a small MLP on a synthetic problem.
final class OptimizerConvergenceTests: XCTestCase {
    /// A 2-16-1 tanh MLP with a fused sigmoid + BCE loss on "same sign" labels (y = 1 when
    /// x₀·x₁ > 0, an XOR-like problem no linear model solves), trained full-batch.
    /// - Returns: the losses before and after `steps` updates.
    func train(_ optimizer: Optimizer, steps: Int) throws -> (first: Float, last: Float) {
        var rng = RandomGenerator(seed: 17)
        let points = Tensor.randomUniform([64, 2], lower: -1, upper: 1, using: &rng)
        let labels = try Tensor(shape: [64, 1], scalars: (0..<64).map { i in
            points.scalars[2 * i] * points.scalars[2 * i + 1] > 0 ? 1 : 0
        })
        let x = Input("x", shape: [.batch, 2])
        let y = Input("y", shape: [.batch, 1])
        let w1 = Parameter("W1", Initializer.xavierUniform.tensor(shape: [2, 16], using: &rng))
        let b1 = Parameter("b1", Initializer.zeros.tensor(shape: [16], using: &rng))
        let w2 = Parameter("W2", Initializer.xavierUniform.tensor(shape: [16, 1], using: &rng))
        let b2 = Parameter("b2", Initializer.zeros.tensor(shape: [1], using: &rng))
        let logits = Linear(Tanh(Linear(x, w1, b1)), w2, b2)
        let graph = try Graph(loss: BinaryCrossEntropy(logits, y))
        let first = try graph.forwardAndBackward(feed: [x: points, y: labels])
        var last = first
        for _ in 0..<steps {
            optimizer.update(graph.trainables)
            last = try graph.forwardAndBackward()
        }
        return (first, last)
    }

    func testAdam_reducesTheLossOfASmallMLP() throws {
        let (first, last) = try train(try Adam(learningRate: 0.05), steps: 300)
        XCTAssertGreaterThan(first, 0.6)   // about log 2 at the start
        XCTAssertLessThan(last, 0.05)      // measured 0.0027
    }

    func testSGDWithMomentum_reducesTheLossOfASmallMLP() throws {
        let (first, last) = try train(try SGD(learningRate: 0.2, momentum: 0.9), steps: 300)
        XCTAssertGreaterThan(first, 0.6)
        XCTAssertLessThan(last, 0.1)       // measured 0.030
    }

    func testAdamWAndRMSProp_alsoReduceTheLoss() throws {
        let adamW = try train(try AdamW(learningRate: 0.05, weightDecay: 1e-3, decayExcludes: .biases), steps: 300)
        XCTAssertLessThan(adamW.last, 0.05)     // measured 0.0028
        let rmsProp = try train(try RMSProp(learningRate: 0.01), steps: 300)
        XCTAssertLessThan(rmsProp.last, 0.1)    // measured 0.021
    }
}
