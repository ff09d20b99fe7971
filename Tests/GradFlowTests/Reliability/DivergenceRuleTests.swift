import XCTest
import GradFlow
@testable import GradFlowCore
@testable import GradFlowTraining
@testable import GradFlowModels

/// The divergence rule of the numeric guards at the extremes: a model that has fitted its data and
/// whose loss wobbles at float noise keeps training; a learning rate that is too large is still
/// stopped at the same step as by the plain "100× the best" rule.
final class DivergenceRuleTests: XCTestCase {
    /// The rule before the floor: smoothed > factor × max(best, 10⁻¹²). The first step (1-based) at
    /// which it fires on `losses`, or nil.
    private func plainRuleStep(_ losses: [Float], factor: Double = 100) -> Int? {
        var (average, best) = (0.0, Double.infinity)
        for (index, loss) in losses.enumerated() {
            average = LossSmoother.beta * average + (1 - LossSmoother.beta) * Double(loss)
            let smoothed = average / (1 - power(LossSmoother.beta, index + 1))
            if index > 0, smoothed > factor * max(best, 1e-12) { return index + 1 }
            best = min(best, smoothed)
        }
        return nil
    }

    /// The first step at which `LossSmoother` (the rule in force) fires on `losses`, or nil.
    private func guardStep(_ losses: [Float], factor: Float = 100) -> Int? {
        var smoother = LossSmoother()
        for (index, loss) in losses.enumerated() where smoother.observe(loss, factor: factor) != nil { return index + 1 }
        return nil
    }

    /// XOR with a 2-8-2 ReLU network, softmax cross-entropy and Adam: one batch per epoch, so the
    /// epoch losses are the step losses.
    private func xorTrainer(learningRate: Float, guards: NumericGuards) throws -> (Trainer, Dataset) {
        var rng = RandomGenerator(seed: 1)
        let X = Input("X", shape: [.batch, 2]), y = Input("y", shape: [.batch])
        let hidden = ReLU(Linear(X, Parameter("W1", Initializer.heNormal.tensor(shape: [2, 8], using: &rng)), Parameter("b1", .zeros([8]))))
        let logits = Linear(hidden, Parameter("W2", Initializer.xavierUniform.tensor(shape: [8, 2], using: &rng)), Parameter("b2", .zeros([2])))
        let trainer = try Trainer(graph: try Graph(loss: SoftmaxCE(logits, y)), features: X, labels: y, prediction: logits,
                                  optimizer: try Adam(learningRate: learningRate), log: .silent, guards: guards)
        let data = try Dataset(features: Tensor(shape: [4, 2], scalars: [0, 0, 0, 1, 1, 0, 1, 1]), labels: Tensor([0, 1, 1, 0]))
        return (trainer, data)
    }

    func testFittedModel_trainsThousandsOfEpochsAtFloatNoise_withoutFalseDivergence() throws {
        // The report's case: Graphs/digits.graph's 64-64-10 network with Adam 0.001, trained far past
        // fitting its 1,438 training digits. The loss falls to ~1e-9 and then moves between 1e-10
        // and 1e-8 (float noise of a log-softmax near probability 1) for the rest of the run.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let digits = try CSVReader.load(path: root.appendingPathComponent("Graphs/data/digits.csv").path, target: "digit")
        var rng = RandomGenerator(seed: 3)
        let (train, test) = digits.split(testFraction: 0.2, using: &rng)
        let scaler = try Standardizer.fit(train.features)
        let (fitted, held) = (try scaler.transformFeatures(of: train), try scaler.transformFeatures(of: test))
        let X = Input("X", shape: [.batch, 64]), y = Input("digit", shape: [.batch])
        let hidden = ReLU(Linear(X, Parameter("W1", Initializer.heNormal.tensor(shape: [64, 64], using: &rng)), Parameter("b1", .zeros([64]))))
        let logits = Linear(hidden, Parameter("W2", Initializer.xavierUniform.tensor(shape: [64, 10], using: &rng)), Parameter("b2", .zeros([10])))
        let trainer = try Trainer(graph: try Graph(loss: SoftmaxCE(logits, y)), features: X, labels: y, prediction: logits,
                                  optimizer: try Adam(learningRate: 0.001), log: .silent, guards: .default)
        var steps: [Float] = []
        trainer.stepEnded = { loss in steps.append(loss) }
        let epochs = 1000
        let history = try trainer.fit(fitted, epochs: epochs, batchSize: 32, shuffleSeed: 3)
        XCTAssertEqual(history.epochs, epochs, "the guarded run must not stop")
        XCTAssertLessThan(history.loss.suffix(200).sorted()[100], 1e-5, "the model fitted its training set")
        XCTAssertEqual(try trainer.evaluate(fitted, metric: .accuracy).metric, 1)
        XCTAssertGreaterThan(try trainer.evaluate(held, metric: .accuracy).metric!, 0.95)
        // The plain rule stops this healthy run: near zero the loss moves by orders of magnitude.
        let plain = try XCTUnwrap(plainRuleStep(steps), "the case must be one the plain rule gets wrong")
        XCTAssertLessThan(steps[plain - 1], 1e-4, "it fires on a fitted model (the first loss is ~2.3)")
        XCTAssertNil(guardStep(steps))
    }

    func testTooLargeLearningRate_isStoppedAtTheSameStepAsThePlainRule() throws {
        // Adam at lr 50 on XOR: the logits blow up and the loss climbs far above its start.
        let (free, data) = try xorTrainer(learningRate: 50, guards: .off)
        let losses = try free.fit(data, epochs: 60, batchSize: 4, shuffle: false).loss
        let plain = try XCTUnwrap(plainRuleStep(losses), "the unguarded run must diverge")
        XCTAssertEqual(guardStep(losses), plain)
        let (guarded, _) = try xorTrainer(learningRate: 50, guards: .default)
        XCTAssertThrowsError(try guarded.fit(data, epochs: 60, batchSize: 4, shuffle: false)) { error in
            guard case let .diverged(step, _, smoothed, reference, factor, _) = error as? TrainerError else {
                return XCTFail("unexpected \(error)")
            }
            XCTAssertEqual(step, plain)
            XCTAssertGreaterThan(smoothed, factor * reference)
        }
    }

    func testExplodingRegression_isStoppedAtTheSameStepAsThePlainRule() throws {
        // y = 2x with x in {1, 2, 3}; SGD at η = 0.5 is unstable: the loss grows more than 10× per step.
        let X = Input("X", shape: [.batch, 1]), y = Input("y", shape: [.batch, 1])
        let out = Linear(X, Parameter("w", .zeros([1, 1])), Parameter("b", .zeros([1])))
        let trainer = try Trainer(graph: try Graph(loss: MSE(y, out)), features: X, labels: y, prediction: out,
                                  optimizer: try SGD(learningRate: 0.5), log: .silent, guards: .off)
        let x = try Tensor(shape: [3, 1], scalars: [1, 2, 3])
        let losses = try trainer.fit(try Dataset(features: x, labels: x * 2), epochs: 12, batchSize: 3).loss
        XCTAssertEqual(plainRuleStep(losses), 3)
        XCTAssertEqual(guardStep(losses), 3)
    }

    func testFloor_isTheFirstLossOverTheFactor_orFloatPrecision() {
        var smoother = LossSmoother()
        _ = smoother.observe(2.5, factor: 100)
        XCTAssertEqual(smoother.floor(factor: 100), 0.025, accuracy: 1e-9)
        // A fitted model whose loss moves between 1e-10 and 1e-8 is not diverging ...
        for step in 0..<5000 { XCTAssertNil(smoother.observe(step % 50 == 0 ? 1e-8 : 1e-10, factor: 100)) }
        // ... but climbing back above where it started is.
        var fired = false
        for _ in 0..<400 where !fired { fired = smoother.observe(30, factor: 100) != nil }
        XCTAssertTrue(fired)
        // A run that starts fitted (from given weights) is floored at float32's precision.
        var fitted = LossSmoother()
        for step in 0..<5000 { XCTAssertNil(fitted.observe(step % 7 == 0 ? 1e-8 : 1e-11, factor: 100)) }
        XCTAssertEqual(fitted.floor(factor: 100), LossSmoother.absoluteFloor)
    }

    func testCheckpoint_keepsTheFirstLoss_soAResumedRunJudgesAlike() throws {
        let (trainer, data) = try xorTrainer(learningRate: 0.05, guards: .default)
        _ = try trainer.fit(data, epochs: 5, batchSize: 4, shuffle: false)
        let state = trainer.trainingState()
        let decoded = try TrainingCheckpoint.decode(TrainingCheckpoint.encode(state))
        XCTAssertEqual(decoded.progress.smoother, state.progress.smoother)
        XCTAssertGreaterThan(decoded.progress.smoother.first, 0.1)
        // A checkpoint written before `guard.first` existed still loads (absolute floor only).
        var old = TrainingCheckpoint.encode(state)
        old.metadata["guard.first"] = nil
        XCTAssertEqual(try TrainingCheckpoint.decode(old).progress.smoother.first, 0)
    }

    func testEpochSummary_ofAnExplodedLoss_printsIt() {
        // An unguarded exploding run used to crash formatting a loss above ~9e14 with 4 decimals.
        var history = History()
        history.loss = [1e20, .infinity]
        XCTAssertEqual(history.summary(epoch: 1, of: 2), "Epoch 1/2  loss 1e+20")
        XCTAssertEqual(history.summary(epoch: 2, of: 2), "Epoch 2/2  loss inf")
    }
}
