import XCTest
import Foundation
import GradFlow
@testable import GradFlowStorage
@testable import GradFlowData
@testable import GradFlowTraining
@testable import GradFlowGraphFiles
@testable import GradFlowPictures

/// Binary classifiers (one logit column) scored and printed right, several target columns, and the
/// `pytorch` bias rule — through the library and the binary.
final class BinaryAndMultiTargetTests: TemporaryFolderTestCase {

    func testAccuracy_oneLogitColumn_thresholdsAtZero() throws {
        // Logits that classify every example correctly: rounding them gave 0 correct.
        let logits = try Tensor(shape: [4, 1], scalars: [-3.2, 4.1, 0.7, -0.1])
        let labels = try Tensor(shape: [4, 1], scalars: [0, 1, 1, 0])
        XCTAssertEqual(try Metrics.accuracy(predictions: logits, labels: labels), 1)
        XCTAssertEqual(try Metrics.accuracy(predictions: logits, labels: Tensor([1, 1, 1, 1])), 0.5)
        XCTAssertEqual(try Metric.binaryAccuracy.evaluate(predictions: try Tensor(shape: [2, 2], scalars: [1, -1, -2, 3]),
                                                          targets: try Tensor(shape: [2, 2], scalars: [1, 0, 1, 1])), 0.75)
    }

    /// XOR as a binary classifier: 2-8-1 with binary cross-entropy on the logit.
    private func xorGraph(sigmoidOutput: Bool = false) -> String {
        """
        input  X [batch, 2]
        input  y [batch, 1]
        param  W1 [2, 8] he
        param  b1 [8]    zeros
        param  W2 [8, 1] xavier
        param  b2 [1]    zeros
        h    = relu(linear(X, W1, b1))
        out  = linear(h, W2, b2)
        loss = binary_cross_entropy(out, y)
        data  xor
        train adam(lr: 0.05) epochs 300 batch 4 seed 1

        """
    }

    func testBinaryGraph_trainEvalPredict_reportAccuracyProbabilitiesAndJSON() throws {
        _ = try ToolBinary.required()
        let graph = folder + "/xor-bce.graph", weights = folder + "/w.safetensors", input = folder + "/in.csv"
        try xorGraph().write(toFile: graph, atomically: true, encoding: .utf8)
        try "a,b\n0,0\n0,1\n1,0\n1,1\n".write(toFile: input, atomically: true, encoding: .utf8)
        let trained = try ToolBinary.run(["train", graph, "--save", weights])
        XCTAssertEqual(trained.code, 0, trained.err)
        XCTAssertTrue(trained.out.contains("train: loss 0.0015  acc 1.0000"), trained.out)
        XCTAssertTrue(trained.out.contains("Epoch 300/300  loss 0.0015  val_acc 1.0000"), trained.out)

        let json = try ToolBinary.run(["eval", graph, "--weights", weights, "--json"])
        XCTAssertEqual(json.code, 0, json.err)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any])
        XCTAssertEqual(object["metric"] as? String, "binaryAccuracy")
        let test = try XCTUnwrap(object["test"] as? [String: Any])
        XCTAssertEqual(test["binaryAccuracy"] as? Double, 1)
        XCTAssertEqual(test["examples"] as? Int, 4)
        XCTAssertLessThan(try XCTUnwrap(test["loss"] as? Double), 0.01)

        let predicted = try ToolBinary.run(["predict", graph, "--weights", weights, "--input", input, "--precision", "2"])
        XCTAssertEqual(predicted.code, 0, predicted.err)
        XCTAssertEqual(predicted.out, "class,probability\n0,0.00\n1,1.00\n1,1.00\n0,0.00\n")
        let raw = try ToolBinary.run(["predict", graph, "--weights", weights, "--input", input, "--logits"])
        let lines = raw.out.split(separator: "\n")
        XCTAssertEqual(lines.first, "prediction")
        let logits = lines.dropFirst().compactMap { Float($0) }
        XCTAssertEqual(logits.map { $0 > 0 }, [false, true, true, false])
        XCTAssertGreaterThan(logits.map(abs).min()!, 3, "full-precision logits, not rounded")
    }

    func testSigmoidOutput_scoresProbabilitiesAtOneHalf() throws {
        let X = Input("X", shape: [.batch, 1]), y = Input("y", shape: [.batch, 1])
        let probability = Sigmoid(Linear(X, Parameter("w", Tensor(shape: [1, 1], repeating: 4)), Parameter("b", .zeros([1]))))
        let trainer = try Trainer(graph: try Graph(loss: MSE(y, probability)), features: X, labels: y, prediction: probability,
                                  optimizer: try SGD(learningRate: 0.1), log: .silent)
        let data = try Dataset(features: try Tensor(shape: [4, 1], scalars: [-2, -1, 1, 2]), labels: try Tensor(shape: [4, 1], scalars: [0, 0, 1, 1]))
        XCTAssertEqual(try trainer.evaluate(data, metric: .accuracy).metric, 1)
    }

    func testPyTorchBias_usesTheConsumingLayersFanIn_inGraphFilesAndDense() throws {
        // nn.Linear(4, 256): weight and bias both U(±1/√4) — not U(±1/√256) for the bias.
        let file = try GraphFile(source: """
            input X [batch, 4]
            input y [batch, 256]
            param W [4, 256] pytorch
            param b [256] pytorch
            param c [256] pytorch
            loss = mse(y, add(linear(X, W, b), c))
            """)
        let b = try XCTUnwrap(file.parameters.first { $0.name == "b" }), c = try XCTUnwrap(file.parameters.first { $0.name == "c" })
        let bound: Float = 1 / Float(4).squareRoot()
        XCTAssertLessThanOrEqual(b.value.scalars.map(abs).max()!, bound)
        XCTAssertGreaterThan(b.value.scalars.map(abs).max()!, 0.9 * bound, "spread to the fan-in's bound")
        XCTAssertLessThanOrEqual(c.value.scalars.map(abs).max()!, 1 / Float(256).squareRoot(), "not a bias: its own length")
        let variance = b.value.scalars.reduce(0) { $0 + $1 * $1 } / 256
        XCTAssertEqual(variance, bound * bound / 3, accuracy: 0.25 * bound * bound / 3)   // U(±a) has variance a²/3

        let model = Sequential { Dense(256, weightInitializer: .pytorchDefault, biasInitializer: .pytorchDefault) }
        try model.build(inputShape: [4])
        let bias = try XCTUnwrap(model.namedParameters.first { $0.0 == "dense0.bias" }?.1)
        XCTAssertGreaterThan(bias.value.scalars.map(abs).max()!, 0.9 * bound)
        XCTAssertLessThanOrEqual(bias.value.scalars.map(abs).max()!, bound)
    }

    func testSeveralTargets_trainMultiOutputRegressionAndMultiLabelClassification() throws {
        var rng = RandomGenerator(seed: 1)
        var text = "a,b,t1,t2,l1,l2\n"
        for _ in 0..<300 {
            let (a, b) = (rng.nextUnitFloat() * 2 - 1, rng.nextUnitFloat() * 2 - 1)
            text += "\(a),\(b),\(2 * a - b),\(a + 3 * b),\(a > 0 ? 1 : 0),\(b > a ? 1 : 0)\n"
        }
        try text.write(toFile: folder + "/multi.csv", atomically: true, encoding: .utf8)
        let regression = try GraphFile(source: """
            input X [batch, 4]
            input y [batch, 2]
            param W [4, 2] xavier
            param b [2] zeros
            loss = mse(y, linear(X, W, b))
            data csv("multi.csv", target: ["t1", "t2"])
            train adam(lr: 0.05) epochs 100 batch 32 seed 1
            """, directory: folder)
        let loaded = try XCTUnwrap(regression.data).source.load(seed: 1)
        XCTAssertEqual(loaded.train.labels.shape, [240, 2])
        let trainer = try Trainer(graph: regression.graph, features: try regression.featuresInput(), labels: try regression.labelsInput(),
                                  prediction: regression.output, optimizer: try regression.training.makeOptimizer(), log: .silent)
        try trainer.fit(loaded.train, epochs: 100, batchSize: 32, shuffleSeed: 1)
        XCTAssertEqual(regression.metric, .rSquared)
        XCTAssertGreaterThan(try trainer.evaluate(loaded.test, metric: .rSquared).metric!, 0.999)

        // Multi-label: two independent yes/no columns, scored element by element.
        _ = try ToolBinary.required()
        let multiLabel = folder + "/multilabel.graph"
        try """
            input X [batch, 4]
            input y [batch, 2]
            param W1 [4, 16] he
            param b1 [16] zeros
            param W2 [16, 2] xavier
            param b2 [2] zeros
            out = linear(relu(linear(X, W1, b1)), W2, b2)
            loss = binary_cross_entropy(out, y)
            data csv("multi.csv", target: ["l1", "l2"])
            train adam(lr: 0.02) epochs 100 batch 32 seed 1

            """.write(toFile: multiLabel, atomically: true, encoding: .utf8)
        let run = try ToolBinary.run(["train", multiLabel])
        XCTAssertEqual(run.code, 0, run.err)
        let testLine = try XCTUnwrap(run.out.split(separator: "\n").first { $0.hasPrefix("test :") })
        let accuracy = try XCTUnwrap(Float(testLine.split(separator: " ").drop { $0 != "acc" }.dropFirst().first ?? ""))
        XCTAssertGreaterThan(accuracy, 0.95, String(testLine))
    }

    func testR2_ofSeveralColumns_isTheMeanOfTheColumns() throws {
        let targets = try Tensor(shape: [4, 2], scalars: [1, 10, 2, 20, 3, 30, 4, 40])
        let predictions = try Tensor(shape: [4, 2], scalars: [1, 10, 2, 20, 3, 30, 4, 40]).map { $0 }
        XCTAssertEqual(try Metrics.rSquared(predictions: predictions, targets: targets), 1)
        // Column 0 perfect, column 1 predicted by its mean (R² 0): the mean is 0.5.
        let half = try Tensor(shape: [4, 2], scalars: [1, 25, 2, 25, 3, 25, 4, 25])
        XCTAssertEqual(try Metrics.rSquared(predictions: half, targets: targets), 0.5, accuracy: 1e-6)
    }
}
