/// A private, forward-only copy of a trained graph, so predictions can run on several threads at
/// once: one session per thread.
///
/// Thread safety in GradFlow: `Tensor`, `RandomGenerator`, `History`, `OptimizerState`,
/// `TrainingState` and every error type are `Sendable` values that any thread may share. `Node`,
/// `Graph`, `GraphFile`, `Sequential`, `Trainer` and the optimizers are reference types that hold
/// the buffers they compute into, so each is for one thread at a time — two threads calling
/// `predict` on the same model would race on its planned buffers. An `InferenceSession` solves that
/// by copying the nodes the output depends on (never the loss) into a new graph with its own
/// buffers; the copied parameters share the trained weights' storage by value (`Tensor` is
/// copy-on-write, so the copy is cheap and later training of the original does not change it).
///
/// ```swift
/// let sessions = try (0..<4).map { _ in try InferenceSession(model: model) }   // on one thread
/// DispatchQueue.concurrentPerform(iterations: 4) { index in
///     results[index] = try? sessions[index].predict(batches[index])              // one per thread
/// }
/// ```
/// Creating a session only reads the source graph, so sessions may also be made concurrently while
/// nothing trains or feeds the source. A session is itself for one thread at a time.
public final class InferenceSession {
    /// The copied features input (`[.batch, …]`).
    public let input: Input
    /// The copied output node.
    public let output: Node
    /// The copied graph: the output and everything it depends on.
    public let graph: Graph

    /// Copies the part of `graph` that `output` depends on.
    /// - Parameters:
    ///   - graph: a built (e.g. trained) graph.
    ///   - input: the input fed with examples; the only input that is fed at `predict`.
    ///   - output: the prediction node.
    /// - Throws: `GraphError.missingFeed` when `input` or `output` is not in `graph` (naming it),
    ///   `.invalidValue` for a node kind that cannot be copied (a custom `Node` subclass that does
    ///   not adopt `InferenceCopyable`), or an error rebuilding the copy.
    public init(graph: Graph, input: Input, output: Node) throws {
        guard graph.nodes.contains(output) else {
            throw GraphError.missingFeed(input: output.name, consumer: "the session's graph (the output is not part of it)")
        }
        guard graph.nodes.contains(input) else {
            throw GraphError.missingFeed(input: input.name, consumer: "the session's graph (the input is not part of it)")
        }
        let needed = Graph.ancestors(of: output)
        var copies: [ObjectIdentifier: Node] = [:]
        for node in graph.nodes where needed.contains(ObjectIdentifier(node)) {
            let operands = node.inboundNodes.map { copies[ObjectIdentifier($0)] ?? $0 }
            copies[ObjectIdentifier(node)] = try InferenceSession.copy(node, operands: operands)
        }
        guard let copiedOutput = copies[ObjectIdentifier(output)] else {
            throw GraphError.missingFeed(input: output.name, consumer: "the session's graph")
        }
        guard let copiedInput = copies[ObjectIdentifier(input)] as? Input else {
            throw GraphError.missingFeed(input: input.name, consumer: "'\(output.name)' (the output does not depend on it)")
        }
        self.graph = try Graph(outputs: [copiedOutput], loss: nil)
        self.input = copiedInput
        self.output = copiedOutput
    }

    /// Copies a built `Sequential` model's input-to-output graph (without its loss).
    /// - Throws: `ModelError.notBuilt` before the model's first build or `fit`; see `init(graph:input:output:)`.
    public convenience init(model: Sequential) throws {
        guard let graph = model.graph, let input = model.input, let output = model.output else { throw ModelError.notBuilt }
        try self.init(graph: graph, input: input, output: output)
    }

    /// The outputs for `examples` (`[n] + the input's per-example shape`), forward only, in batches
    /// of `batchSize`; dropout is the identity here.
    /// - Returns: `[n] + the output's per-example shape`.
    /// - Throws: `DataError.invalidBatchSize`, `GraphError.feedShapeMismatch` when the examples do
    ///   not fit the input.
    public func predict(_ examples: Tensor, batchSize: Int = 256) throws -> Tensor {
        guard examples.rank >= 1 else {
            throw GraphError.feedShapeMismatch(input: input.name, declared: input.shape.text, fed: examples.shape)
        }
        let count = examples.shape[0]
        var scalars: [Float] = []
        var rowShape: [Int] = []
        for range in try Minibatches.sequential(exampleCount: count, batchSize: batchSize) {
            let batch = try graph.evaluate(output, feed: [input: examples.gatheringRows(Array(range))])
            rowShape = Array(batch.shape.dropFirst())
            scalars += batch.scalars
        }
        if count == 0 { rowShape = Array(output.shape.dropFirst()).resolved(batchSize: 1) }
        return try Tensor(shape: [count] + rowShape, scalars: scalars)
    }

    /// A copy of `node` over `operands` (the copies of its inbound nodes).
    private static func copy(_ node: Node, operands x: [Node]) throws -> Node {
        let name = node.name
        switch node {
        case let parameter as Parameter:
            return Parameter(name, parameter.value)                       // shares the weights' storage
        case let input as Input:
            let copy = Input(name, shape: input.shape)
            if input.isFed { copy.value = input.value }                   // constants (a zero bias) keep their value
            return copy
        case is Linear: return Linear(x[0], x[1], x[2], name: name)
        case is ReLU: return ReLU(x[0], name: name)
        case is Sigmoid: return Sigmoid(x[0], name: name)
        case is Tanh: return Tanh(x[0], name: name)
        case is Softmax: return Softmax(x[0], name: name)
        case is Add: return Add(x[0], x[1], name: name)
        case is Multiply: return Multiply(x[0], x[1], name: name)
        case is MatMul: return MatMul(x[0], x[1], name: name)
        case is MSE: return MSE(x[0], x[1], name: name)
        case is SoftmaxCE: return SoftmaxCE(x[0], x[1], name: name)
        case is BinaryCrossEntropy: return BinaryCrossEntropy(x[0], x[1], name: name)
        case let penalty as L2Penalty: return try L2Penalty(x, lambda: penalty.lambda, name: name)
        case let dropout as Dropout:
            let copy = try Dropout(x[0], dropProbability: dropout.dropProbability, name: name)
            copy.isTraining = false
            return copy
        case let custom as InferenceCopyable:
            return try custom.copy(operands: x)
        default:
            throw GraphError.invalidValue(node: name, detail: "an inference session cannot copy a '\(node.kind)' node "
                                          + "(\(type(of: node))); adopt InferenceCopyable to make it copyable")
        }
    }
}

/// A custom `Node` subclass that an `InferenceSession` can copy: it makes a new node of its kind,
/// with the same settings and name, over the given operands.
public protocol InferenceCopyable: Node {
    /// A new node like this one whose inbound nodes are `operands` (the copies of this node's own).
    /// - Throws: any error the node's initialiser throws.
    func copy(operands: [Node]) throws -> Node
}
