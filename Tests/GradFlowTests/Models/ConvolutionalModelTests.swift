import XCTest
import GradFlow

/// Convolutional networks end to end on tiny data: a Sequential CNN on the 8×8 digits as images, the
/// LeNet-5 graph file's whole-graph gradient check, and a CNN's checkpoint and inference copy.
final class ConvolutionalModelTests: XCTestCase {
    private static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    private func cnn(seed: UInt64) -> Sequential {
        Sequential(seed: seed, inputShape: [1, 8, 8]) {
            Convolution2D(8, kernelSize: (3, 3), padding: .same, activation: .relu)
            MaxPooling2D((2, 2))
            Convolution2D(16, kernelSize: (3, 3), activation: .relu)
            GlobalAveragePooling2D()
            Dense(10)
        }
    }

    func testSequentialCNN_onDigitsAsImages_reachesHeldOutAccuracy() throws {
        let (train, test) = try ShippedData.scaledDigits()
        let model = cnn(seed: 2)
        model.compile(loss: .softmaxCrossEntropy, optimizer: try Adam(learningRate: 0.01), metrics: [.accuracy])
        let history = try model.fit(train.features, train.labels, epochs: 15, batchSize: 32,
                                    validationData: (test.features, test.labels), seed: 1, verbose: false)
        XCTAssertLessThan(history.loss.last ?? 9, (history.loss.first ?? 0) / 4)
        XCTAssertGreaterThanOrEqual(history.validationMetric.last ?? 0, 0.93, "held-out accuracy \(history.validationMetric)")
        XCTAssertEqual(model.records.map(\.outputShape.text), ["[batch, 8, 8, 8]", "[batch, 8, 4, 4]", "[batch, 16, 2, 2]", "[batch, 16]", "[batch, 10]"])
        XCTAssertEqual(model.namedParameters.map(\.name).first, "conv0.weight")
        XCTAssertEqual(model.namedParameters.first?.parameter.value.shape, [8, 1, 3, 3], "PyTorch's layout")

        // The inference copy and a saved-and-loaded model predict what the model does.
        let sample = test.subset(Array(0..<5)).features
        let expected = try model.predict(sample)
        XCTAssertEqual(try InferenceSession(model: model).predict(try sample.reshaped([5, 1, 8, 8])), expected)
        let path = NSTemporaryDirectory() + "gradflow-cnn-\(UUID().uuidString).safetensors"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try model.save(to: path)
        let other = cnn(seed: 9)
        other.compile(loss: .softmaxCrossEntropy, optimizer: try Adam(learningRate: 0.01))
        try other.build(inputShape: [1, 8, 8])
        try other.load(from: path)
        XCTAssertEqual(try other.predict(sample), expected)
    }

    func testLeNetGraphFile_passesTheWholeGraphGradientCheck() throws {
        let file = try GraphFile.load(path: Self.root.appendingPathComponent("Graphs/lenet5.graph").path)
        let report = try GradientCheckReport(graph: file.graph, batchSize: 2)
        XCTAssertTrue(report.passed, report.text)
        XCTAssertEqual(file.output.shape.text, "[batch, 10]")
    }

    func testGraphProfile_timesEveryNodeAndCountsConvolutionFLOPs() throws {
        let file = try GraphFile.load(path: Self.root.appendingPathComponent("Graphs/lenet5.graph").path)
        var generator = RandomGenerator(seed: 1)
        for input in file.graph.inputs { input.value = GradientCheckReport.randomFeed(for: input, in: file.graph, batchSize: 4, &generator) }
        let profile = try GraphProfile(graph: file.graph, steps: 2)
        XCTAssertEqual(profile.rows.map(\.operation).filter { $0 == "conv2d" }.count, 2)
        let conv2 = try XCTUnwrap(profile.rows.first { $0.name == "h2.conv2d" })
        XCTAssertEqual(conv2.forwardFLOPs, 2 * 4 * 16 * 10 * 10 * 6 * 5 * 5)
        XCTAssertEqual(conv2.backwardFLOPs, 2 * conv2.forwardFLOPs, "input and weight gradients")
        let conv1 = try XCTUnwrap(profile.rows.first { $0.name == "h1.conv2d" })
        XCTAssertEqual(conv1.backwardFLOPs, conv1.forwardFLOPs, "the image needs no gradient")
        XCTAssertGreaterThan(conv1.bytes, 4 * 2 * 4 * 6 * 28 * 28, "value, gradient and the im2col scratch")
        XCTAssertTrue(profile.rows.allSatisfy { $0.forwardSeconds > 0 })
        XCTAssertTrue(profile.text.contains("fwd GFLOP/s"), profile.text)
        let tool = try ToolBinary.run(["plan", "Graphs/lenet5.graph", "--batch", "8", "--profile", "--steps", "2"])
        XCTAssertEqual(tool.code, 0, tool.err)
        XCTAssertTrue(tool.out.contains("Profile of a training step, batch 8") && tool.out.contains("h2.conv2d   conv2d"), tool.out)
        XCTAssertTrue(tool.out.contains("scratch"), "plan lists the im2col scratch")
    }

    func testConvolutionLayer_errorsNameTheLayer() {
        let model = Sequential(seed: 1) { Convolution2D(4, kernelSize: (3, 3)); Dense(2) }
        XCTAssertThrowsError(try model.build(inputShape: [16])) {
            XCTAssertTrue("\($0)".contains("conv0"), "\($0)")
            XCTAssertTrue("\($0)".contains("[batch, channels, height, width]"), "\($0)")
        }
        let images = Sequential(inputShape: [1, 8, 8]) { Convolution2D(4, kernelSize: (3, 3)) }
        XCTAssertThrowsError(try images.predict(Tensor.zeros([2, 65]))) { XCTAssertTrue("\($0)".contains("inputShape"), "\($0)") }
    }
}
