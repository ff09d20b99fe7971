import Foundation
import XCTest
import GradFlow

/// Short training runs through the Keras-style API (run them in release: `make test`).
final class SequentialTrainingTests: XCTestCase {
    private static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    func testFit_iris_reachesHeldOutAccuracy() throws {
        let data = try CSVReader.load(path: Self.root.appendingPathComponent("Graphs/data/iris.csv").path, target: "species")
        var rng = RandomGenerator(seed: 1)
        let (train, test) = data.split(testFraction: 0.2, using: &rng)
        let scaler = try Standardizer.fit(train.features)

        let model = Sequential(seed: 1) {
            Dense(16, activation: .sigmoid)
            Dense(3)
        }
        model.compile(loss: .softmaxCrossEntropy, optimizer: try SGD(learningRate: 0.1), metrics: [.accuracy])
        let heldOut = (x: try scaler.transform(test.features), y: test.labels)
        let history = try model.fit(try scaler.transform(train.features), train.labels, epochs: 100, batchSize: 4,
                                    validationData: heldOut, seed: 3, verbose: false)
        let result = try model.evaluate(heldOut.x, heldOut.y)

        XCTAssertGreaterThanOrEqual(result.metrics[.accuracy] ?? 0, 0.95)
        XCTAssertEqual(history.epochs, 100)
        XCTAssertEqual(history.validationMetric.count, 100)
        XCTAssertEqual(history.validationMetric.last ?? 0, result.metrics[.accuracy] ?? 1, accuracy: 1e-6)
        XCTAssertLessThan(history.loss.last ?? 1, history.loss.first ?? 0)
    }

    func testFit_noisyLine_learnsSlopeAndIntercept() throws {
        var rng = RandomGenerator(seed: 0)
        let x = Tensor.randomUniform([200], lower: -1, upper: 1, using: &rng)
        let y = try 2 * x + 1 + Tensor.randomNormal([200], standardDeviation: 0.05, using: &rng)

        let model = Sequential { Dense(1) }
        model.compile(loss: .meanSquaredError, optimizer: try SGD(learningRate: 0.1))
        try model.fit(x, y, epochs: 30, batchSize: 10, verbose: false)

        let dense = try XCTUnwrap(model[0] as? Dense)
        XCTAssertEqual(dense.weight?.value.scalars.first ?? 0, 2, accuracy: 0.05)
        XCTAssertEqual(dense.bias?.value.scalars.first ?? 0, 1, accuracy: 0.05)
        let prediction = try model.predict(Tensor([0, 0.5]))
        XCTAssertEqual(prediction.shape, [2, 1])
        XCTAssertEqual(prediction.scalars[1], 2, accuracy: 0.05)
    }

    func testFit_binaryCrossEntropy_withSigmoidOutputPredictsProbabilities() throws {
        var rng = RandomGenerator(seed: 4)
        let x = Tensor.randomNormal([100, 2], using: &rng)
        let y = Tensor((0..<100).map { x[$0, 0] + x[$0, 1] > 0 ? 1 : 0 })

        let model = Sequential(seed: 2) { Dense(8, activation: .tanh); Dense(1, activation: .sigmoid) }
        model.compile(loss: .binaryCrossEntropy, optimizer: try Adam(learningRate: 0.05), metrics: [.accuracy])
        try model.fit(x, y, epochs: 40, batchSize: 20, shuffle: false, verbose: false)

        // Evaluated before any predict: the sigmoid output is computed by evaluate itself, and its
        // probabilities are read at 0.5.
        XCTAssertGreaterThanOrEqual(try model.evaluate(x, y).metrics[.accuracy] ?? 0, 0.95)
        let probabilities = try model.predict(x)
        XCTAssertTrue(probabilities.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
    }

    func testFit_sameSeed_reproducesTheRun() throws {
        func run() throws -> [Float] {
            let model = Sequential(seed: 9) { Dense(4, activation: .relu); DropoutLayer(0.3); Dense(2) }
            model.compile(loss: .softmaxCrossEntropy, optimizer: try SGD(learningRate: 0.1, momentum: 0.9))
            var rng = RandomGenerator(seed: 1)
            let x = Tensor.randomNormal([30, 3], using: &rng)
            return try model.fit(x, Tensor((0..<30).map { Float($0 % 2) }), epochs: 3, batchSize: 8, seed: 5, verbose: false).loss
        }
        XCTAssertEqual(try run(), try run())
    }

    /// The README's regression snippet, line for line (printing off, the plot in a temporary folder).
    func testReadmeRegressionSnippet() throws {
        let path = NSTemporaryDirectory() + "gradflow-regression-\(UUID().uuidString).svg"
        defer { try? FileManager.default.removeItem(atPath: path) }

        var rng = RandomGenerator(seed: 0)
        let x = Tensor.randomUniform([200], lower: -1, upper: 1, using: &rng)
        let y = try 2 * x + 1 + Tensor.randomNormal([200], standardDeviation: 0.05, using: &rng)

        let model = Sequential { Dense(1) }
        model.compile(loss: .meanSquaredError, optimizer: try SGD(learningRate: 0.1))
        try model.fit(x, y, epochs: 30, batchSize: 10, verbose: false)
        let predicted = try model.predict(x)

        try SVGPlot.scatter(x: x.scalars, y: y.scalars, line: (x.scalars, predicted.scalars),
                            title: "y = 2x + 1").write(to: path)
        XCTAssertEqual(predicted.shape, [200, 1])
        XCTAssertLessThan(try Metrics.meanSquaredError(predictions: predicted, targets: y), 0.01)
        XCTAssertTrue(try String(contentsOfFile: path, encoding: .utf8).contains("<polyline"))
    }
}
