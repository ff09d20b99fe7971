import XCTest
import GradFlow

/// Parses every demo in Graphs/ and trains it briefly: the loss must fall.
final class DemoGraphsTests: XCTestCase {
    static let graphs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Graphs")

    func testEveryDemo_parsesChecksAndLossFalls() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.graphs.path).filter { $0.hasSuffix(".graph") }.sorted()
        XCTAssertGreaterThanOrEqual(names.count, 8)
        for name in names {
            let file = try GraphFile.load(path: Self.graphs.appendingPathComponent(name).path)
            guard let source = file.data?.source else { XCTFail("\(name): no data"); continue }
            if case .mnist = source, (try? MNIST.resolveDirectory(nil)) == nil { continue }
            var data = try source.load(seed: file.training.seed)
            if data.train.count > 512 { data.train = data.train.subset(Array(0..<512)) }
            let trainer = try Trainer(graph: file.graph, features: try file.featuresInput(), labels: try file.labelsInput(),
                                      prediction: file.output, optimizer: try file.training.makeOptimizer(), log: .silent)
            let epochs = name == "xor.graph" ? 300 : 5
            let history = try trainer.fit(data.train, epochs: epochs, batchSize: file.training.batchSize, shuffleSeed: 1)
            let first = try XCTUnwrap(history.loss.first), last = try XCTUnwrap(history.loss.last)
            XCTAssertLessThan(last, first, "\(name): loss \(history.loss)")
        }
    }
}
