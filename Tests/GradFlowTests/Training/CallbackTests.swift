import XCTest
import GradFlow
@testable import GradFlowStorage
@testable import GradFlowTraining
@testable import GradFlowModels

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

/// `ModelCheckpoint` and `HistoryLogger`: files written during `fit`.
final class FileCallbackTests: TemporaryFolderTestCase {
    func testModelCheckpoint_bestOnly_holdsTheBestEpoch_andHistoryLoggerWritesEveryEpoch() throws {
        let X = Input("X", shape: [.batch, 1]), y = Input("y", shape: [.batch, 1])
        let w = Parameter("w", .zeros([1, 1]))
        let out = Linear(X, w, Parameter("b", .zeros([1])))
        let trainer = try Trainer(graph: try Graph(loss: MSE(y, out)), features: X, labels: y, prediction: out,
                                  optimizer: try SGD(learningRate: 0.004), log: .silent)
        let x = try Tensor(shape: [8, 1], scalars: [1, 2, 3, 4, 5, 6, 7, 8])
        let data = try Dataset(features: x, labels: x * 3)
        let checkpoint = ModelCheckpoint(path: folder + "/best.safetensors", monitor: .validationLoss)
        let csv = HistoryLogger(path: folder + "/history.csv"), lines = HistoryLogger(path: folder + "/history.jsonl", format: .jsonLines)
        trainer.callbacks = [checkpoint, csv, lines]
        let history = try trainer.fit(data, epochs: 6, batchSize: 4, shuffleSeed: 2, validation: data, metric: .rSquared)
        let best = history.validationLoss.indices.min { history.validationLoss[$0] < history.validationLoss[$1] }! + 1
        XCTAssertEqual(checkpoint.bestEpoch, best)
        let saved = try Checkpoint.readContents(from: folder + "/best.safetensors")
        XCTAssertEqual(saved.metadata["gradflow.epoch"], String(best))
        let text = try String(contentsOfFile: folder + "/history.csv", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(text.first, "epoch,loss,val_loss,val_r2,seconds")
        XCTAssertEqual(text.count, 7)
        XCTAssertTrue(text[1].hasPrefix("1,\(history.loss[0]),\(history.validationLoss[0]),\(history.validationMetric[0]),"), String(text[1]))
        let json = try String(contentsOfFile: folder + "/history.jsonl", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(json.count, 6)
        let last = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json[5].utf8)) as? [String: Any])
        XCTAssertEqual(last["epoch"] as? Int, 6)
        XCTAssertEqual((last["loss"] as? Double).map { Float($0) }, history.loss[5])
    }
}
