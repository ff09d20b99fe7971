import Foundation

extension SVGPlot {
    /// The plot as a standalone SVG document.
    public func svg() -> String {
        SVGPlot.document(width: width, height: height, body: body())
    }

    /// Several plots side by side in one SVG document (e.g. loss and accuracy curves).
    public static func document(_ panels: [SVGPlot]) -> String {
        var offset = 0.0
        var body = ""
        for panel in panels {
            body += "<g transform=\"translate(\(number(offset)),0)\">\n" + panel.body() + "</g>\n"
            offset += panel.width
        }
        return document(width: offset, height: panels.map(\.height).max() ?? 0, body: body)
    }

    private static func document(width: Double, height: Double, body: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(number(width))\" height=\"\(number(height))\" "
            + "viewBox=\"0 0 \(number(width)) \(number(height))\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n"
            + "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n" + body + "</svg>\n"
    }

    /// The plot's elements, drawn in a `width` × `height` box at the origin.
    func body() -> String {
        let frame = (left: 64.0, top: title.isEmpty ? 16.0 : 36.0, right: width - 16, bottom: height - (xLabel.isEmpty ? 36.0 : 52.0))
        let xAxis = AxisScale(values: series.flatMap(\.x), from: frame.left, to: frame.right)
        let yAxis = AxisScale(values: series.flatMap(\.y), from: frame.bottom, to: frame.top)
        var out = ""
        for tick in xAxis.ticks {   // vertical grid lines and x tick labels
            let at = number(xAxis.position(tick))
            out += "<line x1=\"\(at)\" y1=\"\(number(frame.top))\" x2=\"\(at)\" y2=\"\(number(frame.bottom))\" stroke=\"#e5e5e5\"/>\n"
            out += "<text x=\"\(at)\" y=\"\(number(frame.bottom + 16))\" text-anchor=\"middle\">\(xAxis.label(tick))</text>\n"
        }
        for tick in yAxis.ticks {   // horizontal grid lines and y tick labels
            let at = number(yAxis.position(tick))
            out += "<line x1=\"\(number(frame.left))\" y1=\"\(at)\" x2=\"\(number(frame.right))\" y2=\"\(at)\" stroke=\"#e5e5e5\"/>\n"
            out += "<text x=\"\(number(frame.left - 6))\" y=\"\(at)\" text-anchor=\"end\" dominant-baseline=\"middle\">\(yAxis.label(tick))</text>\n"
        }
        out += "<rect x=\"\(number(frame.left))\" y=\"\(number(frame.top))\" width=\"\(number(frame.right - frame.left))\" "
            + "height=\"\(number(frame.bottom - frame.top))\" fill=\"none\" stroke=\"#333\"/>\n"
        for item in series { out += draw(item, xAxis, yAxis) }
        out += legend(in: frame, xAxis, yAxis)
        if !title.isEmpty {
            out += "<text x=\"\(number(width / 2))\" y=\"22\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">\(escaped(title))</text>\n"
        }
        if !xLabel.isEmpty {
            out += "<text x=\"\(number((frame.left + frame.right) / 2))\" y=\"\(number(height - 12))\" text-anchor=\"middle\">\(escaped(xLabel))</text>\n"
        }
        if !yLabel.isEmpty {
            let middle = number((frame.top + frame.bottom) / 2)
            out += "<text x=\"16\" y=\"\(middle)\" text-anchor=\"middle\" transform=\"rotate(-90 16 \(middle))\">\(escaped(yLabel))</text>\n"
        }
        return out
    }

    /// A series as polylines (split where a value is not finite) or circles.
    private func draw(_ item: Series, _ xAxis: AxisScale, _ yAxis: AxisScale) -> String {
        var out = ""
        var run: [String] = []
        func flush() {
            if run.count > 1 {
                out += "<polyline points=\"\(run.joined(separator: " "))\" fill=\"none\" stroke=\"\(item.color)\" stroke-width=\"2\"/>\n"
            }
            run = []
        }
        for (x, y) in zip(item.x, item.y) {
            guard x.isFinite, y.isFinite else { flush(); continue }
            let (px, py) = (number(xAxis.position(x)), number(yAxis.position(y)))
            switch item.mark {
            case .line: run.append("\(px),\(py)")
            case .points: out += "<circle cx=\"\(px)\" cy=\"\(py)\" r=\"3\" fill=\"\(item.color)\" fill-opacity=\"0.75\"/>\n"
            }
        }
        flush()
        return out
    }

    /// A legend box listing the labelled series, in the corner of the frame that covers the fewest
    /// data points (top right, top left, bottom right, bottom left, in that order of preference).
    private func legend(in frame: (left: Double, top: Double, right: Double, bottom: Double),
                        _ xAxis: AxisScale, _ yAxis: AxisScale) -> String {
        let labelled = series.filter { !$0.label.isEmpty }
        guard !labelled.isEmpty else { return "" }
        let boxWidth = 36 + 7 * Double(labelled.map(\.label.count).max() ?? 0)
        let boxHeight = 8 + 18 * Double(labelled.count)
        let points = series.flatMap { item in zip(item.x, item.y).map { (xAxis.position($0), yAxis.position($1)) } }
        let corners = [(frame.right - 8 - boxWidth, frame.top + 8), (frame.left + 8, frame.top + 8),
                       (frame.right - 8 - boxWidth, frame.bottom - 8 - boxHeight), (frame.left + 8, frame.bottom - 8 - boxHeight)]
        func covered(_ corner: (Double, Double)) -> Int {
            points.filter { $0.0 >= corner.0 - 4 && $0.0 <= corner.0 + boxWidth + 4 && $0.1 >= corner.1 - 4 && $0.1 <= corner.1 + boxHeight + 4 }.count
        }
        let counts = corners.map(covered)
        let best = counts.indices.min { counts[$0] < counts[$1] } ?? 0
        let (left, top) = corners[best]
        var out = "<rect x=\"\(number(left))\" y=\"\(number(top))\" width=\"\(number(boxWidth))\" "
            + "height=\"\(number(boxHeight))\" fill=\"white\" fill-opacity=\"0.85\" stroke=\"#bbb\"/>\n"
        for (row, item) in labelled.enumerated() {
            let y = top + 13 + 18 * Double(row)
            switch item.mark {
            case .line:
                out += "<line x1=\"\(number(left + 6))\" y1=\"\(number(y))\" x2=\"\(number(left + 26))\" y2=\"\(number(y))\" stroke=\"\(item.color)\" stroke-width=\"2\"/>\n"
            case .points:
                out += "<circle cx=\"\(number(left + 16))\" cy=\"\(number(y))\" r=\"3\" fill=\"\(item.color)\"/>\n"
            }
            out += "<text x=\"\(number(left + 32))\" y=\"\(number(y))\" dominant-baseline=\"middle\">\(escaped(item.label))</text>\n"
        }
        return out
    }
}

/// A coordinate with at most two decimals, as SVG attributes want it.
func number(_ value: Double) -> String {
    let rounded = (value * 100).rounded() / 100
    return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
}

/// `text` with the XML special characters escaped.
func escaped(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
}
