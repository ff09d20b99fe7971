import Foundation
import GradFlow

/// `gradflow train FILE [--epochs N] [--batch N] [--seed S] [--save W] [--plot loss.svg]`.
enum TrainCommand {
    static func run(_ arguments: [String]) throws {
        let options = try CommandOptions(arguments, accepted: ["epochs", "batch", "seed", "save", "plot"], command: "train")
        let path = try options.graphFile("train")
        let seed = try options.integer("seed", minimum: 0).map { UInt64($0) }
        let session = try GraphSession(path: path, seed: seed, log: .standardOutput)
        let spec = session.file.training
        let epochs = try options.integer("epochs") ?? spec.epochs
        let batch = try options.integer("batch") ?? spec.batchSize
        print("\(path): \(session.data.train.count) training / \(session.data.test.count) held-out examples, "
              + "\(spec.optimizer) \(describe(spec.hyperparameters)), \(epochs) epochs, batch \(batch), seed \(session.seed)")
        session.file.setTraining(true)
        let history: History
        do {
            history = try session.trainer.fit(session.data.train, epochs: epochs, batchSize: batch, shuffleSeed: session.seed,
                                              validation: session.data.test, metric: session.file.metric)
        } catch {
            throw GraphFileError(.runtime("training failed: \(error)"), at: spec.location ?? session.file.location(of: session.file.loss))
        }
        for line in try session.evaluationLines() { print(line) }
        if let save = options.values["save"] {
            var tensors: [String: Tensor] = [:]
            for parameter in session.file.parameters { tensors[parameter.name] = parameter.value }
            try Checkpoint.write(tensors: tensors, metadata: ["graph": path, "epochs": String(history.epochs)], to: save)
            print("saved \(tensors.count) tensors to \(save)")
        }
        if let plot = options.values["plot"] {
            do { try LossPlot.svg(history).write(toFile: plot, atomically: true, encoding: .utf8) } catch {
                throw CommandError.runtime("cannot write \(plot): \(error.localizedDescription)")
            }
            print("wrote the loss curve to \(plot)")
        }
    }

    static func describe(_ hyperparameters: [String: Double]) -> String {
        "(" + hyperparameters.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + ")"
    }
}

/// `gradflow eval FILE --weights W`.
enum EvalCommand {
    static func run(_ arguments: [String]) throws {
        let options = try CommandOptions(arguments, accepted: ["weights", "seed"], command: "eval")
        let path = try options.graphFile("eval")
        guard let weights = options.values["weights"] else { throw CommandError.usage("'eval' needs --weights W.safetensors") }
        let session = try GraphSession(path: path, seed: try options.integer("seed", minimum: 0).map { UInt64($0) }, log: .silent)
        try session.loadWeights(weights)
        for line in try session.evaluationLines() { print(line) }
    }
}

/// A minimal SVG line chart of the training (and validation) loss per epoch.
enum LossPlot {
    static func svg(_ history: History) -> String {
        let (width, height, margin) = (640.0, 400.0, 50.0)
        let series = [(history.loss, "#1f77b4", "train loss"), (history.validationLoss, "#ff7f0e", "validation loss")].filter { !$0.0.isEmpty }
        let all = series.flatMap(\.0).filter(\.isFinite)
        let (low, high) = (Double(all.min() ?? 0), Double(all.max() ?? 1))
        let span = high > low ? high - low : 1
        let count = max(history.loss.count - 1, 1)
        var parts = ["<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\">",
                     "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>",
                     "<text x=\"\(Int(width / 2))\" y=\"24\" text-anchor=\"middle\" font-family=\"sans-serif\">loss per epoch</text>"]
        for (index, (values, color, label)) in series.enumerated() {
            let points = values.enumerated().compactMap { epoch, value -> String? in
                guard value.isFinite else { return nil }
                let x = margin + Double(epoch) / Double(count) * (width - 2 * margin)
                let y = height - margin - (Double(value) - low) / span * (height - 2 * margin)
                return "\(Int(x)),\(Int(y))"
            }
            parts.append("<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" points=\"\(points.joined(separator: " "))\"/>")
            parts.append("<text x=\"\(Int(width - margin))\" y=\"\(40 + 16 * index)\" text-anchor=\"end\" fill=\"\(color)\" font-family=\"sans-serif\" font-size=\"12\">\(label)</text>")
        }
        parts.append("<text x=\"8\" y=\"\(Int(margin))\" font-family=\"sans-serif\" font-size=\"11\">\(high)</text>")
        parts.append("<text x=\"8\" y=\"\(Int(height - margin))\" font-family=\"sans-serif\" font-size=\"11\">\(low)</text>")
        return (parts + ["</svg>"]).joined(separator: "\n") + "\n"
    }
}
