import Foundation

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
        case parameter(Tensor)
        case input(SymbolicShape, Tensor?)
        case linear, relu, sigmoid, tanh, softmax, add, multiply, matMul, mse, softmaxCE, binaryCrossEntropy
        case l2Penalty(Float)
        case dropout(Float)
        case custom(@Sendable ([Node]) throws -> Node)
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
    ///   copied (a custom `Node` subclass that does not adopt `InferenceCopyable`).
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
                : !recordingWeights && node is Parameter ? .parameter(Tensor.zeros(node.value.shape))
                : try InferenceSession.kind(of: node)
            recipes.append(Recipe(kind: kind, name: node.name, operands: operands))
        }
        self.recipes = recipes
        self.inputIndex = index[ObjectIdentifier(input)] ?? 0
        self.outputIndex = index[ObjectIdentifier(output)] ?? 0
        self.inputName = input.name
        self.inputShape = input.shape
    }

    /// Records a built `Sequential` model's input-to-output graph (without its loss).
    /// - Throws: `ModelError.notBuilt` before the model's first build or `fit`; see `init(graph:input:output:)`.
    public init(model: Sequential) throws {
        guard let graph = model.graph, let input = model.input, let output = model.output else { throw ModelError.notBuilt }
        try self.init(graph: graph, input: input, output: output)
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
        return (try Graph(outputs: [output], loss: nil), input, output)
    }

    /// The recipe kind of `node`.
    private static func kind(of node: Node) throws -> Kind {
        switch node {
        case let parameter as Parameter: return .parameter(parameter.value)    // shares the weights' storage
        case let input as Input: return .input(input.shape, input.isFed ? input.value : nil)   // a constant keeps its value
        case is Linear: return .linear
        case is ReLU: return .relu
        case is Sigmoid: return .sigmoid
        case is Tanh: return .tanh
        case is Softmax: return .softmax
        case is Add: return .add
        case is Multiply: return .multiply
        case is MatMul: return .matMul
        case is MSE: return .mse
        case is SoftmaxCE: return .softmaxCE
        case is BinaryCrossEntropy: return .binaryCrossEntropy
        case let penalty as L2Penalty: return .l2Penalty(penalty.lambda)
        case let dropout as Dropout: return .dropout(dropout.dropProbability)
        case let custom as InferenceCopyable: return .custom(custom.inferenceFactory())
        default:
            throw GraphError.invalidValue(node: node.name, detail: "an inference session cannot copy a '\(node.kind)' node "
                                          + "(\(type(of: node))); adopt InferenceCopyable to make it copyable")
        }
    }

    /// A new node from `recipe` over `operands`.
    private static func make(_ recipe: Recipe, operands x: [Node]) throws -> Node {
        let name = recipe.name
        switch recipe.kind {
        case .parameter(let value): return Parameter(name, value)
        case let .input(shape, value):
            let input = Input(name, shape: shape)
            if let value { input.value = value }
            return input
        case .linear: return Linear(x[0], x[1], x[2], name: name)
        case .relu: return ReLU(x[0], name: name)
        case .sigmoid: return Sigmoid(x[0], name: name)
        case .tanh: return Tanh(x[0], name: name)
        case .softmax: return Softmax(x[0], name: name)
        case .add: return Add(x[0], x[1], name: name)
        case .multiply: return Multiply(x[0], x[1], name: name)
        case .matMul: return MatMul(x[0], x[1], name: name)
        case .mse: return MSE(x[0], x[1], name: name)
        case .softmaxCE: return SoftmaxCE(x[0], x[1], name: name)
        case .binaryCrossEntropy: return BinaryCrossEntropy(x[0], x[1], name: name)
        case .l2Penalty(let lambda): return try L2Penalty(x, lambda: lambda, name: name)
        case .dropout(let probability):
            let dropout = try Dropout(x[0], dropProbability: probability, name: name)
            dropout.isTraining = false
            return dropout
        case .custom(let factory): return try factory(x)
        }
    }
}

/// A custom `Node` subclass that an `InferenceSession` can copy.
public protocol InferenceCopyable: Node {
    /// A function that makes a new node like this one (same kind, settings and name) over the given
    /// operands; it must capture only `Sendable` values (the settings, not the node).
    func inferenceFactory() -> @Sendable ([Node]) throws -> Node
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
