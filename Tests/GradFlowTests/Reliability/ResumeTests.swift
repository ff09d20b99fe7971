import XCTest
import Foundation
import Synchronization
import GradFlow

/// Checkpoint and resume: a run split in two (at an epoch boundary or mid-epoch) ends with exactly
/// the weights, optimizer state and history of the same run made in one go.
final class ResumeTests: XCTestCase {
    /// A 4-8-3 classifier with dropout, trained with Adam: every kind of state a resume must restore
    /// (weights, moments and step counts, the shuffle generator, a dropout generator).
    private func classifier() throws -> Trainer {
        var rng = RandomGenerator(seed: 11)
        let X = Input("X", shape: [.batch, 4]), y = Input("y", shape: [.batch])
        let W1 = Parameter("W1", .randomUniform([4, 8], lower: -0.5, upper: 0.5, using: &rng))
        let W2 = Parameter("W2", .randomUniform([8, 3], lower: -0.5, upper: 0.5, using: &rng))
        let hidden = try Dropout(ReLU(Linear(X, W1, Parameter("b1", .zeros([8])))), dropProbability: 0.2, seed: 5, name: "drop")
        let logits = Linear(hidden, W2, Parameter("b2", .zeros([3])))
        return try Trainer(graph: try Graph(loss: SoftmaxCE(logits, y)), features: X, labels: y, prediction: logits,
                           optimizer: try Adam(learningRate: 0.01), log: .silent)
    }

    /// 60 examples of 3 classes (the sign pattern of two feature sums), and 20 held out.
    private func data(count: Int = 60, seed: UInt64 = 2) throws -> Dataset {
        var rng = RandomGenerator(seed: seed)
        let features = Tensor.randomNormal([count, 4], standardDeviation: 1, using: &rng)
        let labels = (0..<count).map { row -> Float in
            let (a, b) = (features[row, 0] + features[row, 1], features[row, 2] - features[row, 3])
            return a > 0 ? (b > 0 ? 0 : 1) : 2
        }
        return try Dataset(features: features, labels: Tensor(labels))
    }

    private func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("gradflow-resume-\(UUID().uuidString)-\(name)").path
    }

    @discardableResult
    private func fit(_ trainer: Trainer, epochs: Int) throws -> History {
        try trainer.fit(try data(), epochs: epochs, batchSize: 8, shuffleSeed: 9, validation: try data(count: 20, seed: 3), metric: .accuracy)
    }

    /// Saves `trainer`'s state to a file, reads it back into a fresh classifier and returns it.
    private func resumedThroughFile(_ trainer: Trainer) throws -> Trainer {
        let path = temporaryPath("run.safetensors")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try TrainingCheckpoint.write(trainer.trainingState(metadata: ["note": "half"]), to: path)
        let fresh = try classifier()
        try fresh.restore(try TrainingCheckpoint.read(from: path))
        return fresh
    }

    private func assertSameRun(_ a: Trainer, _ b: Trainer, _ historyA: History, _ historyB: History, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.graph.trainables.map(\.value), b.graph.trainables.map(\.value), "weights", file: file, line: line)
        XCTAssertEqual(a.optimizer.state, b.optimizer.state, "optimizer state", file: file, line: line)
        XCTAssertEqual(historyA.loss, historyB.loss, "loss history", file: file, line: line)
        XCTAssertEqual(historyA.validationLoss, historyB.validationLoss, file: file, line: line)
        XCTAssertEqual(historyA.validationMetric, historyB.validationMetric, file: file, line: line)
        XCTAssertEqual(a.progress, b.progress, "progress", file: file, line: line)
    }

    func testResume_atEpochBoundary_continuesBitForBit() throws {
        let straight = try classifier()
        let straightHistory = try fit(straight, epochs: 6)
        let first = try classifier()
        try fit(first, epochs: 3)
        let second = try resumedThroughFile(first)
        let history = try fit(second, epochs: 6)
        assertSameRun(straight, second, straightHistory, history)
        XCTAssertEqual(history.epochs, 6)
    }

    func testResume_midEpochAfterInterruption_continuesBitForBit() throws {
        let straight = try classifier()
        let straightHistory = try fit(straight, epochs: 4)
        let first = try classifier()
        first.interruption = StopAfterSteps(11)   // 8 batches per epoch: step 11 is batch 3 of epoch 2
        XCTAssertThrowsError(try fit(first, epochs: 4)) { error in
            XCTAssertEqual(error as? TrainerError, .interrupted(step: 11, epoch: 2, batch: 3, batches: 8))
        }
        XCTAssertEqual(first.progress.batchesInEpoch, 3)
        let second = try resumedThroughFile(first)
        let history = try fit(second, epochs: 4)
        assertSameRun(straight, second, straightHistory, history)
    }

    func testCheckpoint_roundTripsEveryFieldExactly() throws {
        let trainer = try classifier()
        trainer.interruption = StopAfterSteps(5)
        XCTAssertThrowsError(try fit(trainer, epochs: 2))
        var state = trainer.trainingState(metadata: ["gradflow.graph": "x.graph", "note": "a \"quoted\" value"])
        state.history.epochSeconds = [0.1, 1.0 / 3]
        state.progress.smoother = LossSmoother(average: 1.0 / 7, best: .infinity, count: 4)
        let path = temporaryPath("state.safetensors")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try TrainingCheckpoint.write(state, to: path)
        let read = try TrainingCheckpoint.read(from: path)
        XCTAssertEqual(read, state)
        XCTAssertEqual(read.progress.epochGenerator.state.0, state.progress.epochGenerator.state.0)
        XCTAssertEqual(try Checkpoint.read(from: path)["W1"], trainer.graph.trainables[0].value)   // also a weights file
    }

    func testInterruptedSave_partialTemporaryFile_leavesThePreviousCheckpointLoadable() throws {
        let trainer = try classifier()
        try fit(trainer, epochs: 1)
        let path = temporaryPath("ckpt.safetensors")
        defer {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory())) ?? []
            where name.hasPrefix(URL(fileURLWithPath: path).lastPathComponent) {
                try? FileManager.default.removeItem(atPath: NSTemporaryDirectory() + "/" + name)
            }
        }
        let state = trainer.trainingState()
        try TrainingCheckpoint.write(state, to: path)
        // A save killed half-way leaves only its temporary file: the first bytes of a newer checkpoint.
        let newer = try Checkpoint.encode(TrainingCheckpoint.encode(state))
        for name in ["\(path).tmp-\(ProcessInfo.processInfo.processIdentifier)", "\(path).tmp-99999", "\(path).tmp"] {
            try Data(newer.prefix(newer.count / 2)).write(to: URL(fileURLWithPath: name))
        }
        XCTAssertEqual(try TrainingCheckpoint.read(from: path), state)
        try fit(trainer, epochs: 2)   // the next save replaces the stale temporary file and succeeds
        let later = trainer.trainingState()
        try TrainingCheckpoint.write(later, to: path)
        XCTAssertEqual(try TrainingCheckpoint.read(from: path), later)
        XCTAssertThrowsError(try TrainingCheckpoint.read(from: "\(path).tmp-99999")) { error in
            XCTAssertNotNil(error as? CheckpointError)
        }
    }

    func testResume_withAnotherBatchSize_isRefusedNamingTheSetting() throws {
        let first = try classifier()
        try fit(first, epochs: 1)
        let second = try resumedThroughFile(first)
        XCTAssertThrowsError(try second.fit(try data(), epochs: 2, batchSize: 16, shuffleSeed: 9)) { error in
            XCTAssertEqual(error as? TrainerError, .resumeMismatch(setting: "batch size", saved: "8", requested: "16"))
        }
    }

    func testRestore_stateOfAnotherGraph_isRefusedAndChangesNothing() throws {
        let trainer = try classifier()
        var state = trainer.trainingState()
        state.parameters["W1"] = Tensor.zeros([4, 9])
        let before = trainer.graph.trainables.map(\.value)
        XCTAssertThrowsError(try trainer.restore(state)) { error in
            XCTAssertEqual(error as? TrainerError,
                           .incompatibleState(detail: "parameter 'W1' has shape [4, 8] but the saved value's is [4, 9]"))
        }
        state = trainer.trainingState()
        state.dropoutGenerators = [:]
        XCTAssertThrowsError(try trainer.restore(state)) { error in
            XCTAssertEqual(error as? TrainerError, .incompatibleState(detail: "the state has no generator for dropout node 'drop'"))
        }
        XCTAssertEqual(trainer.graph.trainables.map(\.value), before)
    }

    func testRead_plainWeightsFile_saysItIsNotATrainingCheckpoint() throws {
        let path = temporaryPath("weights.safetensors")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Checkpoint.write(tensors: ["W1": .zeros([2])], to: path)
        XCTAssertThrowsError(try TrainingCheckpoint.read(from: path)) { error in
            guard case .invalidHeader(_, let detail)? = error as? CheckpointError else { return XCTFail("\(error)") }
            XCTAssertTrue(detail.contains("not a training checkpoint"), detail)
        }
    }
}

/// Requests an interruption when asked for the `limit`-th time (the trainer asks once per step).
final class StopAfterSteps: TrainingInterruption {
    private let asked = Atomic<Int>(0)
    private let limit: Int

    init(_ limit: Int) { self.limit = limit }

    var isInterruptionRequested: Bool { asked.add(1, ordering: .relaxed).newValue >= limit }
}
