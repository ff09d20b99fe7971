import XCTest
import GradFlow

final class GraphTests: XCTestCase {
    /// X → Linear → Sigmoid → Linear → MSE(y, ·), the seed's network.
    private func makeNetwork() -> (x: Input, y: Input, loss: Node) {
        var rng = RandomGenerator(seed: 3)
        let x = Input("X", shape: [.batch, 3])
        let y = Input("y", shape: [.batch, 1])
        let hidden = Sigmoid(Linear(x, Parameter("W1", .randomNormal([3, 4], using: &rng)), Parameter("b1", .zeros([4]))))
        let output = Linear(hidden, Parameter("W2", .randomNormal([4, 1], using: &rng)), Parameter("b2", .zeros([1])))
        return (x, y, MSE(y, output))
    }

    func testTopologicalSort_everyNodeAfterItsInboundNodes() throws {
        let (x, y, loss) = makeNetwork()
        let graph = try Graph.topologicalSort(feedDict: [x: .zeros([2, 3]), y: .zeros([2, 1])], loss: loss)
        XCTAssertEqual(graph.nodes.count, 10)
        let position = Dictionary(uniqueKeysWithValues: graph.nodes.enumerated().map { ($1, $0) })
        for node in graph.nodes {
            for inbound in node.inboundNodes {
                XCTAssertLessThan(try XCTUnwrap(position[inbound]), try XCTUnwrap(position[node]))
            }
        }
        XCTAssertTrue(graph.loss === loss)
        XCTAssertEqual(Set(graph.trainables.map(\.name)), ["W1", "b1", "W2", "b2"])
        XCTAssertEqual(Set(graph.inputs.map(\.name)), ["X", "y"])
    }

    func testTopologicalSort_isDeterministic() throws {
        var orders: Set<[String]> = []
        for _ in 0..<5 {
            let (x, y, loss) = makeNetwork()
            let graph = try Graph.topologicalSort(feedDict: [y: .zeros([2, 1]), x: .zeros([2, 3])], loss: loss)
            orders.insert(graph.nodes.map(\.name))
        }
        XCTAssertEqual(orders.count, 1)
        // Kahn: all sources first (in depth-first discovery order from the loss), then each node as soon
        // as its last operand is done.
        XCTAssertEqual(orders.first, ["y", "X", "W1", "b1", "W2", "b2", "linear1", "sigmoid1", "linear2", "mse1"])
    }

    func testTopologicalSort_findsTheLossFromTheFeedDictionary() throws {
        let (x, y, loss) = makeNetwork()
        let graph = try withExtendedLifetime(loss) {
            try Graph.topologicalSort(feedDict: [x: .zeros([2, 3]), y: .zeros([2, 1])])
        }
        XCTAssertTrue(graph.loss === loss)
    }

    func testCycle_isReportedNamingTheNodes() throws {
        let x = Input("X", shape: [.batch, 2])
        let a = ReLU(x, name: "a")
        let b = Sigmoid(a, name: "b")
        a.setInboundNodes([b])
        let error = try XCTUnwrap(catchError { try Graph(outputs: [b]) } as? GraphError)
        XCTAssertEqual(error, .cycle(nodes: ["b", "a"]))
        XCTAssertTrue(error.description.contains("cycle"))
    }

    func testMissingFeed_namesTheInputAndItsConsumer() throws {
        let (x, y, loss) = makeNetwork()
        let graph = try Graph(loss: loss)
        x.value = .zeros([2, 3])
        let error = try XCTUnwrap(catchError { try graph.forwardAndBackward() } as? GraphError)
        XCTAssertEqual(error, .missingFeed(input: "y", consumer: "mse1"))
        _ = y
    }

    func testFeedShapeMismatch_namesInputAndBothShapes() throws {
        let (x, y, loss) = makeNetwork()
        let graph = try Graph(loss: loss)
        let error = try XCTUnwrap(catchError {
            try graph.forwardAndBackward(feed: [x: .zeros([2, 5]), y: .zeros([2, 1])])
        } as? GraphError)
        XCTAssertEqual(error, .feedShapeMismatch(input: "X", declared: "[batch, 3]", fed: [2, 5]))
        XCTAssertEqual(error.description, "input 'X' is declared [batch, 3] but was fed a tensor of shape [2, 5]")
    }

    func testInconsistentBatchSizes_areAnError() throws {
        let (x, y, loss) = makeNetwork()
        let graph = try Graph(loss: loss)
        let error = catchError { try graph.forwardAndBackward(feed: [x: .zeros([2, 3]), y: .zeros([3, 1])]) }
        guard case .inconsistentBatch? = error as? GraphError else { return XCTFail("got \(String(describing: error))") }
    }

    func testShapesAreCheckedWhenTheGraphIsBuilt() throws {
        let x = Input("X", shape: [.batch, 3])
        let linear = Linear(x, Parameter("W", .zeros([4, 2])), Parameter("b", .zeros([2])), name: "dense")
        let error = try XCTUnwrap(catchError { try Graph(outputs: [linear]) } as? GraphError)
        XCTAssertEqual(error, .shapeMismatch(node: "dense", detail:
            "linear needs X [rows, in], W [in, out], b [out]; got X [batch, 3], W [4, 2], b [2]"))
    }

    func testFixedDimensionDisagreeingWithTheBatch_isCaughtAtPlanTime() throws {
        let logits = Parameter("logits", .zeros([4, 3]))
        let labels = Input("labels", shape: [.batch])
        let graph = try Graph(loss: SoftmaxCE(logits, labels, name: "ce"))
        let error = catchError { try graph.forwardAndBackward(feed: [labels: Tensor([0, 1])]) }
        guard case .shapeMismatch(node: "ce", _)? = error as? GraphError else { return XCTFail("got \(String(describing: error))") }
    }

    func testFanOut_nodeUsedByTwoConsumersReceivesTheSumOfTheirGradients() throws {
        // L = mean((I·x − 2I·x)²) = mean(x²), so ∂L/∂x = x. The path through `a` contributes −x and
        // the path through `b` contributes 2x: overwriting instead of summing would give −x or 2x.
        let x = Parameter("x", try Tensor([[1, 2]]))
        let a = Linear(x, Parameter("identity", try Tensor([[1, 0], [0, 1]])), Parameter("zero1", .zeros([2])))
        let b = Linear(x, Parameter("double", try Tensor([[2, 0], [0, 2]])), Parameter("zero2", .zeros([2])))
        let graph = try Graph(loss: MSE(a, b))
        let loss = try graph.forwardAndBackward()
        XCTAssertEqual(loss, 2.5, accuracy: 1e-6)
        assertTensorsEqual(x.gradient, try Tensor([[1, 2]]), accuracy: 1e-6)
        XCTAssertEqual(x.outboundNodes.count, 2)
        assertTensorsEqual(try XCTUnwrap(a.gradients[x]), try Tensor([[1, 2]]), accuracy: 1e-6)
    }
}
