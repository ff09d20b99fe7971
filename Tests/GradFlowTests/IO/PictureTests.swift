import XCTest
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import GradFlow
@testable import GradFlowData
@testable import GradFlowGraphFiles

/// The pictures, checked rather than only written: every SVG parses as XML, the graph drawing has
/// each node once with no overlapping boxes, the confusion-matrix cells hold `ConfusionMatrix`'s counts.
final class PictureTests: XCTestCase {
    /// The parsed document, or a failure naming what did not parse.
    private func parse(_ svg: String, file: StaticString = #filePath, line: UInt = #line) throws -> XMLDocument {
        try XMLDocument(data: Data(svg.utf8), options: [])
    }

    /// An attribute's value (`attribute(forName:)` finds nothing in an SVG's default namespace here).
    private func value(_ element: XMLElement, _ name: String) -> String? {
        element.attributes?.first { $0.name == name }?.stringValue
    }

    private func elements(_ document: XMLDocument, _ xpath: String) throws -> [XMLElement] {
        try document.nodes(forXPath: xpath).compactMap { $0 as? XMLElement }
    }

    func testGraphDrawing_everyDemoGraph_eachNodeOnce_noOverlaps() throws {
        let graphs = try FileManager.default.contentsOfDirectory(atPath: ToolBinary.repository.appendingPathComponent("Graphs").path)
            .filter { $0.hasSuffix(".graph") }
        XCTAssertGreaterThanOrEqual(graphs.count, 8)
        for name in graphs {
            let file = try GraphFile.load(path: ToolBinary.repository.appendingPathComponent("Graphs/" + name).path)
            let drawing = GraphDrawing(graph: file.graph)
            let document = try parse(drawing.svg(title: name))
            let drawn = try elements(document, "//*[local-name()='g'][@class='node']").compactMap { value($0, "data-node") }
            XCTAssertEqual(drawn.sorted(), file.graph.nodes.map(\.name).sorted(), name)
            XCTAssertEqual(Set(drawn).count, drawn.count, "\(name): a node drawn twice")
            XCTAssertEqual(try elements(document, "//*[local-name()='path'][@class='edge']").count,
                           file.graph.nodes.reduce(0) { $0 + $1.inboundNodes.count }, name)
            for (i, a) in drawing.boxes.enumerated() {
                for b in drawing.boxes[(i + 1)...] {
                    let apart = a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y
                    XCTAssertTrue(apart, "\(name): '\(a.name)' overlaps '\(b.name)'")
                }
            }
            XCTAssertTrue(drawing.boxes.contains { $0.isLoss && $0.name == "loss" }, name)
        }
    }

    func testConfusionReport_cellsHoldTheConfusionMatrixCounts_andMistakesAreTheMostConfident() throws {
        var rng = RandomGenerator(seed: 5)
        let rows = 60, classes = 4
        let logits = Tensor.randomNormal([rows, classes], using: &rng)
        let labels = (0..<rows).map { _ in Int(rng.next() % UInt64(classes)) }
        let matrix = try ConfusionMatrix(predictions: logits, labels: Tensor(labels.map(Float.init)), classCount: classes)
        let probabilities = EvaluationReport.probabilities(logits)
        let pixels = Tensor.randomUniform([rows, 36], using: &rng)
        let svg = try EvaluationReport.classification(probabilities: probabilities, labels: labels, images: (pixels, 6, 6))
        let document = try parse(svg)
        let cells = try elements(document, "//*[local-name()='rect'][@class='cell']")
        XCTAssertEqual(cells.count, classes * classes)
        for cell in cells {
            let truth = Int(value(cell, "data-true") ?? "") ?? -1
            let guess = Int(value(cell, "data-predicted") ?? "") ?? -1
            XCTAssertEqual(Int(value(cell, "data-count") ?? ""), matrix.counts[truth][guess])
        }
        XCTAssertEqual(try elements(document, "//*[local-name()='text'][@class='recall']").count, classes)
        let mistakes = try elements(document, "//*[local-name()='g'][@class='mistake']")
        let wrong = (0..<rows).filter { row in probabilities[row].indices.max { probabilities[row][$0] < probabilities[row][$1] } != labels[row] }
        XCTAssertEqual(mistakes.count, min(12, wrong.count))
        for mistake in mistakes {
            XCTAssertNotEqual(value(mistake, "data-true"), value(mistake, "data-predicted"))
        }
    }

    func testBinaryAndRegressionReports_parse() throws {
        let logits = try Tensor(shape: [4, 1], scalars: [-2, 3, 0.5, -0.2])
        let binary = try parse(try EvaluationReport.classification(probabilities: EvaluationReport.probabilities(logits), labels: [0, 1, 0, 0]))
        let cells = try elements(binary, "//*[local-name()='rect'][@class='cell']").map { Int(value($0, "data-count") ?? "") ?? -1 }
        XCTAssertEqual(cells, [2, 1, 0, 1])    // true 0: two right, one called 1; true 1: right
        let regression = try parse(try EvaluationReport.regression(predictions: Tensor([1, 2, 3.5]), targets: Tensor([1, 2, 3])))
        XCTAssertGreaterThanOrEqual(try elements(regression, "//*[local-name()='circle']").count, 3)
    }

    func testCLI_drawTrainPlotAndEvalReport_writeSVGsThatParse() throws {
        _ = try ToolBinary.required()
        let folder = NSTemporaryDirectory() + "gradflow-pictures-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let drawn = try ToolBinary.run(["draw", "Graphs/skip.graph"])
        XCTAssertEqual(drawn.code, 0, drawn.err)
        XCTAssertEqual(try elements(try parse(drawn.out), "//*[local-name()='g'][@class='node']").count, 18, "skip.graph's 18 nodes")
        let (plot, weights, report) = (folder + "/curves.svg", folder + "/w.safetensors", folder + "/report.svg")
        XCTAssertEqual(try ToolBinary.run(["train", "Graphs/iris.graph", "--epochs", "5", "--save", weights, "--plot", plot]).code, 0)
        let curves = try parse(try String(contentsOfFile: plot, encoding: .utf8))
        let titles = try elements(curves, "//*[local-name()='text']").compactMap(\.stringValue)
        XCTAssertTrue(titles.contains("Graphs/iris.graph loss") && titles.contains("Graphs/iris.graph accuracy"), "\(titles)")
        XCTAssertEqual(try ToolBinary.run(["eval", "Graphs/iris.graph", "--weights", weights, "--report", report]).code, 0)
        let cells = try elements(try parse(try String(contentsOfFile: report, encoding: .utf8)), "//*[local-name()='rect'][@class='cell']")
        XCTAssertEqual(cells.count, 9)
        XCTAssertEqual(cells.reduce(0) { $0 + (Int(value($1, "data-count") ?? "") ?? 0) }, 30, "the 30 held-out flowers")
    }
}
