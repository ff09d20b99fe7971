import Foundation
import XCTest
import GradFlow
@testable import GradFlowGraphFiles
@testable import GradFlowPictures

final class SVGPlotTests: XCTestCase {
    /// Where plots go: `$GRADFLOW_PLOT_DIR` to keep them for viewing, else a temporary folder.
    private func outputPath(_ name: String) throws -> String {
        if let kept = ProcessInfo.processInfo.environment["GRADFLOW_PLOT_DIR"] { return kept + "/" + name }
        let directory = NSTemporaryDirectory() + "gradflow-plot-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: directory) }
        return directory + "/" + name
    }

    func testScatter_drawsPointsFittedLineLegendAndLabels() throws {
        var rng = RandomGenerator(seed: 1)
        let x = Tensor.randomUniform([50], lower: -1, upper: 1, using: &rng).scalars
        let y = x.map { 2 * $0 + 1 + 0.2 * rng.nextNormal() }
        let plot = try SVGPlot.scatter(x: x, y: y, line: (x, x.map { 2 * $0 + 1 }), title: "y = 2x + 1 <fit>")
        let svg = plot.svg()
        XCTAssertTrue(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        XCTAssertEqual(svg.components(separatedBy: "<circle").count - 1, 50 + 1, "50 points and a legend marker")
        XCTAssertEqual(svg.components(separatedBy: "<polyline").count - 1, 1)
        XCTAssertTrue(svg.contains(">data</text>") && svg.contains(">fit</text>"))
        XCTAssertTrue(svg.contains("y = 2x + 1 &lt;fit&gt;"))
        XCTAssertTrue(svg.contains(">-1.0</text>") && svg.contains(">1.0</text>"), "x ticks at nice values")
        let path = try outputPath("regression.svg")
        try plot.write(to: path)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), svg)
    }

    func testAxisScale_choosesNiceTicksCoveringTheData() {
        let axis = AxisScale(values: [0.13, 9.7], from: 0, to: 100)
        XCTAssertEqual(axis.ticks, [0, 2, 4, 6, 8, 10])
        XCTAssertEqual(axis.position(5), 50, accuracy: 1e-9)
        XCTAssertEqual(AxisScale(values: [0.0012, 0.0049], from: 0, to: 1).label(0.002), "0.002")
        XCTAssertEqual(AxisScale(values: [3, 3], from: 0, to: 1).ticks.first, 2.6, "a constant is widened")
        XCTAssertEqual(AxisScale(values: [.nan], from: 0, to: 1).ticks.count, 6, "no finite values: 0…1")
        XCTAssertEqual(AxisScale.niceStep(0.3), 0.5)
        XCTAssertEqual(AxisScale.niceStep(7), 10)
    }

    func testLine_breaksAtNonFiniteValues() throws {
        var plot = SVGPlot()
        try plot.addLine(x: [1, 2, 3, 4, 5], y: [1, 2, .nan, 4, 5])
        XCTAssertEqual(plot.svg().components(separatedBy: "<polyline").count - 1, 2)
    }

    func testAddSeries_withMismatchedLengths_throws() {
        var plot = SVGPlot()
        XCTAssertThrowsError(try plot.addPoints(x: [1, 2], y: [1], label: "a")) {
            XCTAssertEqual($0 as? PlotError, .mismatchedLengths(series: "a", x: 2, y: 1))
        }
        XCTAssertThrowsError(try plot.write(to: "/nonexistent-dir/plot.svg")) {
            guard case .unwritable? = $0 as? PlotError else { return XCTFail("\($0)") }
        }
    }

    func testHistoryPlot_drawsLossAndMetricPanels() throws {
        var history = History(metric: .accuracy)
        history.loss = [1.2, 0.7, 0.5, 0.42]
        history.validationLoss = [1.3, 0.8, 0.6, 0.55]
        history.validationMetric = [0.6, 0.8, 0.9, 0.93]
        let path = try outputPath("history.svg")
        try history.plotSVG(to: path)
        let svg = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(svg.contains("width=\"960\""), "two panels side by side")
        XCTAssertEqual(svg.components(separatedBy: "<polyline").count - 1, 3)
        XCTAssertTrue(svg.contains(">val_loss</text>") && svg.contains(">val_acc</text>"))
        XCTAssertEqual(History().plots().count, 1)
    }
}
