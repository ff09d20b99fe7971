import Foundation
import GradFlow

/// `gradflow predict FILE --weights W --input data.csv|x.npy [--logits] [--precision N]`: predictions as CSV on
/// standard output — for a classifier the class and its probabilities (softmax rows, or the sigmoid of
/// a binary classifier's one logit), for regression the values; `--logits` prints the raw outputs.
enum PredictCommand {
    static func run(_ arguments: [String]) throws {
        let options = try CommandOptions(arguments, accepted: ["weights", "input", "seed", "precision"], flags: ["logits"], command: "predict")
        let path = try options.graphFile("predict")
        guard let weights = options.values["weights"], let input = options.values["input"] else {
            throw CommandError.usage("'predict' needs --weights W.safetensors (or .npz) and --input data.csv (or x.npy)")
        }
        let precision = try options.integer("precision", minimum: 0)
        // The standardisation statistics come from the checkpoint (`train --save` stores them); only
        // a file without them, whose data is standardised, makes predict load the training data.
        var stored: [String: String] = [:]   // an .npz archive holds arrays only
        if !weights.lowercased().hasSuffix(".npz") {
            do { stored = try Checkpoint.readContents(from: weights).metadata } catch { throw CommandError.runtime("\(error)") }
        }
        let seed = try options.integer("seed", minimum: 0).map { UInt64($0) }
        let file = try GraphFile.load(path: path, seed: seed)
        var needsData = false
        if case .csv(_, _, let standardize, let standardizeTarget, _)? = file.data?.source {
            needsData = (standardize && stored[GraphSession.featureScalerKey] == nil)
                || (standardizeTarget && stored[GraphSession.targetScalerKey] == nil)
        }
        var session = try GraphSession(file: file, log: .silent, loadsData: needsData)
        if !needsData {
            session.data.featureScaler = try stored[GraphSession.featureScalerKey].map { try scaler($0, weights) }
            session.data.targetScaler = try stored[GraphSession.targetScalerKey].map { try scaler($0, weights) }
        }
        try session.loadWeights(weights)
        let featuresInput = try session.file.featuresInput()
        let width = Array(featuresInput.shape.dropFirst()).resolved(batchSize: 1).reduce(1, *)
        let kind: Output = options.flags.contains("logits") || !session.file.metric.isClassification ? .values
            : session.file.output is Sigmoid ? .probability
            : session.file.metric == .binaryAccuracy ? .binaryLogits : .logits
        // Streamed: chunks of rows are read, predicted on the planned path and printed, so memory
        // stays bounded by one chunk whatever the file's size.
        let predictor = try InferenceSession(graph: session.file.graph, input: featuresInput, output: session.file.output).makePredictor()
        var targets: [String] = []
        if case .csv(_, let columns, _, _, _)? = session.file.data?.source { targets = columns }
        var predictions = Tensor.zeros([0])
        var (rows, header) = (0, true)
        let clock = ContinuousClock(), started = clock.now
        let predictChunk = { (chunk: Tensor) throws in
            let columns = chunk.rank == 2 ? chunk.shape[1] : 0
            guard columns == width else {
                throw CommandError.runtime("\(input): each row has \(columns) feature column\(columns == 1 ? "" : "s"), but the graph's input "
                                           + "'\(featuresInput.name)' takes \(width) (\(path))")
            }
            let features = try session.data.featureScaler.map { try $0.transform(chunk) } ?? chunk
            try predictor.predict(try features.reshaped([chunk.shape[0]] + Array(featuresInput.shape.dropFirst()).resolved(batchSize: 1)),
                                  into: &predictions)
            if let scaler = session.data.targetScaler, predictions.rank == 2, predictions.shape[1] == scaler.mean.count {
                predictions = try scaler.inverseTransform(predictions)
            }
            print(csv(predictions, as: kind, precision: precision, header: header), terminator: "")
            (rows, header) = (rows + chunk.shape[0], false)
        }
        if input.lowercased().hasSuffix(".npy") {   // one array: [n, …] examples, flattened row-major
            let array = try NPYFile.read(path: input)
            guard let count = array.shape.first else { throw CommandError.runtime("\(input): a scalar is not a batch of examples") }
            try predictChunk(try array.tensor.reshaped([count, count == 0 ? 0 : array.elements.count / count]))
        } else {
            try CSVReader.forEachChunk(path: input, excluding: targets, rows: chunkRows) { chunk, _ in try predictChunk(chunk) }
        }
        let elapsed = (clock.now - started).components
        let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18
        writeError("predicted \(rows) rows in \(fixedText(Float(seconds), 3)) s (\(Int(Double(rows) / max(seconds, 1e-9))) rows/s)")
    }

    /// Rows read and predicted at a time.
    static let chunkRows = 8192

    private static func scaler(_ text: String, _ weights: String) throws -> Standardizer {
        guard let scaler = Standardizer(encoded: text) else {
            throw CommandError.runtime("\(weights): the stored standardisation statistics are malformed")
        }
        return scaler
    }

    /// What the prediction columns are.
    enum Output {
        /// Raw outputs (regression, or `--logits`).
        case values
        /// Classifier logits: softmax rows, or one binary logit (sigmoid).
        case logits
        /// Independent binary logits, one per column (multi-label `binary_cross_entropy`).
        case binaryLogits
        /// Columns that are already probabilities of their own (the graph ends in a sigmoid).
        case probability
    }

    /// One line per row: `class,p0,p1,…` for a multi-class classifier, `class,probability` for a
    /// binary one, `class0,…,p0,…` for a multi-label one, else the values (`y0,y1,…` or `prediction`);
    /// the header line only when `header`. Numbers with `precision` decimals,
    /// or in full (Swift's shortest exact form) when nil.
    static func csv(_ predictions: Tensor, as kind: Output, precision: Int?, header: Bool = true) -> String {
        let rows = predictions.shape.first ?? 0
        let width = rows > 0 ? predictions.count / rows : (predictions.shape.dropFirst().first ?? 1)
        func number(_ value: Float) -> String { precision.map { fixedText(value, $0) } ?? "\(value)" }
        var lines: [String] = []
        let independent = kind == .binaryLogits || kind == .probability || width == 1
        switch kind {
        case _ where !header: break
        case .values: lines.append((0..<width).map { width == 1 ? "prediction" : "y\($0)" }.joined(separator: ","))
        case _ where width == 1: lines.append("class,probability")
        case _ where independent: lines.append(((0..<width).map { "class\($0)" } + (0..<width).map { "p\($0)" }).joined(separator: ","))
        default: lines.append((["class"] + (0..<width).map { "p\($0)" }).joined(separator: ","))
        }
        for row in 0..<rows {
            let values = Array(predictions.scalars[(row * width)..<((row + 1) * width)])
            switch kind {
            case .values:
                lines.append(values.map(number).joined(separator: ","))
            case _ where independent:
                let probabilities = kind == .probability ? values : values.map { Float(1 / (1 + exp(-Double($0)))) }
                lines.append((probabilities.map { $0 > 0.5 ? "1" : "0" } + probabilities.map(number)).joined(separator: ","))
            default:
                let top = values.max() ?? 0
                let exps = values.map { Float(exp(Double($0 - top))) }
                let total = exps.reduce(0, +)
                let best = values.indices.max { values[$0] < values[$1] } ?? 0
                lines.append(([String(best)] + exps.map { number($0 / total) }).joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
