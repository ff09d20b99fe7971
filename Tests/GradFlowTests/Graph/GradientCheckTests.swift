import XCTest
import GradFlow

/// `GradientCheck`, the one finite-difference checker (node tests and `gradflow check`): its cost is
/// bounded by the sample, not by the graph, and a wrong gradient is still found and named.
final class GradientCheckTests: XCTestCase {
    /// `y = x + b` whose backward gives `b` `factor` times its true gradient (a planted bug).
    private final class WrongBiasGradient: Node {
        let factor: Float
        init(_ x: Node, _ b: Parameter, factor: Float) {
            self.factor = factor
            super.init([x, b], name: "planted")
        }
        override var kind: String { "planted" }
        override func outputShape(for inputShapes: [SymbolicShape]) throws -> SymbolicShape { inputShapes[0] }
        override func forward() throws { value = try inboundNodes[0].value + inboundNodes[1].value }
        override func backward() {
            let (x, b) = (inboundNodes[0], inboundNodes[1])
            x.gradient = try! x.gradient + gradient   // test support: same shapes by construction
            b.gradient = try! b.gradient + (try! gradient.sum(axis: 0)) * factor
        }
    }

    /// A chain of `layers` `tanh(linear(·, W, b))` of width 16 ending in an MSE, fed a batch of 3;
    /// with `plantedAt`, that layer's output goes through `WrongBiasGradient` with bias `bad_b`.
    /// (Smooth, so that finite differences are meaningful through hundreds of layers; a deep ReLU
    /// chain crosses kinks within any step h.)
    private func chain(layers: Int, plantedAt: Int? = nil) throws -> (Graph, [Input: Tensor]) {
        var rng = RandomGenerator(seed: 5)
        let X = Input("X", shape: [.batch, 16]), y = Input("y", shape: [.batch, 16])
        var h: Node = X
        for layer in 0..<layers {
            let W = Parameter("W\(layer)", Initializer.xavierNormal.tensor(shape: [16, 16], using: &rng))
            h = Linear(h, W, Parameter("b\(layer)", .randomNormal([16], standardDeviation: 0.1, using: &rng)))
            if layer == plantedAt { h = WrongBiasGradient(h, Parameter("bad_b", .zeros([16])), factor: 3) }
            if layer < layers - 1 { h = Tanh(h) }
        }
        let graph = try Graph(loss: MSE(y, h))
        return (graph, [X: .randomNormal([3, 16], using: &rng), y: .randomNormal([3, 16], using: &rng)])
    }

    func testSampled_costIsBoundedByTheBudget_notByTheGraph() throws {
        let budget = 384
        for layers in [50, 800] {
            let (graph, feeds) = try chain(layers: layers)
            for (input, value) in feeds { input.value = value }
            let check = try GradientCheck(graph: graph, coverage: .sampled(budget))
            XCTAssertTrue(check.passed, "\(layers) layers: \(check.results.filter { $0.maximumRelativeError >= check.tolerance })")
            XCTAssertEqual(check.results.count, 2 * layers, "every parameter is checked")
            XCTAssertTrue(check.results.allSatisfy { $0.checkedEntries >= 1 })
            // Two forward passes per perturbation, at most two retries each: the same bound at any depth.
            XCTAssertLessThanOrEqual(check.forwardPasses, 6 * budget, "\(layers) layers")
        }
    }

    func testSampled_deepGraph_groupsEntries_andStillNamesAPlantedWrongGradient() throws {
        let (graph, feeds) = try chain(layers: 300, plantedAt: 297)
        for (input, value) in feeds { input.value = value }
        let check = try GradientCheck(graph: graph, coverage: .sampled(128))
        XCTAssertTrue(check.results.allSatisfy(\.grouped))
        XCTAssertFalse(check.passed)
        let failing = check.results.filter { $0.maximumRelativeError >= check.tolerance }.map(\.parameter)
        XCTAssertEqual(failing, ["bad_b"])
    }

    func testSampled_smallGraph_checksEachParameterOnItsOwn_andFindsThePlantedGradient() throws {
        let (graph, feeds) = try chain(layers: 3, plantedAt: 1)
        for (input, value) in feeds { input.value = value }
        let check = try GradientCheck(graph: graph, coverage: .sampled(70))
        XCTAssertFalse(check.results.contains(where: \.grouped))
        XCTAssertEqual(check.results.map(\.checkedEntries), [10, 10, 10, 10, 10, 10, 10], "70 perturbations over 7 parameters")
        let failing = check.results.filter { $0.maximumRelativeError >= check.tolerance }.map(\.parameter)
        XCTAssertEqual(failing, ["bad_b"])
        XCTAssertEqual(try GradientCheck(graph: graph, coverage: .all).checkedEntries, 3 * (256 + 16) + 16)
    }

    func testCheck_restoresParameterValuesExactly() throws {
        let (graph, feeds) = try chain(layers: 4)
        for (input, value) in feeds { input.value = value }
        let before = graph.trainables.map(\.value)
        _ = try GradientCheck(graph: graph, coverage: .all)
        XCTAssertEqual(graph.trainables.map(\.value), before)
    }

    func testReport_saysHowManyEntriesWereChecked() throws {
        let (graph, _) = try chain(layers: 2)
        let report = try GradientCheckReport(graph: graph, coverage: .all)
        XCTAssertTrue(report.passed, report.text)
        XCTAssertTrue(report.coverageText.hasPrefix("checked 544 of 544 parameter entries (every entry)"), report.coverageText)
        XCTAssertEqual(try GradientCheckReport(graph: graph).check.checkedEntries, 64 + 16 + 64 + 16, "64 at most per parameter")
        let sampled = try GradientCheckReport(graph: graph, coverage: .sampled(8))
        XCTAssertTrue(sampled.coverageText.hasPrefix("checked 8 of 544 parameter entries (a random sample"), sampled.coverageText)
    }
}
