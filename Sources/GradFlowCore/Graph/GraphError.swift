/// Something about a graph or what was fed to it is wrong; each case names the nodes involved.
public enum GraphError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The nodes could not be ordered: they depend on each other in a loop.
    case cycle(nodes: [String])
    /// An input that the output depends on was not given a value.
    case missingFeed(input: String, consumer: String)
    /// A fed value's shape does not fit the input's declared shape.
    case feedShapeMismatch(input: String, declared: String, fed: [Int])
    /// Inputs fed with different batch sizes in one step.
    case inconsistentBatch(input: String, batch: Int, otherInput: String, otherBatch: Int)
    /// A node's operands have shapes it cannot combine (found when the graph is built).
    case shapeMismatch(node: String, detail: String)
    /// The graph has several end nodes and no loss was named, or the named loss is not a scalar.
    case ambiguousLoss(candidates: [String])
    /// A loss that is not a single number.
    case lossNotScalar(node: String, shape: String)
    /// An empty graph: nothing was fed or nothing depends on the fed inputs.
    case empty
    /// A training step on a graph that has no scalar loss.
    case noLoss
    /// A value computed from the data is invalid (e.g. a class label out of range).
    case invalidValue(node: String, detail: String)

    public var description: String {
        switch self {
        case .cycle(let nodes):
            return "the graph has a cycle: \(nodes.joined(separator: ", ")) depend on each other, so no order exists"
        case let .missingFeed(input, consumer):
            return "input '\(input)' (used by '\(consumer)') was not fed a value; add it to the feed dictionary"
        case let .feedShapeMismatch(input, declared, fed):
            return "input '\(input)' is declared \(declared) but was fed a tensor of shape \(fed)"
        case let .inconsistentBatch(input, batch, other, otherBatch):
            return "input '\(input)' was fed a batch of \(batch) but '\(other)' a batch of \(otherBatch); feed equal batches"
        case let .shapeMismatch(node, detail):
            return "node '\(node)': \(detail)"
        case .ambiguousLoss(let candidates):
            return "the graph ends in several nodes (\(candidates.joined(separator: ", "))); name the loss with `loss:`"
        case let .lossNotScalar(node, shape):
            return "the loss '\(node)' must be a single number, but its shape is \(shape)"
        case .noLoss:
            return "the graph has no loss to differentiate; build it with `Graph(loss:)` or pass `loss:`"
        case .empty:
            return "the graph is empty: feed at least one input that some node uses"
        case let .invalidValue(node, detail):
            return "node '\(node)': \(detail)"
        }
    }
}
