import GradFlowKernels

/// A tensor that remembers how it was computed: the define-by-run front door onto the same engine
/// as hand-built graphs (seed 001's `attach_grad`, seed 002's `requires_grad`).
///
/// Every operation on variables creates an ordinary `Node` (the library's `Add`, `MatMul`,
/// `Mean`, …), runs its forward pass at once and links it to its operands, so the variables of a
/// computation *are* a `Graph` of nodes. `backward()` orders that graph with Kahn's algorithm, as
/// `Graph` does, and runs each node's backward pass in reverse; leaves that require gradients
/// accumulate them in `grad` until `zeroGradient()`, as in PyTorch.
///
/// ```swift
/// let x = Variable(Tensor.arange(4).reshaped([4, 1]), requiresGradient: true)   // x.attach_grad()
/// let y = try 2 * matmul(x.T, x)
/// try y.backward()
/// print(x.grad!)                                   // 4x: [[0], [4], [8], [12]]
/// ```
/// A leaf that requires gradients is a trainable `Parameter` node (`parameter`), so the library's
/// optimizers update it; other leaves are constant `Input` nodes.
public struct Variable {
    /// The node that computed (or, for a leaf, holds) the value.
    public let node: Node

    /// A leaf holding `value`; with `requiresGradient`, a trainable parameter whose `grad` backward fills.
    public init(_ value: Tensor, requiresGradient: Bool = false, name: String? = nil) {
        if requiresGradient {
            let parameter = Parameter(name ?? "variable", value)
            parameter.gradient = Tensor.zeros(value.shape)
            parameter.plannedBatchSize = 0
            node = parameter
        } else {
            let input = Input(name ?? "constant", shape: SymbolicShape(fixed: value.shape))
            input.value = value
            input.plannedBatchSize = 0
            node = input
        }
    }

    /// A variable for a node the eager engine has just run.
    init(recorded node: Node) { self.node = node }

    /// The value. Setting it (on a leaf: an optimizer step, `noGrad { w.value = … }`) replaces it
    /// in place for later operations; operations already recorded keep what they computed.
    public var value: Tensor {
        get { node.value }
        nonmutating set { node.value = newValue }
    }

    /// The value's shape.
    public var shape: [Int] { node.value.shape }

    /// Whether a backward pass computes a gradient for this variable (it is a leaf that requires
    /// gradients, or was computed from one while recording).
    public var requiresGradient: Bool { node.needsGradient }

    /// Whether the variable was made from a tensor rather than computed.
    public var isLeaf: Bool { node is Input }

    /// ∂(what `backward` was called on)/∂self, summed over every backward call since the last
    /// `zeroGradient()` (zeros before the first); nil for a variable that is not a leaf requiring
    /// gradients (PyTorch keeps only leaves' gradients).
    public var grad: Tensor? { isLeaf && requiresGradient ? node.gradient : nil }

    /// The trainable parameter behind a leaf that requires gradients (for an optimizer:
    /// `sgd.update(parameters.compactMap(\.parameter))`).
    public var parameter: Parameter? { node as? Parameter }

    /// Sets `grad` to zeros (PyTorch's `x.grad.zero_()`).
    public func zeroGradient() {
        guard isLeaf && requiresGradient else { return }
        node.gradient.withUnsafeMutableBufferPointer { Elementwise.fill($0, with: 0) }
    }

    /// A constant leaf with the same value and no history (PyTorch's `detach()`).
    public func detached() -> Variable { Variable(node.value) }

    /// Runs the backward pass from this variable: ∂self/∂leaf is added into every leaf's `grad`.
    /// - Parameters:
    ///   - seed: ∂L/∂self for a chain continued from elsewhere; nil means 1 (allowed when the
    ///     variable has a single element).
    ///   - retainGraph: keep the graph for another backward through the same operations.
    /// - Throws: `AutogradError.doesNotRequireGradient`, `.nonScalarWithoutSeed`,
    ///   `.seedShapeMismatch`, `.graphReleased` (a second backward without `retainGraph`).
    public func backward(seed: Tensor? = nil, retainGraph: Bool = false) throws(AutogradError) {
        guard node.needsGradient else { throw .doesNotRequireGradient(shape: shape) }
        if let seed, seed.shape != shape { throw .seedShapeMismatch(variable: shape, seed: seed.shape) }
        if seed == nil, node.value.count != 1 { throw .nonScalarWithoutSeed(shape: shape) }
        // The recorded nodes form an acyclic graph by construction (operands exist before their consumers).
        let order = (try? Graph.kahnOrder(reaching: [node])) ?? []
        let computed = order.filter { $0.needsGradient && !($0 is Input) }
        if let released = computed.first(where: \.isReleasedByBackward) { throw .graphReleased(operation: released.kind) }
        for node in computed { node.gradient.withUnsafeMutableBufferPointer { Elementwise.fill($0, with: 0) } }
        node.gradient.withUnsafeMutableBufferPointer { gradient in
            guard let seed else { for i in gradient.indices { gradient[i] += 1 }; return }
            seed.withUnsafeBufferPointer { for i in gradient.indices { gradient[i] += $0[i] } }
        }
        for node in computed.reversed() { node.backward() }
        if !retainGraph { for node in computed { node.isReleasedByBackward = true } }
    }
}

extension Variable: CustomStringConvertible {
    /// The value, and whether it requires gradients.
    public var description: String { "Variable(\(node.value)\(requiresGradient ? ", requiresGradient" : ""))" }
}
