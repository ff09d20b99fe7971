import XCTest
import Dispatch
import Foundation
import Synchronization
import GradFlow

/// Predictions from several threads at once through `InferenceSession`s equal the single-threaded
/// ones (run under ThreadSanitizer by the reliability suite).
final class ThreadSafetyTests: XCTestCase {
    private let threads = 6

    /// A small trained classifier with dropout, and 50 examples to predict.
    private func trainedModel() throws -> (Sequential, Tensor) {
        var rng = RandomGenerator(seed: 4)
        let x = Tensor.randomNormal([50, 5], standardDeviation: 1, using: &rng)
        let y = Tensor((0..<50).map { Float($0 % 3) })
        let model = Sequential(seed: 1) {
            Dense(16, activation: .relu)
            DropoutLayer(0.3)
            Dense(3, activation: .softmax)
        }
        model.compile(loss: .softmaxCrossEntropy, optimizer: try SGD(learningRate: 0.05))
        try model.fit(x, y, epochs: 2, batchSize: 10, verbose: false)
        return (model, x)
    }

    func testInferenceSessions_concurrentPredictions_equalSingleThreadedOnes() throws {
        let (model, x) = try trainedModel()
        let expected = try model.predict(x, batchSize: 16)
        let session = try InferenceSession(model: model)
        let results = LockedResults()
        DispatchQueue.concurrentPerform(iterations: threads) { index in
            for _ in 0..<20 {
                guard let prediction = try? session.predict(x) else { return }
                results.set(index, prediction)
            }
        }
        let collected = results.all
        XCTAssertEqual(collected.count, threads)
        for (index, prediction) in collected { XCTAssertEqual(prediction, expected, "thread \(index)") }
    }

    func testInferenceSession_privateGraphsOnEachThread_agree() throws {
        let (model, x) = try trainedModel()
        let expected = try model.predict(x, batchSize: 50)
        let session = try InferenceSession(model: model)
        let mismatches = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            guard let (graph, input, output) = try? session.makeGraph(),
                  let prediction = try? graph.evaluate(output, feed: [input: x]), prediction == expected else {
                mismatches.add(1, ordering: .relaxed)
                return
            }
        }
        XCTAssertEqual(mismatches.load(ordering: .relaxed), 0)
    }

    func testInferenceSession_keepsItsWeightsWhenTheModelTrainsOn() throws {
        let (model, x) = try trainedModel()
        let session = try InferenceSession(model: model)
        let before = try session.predict(x)
        try model.fit(x, Tensor((0..<50).map { Float($0 % 3) }), epochs: 1, batchSize: 10, verbose: false)
        XCTAssertNotEqual(try model.predict(x), before)
        XCTAssertEqual(try session.predict(x), before)
    }

    func testInferenceSession_copiesOnlyWhatTheOutputNeeds() throws {
        let X = Input("X", shape: [.batch, 2]), y = Input("y", shape: [.batch, 1])
        let out = Linear(X, Parameter("W", .ones([2, 1])), Parameter("b", .zeros([1])), name: "out")
        let graph = try Graph(loss: MSE(y, out))
        let session = try InferenceSession(graph: graph, input: X, output: out)
        let copy = try session.makeGraph().graph
        XCTAssertEqual(copy.nodes.map(\.name).sorted(), ["W", "X", "b", "out"])
        XCTAssertNil(copy.loss)
        XCTAssertFalse(copy.nodes.contains(out))
        XCTAssertEqual(try session.predict(try Tensor([[1, 2], [3, 4]])), try Tensor([[3], [7]]))
    }

    func testInferenceSession_unknownNodeKind_isRefusedByName() throws {
        let X = Input("X", shape: [.batch, 2])
        let odd = Opaque(X, name: "mystery")
        let graph = try Graph(outputs: [odd])
        XCTAssertThrowsError(try InferenceSession(graph: graph, input: X, output: odd)) { error in
            guard case .invalidValue(let node, let detail)? = error as? GraphError else { return XCTFail("\(error)") }
            XCTAssertEqual(node, "mystery")
            XCTAssertTrue(detail.contains("adopt GraphOperation"), detail)
        }
    }
}

/// A custom node (the identity) that does not say how to copy itself.
private final class Opaque: Node {
    init(_ x: Node, name: String) { super.init([x], name: name) }
    override var kind: String { "opaque" }
    override func outputShape(for inputShapes: [SymbolicShape]) throws -> SymbolicShape { inputShapes[0] }
    override func forward() throws { value = inboundNodes[0].value }
    override func backward() {}
}

/// Results written from many threads, under a lock (a class, so every thread reaches one instance
/// through a shared reference rather than a captured local).
private final class LockedResults: @unchecked Sendable {  // `values` is only touched under `lock`
    private let lock = NSLock()
    private var values: [Int: Tensor] = [:]

    func set(_ index: Int, _ value: Tensor) { lock.withLock { values[index] = value } }

    var all: [Int: Tensor] { lock.withLock { values } }
}
