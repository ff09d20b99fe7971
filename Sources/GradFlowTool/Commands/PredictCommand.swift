import Foundation
import GradFlow

/// `gradflow predict FILE --weights W --input data.csv`: predictions as CSV on standard output.
enum PredictCommand {
    static func run(_ arguments: [String]) throws {
        let options = try CommandOptions(arguments, accepted: ["weights", "input", "seed"], command: "predict")
        let path = try options.graphFile("predict")
        guard let weights = options.values["weights"], let input = options.values["input"] else {
            throw CommandError.usage("'predict' needs --weights W.safetensors and --input data.csv")
        }
        let session = try GraphSession(path: path, seed: try options.integer("seed", minimum: 0).map { UInt64($0) }, log: .silent)
        try session.loadWeights(weights)
        var features = try readFeatures(input, source: session.file.data?.source)
        if let scaler = session.data.featureScaler { features = try scaler.transform(features) }
        session.file.setTraining(false)
        var predictions = try session.trainer.predict(features)
        if let scaler = session.data.targetScaler, predictions.rank == 2, predictions.shape[1] == 1 {
            predictions = try scaler.inverseTransform(predictions)
        }
        print(csv(predictions, classify: session.file.metric == .accuracy), terminator: "")
    }

    /// The feature rows of a CSV file: every column except the graph's CSV target, when present
    /// (the same reader, quoting and line rules as training).
    private static func readFeatures(_ path: String, source: DataSource?) throws -> Tensor {
        var target: String?
        if case .csv(_, let column, _, _, _)? = source { target = column }
        return try CSVReader.loadFeatures(path: path, excluding: target)
    }

    /// One line per row: for a classifier `class,p0,p1,…` (softmax of the logits), else the values.
    static func csv(_ predictions: Tensor, classify: Bool) -> String {
        let rows = predictions.shape.first ?? 0
        let width = rows > 0 ? predictions.count / rows : 0
        var lines: [String] = []
        if classify && width > 1 {
            lines.append((["class"] + (0..<width).map { "p\($0)" }).joined(separator: ","))
        } else {
            lines.append((0..<width).map { width == 1 ? "prediction" : "y\($0)" }.joined(separator: ","))
        }
        for row in 0..<rows {
            let values = Array(predictions.scalars[(row * width)..<((row + 1) * width)])
            if classify && width > 1 {
                let top = values.max() ?? 0
                let exps = values.map { _expFloat($0 - top) }
                let total = exps.reduce(0, +)
                let best = values.indices.max { values[$0] < values[$1] } ?? 0
                lines.append(([String(best)] + exps.map { fixedText($0 / total, 4) }).joined(separator: ","))
            } else {
                lines.append(values.map { "\($0)" }.joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

private func _expFloat(_ x: Float) -> Float { Float(exp(Double(x))) }
