/// A static computation graph: every node reachable from its outputs, in Kahn topological order,
/// with shapes inferred and checked when it is built and buffers planned once per batch size.
///
/// The MiniFlow training loop, in Swift:
/// ```swift
/// let graph = try Graph.topologicalSort(feedDict: [X: xBatch, y: yBatch])
/// let sgd = try SGD(learningRate: 0.1)
/// for _ in 0..<1000 {
///     X.value = nextX; y.value = nextY
///     let loss = try graph.forwardAndBackward()
///     sgd.update(graph.trainables)
/// }
/// ```
/// A graph is meant for one thread at a time (its nodes hold the buffers it computes into).
public final class Graph {
    /// Every node, in a topological order: each node after all of its inbound nodes.
    public let nodes: [Node]
    /// The node whose value the backward pass differentiates (a scalar); nil for an inference-only
    /// graph whose outputs are not scalars.
    public let loss: Node?
    /// The trainable parameters, in graph order (what an optimizer updates).
    public let trainables: [Parameter]
    /// Every parameter, trainable or not (buffers such as running statistics), in graph order: the
    /// tensors checkpoints save and load by name.
    public let parameters: [Parameter]
    /// The data inputs (non-trainable), in graph order.
    public let inputs: [Input]
    /// The ancestors of the loss in topological order: what a training step evaluates.
    package let lossOrder: [Node]
    /// Training mode (dropout drops) or evaluation mode (dropout is the identity): one switch for
    /// the whole run, pushed to every node (`Node.isTraining`). Trainers and sessions set it; a new
    /// graph starts in training mode.
    public var isTraining = true {
        didSet { for node in nodes { node.isTraining = isTraining } }
    }
    /// Whether stochastic nodes reuse their last random draw (gradient checks, repeatable
    /// evaluations); pushed to every node (`Node.replaysRandomDraws`).
    public var replaysRandomDraws = false {
        didSet { for node in nodes { node.replaysRandomDraws = replaysRandomDraws } }
    }

    /// Builds the graph of everything `outputs` depend on. `loss` is the node the backward pass
    /// differentiates; when it is not given, a single scalar output is the loss, and a single
    /// non-scalar output makes an inference-only graph.
    /// - Throws: `GraphError.cycle`, `.shapeMismatch` (a node's operands do not fit),
    ///   `.ambiguousLoss`, `.lossNotScalar`, `.empty`.
    public init(outputs: [Node], loss: Node? = nil) throws {
        guard !outputs.isEmpty else { throw GraphError.empty }
        if loss == nil && outputs.count > 1 {
            throw GraphError.ambiguousLoss(candidates: outputs.map { $0.name.isEmpty ? $0.kind : $0.name })
        }
        let roots = loss.map { outputs.contains($0) ? outputs : outputs + [$0] } ?? outputs
        nodes = try Graph.kahnOrder(reaching: roots)
        for node in nodes { (node.isTraining, node.replaysRandomDraws) = (true, false) }
        Graph.assignNames(nodes)
        try Graph.inferShapes(nodes)
        let chosenLoss = loss ?? (outputs[0].shape.isEmpty ? outputs[0] : nil)
        if let chosenLoss, !chosenLoss.shape.isEmpty {
            throw GraphError.lossNotScalar(node: chosenLoss.name, shape: chosenLoss.shape.text)
        }
        self.loss = chosenLoss
        parameters = nodes.compactMap { $0 as? Parameter }
        trainables = parameters.filter(\.isTrainable)
        inputs = nodes.compactMap { $0 is Parameter ? nil : $0 as? Input }
        if let chosenLoss {
            let ancestors = Graph.ancestors(of: chosenLoss)
            lossOrder = nodes.filter { ancestors.contains(ObjectIdentifier($0)) }
        } else {
            lossOrder = []
        }
    }

    /// Builds the graph ending in `loss`.
    /// - Throws: see `init(outputs:loss:)`.
    public convenience init(loss: Node) throws {
        try self.init(outputs: [loss], loss: loss)
    }

    /// MiniFlow's `topological_sort(feed_dict)`: sets each fed input's value, finds every node that
    /// depends on the fed inputs (and everything those need), and sorts them with Kahn's algorithm.
    ///
    /// The order is deterministic: it depends only on the graph's structure and the inputs' names,
    /// never on dictionary order.
    /// - Parameters:
    ///   - feedDict: a value for each input (trainable parameters may be included to set them).
    ///   - loss: the node to differentiate; needed only when the graph ends in several nodes.
    /// - Throws: `GraphError` (see `init(outputs:loss:)`).
    public static func topologicalSort(feedDict: [Input: Tensor], loss: Node? = nil) throws -> Graph {
        for (input, value) in feedDict { input.value = value }
        let starts = feedDict.keys.sorted { $0.name < $1.name }
        let sinks = Graph.sinks(downstreamOf: starts)
        guard !sinks.isEmpty else { throw GraphError.empty }
        return try Graph(outputs: sinks, loss: loss)
    }

    /// The end nodes (no consumers) reachable from `starts` through outbound links, in discovery order.
    private static func sinks(downstreamOf starts: [Node]) -> [Node] {
        var seen = Set<ObjectIdentifier>()
        var queue: [Node] = []
        var head = 0
        for node in starts where seen.insert(ObjectIdentifier(node)).inserted { queue.append(node) }
        var sinks: [Node] = []
        while head < queue.count {
            let node = queue[head]
            head += 1
            let consumers = node.outboundNodes
            if consumers.isEmpty && !(node is Input) { sinks.append(node) }
            for consumer in consumers where seen.insert(ObjectIdentifier(consumer)).inserted {
                queue.append(consumer)
            }
        }
        return sinks
    }

    /// The identities of `node` and everything it depends on.
    package static func ancestors(of node: Node) -> Set<ObjectIdentifier> {
        var seen: Set<ObjectIdentifier> = [ObjectIdentifier(node)]
        var stack = [node]
        while let current = stack.popLast() {
            for inbound in current.inboundNodes where seen.insert(ObjectIdentifier(inbound)).inserted {
                stack.append(inbound)
            }
        }
        return seen
    }

    /// Gives every node without an explicit name its kind and a number (`linear1`, `relu2`, …).
    private static func assignNames(_ nodes: [Node]) {
        var counts: [String: Int] = [:]
        for node in nodes where !node.hasExplicitName {
            counts[node.kind, default: 0] += 1
            node.name = "\(node.kind)\(counts[node.kind, default: 0])"
        }
    }

    /// Infers every node's shape in order and marks which nodes need gradients.
    private static func inferShapes(_ nodes: [Node]) throws {
        for node in nodes {
            node.needsGradient = node.isTrainable || node.inboundNodes.contains { $0.needsGradient }
            if node is Input { continue }
            do {
                node.shape = try node.outputShape(for: node.inboundNodes.map(\.shape))
            } catch let error as ShapeError {
                throw GraphError.shapeMismatch(node: node.name, detail: error.description)
            }
        }
    }
}

extension Graph: CustomStringConvertible {
    /// The nodes in Kahn order, one per line: name, operation, shape, and for parameters their
    /// element count; then the total (`print(graph)`).
    public var description: String {
        var lines = ["Graph: \(nodes.count) nodes, \(trainables.count) parameters (\(trainables.reduce(0) { $0 + $1.value.count }) values)"
                     + (loss.map { ", loss '\($0.name)'" } ?? "")]
        let width = nodes.map(\.name.count).max() ?? 0
        for node in nodes {
            let count = node is Parameter ? "  \(node.value.count) values" : ""
            lines.append("  " + node.name + String(repeating: " ", count: width - node.name.count) + "  \(node.kind) \(node.shape.text)\(count)")
        }
        return lines.joined(separator: "\n")
    }
}
