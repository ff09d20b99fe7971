import XCTest
import GradFlow
@testable import GradFlowCore
@testable import GradFlowTraining
@testable import GradFlowGraphFiles
@testable import GradFlowPictures

/// The numeric guards of `Trainer.fit`: the first bad node and step are named, the parameters are
/// never updated by a bad step, and divergence stops training with advice.
final class NumericGuardTests: XCTestCase {
    /// A 2-4-1 regression network `out = hidden(relu) → linear`, trained with MSE.
    private struct Network {
        let trainer: Trainer
        let parameters: [Parameter]
    }

    private func network(learningRate: Float = 0.01, guards: NumericGuards = .default, weightScale: Float = 0.5) throws -> Network {
        var rng = RandomGenerator(seed: 3)
        let X = Input("X", shape: [.batch, 2]), y = Input("y", shape: [.batch, 1])
        let W1 = Parameter("W1", .randomUniform([2, 4], lower: -weightScale, upper: weightScale, using: &rng))
        let b1 = Parameter("b1", .zeros([4]))
        let W2 = Parameter("W2", .randomUniform([4, 1], lower: -0.5, upper: 0.5, using: &rng))
        let b2 = Parameter("b2", .zeros([1]))
        let hidden = Linear(X, W1, b1, name: "hidden")
        let out = Linear(ReLU(hidden), W2, b2, name: "out")
        let trainer = try Trainer(graph: try Graph(loss: MSE(y, out)), features: X, labels: y, prediction: out,
                                  optimizer: try SGD(learningRate: learningRate), log: .silent, guards: guards)
        return Network(trainer: trainer, parameters: [W1, b1, W2, b2])
    }

    private func data(count: Int, scale: Float = 1, poison: (row: Int, value: Float)? = nil) throws -> Dataset {
        var features: [Float] = [], targets: [Float] = []
        for i in 0..<count {
            let (a, b) = (Float(i % 5) / 5 * scale, Float(i % 3) / 3 * scale)
            features += [a, b]
            targets.append(a - 2 * b + 1)
        }
        if let poison { features[2 * poison.row] = poison.value }
        return try Dataset(features: Tensor(shape: [count, 2], scalars: features), labels: Tensor(shape: [count, 1], scalars: targets))
    }

    func testFit_nonFiniteInput_namesTheInputAndStep_andKeepsTheLastGoodParameters() throws {
        let poisoned = try network(), reference = try network()
        let good = try data(count: 4)
        try reference.trainer.fit(good, epochs: 1, batchSize: 2, shuffle: false)   // the two steps before the bad one
        XCTAssertThrowsError(try poisoned.trainer.fit(try data(count: 8, poison: (5, .nan)), epochs: 1, batchSize: 2, shuffle: false)) { error in
            XCTAssertEqual(error as? TrainerError, .nonFiniteValue(node: "X", kind: "input", isGradient: false, value: "nan", step: 3, epoch: 1))
        }
        XCTAssertEqual(poisoned.parameters.map(\.value), reference.parameters.map(\.value))
        XCTAssertEqual(poisoned.trainer.progress.step, 2)
    }

    func testFit_overflowInsideTheGraph_namesTheFirstNodeInTopologicalOrder() throws {
        let net = try network(weightScale: 1e30)
        let before = net.parameters.map(\.value)
        XCTAssertThrowsError(try net.trainer.fit(try data(count: 4, scale: 1e30), epochs: 1, batchSize: 4, shuffle: false)) { error in
            guard case let .nonFiniteValue(node, kind, isGradient, _, step, epoch) = error as? TrainerError else {
                return XCTFail("unexpected \(error)")
            }
            XCTAssertEqual([node, kind], ["hidden", "linear"])
            XCTAssertEqual([isGradient ? 1 : 0, step, epoch], [0, 1, 1])
        }
        XCTAssertEqual(net.parameters.map(\.value), before)
    }

    func testFirstNonFinite_gradient_isFoundInBackwardOrder() throws {
        let net = try network()
        let graph = net.trainer.graph
        let batch = try data(count: 2)
        try graph.forwardAndBackward(feed: [net.trainer.features: batch.features, net.trainer.labels: batch.labels])
        let checks = NumericGuard(graph: graph)
        XCTAssertNil(checks.firstNonFinite())
        let hidden = try XCTUnwrap(graph.nodes.first { $0.name == "hidden" })
        hidden.gradient.withUnsafeMutableBufferPointer { $0[1] = -.infinity }
        net.parameters[0].gradient.withUnsafeMutableBufferPointer { $0[0] = .nan }   // W1: earlier in order, later in backward
        let finding = try XCTUnwrap(checks.firstNonFinite())
        XCTAssertEqual(finding.node.name, "hidden")
        XCTAssertTrue(finding.isGradient)
        XCTAssertEqual(finding.value, -.infinity)
    }

    func testFit_hugeLearningRate_overflowingUpdateIsRolledBack() throws {
        let net = try network(learningRate: 1e38, guards: NumericGuards(rollsBackOverflowingUpdates: true, divergenceFactor: nil))
        let before = net.parameters.map(\.value)
        XCTAssertThrowsError(try net.trainer.fit(try data(count: 4, scale: 100), epochs: 1, batchSize: 4, shuffle: false)) { error in
            guard case let .nonFiniteUpdate(_, _, step, epoch, learningRate) = error as? TrainerError else {
                return XCTFail("unexpected \(error)")
            }
            XCTAssertEqual([step, epoch], [1, 1])
            XCTAssertEqual(learningRate, 1e38)
        }
        XCTAssertEqual(net.parameters.map(\.value), before)
    }

    func testFit_overflowingUpdateWithoutRollback_isReportedAtTheNextStepAsTheParameter() throws {
        let net = try network(learningRate: 1e38, guards: NumericGuards(divergenceFactor: nil))
        XCTAssertThrowsError(try net.trainer.fit(try data(count: 8, scale: 100), epochs: 1, batchSize: 4, shuffle: false)) { error in
            guard case let .nonFiniteValue(node, kind, isGradient, _, step, _) = error as? TrainerError else {
                return XCTFail("unexpected \(error)")
            }
            XCTAssertTrue(["W1", "b1", "W2", "b2"].contains(node), node)
            XCTAssertEqual(kind, "parameter")
            XCTAssertFalse(isGradient)
            XCTAssertEqual(step, 2)
            XCTAssertTrue("\(error)".contains("an earlier optimizer step overflowed"), "\(error)")
        }
    }

    func testFit_growingLoss_stopsAsDivergedAndSuggestsASmallerLearningRate() throws {
        // y = 2x with x in {1, 2, 3}: plain gradient descent on w is stable only for η < 2/(2·E[x²]) ≈ 0.21;
        // at η = 0.5 (with the bias learning too) the loss grows more than 10× per step.
        let X = Input("X", shape: [.batch, 1]), y = Input("y", shape: [.batch, 1])
        let w = Parameter("w", .zeros([1, 1]))
        let out = Linear(X, w, Parameter("b", .zeros([1])))
        let trainer = try Trainer(graph: try Graph(loss: MSE(y, out)), features: X, labels: y, prediction: out,
                                  optimizer: try SGD(learningRate: 0.5), log: .silent)
        let x = try Tensor(shape: [3, 1], scalars: [1, 2, 3])
        XCTAssertThrowsError(try trainer.fit(try Dataset(features: x, labels: x * 2), epochs: 100, batchSize: 3)) { error in
            guard case let .diverged(step, epoch, smoothed, best, factor, _) = error as? TrainerError else {
                return XCTFail("unexpected \(error)")
            }
            XCTAssertEqual([step, epoch], [3, 3])
            XCTAssertEqual(factor, 100)
            XCTAssertGreaterThan(smoothed, 100 * best)
            XCTAssertTrue("\(error)".hasSuffix("try a learning rate smaller than 0.5"), "\(error)")
        }
        XCTAssertEqual(trainer.progress.step, 2)   // the third step's update was not applied
        XCTAssertTrue(w.value.scalars.allSatisfy(\.isFinite))
    }

    func testFit_guardsOff_trainsThroughNonFiniteData() throws {
        let net = try network(guards: .off)
        XCTAssertNoThrow(try net.trainer.fit(try data(count: 8, poison: (1, .infinity)), epochs: 1, batchSize: 2, shuffle: false))
        XCTAssertFalse(net.parameters[0].value.scalars.allSatisfy(\.isFinite))
    }

    func testAllFinite_findsEveryKindOfNonFiniteAtAwkwardPositions() {
        for count in [0, 1, 7, 8, 33, 1000] {
            var values = (0..<count).map { Float($0) * 1e30 - 5 }
            values += [0, -0.0, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .leastNonzeroMagnitude]
            XCTAssertTrue(values.withUnsafeBufferPointer(NumericGuard.allFinite), "count \(count)")
            for bad in [Float.nan, .infinity, -.infinity, -Float.nan, .signalingNaN] {
                for position in Set([0, values.count / 2, values.count - 1]) {
                    var poisoned = values
                    poisoned[position] = bad
                    XCTAssertFalse(poisoned.withUnsafeBufferPointer(NumericGuard.allFinite), "count \(count) at \(position)")
                }
            }
        }
    }

    func testMessages_nameNodeStepAndAdvice() {
        let cases: [(TrainerError, String)] = [
            (.nonFiniteValue(node: "linear2", kind: "linear", isGradient: false, value: "inf", step: 1234, epoch: 3),
             "step 1234 (epoch 3): node 'linear2' produced a non-finite value (inf); the last good parameters were kept "
             + "(a smaller learning rate, or inputs scaled to a smaller range, may help)"),
            (.nonFiniteValue(node: "W1", kind: "parameter", isGradient: true, value: "nan", step: 7, epoch: 1),
             "step 7 (epoch 1): parameter 'W1' produced a non-finite gradient (nan); the last good parameters were kept "
             + "(a smaller learning rate, or inputs scaled to a smaller range, may help)"),
            (.nonFiniteValue(node: "X", kind: "input", isGradient: false, value: "nan", step: 3, epoch: 1),
             "step 3 (epoch 1): input 'X' was fed a non-finite value (nan); check the data; the last good parameters were kept"),
            (.diverged(step: 80, epoch: 2, smoothedLoss: 520, bestLoss: 0.5, factor: 100, learningRate: 0.3),
             "step 80 (epoch 2): the loss diverged: its running average 520.0 is more than 100× its best (0.5); "
             + "training stopped with the last good parameters kept; try a learning rate smaller than 0.3"),
        ]
        for (error, message) in cases { XCTAssertEqual(error.description, message) }
    }
}
