import Foundation
import XCTest
import GradFlow

/// `gradflow` with numpy files: a graph file's `data npy(…)` and `data npz(…)`, `train --init` from an
/// `.npz` archive of weights, and `predict --input x.npy`.
final class NumpyDataToolTests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "gradflow-npy-tool-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        // 120 examples of 3 classes (which of three features is largest), features as float64 and labels
        // as int64, as numpy makes them by default.
        var rng = RandomGenerator(seed: 6)
        let x = Tensor.randomNormal([120, 3], using: &rng)
        let y = (0..<120).map { row in Int64((0..<3).max { x[row, $0] < x[row, $1] }!) }
        try NPYFile.write(try NumpyArray(shape: [120, 3], elements: .float64(x.scalars.map(Double.init))), to: folder + "/x.npy")
        try NPYFile.write(try NumpyArray(shape: [120], elements: .int64(y)), to: folder + "/y.npy")
        try NPZArchive.write(["features": NumpyArray(x), "labels": try NumpyArray(shape: [120], elements: .int64(y))], to: folder + "/data.npz")
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: folder) }

    private func graph(data: String) throws -> String {
        let path = folder + "/model-\(UUID().uuidString).graph"
        try """
            input X [batch, 3]
            input y [batch]
            param W [3, 3] xavier
            param b [3]
            logits = linear(X, W, b)
            loss = softmax_ce(logits, y)
            data \(data)
            train adam(lr: 0.05) epochs 30 batch 16 seed 2 metric accuracy
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func testTrainOnNpyAndNpz_initFromNpz_predictFromNpy() throws {
        for data in ["npy(\"x.npy\", \"y.npy\", test: 0.25)", "npz(\"data.npz\", features: \"features\", labels: \"labels\")"] {
            let weights = folder + "/w.safetensors"
            let train = try ToolBinary.run(["train", try graph(data: data), "--save", weights])
            XCTAssertEqual(train.code, 0, train.err + train.out)
            let summary = train.out.split(separator: "\n").first { $0.hasPrefix("train:") }.map(String.init) ?? ""
            XCTAssertTrue(summary.contains("acc 0.9") || summary.contains("acc 1.0"), train.out)
            let tensors = try Checkpoint.read(from: weights)
            try NPZArchive.write(tensors.mapValues(NumpyArray.init), to: folder + "/w.npz")
            let again = try ToolBinary.run(["train", try graph(data: data), "--init", folder + "/w.npz", "--epochs", "1"])
            XCTAssertEqual(again.code, 0, again.err)
            XCTAssertTrue(again.out.contains("starting from the weights in"), again.out)
            let predicted = try ToolBinary.run(["predict", try graph(data: data), "--weights", folder + "/w.npz", "--input", folder + "/x.npy"])
            XCTAssertEqual(predicted.code, 0, predicted.err)
            let rows = predicted.out.split(separator: "\n")
            XCTAssertEqual(rows.count, 121, "a header and one row per example")
            let y = try NPYFile.read(path: folder + "/y.npy").tensor.scalars
            let correct = zip(rows.dropFirst(), y).filter { Float($0.0.split(separator: ",")[0]) == $0.1 }.count
            XCTAssertGreaterThanOrEqual(correct, 108, "≥ 90 % of the training examples")
        }
        let missing = try ToolBinary.run(["train", try graph(data: "npz(\"data.npz\", features: \"x\")")])
        XCTAssertNotEqual(missing.code, 0)
        XCTAssertTrue(missing.err.contains("no array named 'x' (the archive holds features, labels)"), missing.err)
    }
}
