import XCTest
import GradFlow

/// Batch normalisation end to end: a Sequential CNN with `BatchNormalization` on the 8×8 digits,
/// running statistics through save/load, inference copies and graph files (`buffer`), and a
/// resumed run equal to one made in one go.
final class BatchNormModelTests: XCTestCase {
    private func cnn(seed: UInt64) -> Sequential {
        Sequential(seed: seed, inputShape: [1, 8, 8]) {
            Convolution2D(8, kernelSize: (3, 3), padding: .same)
            BatchNormalization()
            ActivationLayer(.relu)
            MaxPooling2D((2, 2))
            Convolution2D(16, kernelSize: (3, 3))
            BatchNormalization()
            ActivationLayer(.relu)
            GlobalAveragePooling2D()
            Dense(10)
        }
    }

    func testSequentialCNNWithBatchNorm_trains_andItsRunningStatisticsTravelWithTheModel() throws {
        let (train, test) = try ShippedData.scaledDigits()
        let model = cnn(seed: 2)
        model.compile(loss: .softmaxCrossEntropy, optimizer: try Adam(learningRate: 0.01), metrics: [.accuracy])
        let history = try model.fit(train.features, train.labels, epochs: 8, batchSize: 32,
                                    validationData: (test.features, test.labels), seed: 1, verbose: false)
        XCTAssertLessThan(history.loss.last ?? 9, (history.loss.first ?? 0) / 4)
        XCTAssertGreaterThanOrEqual(history.validationMetric.last ?? 0, 0.93, "held-out accuracy \(history.validationMetric)")
        let names = model.namedParameters.map(\.name)
        XCTAssertEqual(Array(names.prefix(6)), ["conv0.weight", "conv0.bias", "batchnorm0.weight", "batchnorm0.bias",
                                                "batchnorm0.running_mean", "batchnorm0.running_var"], "\(names)")
        XCTAssertEqual(model.parameters.count, names.count - 4, "running statistics are not trainable")
        let runningMean = try XCTUnwrap(model.namedParameters.first { $0.name == "batchnorm0.running_mean" }?.parameter.value)
        XCTAssertGreaterThan(runningMean.scalars.map(abs).max() ?? 0, 0.01, "the running mean moved during training")

        // Evaluation uses the running statistics: an example's prediction does not depend on its batch.
        let sample = test.subset(Array(0..<5)).features
        let expected = try model.predict(sample)
        let alone = try model.predict(test.subset([3]).features)
        for (a, e) in zip(alone.scalars, expected.scalars[30..<40]) { XCTAssertEqual(a, e, accuracy: 1e-5) }
        XCTAssertEqual(try InferenceSession(model: model).predict(try sample.reshaped([5, 1, 8, 8])), expected)

        // save/load carries the running statistics (a model with fresh ones would predict otherwise).
        let path = NSTemporaryDirectory() + "gradflow-bn-\(UUID().uuidString).safetensors"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try model.save(to: path)
        XCTAssertNotNil(try Checkpoint.read(from: path)["batchnorm1.running_var"])
        let other = cnn(seed: 9)
        other.compile(loss: .softmaxCrossEntropy, optimizer: try Adam(learningRate: 0.01))
        try other.build(inputShape: [1, 8, 8])
        try other.load(from: path)
        XCTAssertEqual(try other.predict(sample), expected)
    }

    private let source = """
        input x [batch, 2, 3, 3]
        input y [batch]
        param C [4, 2, 3, 3] he
        param c [4]
        param g [4] ones
        param b [4]
        buffer mean [4] zeros
        buffer var [4] ones
        param W [4, 3] xavier
        param v [3]
        h = relu(batch_norm(conv2d(x, C, c, padding: 1), g, b, mean, var, momentum: 0.2))
        logits = linear(global_avg_pool2d(h), W, v)
        loss = softmax_ce(logits, y)
        train adam(lr: 0.01) epochs 2 batch 6 seed 4
        """

    private func trainer(_ file: GraphFile) throws -> Trainer {
        try Trainer(graph: file.graph, features: file.inputs[0], labels: file.inputs[1], prediction: file.output,
                    optimizer: try Adam(learningRate: 0.01), log: .silent)
    }

    private func data() throws -> Dataset {
        var rng = RandomGenerator(seed: 8)
        let features = Tensor.randomNormal([30, 18], standardDeviation: 2, using: &rng)   // rows are images [2, 3, 3]
        let labels = (0..<30).map { Float(features.scalars[$0 * 18] > 0 ? 1 : $0 % 3 == 0 ? 2 : 0) }
        return try Dataset(features: features, labels: Tensor(labels))
    }

    func testGraphFileBuffers_areSavedInCheckpoints_andAResumedRunEqualsOneInOneGo() throws {
        let whole = try GraphFile(source: source)
        XCTAssertEqual(whole.graph.trainables.count, 6)
        XCTAssertEqual(whole.graph.parameters.map(\.name).filter { !whole.graph.trainables.map(\.name).contains($0) }, ["mean", "var"])
        let straight = try trainer(whole)
        try straight.fit(try data(), epochs: 2, batchSize: 6, shuffleSeed: 1)

        let first = try GraphFile(source: source)
        let half = try trainer(first)
        try half.fit(try data(), epochs: 1, batchSize: 6, shuffleSeed: 1)
        let path = NSTemporaryDirectory() + "gradflow-bn-resume-\(UUID().uuidString).safetensors"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try TrainingCheckpoint.write(half.trainingState(), to: path)
        XCTAssertNotNil(try Checkpoint.read(from: path).keys.first { $0.hasSuffix("mean") })
        let resumed = try trainer(try GraphFile(source: source, seed: 77))
        try resumed.restore(try TrainingCheckpoint.read(from: path))
        try resumed.fit(try data(), epochs: 2, batchSize: 6, shuffleSeed: 1)
        XCTAssertEqual(resumed.graph.parameters.map(\.value), straight.graph.parameters.map(\.value), "weights and running statistics")
        XCTAssertNotEqual(straight.graph.parameters.first { $0.name == "var" }?.value, .ones([4]))
    }

    func testGraphFileWriter_writesBuffers_andTheyReadBack() throws {
        let file = try GraphFile(source: source)
        let text = try GraphFileWriter.text(for: file.graph, output: file.output)
        XCTAssertTrue(text.contains("buffer mean [4] zeros") && text.contains("buffer var [4] ones"), text)
        XCTAssertTrue(text.contains("batch_norm(") && text.contains("momentum: 0.2"), text)
        let again = try GraphFile(source: text)
        XCTAssertEqual(again.graph.parameters.map(\.name), file.graph.parameters.map(\.name))
        XCTAssertEqual(again.graph.trainables.count, file.graph.trainables.count)
        // `buffer` is only a keyword before a name: a node may still be called buffer.
        let named = try GraphFile(source: "input x [batch, 2]\nbuffer = relu(x)\nloss = mse(buffer, x)\noutput buffer\n")
        XCTAssertEqual(named.output.kind, "relu")
        XCTAssertThrowsError(try GraphFile(source: "input x [batch, 2]\nparam s [2] ones\nparam m [2]\nbuffer v [2] ones\n"
                                           + "loss = mse(batch_norm(x, s, m, m, v), x)\n")) { error in
            XCTAssertTrue("\(error)".contains("must not be trainable"), "\(error)")
        }
    }
}
