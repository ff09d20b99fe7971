import Foundation
import GradFlowStorage

/// A small, dependency-free line and scatter plot written as SVG: axes with "nice" ticks (steps of
/// 1, 2 or 5 × 10ᵏ) and grid lines, axis labels, a title, polylines, points and a legend.
///
/// ```swift
/// var plot = SVGPlot(title: "Regression", xLabel: "x", yLabel: "y")
/// try plot.addPoints(x: xs, y: ys, label: "data")
/// try plot.addLine(x: xs, y: predictions, label: "fit")
/// try plot.write(to: "regression.svg")
/// ```
/// Non-finite values are left out (a line is broken where they were). Colours cycle through the
/// "tab10" palette.
public struct SVGPlot: Equatable, Sendable {
    /// How a series is drawn.
    public enum Mark: Equatable, Sendable {
        /// Consecutive points joined by straight segments.
        case line
        /// A small circle at each point.
        case points
    }

    /// One data series.
    public struct Series: Equatable, Sendable {
        /// The name shown in the legend (none when empty).
        public var label: String
        /// The x coordinates.
        public var x: [Double]
        /// The y coordinates, one per x.
        public var y: [Double]
        /// How the series is drawn.
        public var mark: Mark
        /// An SVG colour (`#1f77b4`).
        public var color: String
    }

    /// The title above the plot.
    public var title: String
    /// The label under the x axis.
    public var xLabel: String
    /// The label beside the y axis.
    public var yLabel: String
    /// The width in pixels.
    public var width: Double
    /// The height in pixels.
    public var height: Double
    /// The series, drawn in order (later ones on top).
    public private(set) var series: [Series] = []

    /// The colours given to series in turn (matplotlib's "tab10").
    public static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                 "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]

    /// Creates an empty plot.
    public init(title: String = "", xLabel: String = "", yLabel: String = "", width: Double = 640, height: Double = 400) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.width = width
        self.height = height
    }

    /// Adds a polyline through the points `(x[i], y[i])`.
    /// - Throws: `PlotError.mismatchedLengths` when the arrays differ in length.
    public mutating func addLine(x: [Float], y: [Float], label: String = "", color: String? = nil) throws(PlotError) {
        try add(x: x, y: y, label: label, mark: .line, color: color)
    }

    /// Adds a scatter of points `(x[i], y[i])`.
    /// - Throws: `PlotError.mismatchedLengths` when the arrays differ in length.
    public mutating func addPoints(x: [Float], y: [Float], label: String = "", color: String? = nil) throws(PlotError) {
        try add(x: x, y: y, label: label, mark: .points, color: color)
    }

    /// The regression figure of the seed (matplotlib's `scatter` then `plot`): the data as points
    /// and, if given, a fitted line through `line` (sorted by x so it draws left to right).
    /// - Throws: `PlotError.mismatchedLengths`.
    public static func scatter(x: [Float], y: [Float], line: (x: [Float], y: [Float])? = nil, title: String = "",
                               xLabel: String = "x", yLabel: String = "y") throws(PlotError) -> SVGPlot {
        var plot = SVGPlot(title: title, xLabel: xLabel, yLabel: yLabel)
        try plot.addPoints(x: x, y: y, label: "data")
        if let line {
            guard line.x.count == line.y.count else { throw .mismatchedLengths(series: "fit", x: line.x.count, y: line.y.count) }
            let sorted = zip(line.x, line.y).sorted { $0.0 < $1.0 }
            try plot.addLine(x: sorted.map(\.0), y: sorted.map(\.1), label: "fit")
        }
        return plot
    }

    /// Writes `svg()` to `path`, atomically.
    /// - Throws: `PlotError.unwritable`.
    public func write(to path: String) throws(PlotError) {
        try SVGPlot.write(svg(), to: path)
    }

    /// Writes SVG text (a plot, a report, a graph drawing) to `path`, atomically (`AtomicFile`).
    /// - Throws: `PlotError.unwritable` with the system's reason.
    public static func write(_ text: String, to path: String) throws(PlotError) {
        do { try AtomicFile.write(Array(text.utf8), to: path) } catch { throw .unwritable(file: path, reason: error.reason) }
    }

    private mutating func add(x: [Float], y: [Float], label: String, mark: Mark, color: String?) throws(PlotError) {
        guard x.count == y.count else { throw .mismatchedLengths(series: label, x: x.count, y: y.count) }
        let colour = color ?? SVGPlot.palette[series.count % SVGPlot.palette.count]
        series.append(Series(label: label, x: x.map(Double.init), y: y.map(Double.init), mark: mark, color: colour))
    }
}
