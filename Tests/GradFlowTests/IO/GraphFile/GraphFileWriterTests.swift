import XCTest
import GradFlow

/// Round trip: a Sequential model written as a graph file parses back to the same graph.
final class GraphFileWriterTests: XCTestCase {
    func testSequential_roundTripsToSameKindsShapesAndPredictions() throws {
        let model = Sequential(seed: 3) {
            Dense(8, activation: .relu)
            Dense(3)
        }
        model.compile(loss: .softmaxCrossEntropy, optimizer: try SGD(learningRate: 0.1))
        try model.build(inputShape: [4])
        let text = try GraphFileWriter.text(for: model)
        let file = try GraphFile(source: text, file: "model.graph")
        let original = try XCTUnwrap(model.graph)
        XCTAssertEqual(file.graph.nodes.map(\.kind), original.nodes.map(\.kind))
        XCTAssertEqual(file.graph.nodes.map(\.shape), original.nodes.map(\.shape))
        XCTAssertEqual(file.parameters.map(\.name), original.trainables.map(\.name))
        for (copy, parameter) in zip(file.parameters, original.trainables) { copy.value = parameter.value }
        var generator = RandomGenerator(seed: 1)
        let x = Tensor.randomNormal([5, 4], using: &generator)
        let expected = try original.evaluate(try XCTUnwrap(model.output), feed: [try XCTUnwrap(model.input): x])
        let actual = try file.graph.evaluate(file.output, feed: [try file.featuresInput(): x])
        assertTensorsEqual(actual, expected)
        XCTAssertEqual(try GraphFileWriter.text(for: file.graph, output: file.output), text)
    }
}
