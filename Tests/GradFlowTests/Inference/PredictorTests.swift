import XCTest
import GradFlow

/// The planned prediction path: the same outputs as the graph's own forward pass at any batch size,
/// outputs written in place, live weights for `Sequential`, clear errors.
final class PredictorTests: XCTestCase {
    private func model() throws -> Sequential {
        let model = Sequential(seed: 3) {
            Dense(32, activation: .relu)
            Dense(16, activation: .tanh)
            Dense(5)
        }
        try model.build(inputShape: [20])
        return model
    }

    /// The reference: the model's training graph evaluated directly.
    private func reference(_ model: Sequential, _ x: Tensor) throws -> Tensor {
        let graph = try XCTUnwrap(model.graph), input = try XCTUnwrap(model.input), output = try XCTUnwrap(model.output)
        return try graph.evaluate(output, feed: [input: x])
    }

    func testPredictor_matchesTheGraphsForwardPass_atEveryBatchSize_includingChunks() throws {
        let model = try model()
        let session = try InferenceSession(model: model)
        let predictor = try session.makePredictor()
        var rng = RandomGenerator(seed: 8)
        // 1–4 rows run the unpacked kernel; 300 is cut into 256 + 44; seven sizes cycle the four plans.
        for rows in [1, 2, 4, 5, 64, 300, 1, 7, 64] {
            let x = Tensor.randomNormal([rows, 20], using: &rng)
            let expected = try reference(model, x)
            assertTensorsEqual(try predictor.predict(x), expected, accuracy: 1e-5)
            assertTensorsEqual(try session.predict(x), expected, accuracy: 1e-5)
            assertTensorsEqual(try model.predict(x), expected, accuracy: 1e-5)
        }
    }

    func testPredictInto_reusesTheCallersTensor() throws {
        let model = try model()
        var rng = RandomGenerator(seed: 12)
        let x = Tensor.randomNormal([3, 20], using: &rng)
        var output = Tensor.zeros([3, 5])
        let before = output.withUnsafeBufferPointer { $0.baseAddress }
        try model.predict(x, into: &output)
        XCTAssertEqual(output.withUnsafeBufferPointer { $0.baseAddress }, before, "written in place")
        assertTensorsEqual(output, try reference(model, x), accuracy: 1e-5)
        var wrong = Tensor.zeros([1])
        try InferenceSession(model: model).predict(x, into: &wrong)
        XCTAssertEqual(wrong.shape, [3, 5], "reshaped when it does not fit")
    }

    func testSequentialPredict_followsTheWeightsAsTheModelTrains() throws {
        let model = try model()
        model.compile(loss: .meanSquaredError, optimizer: try SGD(learningRate: 0.1))
        var rng = RandomGenerator(seed: 2)
        let x = Tensor.randomNormal([40, 20], using: &rng), y = Tensor.randomNormal([40, 5], using: &rng)
        let first = try model.predict(x)
        try model.fit(x, y, epochs: 3, batchSize: 8, verbose: false)
        let second = try model.predict(x)
        XCTAssertNotEqual(first, second)
        assertTensorsEqual(second, try reference(model, x), accuracy: 1e-5)
        assertTensorsEqual(second, try InferenceSession(model: model).predict(x), accuracy: 1e-5)
    }

    func testPredict_examplesOfTheWrongShape_nameTheInput() throws {
        let session = try InferenceSession(model: try model())
        XCTAssertThrowsError(try session.predict(Tensor.zeros([2, 19]))) { error in
            XCTAssertEqual(error as? GraphError, .feedShapeMismatch(input: "x", declared: "[batch, 20]", fed: [2, 19]))
        }
    }
}
