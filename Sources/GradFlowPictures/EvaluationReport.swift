import Foundation
import GradFlowCore
import GradFlowData
import GradFlowTraining

/// A picture of what a model gets right and wrong (`gradflow eval --report FILE.svg`).
///
/// - Classifiers: the confusion matrix as a heat map (each cell's count, shaded by the share of its
///   true class) with per-class recall; for image inputs, a grid of the most confident mistakes, each
///   image with its true label and a bar chart of the predicted probabilities (seed 002's
///   `view_classify`).
/// - Regression: predicted against true values with the line y = x, and a histogram of residuals.
///
/// Cells carry `data-count`, mistakes `data-true`/`data-predicted`, so the pictures can be checked.
public enum EvaluationReport {
    /// Class probabilities for predictions: softmax rows, or for one logit column the sigmoid as two
    /// classes (a prediction that already is a probability, `isProbability`, is used as it is).
    public static func probabilities(_ predictions: Tensor, isProbability: Bool = false) -> [[Float]] {
        let rows = predictions.shape.first ?? 0
        let width = rows > 0 ? predictions.count / rows : 0
        return (0..<rows).map { row in
            let values = Array(predictions.scalars[(row * width)..<((row + 1) * width)])
            if width == 1 {
                let p = isProbability ? values[0] : Float(1 / (1 + exp(-Double(values[0]))))
                return [1 - p, p]
            }
            if isProbability { return values }
            let top = values.max() ?? 0
            let exps = values.map { Float(exp(Double($0 - top))) }
            let total = exps.reduce(0, +)
            return exps.map { $0 / total }
        }
    }

    /// The classification report as SVG.
    /// - Parameters:
    ///   - probabilities: per example, the probability of each class (`probabilities(_:)`).
    ///   - labels: the true class of each example.
    ///   - images: the examples' pixels `[n, height·width]` with their size, to draw mistakes.
    /// - Throws: `DataError.shapeMismatch` when the counts differ, `.invalidLabel` for a label
    ///   outside the classes.
    public static func classification(probabilities: [[Float]], labels: [Int], images: (pixels: Tensor, height: Int, width: Int)? = nil,
                                      title: String = "Evaluation") throws(DataError) -> String {
        guard probabilities.count == labels.count, !labels.isEmpty else {
            throw .shapeMismatch(operation: "evaluation report", expected: [labels.count], found: [probabilities.count])
        }
        let classes = probabilities.first?.count ?? 0
        var counts = [[Int]](repeating: [Int](repeating: 0, count: classes), count: classes)
        var predicted: [Int] = []
        for (row, (p, label)) in zip(probabilities, labels).enumerated() {
            guard label >= 0, label < classes else { throw .invalidLabel(row: row, value: Float(label), classCount: classes) }
            let guess = p.indices.max { p[$0] < p[$1] } ?? 0
            predicted.append(guess)
            counts[label][guess] += 1
        }
        let cell = classes <= 10 ? 40.0 : max(14, 400 / Double(classes))
        let left = 70.0, top = 60.0
        let matrixSize = cell * Double(classes)
        var body = "<text x=\"\(number(left + matrixSize / 2))\" y=\"22\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">\(escaped(title)): "
            + "accuracy \(String(format: "%.2f", 100 * Double(zip(predicted, labels).filter { $0 == $1 }.count) / Double(labels.count))) % of \(labels.count)</text>\n"
        body += "<text x=\"\(number(left + matrixSize / 2))\" y=\"\(number(top - 22))\" text-anchor=\"middle\">predicted class</text>\n"
        body += "<text x=\"18\" y=\"\(number(top + matrixSize / 2))\" text-anchor=\"middle\" transform=\"rotate(-90 18 \(number(top + matrixSize / 2)))\">true class</text>\n"
        for truth in 0..<classes {
            let rowTotal = max(counts[truth].reduce(0, +), 1)
            body += "<text x=\"\(number(left - 8))\" y=\"\(number(top + cell * (Double(truth) + 0.5)))\" text-anchor=\"end\" dominant-baseline=\"middle\">\(truth)</text>\n"
            for guess in 0..<classes {
                let share = Double(counts[truth][guess]) / Double(rowTotal)
                let (x, y) = (left + cell * Double(guess), top + cell * Double(truth))
                body += "<rect class=\"cell\" data-true=\"\(truth)\" data-predicted=\"\(guess)\" data-count=\"\(counts[truth][guess])\" x=\"\(number(x))\" y=\"\(number(y))\" "
                    + "width=\"\(number(cell))\" height=\"\(number(cell))\" fill=\"\(shade(share, correct: truth == guess))\" stroke=\"#fff\"/>\n"
                if counts[truth][guess] > 0, cell >= 24 {
                    body += "<text x=\"\(number(x + cell / 2))\" y=\"\(number(y + cell / 2))\" text-anchor=\"middle\" dominant-baseline=\"middle\" "
                        + "fill=\"\(share > 0.5 ? "white" : "#222")\" font-size=\"11\">\(counts[truth][guess])</text>\n"
                }
            }
            let recall = Double(counts[truth][truth]) / Double(rowTotal)
            body += "<text class=\"recall\" x=\"\(number(left + matrixSize + 10))\" y=\"\(number(top + cell * (Double(truth) + 0.5)))\" dominant-baseline=\"middle\">"
                + "\(String(format: "%.1f", 100 * recall)) %</text>\n"
        }
        for guess in 0..<classes {
            body += "<text x=\"\(number(left + cell * (Double(guess) + 0.5)))\" y=\"\(number(top - 6))\" text-anchor=\"middle\">\(guess)</text>\n"
        }
        body += "<text x=\"\(number(left + matrixSize + 10))\" y=\"\(number(top - 6))\">recall</text>\n"
        var width = left + matrixSize + 80, height = top + matrixSize + 30
        if let images {
            let (grid, gridHeight) = mistakes(probabilities: probabilities, labels: labels, predicted: predicted, images: images,
                                             left: width + 10, top: 40)
            body += grid
            width += 10 + 3 * mistakeWidth
            height = max(height, 40 + gridHeight + 10)
        }
        return document(width: width, height: height, body: body)
    }

    static let mistakeWidth = 250.0, mistakeHeight = 104.0

    /// The most confident mistakes (up to 12, three per row): image, labels, probability bars.
    private static func mistakes(probabilities: [[Float]], labels: [Int], predicted: [Int],
                                 images: (pixels: Tensor, height: Int, width: Int), left: Double, top: Double) -> (String, Double) {
        let wrong = labels.indices.filter { predicted[$0] != labels[$0] }
            .sorted { probabilities[$0][predicted[$0]] > probabilities[$1][predicted[$1]] }.prefix(12)
        var out = "<text x=\"\(number(left))\" y=\"\(number(top - 10))\" font-weight=\"bold\">most confident mistakes (\(labels.indices.filter { predicted[$0] != labels[$0] }.count) in all)</text>\n"
        let pixelsPerExample = images.height * images.width
        let side = 80.0, scale = side / Double(max(images.height, images.width))
        for (slot, example) in wrong.enumerated() {
            let (x, y) = (left + Double(slot % 3) * mistakeWidth, top + Double(slot / 3) * mistakeHeight)
            let pixels = Array(images.pixels.scalars[(example * pixelsPerExample)..<((example + 1) * pixelsPerExample)])
            let (low, high) = (pixels.min() ?? 0, pixels.max() ?? 1)
            out += "<g class=\"mistake\" data-true=\"\(labels[example])\" data-predicted=\"\(predicted[example])\">\n"
            out += "<rect x=\"\(number(x))\" y=\"\(number(y))\" width=\"\(number(side))\" height=\"\(number(side))\" fill=\"black\"/>\n"
            for (index, value) in pixels.enumerated() where value > low {
                let level = Int(255 * Double(value - low) / Double(max(high - low, 1e-9)))
                out += "<rect x=\"\(number(x + Double(index % images.width) * scale))\" y=\"\(number(y + Double(index / images.width) * scale))\" "
                    + "width=\"\(number(scale + 0.3))\" height=\"\(number(scale + 0.3))\" fill=\"rgb(\(level),\(level),\(level))\"/>\n"
            }
            out += "<text x=\"\(number(x))\" y=\"\(number(y + side + 13))\" font-size=\"11\">true \(labels[example]), predicted \(predicted[example])</text>\n"
            let p = probabilities[example], barLeft = x + side + 8, barWidth = mistakeWidth - side - 24
            let barHeight = min(8.0, side / Double(max(p.count, 1)))
            for (label, value) in p.enumerated() {
                let barTop = y + Double(label) * barHeight
                out += "<rect x=\"\(number(barLeft + 12))\" y=\"\(number(barTop))\" width=\"\(number(max(0.5, Double(value) * (barWidth - 12))))\" height=\"\(number(barHeight - 1))\" "
                    + "fill=\"\(label == predicted[example] ? "#d62728" : label == labels[example] ? "#2ca02c" : "#9ecae1")\"/>\n"
                if barHeight >= 7 {
                    out += "<text x=\"\(number(barLeft + 8))\" y=\"\(number(barTop + barHeight - 1.5))\" text-anchor=\"end\" font-size=\"7\">\(label)</text>\n"
                }
            }
            out += "</g>\n"
        }
        return (out, Double((wrong.count + 2) / 3) * mistakeHeight)
    }

    /// The regression report as SVG: predicted vs true with y = x, and the residual histogram.
    /// - Throws: `DataError.shapeMismatch` when the counts differ, `.empty` without examples.
    public static func regression(predictions: Tensor, targets: Tensor, title: String = "Evaluation") throws(DataError) -> String {
        guard predictions.count == targets.count else {
            throw .shapeMismatch(operation: "evaluation report", expected: targets.shape, found: predictions.shape)
        }
        guard targets.count > 0 else { throw .empty(operation: "evaluation report") }
        let (truth, guess) = (targets.scalars, predictions.scalars)
        let (low, high) = (min(truth.min()!, guess.min()!), max(truth.max()!, guess.max()!))
        var scatter = SVGPlot(title: "\(title): R² \(String(format: "%.3f", (try? Metrics.rSquared(predictions: predictions, targets: targets)) ?? .nan))",
                              xLabel: "true", yLabel: "predicted", width: 440, height: 400)
        try? scatter.addPoints(x: truth, y: guess, label: "predicted vs true")
        try? scatter.addLine(x: [low, high], y: [low, high], label: "y = x", color: SVGPlot.palette[3])
        let residuals = zip(guess, truth).map { $0 - $1 }
        let bins = 20
        let (rLow, rHigh) = (residuals.min()!, residuals.max()!)
        let step = max((rHigh - rLow) / Float(bins), 1e-9)
        var counts = [Int](repeating: 0, count: bins)
        for r in residuals { counts[min(bins - 1, Int((r - rLow) / step))] += 1 }
        var histogram = SVGPlot(title: "residuals (predicted − true)", xLabel: "residual", yLabel: "examples", width: 440, height: 400)
        // Bars as closed outlines: up the left edge, across, down the right edge of each bin.
        var xs: [Float] = [], ys: [Float] = []
        for (bin, count) in counts.enumerated() {
            let (a, b) = (rLow + Float(bin) * step, rLow + Float(bin + 1) * step)
            xs += [a, a, b, b]
            ys += [0, Float(count), Float(count), 0]
        }
        try? histogram.addLine(x: xs, y: ys, label: "", color: SVGPlot.palette[0])
        return SVGPlot.document([scatter, histogram])
    }

    /// Blue for the diagonal (right), red elsewhere (mistakes), darker with a larger share.
    private static func shade(_ share: Double, correct: Bool) -> String {
        let t = min(max(share, 0), 1)
        let (r, g, b) = correct ? (255 - 222 * t, 255 - 153 * t, 255 - 75 * t) : (255 - 41 * t, 255 - 216 * t, 255 - 215 * t)
        return "rgb(\(Int(r)),\(Int(g)),\(Int(b)))"
    }

    private static func document(width: Double, height: Double, body: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(number(width))\" height=\"\(number(height))\" "
            + "font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
            + body + "</svg>\n"
    }
}
