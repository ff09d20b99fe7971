import GradFlowKernels

extension Graph {
    /// Runs the forward pass over every node (MiniFlow's forward half), after checking the feeds.
    /// - Parameter feed: values for inputs; inputs already fed (e.g. `X.value = batch`) may be left out.
    /// - Throws: `GraphError.missingFeed`, `.feedShapeMismatch`, `.inconsistentBatch`, or an error
    ///   from a node's forward pass (`.invalidValue`).
    public func forward(feed: [Input: Tensor] = [:]) throws {
        for (input, value) in feed { input.value = value }
        try run(nodes)
    }

    /// MiniFlow's `forward_and_backward(graph)`: one forward pass to the loss, then the backward pass
    /// in reverse order, leaving ∂loss/∂θ in every trainable's `gradient`.
    /// - Returns: the loss.
    /// - Throws: like `forward(feed:)`; `GraphError.noLoss` for an inference-only graph.
    @discardableResult
    public func forwardAndBackward(feed: [Input: Tensor] = [:]) throws -> Float {
        guard let loss else { throw GraphError.noLoss }
        for (input, value) in feed { input.value = value }
        try run(lossOrder)
        backward()
        return loss.value.scalars[0]
    }

    /// A forward pass over the nodes the loss depends on, without the backward pass (finite
    /// differences). - Returns: the loss. - Throws: like `forward(feed:)`; `GraphError.noLoss`.
    func forwardToLoss() throws -> Float {
        guard let loss else { throw GraphError.noLoss }
        try run(lossOrder)
        return loss.value.scalars[0]
    }

    /// Forward-only inference: computes `output` from the given feeds, evaluating only the nodes it
    /// needs (so labels need not be fed to get predictions).
    /// - Returns: a copy of `output`'s value.
    /// - Throws: like `forward(feed:)`; `GraphError.missingFeed` also when `output` is not in this graph.
    public func evaluate(_ output: Node, feed: [Input: Tensor] = [:]) throws -> Tensor {
        for (input, value) in feed { input.value = value }
        let needed = Graph.ancestors(of: output)
        guard nodes.contains(output) else {
            throw GraphError.missingFeed(input: output.name, consumer: "this graph (the node is not part of it)")
        }
        try run(nodes.filter { needed.contains(ObjectIdentifier($0)) })
        return output.value
    }

    /// The backward pass: seeds ∂loss/∂loss = 1 and lets each node, in reverse order, add its
    /// partials into its operands' gradients. Call after a forward pass to the loss.
    ///
    /// A gradient with a single writer in this graph whose node can assign (`GradientAssigning`) is
    /// not zeroed first: that node writes it with `=` (e.g. GEMM with `accumulate: false`). Every
    /// other gradient (fan-out, a repeated operand, a node that only adds) is zeroed and accumulated.
    public func backward() {
        guard let loss else { return }
        planGradientWrites()
        loss.gradient.withUnsafeMutableBufferPointer { Elementwise.fill($0, with: 1) }
        for node in lossOrder.reversed() where node.needsGradient && !(node is Input) {
            node.backward()
        }
        for case let node as GradientAssigning in lossOrder { node.assignedOperands = 0 }
    }

    /// Graphs with more nodes than this zero every gradient instead of planning assignments (the
    /// plan is O(nodes · operand slots) per pass: ≈ 1 µs for an MLP, bounded here for huge graphs).
    private static let assignmentPlanNodeLimit = 128

    /// Decides, for this pass, which gradients are assigned by their only writer and zeroes the rest
    /// (the loss's own gradient included; `backward()` then seeds it). Recomputed every pass from
    /// this graph's structure, so nodes shared with another graph always get this graph's plan.
    /// Allocates nothing.
    private func planGradientWrites() {
        for case let node as GradientAssigning in lossOrder { node.assignedOperands = 0 }
        let plans = lossOrder.count <= Graph.assignmentPlanNodeLimit
        for target in lossOrder where target.needsGradient {
            if plans, target !== loss, let (writer, slot) = soleWriter(of: target),
               let assigning = writer as? GradientAssigning, slot < 8 {
                assigning.assignedOperands |= 1 << UInt8(slot)
            } else {
                target.gradient.withUnsafeMutableBufferPointer { Elementwise.fill($0, with: 0) }
            }
        }
    }

    /// The node and operand slot that write `target`'s gradient in this graph's backward pass, when
    /// there is exactly one such slot (nodes that run a backward pass: `needsGradient`, not inputs).
    private func soleWriter(of target: Node) -> (Node, Int)? {
        var found: (Node, Int)?
        for node in lossOrder where node.needsGradient && !(node is Input) {
            for (slot, operand) in node.inboundNodes.enumerated() where operand === target {
                if found != nil { return nil }
                found = (node, slot)
            }
        }
        return found
    }

    /// Checks the feeds of the inputs among `order`, plans the buffers of any node not yet planned
    /// for this batch size, and runs each node's forward pass.
    private func run(_ order: [Node]) throws {
        let batch = try checkFeeds(order) ?? 0
        for node in order where node.plannedBatchSize != batch { try plan(node, batchSize: batch) }
        for node in order where !(node is Input) { try node.forward() }
    }

    /// Validates every input among `order` and returns the batch size they agree on.
    private func checkFeeds(_ order: [Node]) throws -> Int? {
        var batch: (size: Int, input: String)?
        for node in order {
            guard let input = node as? Input else { continue }
            guard input.isFed else {
                let consumer = input.outboundNodes.first { nodes.contains($0) }
                throw GraphError.missingFeed(input: input.name, consumer: consumer?.name ?? "the graph")
            }
            let (fits, size) = input.batchSize(matching: input.value.shape)
            guard fits else {
                throw GraphError.feedShapeMismatch(input: input.name, declared: input.shape.text, fed: input.value.shape)
            }
            guard let size else { continue }
            guard size > 0 else {
                throw GraphError.feedShapeMismatch(input: input.name, declared: input.shape.text, fed: input.value.shape)
            }
            if let batch, batch.size != size {
                throw GraphError.inconsistentBatch(input: input.name, batch: size, otherInput: batch.input, otherBatch: batch.size)
            }
            batch = (size, input.name)
        }
        return batch?.size
    }

    /// The memory plan for all nodes: allocates every value and needed gradient buffer once for
    /// this batch size, so that steady-state steps reuse them and allocate nothing. (Running the
    /// graph plans lazily; call this to plan ahead, e.g. before measuring allocations.)
    /// - Throws: `GraphError.shapeMismatch` naming the node whose operands do not fit.
    public func plan(batchSize: Int) throws {
        for node in nodes where node.plannedBatchSize != batchSize { try plan(node, batchSize: batchSize) }
    }

    /// Allocates one node's buffers for a batch size. Its shape is inferred again from the operands'
    /// real sizes, which catches a batch that disagrees with a fixed dimension.
    private func plan(_ node: Node, batchSize: Int) throws {
        var concrete = node.shape.resolved(batchSize: batchSize)
        if !(node is Input) {
            let operands = node.inboundNodes.map { operand in
                SymbolicShape(fixed: operand is Input ? operand.shape.resolved(batchSize: batchSize) : operand.value.shape)
            }
            do {
                concrete = try node.outputShape(for: operands).resolved(batchSize: batchSize)
            } catch let error as ShapeError {
                throw GraphError.shapeMismatch(node: node.name, detail: error.description)
            }
            node.value = Tensor.zeros(concrete)
        }
        node.gradient = node.needsGradient ? Tensor.zeros(concrete) : Tensor.zeros([0])
        if !(node is Input) { node.planScratchBuffers() }
        node.plannedBatchSize = batchSize
    }

    /// The bytes held by the planned value, gradient and scratch buffers (a memory-plan report).
    public var plannedBytes: Int {
        nodes.reduce(0) { $0 + 4 * ($1.value.count + $1.gradient.count) }
    }
}

/// A node whose backward pass can assign (`=`) its partial to an operand's gradient instead of
/// adding it (`+=`), when the graph tells it that it is that gradient's only writer: the graph then
/// skips zeroing the buffer, and a GEMM writes it without reading it back.
protocol GradientAssigning: AnyObject {
    /// Bit `j` set: `backward()` assigns the gradient of operand `j`; clear: it accumulates. Set by
    /// `Graph.backward()` for its pass and cleared after it, so a direct call accumulates as the
    /// `Node` contract says.
    var assignedOperands: UInt8 { get set }
}

extension GradientAssigning {
    /// Whether `backward()` assigns (rather than adds to) the gradient of operand `slot`.
    @inline(__always)
    func assigns(_ slot: Int) -> Bool { assignedOperands & (1 << UInt8(slot)) != 0 }
}
