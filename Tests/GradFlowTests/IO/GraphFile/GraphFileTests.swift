import XCTest
import GradFlow
@testable import GradFlowStorage
@testable import GradFlowTraining
@testable import GradFlowGraphFiles
@testable import GradFlowPictures

final class GraphFileTests: XCTestCase {
    static let xor = """
        # comment
        input  X [batch, 2]
        input  y [batch, 1]
        param  W1 [2, 3] normal(0, 0.5)   # trailing comment
        param  b1 [3]    zeros
        param  W2 [3, 1] normal(mean: 0,
                                std: 0.5)
        param  b2 [1]    zeros
        loss = mse(y, out)
        out  = linear(h, W2, b2)
        h    = relu(linear(X, W1, b1))
        data  xor
        train sgd(lr: 0.1) epochs 5000 batch 4 seed 7
        """

    func testLoad_bindsNodesShapesAndSettings() throws {
        let file = try GraphFile(source: Self.xor, file: "xor.graph")
        XCTAssertEqual(file.graph.nodes.map(\.kind).sorted(), ["input", "input", "linear", "linear", "mse", "parameter",
                                                               "parameter", "parameter", "parameter", "relu"])
        XCTAssertEqual(file.output.name, "out")
        XCTAssertEqual(file.output.shape, [.batch, 1])
        XCTAssertTrue(file.graph.nodes.contains { $0.name == "h.linear" && $0.shape == [.batch, 3] })
        XCTAssertEqual(try file.featuresInput().name, "X")
        XCTAssertEqual(try file.labelsInput().name, "y")
        XCTAssertEqual(file.training.epochs, 5000)
        XCTAssertEqual(file.training.batchSize, 4)
        XCTAssertEqual(file.training.seed, 7)
        XCTAssertEqual(file.data?.source, .xor)
        XCTAssertEqual(file.location(of: file.output), SourceLocation(file: "xor.graph", line: 10, column: 8))
    }

    func testLoad_sameSeedSameParameters_seedOverrideChangesThem() throws {
        let a = try GraphFile(source: Self.xor), b = try GraphFile(source: Self.xor), c = try GraphFile(source: Self.xor, seed: 8)
        XCTAssertEqual(a.parameters[0].value, b.parameters[0].value)
        XCTAssertNotEqual(a.parameters[0].value, c.parameters[0].value)
    }

    func testGradientCheck_passesOnXOR() throws {
        let file = try GraphFile(source: Self.xor)
        let report = try GradientCheckReport(graph: file.graph)
        XCTAssertTrue(report.passed, report.text)
        XCTAssertEqual(report.rows.filter { $0.maximumRelativeError != nil }.count, 4)
    }

    func testDOT_drawsInputsParametersAndEdges() throws {
        let dot = DOTWriter.dot(for: try GraphFile(source: Self.xor).graph)
        XCTAssertTrue(dot.hasPrefix("digraph"))
        XCTAssertTrue(dot.contains("label=\"X\\ninput [batch, 2]\", shape=ellipse"))
        XCTAssertTrue(dot.contains("label=\"W1\\nparam [2, 3]\""))
        XCTAssertTrue(dot.contains("label=\"loss\\nmse []\", shape=box, style=rounded, peripheries=2"))
        XCTAssertEqual(dot.components(separatedBy: " -> ").count - 1, 9)
    }

    func testPlan_listsEveryBufferAndTotal() throws {
        let report = try PlanReport(graph: try GraphFile(source: Self.xor).graph, batchSize: 4)
        let hidden = report.buffers.filter { $0.node == "h" }
        XCTAssertEqual(hidden.map(\.role), ["value", "gradient"])
        XCTAssertEqual(hidden.first?.shape, [4, 3])
        XCTAssertEqual(report.buffers.filter { $0.node == "X" }.map(\.role), ["value"])
        XCTAssertEqual(report.totalBytes, report.buffers.reduce(0) { $0 + $1.bytes })
        XCTAssertTrue(report.text.contains("total"))
    }

    func testSuggestion_editDistance() {
        XCTAssertEqual(Suggestion.editDistance(Array("relu2"), Array("relu")), 1)
        XCTAssertEqual(Suggestion.editDistance(Array("sigmod"), Array("sigmoid")), 1)
        XCTAssertEqual(Suggestion.nearest(to: "sigmod", in: OperationRegistry.names), "sigmoid")
        XCTAssertNil(Suggestion.nearest(to: "convolution", in: OperationRegistry.names))
    }
}
