/// A function written with `Variable`s, traced once into a static `Graph` and then replayed on
/// planned buffers: the eager front door's "trace once, replay planned".
///
/// Tracing runs `body` eagerly on one example per input (constant `Input` leaves of the examples'
/// shapes); the nodes it records — the library's ordinary nodes — become the graph, with the
/// variables that require gradients (the model's parameters) as its trainables. A replay feeds new
/// values of the same shapes and runs the graph's Kahn order: no node is made, nothing is
/// allocated, and the results are `==` to running `body` eagerly again.
///
/// ```swift
/// let step = try TracedFunction(examples: [xBatch, yBatch]) { v in try softmaxCrossEntropy(model(v[0]), v[1]) }
/// for (x, y) in batches {
///     let loss = try step.forwardAndBackward([x, y])   // gradients in the parameters
///     sgd.update(step.graph.trainables)
/// }
/// ```
public final class TracedFunction {
    /// The traced graph (its loss is the output when the output is a scalar).
    public let graph: Graph
    /// The inputs fed by each call, in the order of the examples.
    public let inputs: [Input]
    /// The node whose value a call returns.
    public let output: Node

    /// Traces `body` on `examples`.
    /// - Throws: what `body` throws; `GraphError` when the output does not depend on every input.
    public init(examples: [Tensor], _ body: ([Variable]) throws -> Variable) throws {
        let leaves = examples.enumerated().map { Variable($0.element, name: "input\($0.offset)") }
        let result = try GradientRecording.$isEnabled.withValue(true) { try body(leaves) }
        inputs = leaves.compactMap { $0.node as? Input }
        output = result.node
        let needed = Graph.ancestors(of: output)
        if let unused = inputs.first(where: { !needed.contains(ObjectIdentifier($0)) }) {
            throw GraphError.missingFeed(input: unused.name, consumer: "the traced function (its output does not depend on it)")
        }
        graph = output.shape.isEmpty ? try Graph(loss: output) : try Graph(outputs: [output])
    }

    /// Feeds `values` (the examples' shapes) to the inputs.
    private func feed(_ values: [Tensor]) throws(GraphError) {
        guard values.count == inputs.count else {
            throw .invalidValue(node: "traced function", detail: "expected \(inputs.count) inputs, got \(values.count)")
        }
        for (input, value) in zip(inputs, values) {
            guard value.shape == input.value.shape else {
                throw .feedShapeMismatch(input: input.name, declared: input.shape.text, fed: value.shape)
            }
            input.value = value
        }
    }

    /// The output for `values`, forward only.
    /// - Throws: `GraphError.feedShapeMismatch` for a value whose shape is not the example's.
    public func callAsFunction(_ values: [Tensor]) throws -> Tensor {
        try feed(values)
        try graph.forward()
        return output.value
    }

    /// One training step for a scalar output: forward, then backward into the trainables' gradients.
    /// - Returns: the output (the loss).
    /// - Throws: `GraphError.noLoss` for a non-scalar output, `.feedShapeMismatch`.
    @discardableResult
    public func forwardAndBackward(_ values: [Tensor]) throws -> Float {
        try feed(values)
        return try graph.forwardAndBackward()
    }
}
