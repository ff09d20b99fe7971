import Foundation
import GradFlowCore

/// A forward-only, `Sendable` recipe of a trained graph from which any number of threads may
/// predict at once.
///
/// Thread safety in GradFlow: `Tensor`, `RandomGenerator`, `History`, `OptimizerState`,
/// `TrainingState`, `InferenceSession` and every error type are `Sendable` values that any thread
/// may share. `Node`, `Graph`, `GraphFile`, `Sequential`, `Trainer` and the optimizers are reference
/// types that hold the buffers they compute into, so each is for one thread at a time; they are not
/// `Sendable`, so Swift 6 refuses to hand them to another thread (two threads calling
/// `Sequential.predict` on one model would race on its planned buffers).
///
/// A session records, by value, the nodes the output depends on (never the loss): each node's kind
/// and settings, its operands, and the parameters' tensors — which share the trained weights'
/// storage (`Tensor` is copy-on-write, so this is cheap, every replica shares the same weights, and
/// training the original later does not change the session).
///
/// `predict` runs on a planned replica (`Predictor`: a private graph planned per batch size) taken
/// from the session's pool and given back after the call, so concurrent calls never share a replica
/// (a thread that finds the pool empty makes a new one; the pool keeps them for the next calls), and
/// steady-state calls allocate nothing but their result — `predict(_:into:)` not even that.
///
/// ```swift
/// let session = try InferenceSession(model: model)          // once, on the training thread
/// DispatchQueue.concurrentPerform(iterations: 8) { index in
///     let probabilities = try? session.predict(batches[index])
/// }
/// ```
public struct InferenceSession: Sendable {
    /// How to make one node: its kind with settings, name and operands (indices of earlier recipes).
    private struct Recipe: Sendable {
        let kind: Kind
        let name: String
        let operands: [Int]
    }

    private enum Kind: Sendable {
        case parameter(Tensor, isTrainable: Bool)
        case input(SymbolicShape, Tensor?)
        /// An operation, made again from its description with the recorded attributes.
        case operation(OperationType, OperationAttributes)
    }

    /// A `GraphOperation` class (metatypes of classes are immutable, so sharing one is safe).
    private struct OperationType: @unchecked Sendable {
        let type: any GraphOperation.Type
    }

    private let recipes: [Recipe]
    private let inputIndex: Int
    private let outputIndex: Int
    /// The replicas not in use; shared by copies of this session.
    private let pool = ReplicaPool()

    /// The features input's name and declared shape (`[.batch, …]`).
    public let inputName: String
    /// The features input's declared shape.
    public let inputShape: SymbolicShape

    /// Records the part of `graph` that `output` depends on.
    /// - Parameters:
    ///   - graph: a built (e.g. trained) graph; only read.
    ///   - input: the input fed with examples at `predict`.
    ///   - output: the prediction node.
    /// - Throws: `GraphError.missingFeed` when `input` or `output` is not in `graph` or the output
    ///   does not depend on the input (naming it), `.invalidValue` for a node kind that cannot be
    ///   copied (a custom `Node` subclass that does not adopt `GraphOperation`).
    public init(graph: Graph, input: Input, output: Node) throws {
        try self.init(graph: graph, input: input, output: output, recordingWeights: true)
    }

    /// As `init(graph:input:output:)`; with `recordingWeights` false the parameters are recorded as
    /// zeros of their shapes (for a `Predictor` that borrows the live weights at each call).
    init(graph: Graph, input: Input, output: Node, recordingWeights: Bool) throws {
        guard graph.nodes.contains(output) else {
            throw GraphError.missingFeed(input: output.name, consumer: "the inference session (the output is not part of the graph)")
        }
        let needed = Graph.ancestors(of: output)
        guard graph.nodes.contains(input), needed.contains(ObjectIdentifier(input)) else {
            throw GraphError.missingFeed(input: input.name, consumer: "'\(output.name)' (the output does not depend on it)")
        }
        var index: [ObjectIdentifier: Int] = [:]
        var recipes: [Recipe] = []
        for node in graph.nodes where needed.contains(ObjectIdentifier(node)) {
            let operands = node.inboundNodes.compactMap { index[ObjectIdentifier($0)] }
            index[ObjectIdentifier(node)] = recipes.count
            let kind: Kind = node === input ? .input(input.shape, nil)   // not the last batch
                : !recordingWeights && node is Parameter ? .parameter(Tensor.zeros(node.value.shape), isTrainable: node.isTrainable)
                : try InferenceSession.kind(of: node)
            recipes.append(Recipe(kind: kind, name: node.name, operands: operands))
        }
        self.recipes = recipes
        self.inputIndex = index[ObjectIdentifier(input)] ?? 0
        self.outputIndex = index[ObjectIdentifier(output)] ?? 0
        self.inputName = input.name
        self.inputShape = input.shape
    }

    /// The outputs for `examples` (`[n] + the input's per-example shape`), forward only (dropout is
    /// the identity), on a planned replica from the pool. Safe to call from many threads.
    /// - Returns: `[n] + the output's per-example shape`.
    /// - Throws: `GraphError.feedShapeMismatch` when the examples do not fit the input.
    public func predict(_ examples: Tensor) throws -> Tensor {
        var result = Tensor.zeros([0])
        try predict(examples, into: &result)
        return result
    }

    /// `predict(_:)` into a caller's tensor (reshaped only when it does not fit): no allocation in
    /// steady state. Safe to call from many threads, each with its own `output`.
    /// - Throws: `GraphError.feedShapeMismatch` when the examples do not fit the input.
    public func predict(_ examples: Tensor, into output: inout Tensor) throws {
        let predictor = try pool.take() ?? makePredictor()
        defer { pool.give(predictor) }
        try predictor.predict(examples, into: &output)
    }

    /// A new planned replica for one thread (the pool makes these as needed).
    /// - Throws: as `makeGraph()`.
    public func makePredictor() throws -> Predictor {
        try Predictor(makeGraph: makeGraph)
    }

    /// A new private graph from the recipe, with its input and output (for a caller that evaluates
    /// many batches on one thread and wants to keep the planned buffers).
    /// - Throws: an error a node's initialiser throws (none for the built-in kinds).
    public func makeGraph() throws -> (graph: Graph, input: Input, output: Node) {
        var nodes: [Node] = []
        nodes.reserveCapacity(recipes.count)
        for recipe in recipes {
            nodes.append(try InferenceSession.make(recipe, operands: recipe.operands.map { nodes[$0] }))
        }
        guard let input = nodes[inputIndex] as? Input else {
            preconditionFailure("InferenceSession: the recorded input is not an Input")
        }
        let output = nodes[outputIndex]
        let graph = try Graph(outputs: [output], loss: nil)
        graph.isTraining = false
        return (graph, input, output)
    }

    /// The recipe kind of `node`.
    private static func kind(of node: Node) throws -> Kind {
        switch node {
        case let parameter as Parameter: return .parameter(parameter.value, isTrainable: parameter.isTrainable)   // shares the storage
        case let input as Input: return .input(input.shape, input.isFed ? input.value : nil)   // a constant keeps its value
        case let operation as any GraphOperation: return .operation(OperationType(type: type(of: operation)), operation.attributes)
        default:
            throw GraphError.invalidValue(node: node.name, detail: "an inference session cannot copy a '\(node.kind)' node "
                                          + "(\(type(of: node))); adopt GraphOperation to make it copyable")
        }
    }

    /// A new node from `recipe` over `operands`.
    private static func make(_ recipe: Recipe, operands: [Node]) throws -> Node {
        switch recipe.kind {
        case let .parameter(value, trainable): return Parameter(recipe.name, value, isTrainable: trainable)
        case let .input(shape, value):
            let input = Input(recipe.name, shape: shape)
            if let value { input.value = value }
            return input
        case let .operation(operation, attributes): return try operation.type.make(operands, attributes, name: recipe.name)
        }
    }
}

/// The replicas of an `InferenceSession` that no thread is using: taken under a mutex for one call and
/// given back after it.
final class ReplicaPool: @unchecked Sendable {  // `free` is only touched under `lock`
    private let lock = NSLock()
    private var free: [Predictor] = []

    init() { free.reserveCapacity(16) }

    /// A replica not in use, or nil when all are busy (the caller makes one).
    func take() -> Predictor? { lock.withLock { free.popLast() } }

    /// Returns a replica after a call.
    func give(_ predictor: Predictor) { lock.withLock { free.append(predictor) } }
}
