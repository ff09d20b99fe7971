import Foundation
import GradFlow

/// A graph file loaded with its data and a trainer: what `train`, `eval` and `predict` share.
struct GraphSession {
    let file: GraphFile
    var data: LoadedData
    let trainer: Trainer
    let seed: UInt64

    /// Loads `path`, its data source (unless `loadsData` is false: `predict` with the statistics it
    /// needs stored in the checkpoint) and a trainer over it.
    /// - Throws: `GraphFileError` (data problems are reported at the `data` statement).
    init(path: String, seed: UInt64?, log: TrainerLog, loadsData: Bool = true) throws {
        try self.init(file: try GraphFile.load(path: path, seed: seed), log: log, loadsData: loadsData)
    }

    /// A session over an already loaded graph file.
    init(file: GraphFile, log: TrainerLog, loadsData: Bool = true) throws {
        self.file = file
        self.seed = file.training.seed
        guard let source = file.data else {
            throw GraphFileError(.missingStatement("the file has no 'data' statement; add one such as 'data xor' or 'data csv(\"data/iris.csv\", target: \"species\")'"),
                                 at: SourceLocation(file: file.fileName, line: 1, column: 1))
        }
        if loadsData {
            do { data = try source.source.load(seed: self.seed, labels: file.labelRule) } catch {
                throw GraphFileError(.runtime("cannot load the data: \(error)"), at: source.location)
            }
        } else {
            let none = try Dataset(features: Tensor.zeros([0, 0]), labels: Tensor.zeros([0]))
            data = LoadedData(train: none, test: none)
        }
        let optimizer = try file.training.makeOptimizer()
        do {
            trainer = try Trainer(graph: file.graph, features: try file.featuresInput(), labels: try file.labelsInput(),
                                  prediction: file.output, optimizer: optimizer, log: log)
        } catch let error as GraphFileError {
            throw error
        } catch {
            throw GraphFileError(.runtime("\(error)"), at: file.location(of: file.loss))
        }
        // The data must fit the graph's inputs: said here, naming where the data came from.
        for (set, name) in [(data.train, "training"), (data.test, "held-out")] where loadsData {
            do { try trainer.check(set) } catch {
                throw GraphFileError(.runtime("the \(name) examples from \(source.source.origin) do not fit the graph: \(error)"), at: source.location)
            }
        }
    }

    /// Loss and metric on the training and held-out data, dropout off.
    func evaluations() throws -> (train: Trainer.Evaluation, test: Trainer.Evaluation) {
        let batch = max(file.training.batchSize, 256)
        return (try trainer.evaluate(data.train, metric: file.metric, batchSize: batch),
                try trainer.evaluate(data.test, metric: file.metric, batchSize: batch))
    }

    /// `evaluations()` as two aligned lines (4 decimals).
    func evaluationLines() throws -> [String] {
        let (train, test) = try evaluations()
        func line(_ name: String, _ result: Trainer.Evaluation, _ count: Int) -> String {
            "\(name): loss \(fixedText(result.loss, 4))  \(file.metric.shortName) \(fixedText(result.metric ?? .nan, 4))  (\(count) examples)"
        }
        return [line("train", train, data.train.count), line("test ", test, data.test.count)]
    }

    /// The evaluation report of the held-out predictions (`EvaluationReport`): a classification
    /// report (with mistakes drawn when the examples are images) or a regression one.
    func reportSVG() throws -> String {
        let (_, test) = try evaluations()
        let title = file.fileName.split(separator: "/").last.map(String.init) ?? file.fileName
        let width = test.predictions.count / max(test.predictions.shape.first ?? 1, 1)
        guard file.metric.isClassification, file.metric == .accuracy || width == 1 else {
            // In the data's own units when the targets were standardised for training.
            var (predictions, targets) = (test.predictions, data.test.labels)
            if let scaler = data.targetScaler, scaler.mean.count == width {
                let columns = [predictions.shape[0], width]
                predictions = try scaler.inverseTransform(try predictions.reshaped(columns))
                targets = try scaler.inverseTransform(try targets.reshaped(columns))
            }
            return try EvaluationReport.regression(predictions: predictions, targets: targets, title: title)
        }
        let probabilities = EvaluationReport.probabilities(test.predictions, isProbability: file.output is Sigmoid || file.output is Softmax)
        let labels = data.test.labels.scalars.map { Int($0.rounded()) }
        let pixels = data.test.features.count / max(data.test.count, 1)
        let side = Int(Double(pixels).squareRoot().rounded())
        var images: (pixels: Tensor, height: Int, width: Int)?
        if case .mnist? = file.data?.source { images = (data.test.features, 28, 28) }
        else if side * side == pixels, side >= 6 { images = (data.test.features, side, side) }
        return try EvaluationReport.classification(probabilities: probabilities, labels: labels, images: images, title: title)
    }

    /// `evaluations()` as one JSON object, numbers in full precision (`gradflow eval --json`):
    /// `{"graph": …, "weights": …, "metric": "accuracy", "train": {"loss": …, "accuracy": …, "examples": …}, "test": {…}}`.
    func evaluationJSON(graph: String, weights: String) throws -> String {
        let (train, test) = try evaluations()
        func number(_ value: Float?) -> String { value.map { $0.isFinite ? "\($0)" : "null" } ?? "null" }
        func part(_ result: Trainer.Evaluation, _ count: Int) -> String {
            "{\"loss\": \(number(result.loss)), \"\(file.metric.rawValue)\": \(number(result.metric)), \"examples\": \(count)}"
        }
        return "{\"graph\": \(graph.quotedLiteral), \"weights\": \(weights.quotedLiteral), \"metric\": \"\(file.metric.rawValue)\", "
            + "\"train\": \(part(train, data.train.count)), \"test\": \(part(test, data.test.count))}"
    }

    /// The metadata that lets `predict` standardise inputs without loading the training data:
    /// the fitted feature and target scalers, when the data source standardises.
    var scalerMetadata: [String: String] {
        var metadata: [String: String] = [:]
        if let scaler = data.featureScaler { metadata[GraphSession.featureScalerKey] = scaler.encoded }
        if let scaler = data.targetScaler { metadata[GraphSession.targetScalerKey] = scaler.encoded }
        return metadata
    }
    static let featureScalerKey = "gradflow.feature_scaler", targetScalerKey = "gradflow.target_scaler"

    /// Loads parameter values saved by `train --save` (or any safetensors file), matched by name.
    /// - Throws: `CommandError.runtime` naming every missing, unknown or mis-shaped tensor.
    func loadWeights(_ path: String) throws {
        do { try ParameterAssignment.load(from: path, into: file.parameters.map { ($0.name, $0) }) } catch {
            throw CommandError.runtime("\(error)")
        }
    }
}

/// `value` with `decimals` digits after the point.
func fixedText(_ value: Float, _ decimals: Int) -> String {
    guard value.isFinite else { return "\(value)" }
    var text = String(Double((Double(value) * pow10(decimals)).rounded()) / pow10(decimals))
    if let dot = text.firstIndex(of: ".") {
        let have = text.distance(from: dot, to: text.endIndex) - 1
        if have < decimals { text += String(repeating: "0", count: decimals - have) }
    }
    return text
}

private func pow10(_ n: Int) -> Double { (0..<n).reduce(1.0) { value, _ in value * 10 } }
