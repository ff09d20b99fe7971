/// A vertex of the computation graph: an operation with inbound nodes (its operands), a `value`
/// computed by `forward()`, and a `gradient` (∂loss/∂value) filled during the backward pass.
///
/// This is MiniFlow's `Node`. A subclass states its maths in three places:
/// `outputShape(for:)` (shape inference when the graph is built), `forward()` (compute `value` from
/// the inbound nodes' values) and `backward()` (read `gradient` and *add* its partials into the
/// inbound nodes' `gradient`, skipping those whose `needsGradient` is false). Accumulating makes
/// fan-out (one node feeding two consumers) and repeated operands (`Multiply(x, x)`) right with no
/// special case.
///
/// Ownership: a node holds its inbound nodes strongly and its outbound nodes weakly, so a graph
/// has no retain cycles. Nodes are compared by identity. A graph and its nodes are meant to be used
/// from one thread at a time.
open class Node: Hashable, CustomStringConvertible {
    /// The node's name in messages and reports; the graph gives unnamed nodes `kind` plus a number.
    public internal(set) var name: String
    /// Whether `name` was chosen by the user (the graph never renames those).
    public let hasExplicitName: Bool
    /// The operands, in order; a node may appear more than once.
    public private(set) var inboundNodes: [Node]
    private var outboundLinks: [WeakNode] = []
    /// The output of `forward()`; for an `Input`, the fed data.
    public var value = Tensor.zeros([0]) {
        didSet { hasValue = true }   // a "simple" didSet (no oldValue), so in-place writes stay in place
    }
    /// Whether `value` has been set since the node was made (for an `Input`: whether it was fed).
    public private(set) var hasValue = false
    /// ∂loss/∂value, accumulated by the consumers during the backward pass (empty when not needed).
    public var gradient = Tensor.zeros([0])
    /// The declared or inferred shape, with `.batch` where the batch size goes (set by the graph).
    public internal(set) var shape: SymbolicShape = []
    /// Whether the backward pass must compute this node's gradient: true for trainable parameters
    /// and everything that depends on one; false for data inputs and what depends only on them.
    public internal(set) var needsGradient = false
    /// Whether an eager `Variable.backward()` without `retainGraph` has gone through this node: a
    /// second eager backward through it is an error (as PyTorch frees a graph after its backward).
    var isReleasedByBackward = false
    /// The batch size this node's buffers were planned for (nil before its first run; 0 when the
    /// graph has no batch dimension).
    public internal(set) var plannedBatchSize: Int?

    /// Creates a node with its operands and registers it as their consumer.
    public init(_ inboundNodes: [Node], name: String? = nil) {
        self.inboundNodes = inboundNodes
        self.name = name ?? ""
        self.hasExplicitName = name != nil
        for node in inboundNodes {
            // Links to consumers that are gone are dropped here, so a leaf used by many short-lived
            // eager operations (a weight in an eager training loop) keeps only its live consumers.
            node.outboundLinks.removeAll { $0.node == nil }
            node.outboundLinks.append(WeakNode(self))
        }
    }

    /// The consumers of this node that are still alive, in the order they were created.
    public var outboundNodes: [Node] { outboundLinks.compactMap(\.node) }

    /// MiniFlow's `gradients`: after a backward pass, ∂loss/∂n for each inbound node `n` and for the
    /// node itself.
    public var gradients: [Node: Tensor] {
        var result = [self: gradient]
        for node in inboundNodes { result[node] = node.gradient }
        return result
    }

    /// Whether the graph runs in training mode (dropout drops, batch statistics are used) or in
    /// evaluation mode; set for every node at once by `Graph.isTraining`.
    public internal(set) var isTraining = true
    /// Whether a stochastic node reuses its last random draw instead of making a new one (set by
    /// `Graph.replaysRandomDraws`, for gradient checks and repeatable evaluations).
    public internal(set) var replaysRandomDraws = false

    /// The operation's name: `linear`, `relu`, … (used for automatic names and reports); for a
    /// `GraphOperation`, its description's name.
    open var kind: String { (type(of: self) as? any GraphOperation.Type)?.operationDescription.name ?? "node" }

    /// Whether an optimizer updates this node's value.
    open var isTrainable: Bool { false }

    /// The output shape for the given operand shapes, checked when the graph is built.
    /// - Throws: `ShapeError` or `GraphError` describing what does not fit (the graph adds the node's name).
    open func outputShape(for inputShapes: [SymbolicShape]) throws -> SymbolicShape {
        preconditionFailure("\(type(of: self)) must override outputShape(for:)")
    }

    /// Allocates per-node scratch buffers once the inbound values have their concrete shapes
    /// (called by the graph's memory plan; the default needs none).
    open func planScratchBuffers() {}

    /// The bytes of the node's planned scratch buffers (a convolution's im2col matrices, a max
    /// pool's winners), for `gradflow plan`; 0 for none.
    open var scratchBytes: Int { 0 }

    /// Floating-point operations of one forward pass at the planned shapes (for `GraphProfile`;
    /// 0 for nodes that do not count theirs).
    open var forwardFLOPs: Int { 0 }
    /// Floating-point operations of one backward pass, for the operands that need gradients.
    open var backwardFLOPs: Int { 0 }

    /// Computes `value` from the inbound nodes' values, writing into the planned buffer.
    /// - Throws: `GraphError` when the data itself is invalid (e.g. a class label out of range).
    open func forward() throws {
        preconditionFailure("\(type(of: self)) must override forward()")
    }

    /// Adds ∂loss/∂input into each inbound node's `gradient` (those with `needsGradient`).
    open func backward() {
        preconditionFailure("\(type(of: self)) must override backward()")
    }

    /// Replaces the operands (rewiring a graph; this is how a cycle could be made, and the
    /// topological sort reports it).
    public func setInboundNodes(_ nodes: [Node]) {
        for node in inboundNodes { node.outboundLinks.removeAll { $0.node === self } }
        inboundNodes = nodes
        for node in nodes { node.outboundLinks.append(WeakNode(self)) }
    }

    public static func == (lhs: Node, rhs: Node) -> Bool { lhs === rhs }

    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }

    public var description: String { "\(kind) '\(name.isEmpty ? kind : name)' \(shape.text)" }
}

/// A weak reference, so that outbound links do not keep consumers alive.
private struct WeakNode {
    weak var node: Node?
    init(_ node: Node) { self.node = node }
}
