import GradFlow

/// A graph file loaded with its data and a trainer: what `train`, `eval` and `predict` share.
struct GraphSession {
    let file: GraphFile
    let data: LoadedData
    let trainer: Trainer
    let seed: UInt64

    /// Loads `path`, its data source and a trainer over it.
    /// - Throws: `GraphFileError` (data problems are reported at the `data` statement).
    init(path: String, seed: UInt64?, log: TrainerLog) throws {
        file = try GraphFile.load(path: path, seed: seed)
        self.seed = file.training.seed
        guard let source = file.data else {
            throw GraphFileError(.missingStatement("the file has no 'data' statement; add one such as 'data xor' or 'data csv(\"data/iris.csv\", target: \"species\")'"),
                                 at: SourceLocation(file: file.fileName, line: 1, column: 1))
        }
        do { data = try source.source.load(seed: self.seed) } catch {
            throw GraphFileError(.runtime("cannot load the data: \(error)"), at: source.location)
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
    }

    /// Loss and metric on the training and held-out data, dropout off.
    func evaluationLines() throws -> [String] {
        file.setTraining(false)
        defer { file.setTraining(true) }
        let metric = file.metric
        let batch = file.training.batchSize
        let train = try trainer.evaluate(data.train, metric: metric, batchSize: max(batch, 256))
        let test = try trainer.evaluate(data.test, metric: metric, batchSize: max(batch, 256))
        func line(_ name: String, _ result: Trainer.Evaluation, _ count: Int) -> String {
            "\(name): loss \(fixedText(result.loss, 4))  \(metric.shortName) \(fixedText(result.metric ?? .nan, 4))  (\(count) examples)"
        }
        return [line("train", train, data.train.count), line("test ", test, data.test.count)]
    }

    /// Loads parameter values saved by `train --save`, matched by name.
    /// - Throws: `CommandError.runtime` for a missing tensor or a shape that differs.
    func loadWeights(_ path: String) throws {
        let tensors = try Checkpoint.read(from: path)
        for parameter in file.parameters {
            guard let tensor = tensors[parameter.name] else {
                throw CommandError.runtime("\(path): no tensor named '\(parameter.name)' (it holds \(tensors.keys.sorted().joined(separator: ", ")))")
            }
            guard tensor.shape == parameter.value.shape else {
                throw CommandError.runtime("\(path): '\(parameter.name)' has shape \(tensor.shape), but the graph declares \(parameter.value.shape)")
            }
            parameter.value = tensor
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
