import Foundation
import XCTest
import GradFlow
@testable import GradFlowTraining
@testable import GradFlowGraphFiles

/// The `train` statement's schedule, warm-up, clipping and callbacks: parsed, made into the
/// library's callbacks, reported with places when wrong, and run by `gradflow train`.
final class TrainCallbacksTests: TemporaryFolderTestCase {
    private func spec(_ options: String) throws -> TrainingSpec {
        try GraphFile(source: """
            input x [batch, 2]
            input y [batch]
            param W [2, 3] zeros
            param b [3] zeros
            loss = softmax_ce(linear(x, W, b), y)
            train sgd(lr: 0.2) epochs 12 \(options)
            """, file: "t.graph").training
    }

    func testOptions_parseIntoTheLibrarysCallbacks() throws {
        let spec = try spec("schedule step_decay(step: 4, factor: 0.5) warmup 2 clip_norm 1.5 callbacks "
                            + "[early_stopping(monitor: val_metric, patience: 3, restore_best: true), reduce_lr(factor: 0.5, patience: 2), "
                            + "checkpoint(path: \"best.safetensors\"), history(path: \"h.jsonl\")]")
        XCTAssertEqual(spec.schedule, .stepDecay(stepSize: 4, factor: 0.5))
        XCTAssertEqual(spec.warmupEpochs, 2)
        XCTAssertEqual(spec.clipping, .norm(1.5))
        XCTAssertEqual(spec.callbacks, [.earlyStopping(monitor: .validationMetric, patience: 3, minDelta: 0, restoreBest: true),
                                        .reduceLROnPlateau(monitor: .validationLoss, factor: 0.5, patience: 2, minDelta: 0, minimum: 0),
                                        .checkpoint(path: "best.safetensors", monitor: .validationLoss), .history(path: "h.jsonl")])
        let callbacks = try spec.makeCallbacks(learningRate: 0.2, epochs: 12)
        XCTAssertEqual(callbacks.count, 5)
        let scheduler = try XCTUnwrap(callbacks.first as? LearningRateScheduler)
        // Warm-up over 2 epochs from a tenth, then the step decay: epoch 0, 1, 2, 4, 8.
        let rates = [0, 1, 2, 4, 8].map { scheduler.schedule.learningRate(atEpoch: $0) }
        for (rate, expected) in zip(rates, [0.02, 0.11, 0.2, 0.1, 0.05] as [Float]) { XCTAssertEqual(rate, expected, accuracy: 1e-6) }
        XCTAssertTrue(callbacks[1] is EarlyStopping && callbacks[2] is ReduceLROnPlateau && callbacks[3] is ModelCheckpoint
                      && callbacks[4] is HistoryLogger)
        XCTAssertEqual((callbacks[4] as? HistoryLogger)?.format, .jsonLines)
    }

    func testBadOptions_areNamedWithTheirPlace() {
        let cases: [(String, String)] = [
            ("callbacks [early_stoping(patience: 3)]", "t.graph:6:41: error: unknown callback 'early_stoping'; did you mean 'early_stopping'?"),
            ("callbacks [early_stopping(monitor: val_los)]", "unknown monitored value 'val_los'; did you mean 'val_loss'?"),
            ("schedule cosine(min_lr: 0)", "'cosine' needs 'period:'"),
            ("clip_norm -1", "'clip_norm' must be a positive number"),
            ("clip_norm 1 clip_value 2", "give one of 'clip_norm' and 'clip_value'"),
            ("callbacks early_stopping", "a list such as [early_stopping(patience: 5)]"),
            ("shedule cosine(period: 3)", "unknown training option 'shedule'; did you mean 'schedule'?"),
        ]
        for (options, message) in cases {
            XCTAssertThrowsError(try spec(options), options) { error in
                XCTAssertTrue("\(error)".contains(message), "\(options): \(error)")
            }
        }
    }

    func testGradflowTrain_runsTheFilesCallbacks() throws {
        _ = try ToolBinary.required()
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var text = try String(contentsOf: root.appendingPathComponent("Graphs/iris.graph"), encoding: .utf8)
        text = text.replacingOccurrences(of: "\"data/iris.csv\"", with: root.appendingPathComponent("Graphs/data/iris.csv").path.quotedLiteral)
        let history = folder + "/h.csv", best = folder + "/best.safetensors"
        let lines = text.components(separatedBy: "\n").map { line in
            line.hasPrefix("train ") ? "train sgd(lr: 0.5) epochs 300 batch 16 seed 1 clip_norm 5 callbacks "
                + "[early_stopping(patience: 3, min_delta: 0.001, restore_best: true), history(path: \(history.quotedLiteral)), "
                + "checkpoint(path: \(best.quotedLiteral))]" : line
        }
        let path = folder + "/iris.graph"
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let run = try ToolBinary.run(["train", path, "--quiet"])
        XCTAssertEqual(run.code, 0, run.err)
        XCTAssertTrue(run.out.contains("early stopping after epoch"), run.out)
        let logged = try String(contentsOfFile: history, encoding: .utf8).components(separatedBy: "\n").filter { !$0.isEmpty }
        XCTAssertEqual(logged.first, "epoch,loss,val_loss,val_acc,seconds")
        XCTAssertGreaterThan(logged.count, 4)
        XCTAssertLessThan(logged.count, 301, "stopped before the 300 epochs")
        XCTAssertTrue(FileManager.default.fileExists(atPath: best))
    }
}
