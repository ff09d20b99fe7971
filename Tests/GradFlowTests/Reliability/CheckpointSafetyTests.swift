import XCTest
import Foundation
import GradFlow
@testable import GradFlowCore
@testable import GradFlowStorage
@testable import GradFlowGraphFiles
@testable import GradFlowModels

/// `gradflow train --save/--resume/--init`: a run that fails before its first step leaves an existing
/// checkpoint byte for byte as it was; resume is explicit; bad stored values are refused at load.
final class CheckpointSafetyTests: TemporaryFolderTestCase {
    override func setUpWithError() throws {
        _ = try ToolBinary.required()
        try super.setUpWithError()
    }

    /// A good checkpoint of Graphs/iris.graph after 3 epochs, and its bytes.
    private func goodCheckpoint() throws -> (path: String, bytes: Data) {
        let path = folder + "/ck.safetensors"
        XCTAssertEqual(try ToolBinary.run(["train", "Graphs/iris.graph", "--epochs", "3", "--save", path]).code, 0)
        return (path, try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// Iris's graph with its data path made absolute and `edit` applied, written to the temporary folder.
    private func irisVariant(_ name: String, _ edit: (String) -> String) throws -> String {
        let text = try String(contentsOf: ToolBinary.repository.appendingPathComponent("Graphs/iris.graph"), encoding: .utf8)
            .replacingOccurrences(of: "\"data/iris.csv\"", with: "\"\(ToolBinary.repository.path)/Graphs/data/iris.csv\"")
        let path = folder + "/" + name
        try edit(text).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func testFailedRuns_neverReplaceAGoodCheckpoint() throws {
        let (checkpoint, bytes) = try goodCheckpoint()
        let wrongInput = try irisVariant("wide.graph") {
            $0.replacingOccurrences(of: "[batch, 4]", with: "[batch, 5]").replacingOccurrences(of: "W1 [4, 16]", with: "W1 [5, 16]")
        }
        let empty = folder + "/empty.csv"
        try "sepal_length,sepal_width,petal_length,petal_width,species\n".write(toFile: empty, atomically: true, encoding: .utf8)
        let noData = try irisVariant("empty.graph") { $0.replacingOccurrences(of: "\(ToolBinary.repository.path)/Graphs/data/iris.csv", with: empty) }
        let runs: [([String], String)] = [
            (["train", "Graphs/iris.graph", "--resume", checkpoint, "--batch", "7", "--save", checkpoint], "cannot resume exactly"),
            (["train", wrongInput, "--save", checkpoint], "do not fit the graph"),
            (["train", noData, "--save", checkpoint], "no data rows"),
        ]
        for (arguments, reason) in runs {
            let result = try ToolBinary.run(arguments)
            XCTAssertEqual(result.code, 1, "\(arguments)")
            XCTAssertTrue(result.err.contains(reason), "\(arguments): \(result.err)")
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: checkpoint)), bytes, "\(arguments) changed the checkpoint")
        }
        let refused = try ToolBinary.run(["train", "Graphs/iris.graph", "--resume", checkpoint, "--batch", "7", "--save", checkpoint])
        XCTAssertTrue(refused.err.contains("no checkpoint was written (this run completed no training step): \(checkpoint) is unchanged"), refused.err)
    }

    func testResume_withChangedHyperparameters_isRefusedNamingBoth() throws {
        let (checkpoint, bytes) = try goodCheckpoint()
        let faster = try irisVariant("faster.graph") { $0.replacingOccurrences(of: "lr: 0.05", with: "lr: 0.5") }
        let result = try ToolBinary.run(["train", faster, "--resume", checkpoint, "--save", checkpoint])
        XCTAssertEqual(result.code, 1)
        XCTAssertTrue(result.err.contains("the run was trained with sgd (lr: 0.05, momentum: 0.9), but \(faster) now says sgd (lr: 0.5, momentum: 0.9)"), result.err)
        XCTAssertTrue(result.err.contains("--init \(checkpoint)"), result.err)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: checkpoint)), bytes)
        // The same file resumes, and says which learning rate it uses.
        let resumed = try ToolBinary.run(["train", "Graphs/iris.graph", "--resume", checkpoint, "--epochs", "4"])
        XCTAssertEqual(resumed.code, 0, resumed.err)
        XCTAssertTrue(resumed.out.contains("learning rate 0.05 (the checkpoint's"), resumed.out)
    }

    func testCheckpoint_nonFiniteOrZeroStoredValues_areRefusedAtLoadNamingTheKey() throws {
        let (checkpoint, _) = try goodCheckpoint()
        var contents = try Checkpoint.readContents(from: checkpoint)
        for (key, value, expected) in [("optimizer.learning_rate", "nan", "metadata 'optimizer.learning_rate' is nan, not a finite number"),
                                       ("guard.average", "inf", "metadata 'guard.average' is inf"),
                                       ("trainer.batch_size", "0", "metadata 'trainer.batch_size' is 0")] {
            var damaged = contents
            damaged.metadata[key] = value
            XCTAssertThrowsError(try TrainingCheckpoint.decode(damaged, file: "ck")) { error in
                XCTAssertTrue("\(error)".hasPrefix("ck: invalid safetensors header: \(expected)"), "\(error)")
            }
        }
        contents.metadata["optimizer.learning_rate"] = "nan"
        let damaged = folder + "/nan.safetensors"
        try Data(try Checkpoint.encode(contents)).write(to: URL(fileURLWithPath: damaged))
        let result = try ToolBinary.run(["train", "Graphs/iris.graph", "--resume", damaged])
        XCTAssertEqual(result.code, 1)
        XCTAssertTrue(result.err.contains("'optimizer.learning_rate' is nan"), result.err)
    }

    func testInit_startsFromGivenWeights_andListsWhatDoesNotFit() throws {
        let (checkpoint, _) = try goodCheckpoint()
        let started = try ToolBinary.run(["train", "Graphs/iris.graph", "--init", checkpoint, "--epochs", "1"])
        XCTAssertEqual(started.code, 0, started.err)
        XCTAssertTrue(started.out.contains("starting from the weights in \(checkpoint) (4 parameters)"), started.out)
        let wine = try ToolBinary.run(["train", "Graphs/wine.graph", "--init", checkpoint, "--epochs", "1"])
        XCTAssertEqual(wine.code, 1)
        XCTAssertTrue(wine.err.contains("other shapes: 'W1': file [4, 16], model [13, 16]"), wine.err)
        XCTAssertEqual(try ToolBinary.run(["train", "Graphs/iris.graph", "--init", checkpoint, "--resume", checkpoint]).code, 2)

        // In Swift: Trainer.loadParameters assigns by name, or changes nothing.
        let X = Input("X", shape: [.batch, 4]), y = Input("species", shape: [.batch])
        let W1 = Parameter("W1", .zeros([4, 16])), b1 = Parameter("b1", .zeros([16]))
        let W2 = Parameter("W2", .zeros([16, 3])), b2 = Parameter("b2", .zeros([3]))
        let logits = Linear(Sigmoid(Linear(X, W1, b1)), W2, b2)
        let trainer = try Trainer(graph: try Graph(loss: SoftmaxCE(logits, y)), features: X, labels: y, prediction: logits,
                                  optimizer: try SGD(learningRate: 0.1), log: .silent)
        try trainer.loadParameters(from: checkpoint)
        XCTAssertEqual(W1.value, try TrainingCheckpoint.read(from: checkpoint).parameters["W1"])
        let renamed = Parameter("W9", .zeros([4, 16]))
        let otherLogits = Linear(Sigmoid(Linear(X, renamed, b1)), W2, b2)
        let other = try Trainer(graph: try Graph(loss: SoftmaxCE(otherLogits, y)), features: X, labels: y, prediction: otherLogits,
                                optimizer: try SGD(learningRate: 0.1), log: .silent)
        XCTAssertThrowsError(try other.loadParameters(from: checkpoint)) { error in
            XCTAssertEqual(error as? CheckpointError, .parametersDoNotMatch(file: checkpoint, missing: ["W9"], unexpected: ["W1"], shapes: []))
        }
        XCTAssertEqual(renamed.value, .zeros([4, 16]))
    }
}
