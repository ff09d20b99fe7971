import XCTest
import GradFlow
@testable import GradFlowCore
@testable import GradFlowTraining
@testable import GradFlowGraphFiles

/// The operation registry: what the linker section gathers, and that every reader of the
/// descriptions (graph files, the writer, inference sessions, help) agrees with them.
final class OperationRegistryTests: XCTestCase {
    /// A test-only operation registered at run time: `x³`.
    final class Cube: Node, GraphOperation {
        static let operationDescription = OperationDescription(
            name: "test_cube", operands: ["x"], attributes: [OperationAttribute("scale", default: .number(1), help: "factor")],
            category: .elementwise, summary: "scale · x³"
        ) { operands, attributes, name in Cube(operands[0], scale: try attributes.float("scale"), name: name) }
        let scale: Float
        init(_ x: Node, scale: Float, name: String?) { self.scale = scale; super.init([x], name: name) }
        var attributes: OperationAttributes { OperationAttributes(["scale": .number(float: scale)], operation: kind) }
        override func outputShape(for inputShapes: [SymbolicShape]) throws -> SymbolicShape { inputShapes[0] }
        override func forward() throws { value = inboundNodes[0].value.map { scale * $0 * $0 * $0 } }
        override func backward() {
            let x = inboundNodes[0]
            guard x.needsGradient else { return }
            let partial = (try? gradient * x.value.map { 3 * scale * $0 * $0 }) ?? gradient
            x.gradient = (try? x.gradient + partial) ?? x.gradient
        }
    }

    static let registerCube: Void = OperationRegistry.register(Cube.self)

    func testLinkerSection_registersEveryLibraryOperationOnce() {
        let names = OperationRegistry.all.map { $0.operationDescription.name }.filter { !$0.hasPrefix("test_") }
        XCTAssertEqual(Set(names), ["linear", "matmul", "add", "multiply", "relu", "sigmoid", "tanh", "softmax", "dropout",
                                    "l2_penalty", "mse", "softmax_ce", "binary_cross_entropy",
                                    "conv2d", "max_pool2d", "avg_pool2d", "global_avg_pool2d", "flatten", "batch_norm",
                                    "subtract", "divide", "exp", "log", "sqrt", "abs", "pow", "clamp", "sum", "mean", "max", "min",
                                    "argmax", "logsumexp", "var", "transpose", "reshape", "prod", "take", "slice", "gather",
                                    "concat", "broadcast_to", "maximum", "compare", "where"])
        XCTAssertEqual(names.count, Set(names).count, "an operation is registered twice")
        XCTAssertTrue(OperationRegistry.operation(named: "bce") == BinaryCrossEntropy.self)
        XCTAssertTrue(OperationRegistry.operation(named: "l2") == L2Penalty.self)
        XCTAssertNil(OperationRegistry.operation(named: "convolution"))
    }

    func testEveryOperation_kindIsItsDescriptionsName() throws {
        for type in OperationRegistry.all {
            let description = type.operationDescription
            let operands = (0..<description.operands.count).map { Input("x\($0)", shape: [2, 2]) }
            var attributes = OperationAttributes(operation: description.name)
            for attribute in description.attributes {   // a required attribute gets 2, or its first word when it takes no numbers
                attributes[attribute.name] = attribute.defaultValue ?? (attribute.takesNumbers ? .number(2) : .word(attribute.words[0]))
            }
            let node = try type.make(operands, attributes, name: "n")
            XCTAssertEqual(node.kind, description.name)
            // What the node reports makes an equal node (defaults may be resolved: a pool's stride 0 is its kernel).
            let reported = try XCTUnwrap((node as? any GraphOperation)?.attributes, description.name)
            XCTAssertEqual(Set(reported.values.keys), Set(description.attributes.map(\.name)), description.name)
            XCTAssertEqual((try type.make(operands, reported, name: "m") as? any GraphOperation)?.attributes, reported, description.name)
        }
    }

    func testRuntimeRegisteredOperation_worksInGraphFilesWriterAndInferenceSessions() throws {
        _ = Self.registerCube
        let file = try GraphFile(source: """
            input x [batch, 2]
            input y [batch, 2]
            y_hat = test_cube(x, scale: 2)
            loss = mse(y, y_hat)
            output y_hat
            """)
        let cube = try XCTUnwrap(file.graph.nodes.first { $0 is Cube } as? Cube)
        XCTAssertEqual(cube.scale, 2)
        let text = try GraphFileWriter.text(for: file.graph, output: file.output)
        XCTAssertTrue(text.contains("y_hat = test_cube(x, scale: 2)"), text)
        let input = try XCTUnwrap(file.graph.inputs.first { $0.name == "x" })
        let session = try InferenceSession(graph: file.graph, input: input, output: file.output)
        XCTAssertEqual(try session.predict(try Tensor([[1, -2]])), try Tensor([[2, -16]]))
        try assertGradientMatchesNumerical(values: [try Tensor([[0.5, -1.5], [2, 0.25]])]) { p in Cube(p[0], scale: 2, name: nil) }
    }

    func testWriter_writesOnlyNonDefaultAttributes_andReadsThemBack() throws {
        let x = Input("x", shape: [.batch, 3])
        let dropout = try Dropout(x, dropProbability: 0.25, seed: 12, name: "d")
        let graph = try Graph(outputs: [dropout])
        let text = try GraphFileWriter.text(for: graph, output: dropout)
        XCTAssertTrue(text.contains("d = dropout(x, p: 0.25, seed: 12)"), text)
        XCTAssertEqual(dropout.drawingLabel, "dropout p=0.25 seed=12 [batch, 3]")
        let plain = try Dropout(x, dropProbability: 0, name: "plain")
        _ = try Graph(outputs: [plain])
        XCTAssertEqual(plain.drawingLabel, "dropout [batch, 3]")
    }

    func testAttributeOfTheWrongKind_isReportedAtTheKeyword() {
        XCTAssertThrowsError(try GraphFile(source: "input x [batch, 2]\ny = dropout(x, p: high)\noutput y")) { error in
            XCTAssertTrue("\(error)".contains("<input>:2:19"), "\(error)")
            XCTAssertTrue("\(error)".contains("'p' of 'dropout' must be a number, not high"), "\(error)")
        }
        XCTAssertThrowsError(try GraphFile(source: "input x [batch, 2]\ny = dropout(x, seed: 0.5)\noutput y")) { error in
            XCTAssertTrue("\(error)".contains("'seed' of 'dropout' must be a whole number"), "\(error)")
        }
    }
}
