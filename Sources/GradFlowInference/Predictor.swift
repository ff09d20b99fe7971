import GradFlowCore

/// The planned prediction path of a static graph: forward passes over buffers planned once per
/// batch size, with nothing allocated per call in steady state.
///
/// A predictor holds a private forward-only graph (from `InferenceSession.makeGraph()`) for each
/// batch size it has seen — at most `maximumPlans` of them, the least recently used being dropped —
/// and the nodes the output needs in Kahn order, so a call is: copy the rows into the planned input
/// buffer, run each node's forward pass, copy the output rows out. Inputs larger than
/// `maximumBatch` are run in chunks of that size (plus one plan for the remainder).
///
/// `predict(_:into:)` writes into a caller's tensor and allocates nothing once that tensor has the
/// right shape and the batch size has been seen (the benchmark counts mallocs). Like a `Graph`, a
/// predictor is for one thread at a time; `InferenceSession` keeps a pool of them for many threads.
///
/// ```swift
/// let predictor = try InferenceSession(model: model).makePredictor()
/// var scores = Tensor.zeros([1, 10])
/// try predictor.predict(oneImage, into: &scores)   // ≈ µs, 0 allocations
/// ```
public final class Predictor {
    /// One planned graph for one batch size.
    private final class Plan {
        let graph: Graph
        let input: Input
        let output: Node
        let order: [Node]
        /// `order` without the inputs: what a call runs (the plan and the feed are already checked).
        let operations: [Node]
        let batch: Int
        var lastUse: Int
        /// This graph's parameters and the live ones they take their values from during a call.
        let borrowed: [(copy: Parameter, source: Parameter)]

        init(graph: Graph, input: Input, output: Node, batch: Int, live: [String: Parameter]) throws {
            (self.graph, self.input, self.output, self.batch, lastUse) = (graph, input, output, batch, 0)
            let needed = Graph.ancestors(of: output)
            order = graph.nodes.filter { needed.contains(ObjectIdentifier($0)) }
            operations = order.filter { !($0 is Input) }
            borrowed = order.compactMap { node in
                guard let copy = node as? Parameter, let source = live[copy.name] else { return nil }
                return (copy, source)
            }
            input.value = Tensor.zeros(input.shape.resolved(batchSize: batch))
            try graph.plan(batchSize: batch)
        }
    }

    /// The most batch sizes kept planned at once.
    public static let maximumPlans = 4
    /// Inputs with more rows than this are predicted in chunks of this many.
    public let maximumBatch: Int
    /// The features input's name.
    public let inputName: String
    /// The features input's declared shape (`[.batch, …]`).
    public let inputShape: SymbolicShape
    /// The output's per-example shape (`[10]` for ten classes).
    public let outputExampleShape: [Int]
    /// The input's per-example shape (`[784]`), and the floats per example of input and output.
    private let exampleShape: [Int]
    private let inputWidth: Int, outputWidth: Int

    private let makeGraph: () throws -> (graph: Graph, input: Input, output: Node)
    private var plans: [Plan] = []
    private var clock = 0
    /// Live parameters by name whose current values each call borrows (a model that keeps training).
    private let live: [String: Parameter]
    /// What a borrowed parameter holds between calls, so the live weights are never shared then
    /// (an in-place update of a shared tensor would copy it).
    private let released = Tensor.zeros([0])

    /// A predictor whose graphs come from `makeGraph` (each call a new private graph).
    /// - Parameters:
    ///   - maximumBatch: the largest batch run at once (default 256).
    ///   - live: parameters whose values the graphs' parameters of the same names take at each call
    ///     (and let go of after it), instead of the values recorded in the graphs.
    /// - Throws: what `makeGraph` throws, and `GraphError` when the first graph cannot be planned.
    init(maximumBatch: Int = 256, live: [String: Parameter] = [:],
         makeGraph: @escaping () throws -> (graph: Graph, input: Input, output: Node)) throws {
        self.maximumBatch = max(1, maximumBatch)
        self.makeGraph = makeGraph
        self.live = live
        let first = try makeGraph()
        inputName = first.input.name
        inputShape = first.input.shape
        outputExampleShape = Array(first.output.shape.dropFirst()).resolved(batchSize: 1)
        exampleShape = Array(first.input.shape.dropFirst()).resolved(batchSize: 1)
        (inputWidth, outputWidth) = (exampleShape.reduce(1, *), outputExampleShape.reduce(1, *))
        plans.reserveCapacity(Predictor.maximumPlans + 1)
        plans.append(try Plan(graph: first.graph, input: first.input, output: first.output, batch: 1, live: live))
        release(plans[0])
    }

    /// A predictor over `graph`'s live weights: its plans take the current values of the graph's
    /// parameters (trainable ones and buffers) at each call (nothing copied, so training in between is seen). The one
    /// batched prediction path of `Sequential.predict` and `Trainer.predict`.
    /// - Throws: as `InferenceSession.init(graph:input:output:)`.
    public convenience init(borrowingWeightsOf graph: Graph, input: Input, output: Node, maximumBatch: Int = 256) throws {
        let session = try InferenceSession(graph: graph, input: input, output: output, recordingWeights: false)
        var live: [String: Parameter] = [:]
        for parameter in graph.parameters { live[parameter.name] = parameter }
        try self.init(maximumBatch: maximumBatch, live: live, makeGraph: session.makeGraph)
    }

    /// The outputs for `examples` (`[n] + the input's per-example shape`) as a new tensor
    /// `[n] + outputExampleShape` (one allocation: the result).
    /// - Throws: `GraphError.feedShapeMismatch` when the examples do not fit the input.
    public func predict(_ examples: Tensor) throws -> Tensor {
        var result = Tensor.zeros([0])
        try predict(examples, into: &result)
        return result
    }

    /// Writes the outputs for `examples` into `output`, which is reshaped (reallocated) only when it
    /// is not already `[n] + outputExampleShape`. Allocates nothing in steady state.
    /// - Throws: `GraphError.feedShapeMismatch` when the examples do not fit the input.
    public func predict(_ examples: Tensor, into output: inout Tensor) throws {
        guard examples.rank == exampleShape.count + 1, examples.shape.dropFirst().elementsEqual(exampleShape) else {
            throw GraphError.feedShapeMismatch(input: inputName, declared: inputShape.text, fed: examples.shape)
        }
        let count = examples.shape[0]
        if output.rank != outputExampleShape.count + 1 || output.shape[0] != count || !output.shape.dropFirst().elementsEqual(outputExampleShape) {
            output = Tensor.zeros([count] + outputExampleShape)
        }
        var start = 0
        while start < count {
            let rows = min(maximumBatch, count - start)
            let plan = try self.plan(for: rows)
            examples.withUnsafeBufferPointer { source in
                plan.input.value.withUnsafeMutableBufferPointer { target in
                    guard let from = source.baseAddress, let to = target.baseAddress else { return }
                    to.update(from: from + start * inputWidth, count: rows * inputWidth)
                }
            }
            for (copy, source) in plan.borrowed { copy.value = source.value }
            defer { release(plan) }
            // The plan is for exactly `rows` rows and the input's shape was checked above, so the
            // forward passes run without the graph's per-call feed checks and planning sweep.
            for node in plan.operations { try node.forward() }
            plan.output.value.withUnsafeBufferPointer { source in
                output.withUnsafeMutableBufferPointer { target in
                    guard let from = source.baseAddress, let to = target.baseAddress else { return }
                    (to + start * outputWidth).update(from: from, count: rows * outputWidth)
                }
            }
            start += rows
        }
    }

    /// The plan for `batch` rows: a kept one, else a new graph (dropping the least recently used).
    private func plan(for batch: Int) throws -> Plan {
        clock &+= 1
        for plan in plans where plan.batch == batch {
            plan.lastUse = clock
            return plan
        }
        let made = try makeGraph()
        let plan = try Plan(graph: made.graph, input: made.input, output: made.output, batch: batch, live: live)
        plan.lastUse = clock
        if plans.count >= Predictor.maximumPlans, let oldest = plans.indices.min(by: { plans[$0].lastUse < plans[$1].lastUse }) {
            plans.remove(at: oldest)
        }
        plans.append(plan)
        return plan
    }

    /// Lets go of the live weights a plan borrowed.
    private func release(_ plan: Plan) {
        for (copy, _) in plan.borrowed { copy.value = released }
    }
}
