import XCTest
import GradFlow

/// Hyper-parameter validation, learning-rate schedules, state export/import and optimizers that
/// share a graph.
final class OptimizerConfigurationTests: XCTestCase {
    func testInvalidHyperparameters_throwTypedErrorNamingTheParameter() {
        let cases: [(String, () throws -> Any)] = [
            ("learningRate", { try SGD(learningRate: 0) }),
            ("learningRate", { try SGD(learningRate: .infinity) }),
            ("momentum", { try SGD(learningRate: 0.1, momentum: -0.5) }),
            ("momentum", { try SGD(learningRate: 0.1, nesterov: true) }),
            ("weightDecay", { try SGD(learningRate: 0.1, weightDecay: -1) }),
            ("alpha", { try RMSProp(alpha: 1) }),
            ("epsilon", { try RMSProp(epsilon: 0) }),
            ("beta1", { try Adam(beta1: 1) }),
            ("beta2", { try Adam(beta2: -0.1) }),
            ("learningRate", { try Adam(learningRate: -1e-3) }),
            ("weightDecay", { try AdamW(weightDecay: .nan) }),
            ("stepSize", { try StepDecay(initialLearningRate: 0.1, stepSize: 0) }),
            ("factor", { try StepDecay(initialLearningRate: 0.1, stepSize: 2, factor: 1.5) }),
            ("minimumLearningRate", { try CosineAnnealing(initialLearningRate: 0.1, minimumLearningRate: 0.2, period: 10) }),
            ("period", { try CosineAnnealing(initialLearningRate: 0.1, period: 0) }),
        ]
        for (name, make) in cases {
            XCTAssertThrowsError(try make(), name) { error in
                guard case .invalidHyperparameter(name: name, _, _)? = error as? OptimizerError else {
                    return XCTFail("expected invalidHyperparameter(\(name)), got \(error)")
                }
            }
        }
    }

    func testStepDecay_multipliesByFactorEveryStepSizeEpochs() throws {
        let schedule = try StepDecay(initialLearningRate: 0.1, stepSize: 3, factor: 0.5)
        let rates = [0, 2, 3, 5, 6, 10].map { schedule.learningRate(atEpoch: $0) }
        XCTAssertEqual(rates, [0.1, 0.1, 0.05, 0.05, 0.025, 0.0125])
    }

    func testCosineAnnealing_followsHalfACosineThenStaysAtTheMinimum() throws {
        let schedule = try CosineAnnealing(initialLearningRate: 0.1, minimumLearningRate: 0.01, period: 10)
        // η(e) = 0.01 + 0.09·(1 + cos(π·e/10))/2
        XCTAssertEqual(schedule.learningRate(atEpoch: 0), 0.1, accuracy: 1e-7)
        XCTAssertEqual(schedule.learningRate(atEpoch: 5), 0.055, accuracy: 1e-7)
        XCTAssertEqual(schedule.learningRate(atEpoch: 3), 0.01 + 0.09 * (1 + 0.58778525) / 2, accuracy: 1e-7)
        XCTAssertEqual(schedule.learningRate(atEpoch: 10), 0.01, accuracy: 1e-7)
        XCTAssertEqual(schedule.learningRate(atEpoch: 25), 0.01, accuracy: 1e-7)
    }

    func testApplySchedule_setsTheOptimizersLearningRate() throws {
        let sgd = try SGD(learningRate: 0.1)
        sgd.apply(try StepDecay(initialLearningRate: 0.1, stepSize: 1, factor: 0.5), atEpoch: 2)
        XCTAssertEqual(sgd.learningRate, 0.025)
        let parameter = Parameter("w", Tensor([1]))
        parameter.gradient = Tensor([1])
        sgd.update([parameter])
        XCTAssertEqual(parameter.value.scalars, [0.975])
    }

    func testState_roundTripResumesExactlyWhereTheOriginalWouldBe() throws {
        let (original, resumed) = (try Adam(learningRate: 0.1), try Adam(learningRate: 0.1))
        let a = Parameter("w", Tensor([1, -2]))
        let b = Parameter("w", Tensor([1, -2]))   // a copy of the same model
        for g: [Float] in [[1, 0.5], [2, -1]] {
            a.gradient = Tensor(g)
            original.update([a])
        }
        XCTAssertEqual(original.state.steps, ["w": 2])
        XCTAssertEqual(Set(original.state.tensors.keys), ["w.m", "w.v"])
        b.value = a.value
        try resumed.loadState(original.state, for: [b])
        a.gradient = Tensor([3, 0.25])
        b.gradient = Tensor([3, 0.25])
        original.update([a])
        resumed.update([b])
        XCTAssertEqual(a.value, b.value, "the third step uses the restored moments and t = 3")
        XCTAssertEqual(resumed.state, original.state)
    }

    func testLoadState_mismatchesThrowStateMismatch() throws {
        let sgd = try SGD(learningRate: 0.1, momentum: 0.9)
        let w = Parameter("w", Tensor([1, 2]))
        let bad: [(OptimizerState, String)] = [
            (OptimizerState(tensors: ["w.momentum": Tensor([1, 2, 3])], steps: ["w": 1]), "w.momentum"),
            (OptimizerState(tensors: ["w.m": Tensor([1, 2]), "w.momentum": Tensor([1, 2])], steps: ["w": 1]), "w.m"),
            (OptimizerState(tensors: [:], steps: ["w": 1]), "w.momentum"),
            (OptimizerState(tensors: ["v.momentum": Tensor([1])], steps: ["v": 1]), "v.momentum"),
        ]
        for (state, key) in bad {
            XCTAssertThrowsError(try sgd.loadState(state, for: [w])) { error in
                guard case .stateMismatch(key: key, _)? = error as? OptimizerError else {
                    return XCTFail("expected stateMismatch(\(key)), got \(error)")
                }
            }
        }
        XCTAssertThrowsError(try sgd.loadState(OptimizerState(), for: [w, Parameter("w", Tensor([0]))]))
    }

    func testTwoOptimizers_onDisjointParameters_trainOneGraph() throws {
        // Gluon's pattern: one trainer for the weights (with decay), another for the biases.
        let x = Input("x", shape: [.batch, 1])
        let y = Input("y", shape: [.batch, 1])
        let w = Parameter("w", try Tensor([[0]]))
        let b = Parameter("b", Tensor([0]))
        let graph = try Graph(loss: MSE(y, Linear(x, w, b)))
        let weights = try SGD(learningRate: 0.1, momentum: 0.5, weightDecay: 1e-4)
        let biases = try Adam(learningRate: 0.05)
        let xs = try Tensor([[-1], [0], [1], [2]])
        let ys = try Tensor([[-1], [1], [3], [5]])   // y = 2x + 1
        for _ in 0..<300 {
            try graph.forwardAndBackward(feed: [x: xs, y: ys])
            weights.update([w])
            biases.update([b])
        }
        XCTAssertEqual(w.value.scalars[0], 2, accuracy: 0.02)
        XCTAssertEqual(b.value.scalars[0], 1, accuracy: 0.02)
        XCTAssertEqual(Set(weights.state.steps.keys), ["w"])
        XCTAssertEqual(Set(biases.state.steps.keys), ["b"])
    }
}
