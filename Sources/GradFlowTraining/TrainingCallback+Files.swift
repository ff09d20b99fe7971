import Foundation
import GradFlowCore
import GradFlowStorage

/// Saves the parameters (a safetensors weights file, written atomically) after an epoch — with
/// `bestOnly`, only when the monitored value improved, so the file always holds the best epoch so far.
public final class ModelCheckpoint: TrainingCallback {
    /// Where the weights go, what is watched, and whether only improvements are written.
    public let path: String, monitor: MonitoredValue, bestOnly: Bool
    /// The best value written and its epoch (0: nothing written yet).
    public private(set) var best: Float?, bestEpoch = 0

    /// Creates the callback.
    public init(path: String, monitor: MonitoredValue = .validationLoss, bestOnly: Bool = true) {
        (self.path, self.monitor, self.bestOnly) = (path, monitor, bestOnly)
    }

    /// Writes the parameters when the epoch improved (or always, without `bestOnly`).
    /// - Throws: `CheckpointError.unwritable`.
    public func epochEnded(_ epoch: Int, history: History, trainer: Trainer) throws {
        if bestOnly {
            guard let (value, higher) = monitor.latest(in: history),
                  MonitoredValue.improves(value, on: best, minDelta: 0, higherIsBetter: higher) else { return }
            best = value
        }
        bestEpoch = epoch
        var tensors: [String: Tensor] = [:]
        for parameter in trainer.graph.parameters { tensors[parameter.name] = parameter.value }
        try Checkpoint.write(tensors: tensors, metadata: ["gradflow.epoch": String(epoch)], to: path)
    }
}

/// Appends one line per epoch to a file: CSV (`epoch,loss,val_loss,val_<metric>,seconds` with a header)
/// or JSON lines (`{"epoch": 1, "loss": …}`), flushed after each line so a crash loses nothing written.
public final class HistoryLogger: TrainingCallback {
    /// The file's format.
    public enum Format: Sendable { case csv, jsonLines }
    /// The file and its format.
    public let path: String, format: Format
    private var handle: FileHandle?

    /// Creates the logger; the file is created (or emptied) at the first epoch.
    public init(path: String, format: Format = .csv) { (self.path, self.format) = (path, format) }

    /// Writes epoch `epoch`'s line.
    /// - Throws: `CheckpointError.unwritable` when the file cannot be created or written.
    public func epochEnded(_ epoch: Int, history: History, trainer: Trainer) throws {
        if handle == nil {
            guard FileManager.default.createFile(atPath: path, contents: nil), let opened = FileHandle(forWritingAtPath: path) else {
                throw CheckpointError.unwritable(file: path, reason: "cannot create the history file")
            }
            handle = opened
            if format == .csv {
                opened.write(Data(("epoch,loss,val_loss," + (history.metric.map { "val_" + $0.shortName } ?? "val_metric") + ",seconds\n").utf8))
            }
        }
        let index = epoch - 1
        func field(_ values: [Float]) -> String { index < values.count ? "\(values[index])" : "" }
        let seconds = index < history.epochSeconds.count ? "\(history.epochSeconds[index])" : ""
        let line: String
        switch format {
        case .csv:
            line = "\(epoch),\(field(history.loss)),\(field(history.validationLoss)),\(field(history.validationMetric)),\(seconds)\n"
        case .jsonLines:
            func json(_ text: String) -> String { text.isEmpty ? "null" : text }
            line = "{\"epoch\": \(epoch), \"loss\": \(json(field(history.loss))), \"val_loss\": \(json(field(history.validationLoss))), "
                + "\"val_metric\": \(json(field(history.validationMetric))), \"seconds\": \(json(seconds))}\n"
        }
        handle?.write(Data(line.utf8))
        try? handle?.synchronize()
    }

    deinit { try? handle?.close() }
}
