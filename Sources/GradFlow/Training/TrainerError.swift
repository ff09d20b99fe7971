/// A training loop was set up with arguments that cannot work; each case says what to change.
public enum TrainerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The graph has no scalar loss to minimise.
    case noLoss
    /// A node given to the trainer is not part of its graph.
    case nodeNotInGraph(node: String)
    /// An input whose first dimension is not the batch dimension, so batches cannot be fed.
    case inputWithoutBatchDimension(input: String, declared: String)
    /// Data whose per-example shape does not fit the input it is fed to.
    case dataShapeMismatch(input: String, declared: String, found: [Int])
    /// A number of epochs below 1.
    case invalidEpochs(Int)
    /// No batch to train on: an empty data set, or fewer examples than one batch with `dropLast`.
    case noBatches(examples: Int, batchSize: Int, dropLast: Bool)

    public var description: String {
        switch self {
        case .noLoss:
            return "the graph has no loss to minimise; build it with `Graph(loss:)`"
        case .nodeNotInGraph(let node):
            return "node '\(node)' is not part of the graph being trained; pass a node the loss depends on"
        case let .inputWithoutBatchDimension(input, declared):
            return "input '\(input)' is declared \(declared); declare its first dimension as `.batch` to feed batches"
        case let .dataShapeMismatch(input, declared, found):
            return "input '\(input)' is declared \(declared) but the data has shape \(found)"
        case .invalidEpochs(let epochs):
            return "epochs = \(epochs) is invalid: expected at least 1"
        case let .noBatches(examples, batchSize, dropLast):
            return "no batch to train on: \(examples) examples, batch size \(batchSize)"
                + (dropLast ? " with dropLast (use a smaller batch or keep the last short batch)" : "")
        }
    }
}
