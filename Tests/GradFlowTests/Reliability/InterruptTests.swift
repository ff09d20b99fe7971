import XCTest
import Foundation
import GradFlow

/// Ctrl-C: the flag, the trainer stopping between steps, and SIGINT sent to a training `gradflow`.
final class InterruptTests: XCTestCase {

    private func regression(interruption: InterruptFlag) throws -> (Trainer, Dataset) {
        let X = Input("X", shape: [.batch, 1]), y = Input("y", shape: [.batch, 1])
        let out = Linear(X, Parameter("W", .zeros([1, 1])), Parameter("b", .zeros([1])))
        let trainer = try Trainer(graph: try Graph(loss: MSE(y, out)), features: X, labels: y, prediction: out,
                                  optimizer: try SGD(learningRate: 0.1), log: .silent)
        trainer.interruption = interruption
        let x = Tensor(shape: [10, 1], repeating: 1)
        return (trainer, try Dataset(features: x, labels: x * 3))
    }

    func testInterruptFlag_requestReportsWhetherItWasAlreadySet() {
        let flag = InterruptFlag()
        XCTAssertFalse(flag.isInterruptionRequested)
        XCTAssertFalse(flag.request())
        XCTAssertTrue(flag.request())
        XCTAssertTrue(flag.isInterruptionRequested)
        flag.clear()
        XCTAssertFalse(flag.isInterruptionRequested)
    }

    func testFit_flagSetBeforehand_stopsAfterTheFirstCompleteStep() throws {
        let flag = InterruptFlag()
        let (trainer, data) = try regression(interruption: flag)
        flag.request()
        XCTAssertThrowsError(try trainer.fit(data, epochs: 3, batchSize: 4)) { error in
            XCTAssertEqual(error as? TrainerError, .interrupted(step: 1, epoch: 1, batch: 1, batches: 3))
        }
        XCTAssertEqual(trainer.progress.step, 1)
        XCTAssertNotEqual(trainer.graph.trainables[0].value.scalars, [0])   // the step was applied
    }

    /// Ctrl-C during an epoch's last step: the epoch is recorded before the stop, so the state says
    /// "epoch 1 done" (not "epoch 1, no batch left"), and a resumed run trains epoch 2 in full.
    func testFit_interruptedDuringAnEpochsLastStep_recordsTheEpochBeforeStopping() throws {
        let flag = InterruptFlag()
        let (trainer, data) = try regression(interruption: flag)
        flag.request()
        XCTAssertThrowsError(try trainer.fit(data, epochs: 3, batchSize: 10)) { error in   // one batch per epoch
            XCTAssertEqual(error as? TrainerError, .interrupted(step: 1, epoch: 1, batch: 1, batches: 1))
        }
        XCTAssertEqual(trainer.progress.completedEpochs, 1)
        XCTAssertEqual(trainer.progress.batchesInEpoch, 0)
        XCTAssertEqual(trainer.history.loss.count, 1)
        let state = trainer.trainingState(metadata: [:])
        let (resumed, _) = try regression(interruption: InterruptFlag())
        try resumed.restore(state)
        let history = try resumed.fit(data, epochs: 2, batchSize: 10)
        XCTAssertEqual(history.loss.count, 2)
        XCTAssertEqual(resumed.progress.step, 2)
    }

    func testSIGINTHandler_setsTheFlagInProcess() throws {
        let flag = InterruptFlag.installSIGINTHandler()
        defer {
            InterruptFlag.removeSIGINTHandler()
            flag.clear()
        }
        XCTAssertFalse(flag.isInterruptionRequested)
        raise(SIGINT)
        XCTAssertTrue(flag.isInterruptionRequested)
    }

    func testSIGINT_toTrainingBinary_savesALoadableCheckpointAndSaysHowToResume() throws {
        let binary = try ToolBinary.required()
        let checkpoint = FileManager.default.temporaryDirectory.appendingPathComponent("gradflow-sigint-\(UUID().uuidString).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: checkpoint) }
        let process = Process()
        process.executableURL = binary
        process.arguments = ["train", "Graphs/iris.graph", "--epochs", "1000000", "--save", checkpoint]
        process.currentDirectoryURL = ToolBinary.repository
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Wait until training has begun (the first epoch line), then press "Ctrl-C".
        var seen = Data()
        while !String(decoding: seen, as: UTF8.self).contains("Epoch 2/") {
            let chunk = out.fileHandleForReading.availableData
            guard !chunk.isEmpty else { break }
            seen += chunk
        }
        kill(process.processIdentifier, SIGINT)
        _ = out.fileHandleForReading.readDataToEndOfFile()   // first: a full stdout pipe would block the exit
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let message = String(decoding: errData, as: UTF8.self)
        XCTAssertEqual(process.terminationStatus, 130, message)
        XCTAssertTrue(message.hasPrefix("gradflow: training was interrupted after step "), message)
        XCTAssertTrue(message.contains("resume with: gradflow train Graphs/iris.graph --resume \(checkpoint)"), message)
        let state = try TrainingCheckpoint.read(from: checkpoint)
        XCTAssertGreaterThanOrEqual(state.progress.completedEpochs, 1)
        XCTAssertEqual(state.metadata["gradflow.graph"], "Graphs/iris.graph")
        XCTAssertEqual(Set(state.parameters.keys), ["W1", "b1", "W2", "b2"])

        // Resuming (mid-epoch) to one more epoch ends exactly where a straight run of that length does.
        let epochs = String(state.progress.completedEpochs + 1)
        let straight = checkpoint + ".straight"
        defer { try? FileManager.default.removeItem(atPath: straight) }
        XCTAssertEqual(try run(binary, ["train", "Graphs/iris.graph", "--epochs", epochs, "--save", straight]), 0)
        XCTAssertEqual(try run(binary, ["train", "Graphs/iris.graph", "--resume", checkpoint, "--epochs", epochs, "--save", checkpoint]), 0)
        let resumed = try TrainingCheckpoint.read(from: checkpoint), reference = try TrainingCheckpoint.read(from: straight)
        XCTAssertEqual(resumed.parameters, reference.parameters)
        XCTAssertEqual(resumed.optimizer, reference.optimizer)
        XCTAssertEqual(resumed.history.loss, reference.history.loss)
    }

    func testTrainCommand_resumeAndGuardOptions_checkTheirArguments() throws {
        let binary = try ToolBinary.required()
        XCTAssertEqual(try run(binary, ["train", "Graphs/xor.graph", "--save-every", "2"]), 2)
        XCTAssertEqual(try run(binary, ["train", "Graphs/xor.graph", "--epochs", "2", "--no-guards"]), 0)
        XCTAssertEqual(try run(binary, ["train", "Graphs/xor.graph", "--resume", "/nonexistent/ckpt.safetensors"]), 1)
    }

    /// Runs the binary in the repository and returns its exit status (output discarded).
    private func run(_ binary: URL, _ arguments: [String]) throws -> Int32 { try ToolBinary.run(arguments).code }
}
