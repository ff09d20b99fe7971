import XCTest
@testable import GradFlow

/// Keras-style callbacks on `Trainer.fit`: early stopping on a validation curve with the best
/// parameters restored bit for bit, and the learning rate lowered on a plateau.
final class CallbackTests: XCTestCase {
    /// Records every epoch's parameter values.
    private final class Snapshots: TrainingCallback {
        var values: [[Tensor]] = []
        var steps = 0
        func epochEnded(_ epoch: Int, history: History, trainer: Trainer) throws { values.append(trainer.graph.trainables.map(\.value)) }
        func stepEnded(_ step: Int, loss: Float, trainer: Trainer) { steps = step }
    }

    /// A 64-128-10 network on 30 digits, validated on 300 others: it overfits within a few dozen epochs.
    private func overfitting() throws -> (Trainer, Dataset, Dataset) {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let digits = try CSVReader.load(path: root.appendingPathComponent("Graphs/data/digits.csv").path, target: "digit")
        let (train, held) = (digits.subset(Array(0..<30)), digits.subset(Array(30..<330)))
        var rng = RandomGenerator(seed: 9)
        let X = Input("X", shape: [.batch, 64]), y = Input("y", shape: [.batch])
        let hidden = ReLU(Linear(X, Parameter("W1", Initializer.heNormal.tensor(shape: [64, 128], using: &rng)), Parameter("b1", .zeros([128]))))
        let logits = Linear(hidden, Parameter("W2", Initializer.xavierUniform.tensor(shape: [128, 10], using: &rng)), Parameter("b2", .zeros([10])))
        let trainer = try Trainer(graph: try Graph(loss: SoftmaxCE(logits, y)), features: X, labels: y, prediction: logits,
                                  optimizer: try Adam(learningRate: 0.01), log: .silent)
        return (trainer, train, held)
    }

    func testEarlyStopping_onAValidationCurve_stopsAfterPatience_andRestoresTheBestParametersExactly() throws {
        let (trainer, train, held) = try overfitting()
        let stopping = EarlyStopping(monitor: .validationLoss, patience: 3, restoreBest: true)
        let snapshots = Snapshots()
        trainer.callbacks = [snapshots, stopping]
        let history = try trainer.fit(train, epochs: 300, batchSize: 10, shuffleSeed: 1, validation: held, metric: .accuracy)
        XCTAssertLessThan(history.epochs, 300, "validation loss rose: training stopped early")
        XCTAssertEqual(stopping.stoppedEpoch, history.epochs)
        XCTAssertEqual(stopping.stoppedEpoch - stopping.bestEpoch, 3)
        let bestLoss = history.validationLoss.min()!
        XCTAssertEqual(history.validationLoss[stopping.bestEpoch - 1], bestLoss)
        XCTAssertEqual(trainer.graph.trainables.map(\.value), snapshots.values[stopping.bestEpoch - 1], "restored bit for bit")
        XCTAssertNotEqual(snapshots.values.last, snapshots.values[stopping.bestEpoch - 1])
        XCTAssertEqual(snapshots.steps, history.epochs * 3, "stepEnded saw every step")
        // The restored parameters give the best epoch's validation loss again.
        XCTAssertEqual(try trainer.evaluate(held, batchSize: 10).loss, bestLoss, accuracy: 1e-6)
    }

    func testReduceLROnPlateau_lowersTheRateAfterPatienceEpochsWithoutImprovement() throws {
        let (trainer, _, _) = try overfitting()
        let plateau = ReduceLROnPlateau(monitor: .validationLoss, factor: 0.5, patience: 2, minimum: 0.002)
        var history = History()
        for (epoch, loss) in [1.0, 0.8, 0.81, 0.82, 0.9, 0.79, 0.85, 0.86, 0.87, 0.88, 0.89, 0.9].enumerated() {
            history.validationLoss.append(Float(loss))
            try plateau.epochEnded(epoch + 1, history: history, trainer: trainer)
        }
        // 0.01 halved after epochs 4 (0.005) and 8 (0.0025); after 10 it would be 0.00125: held at the minimum.
        XCTAssertEqual(trainer.optimizer.learningRate, 0.002, accuracy: 1e-7)
    }
}
