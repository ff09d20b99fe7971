/// Inverted dropout: in training, each element is zeroed with probability p and the survivors are
/// scaled by 1/(1 − p), so the expected output equals the input and inference needs no rescaling.
///
/// `y = x ⊙ mask`, with `mask_i = 0` (probability p) or `1/(1 − p)`, drawn afresh on every forward
/// pass from the node's own seeded generator. In evaluation mode (`Graph.isTraining` false) the
/// node is the identity; with `Graph.replaysRandomDraws` it reuses its last mask.
/// Shape: unchanged. Gradient: `∂L/∂x = ∂L/∂y ⊙ mask` with the mask of the last forward pass
/// (`∂L/∂x = ∂L/∂y` when not training).
public final class Dropout: Node, GraphOperation, RandomStateful {
    /// The probability p that an element is dropped, in [0, 1).
    public let dropProbability: Float
    /// The seed the node's generator started from.
    public let seed: UInt64
    /// The node's own random source; save and restore it to replay the same masks (checkpoints do).
    public var generator: RandomGenerator
    /// The mask of the last training forward pass: 0 or 1/(1 − p) per element.
    public private(set) var mask = Tensor.zeros([0])
    private var hasMask = false
    private var lastPassWasTraining = false

    /// Creates dropout of `x` with drop probability `dropProbability` and a generator seeded with `seed`.
    /// - Throws: `GraphError.invalidValue` unless 0 ≤ dropProbability < 1.
    public init(_ x: Node, dropProbability: Float, seed: UInt64 = 0, name: String? = nil) throws(GraphError) {
        guard dropProbability >= 0, dropProbability < 1 else {
            throw .invalidValue(node: name ?? "dropout", detail:
                "drop probability \(dropProbability) is invalid: expected a number in [0, 1)")
        }
        self.dropProbability = dropProbability
        self.seed = seed
        self.generator = RandomGenerator(seed: seed)
        super.init([x], name: name)
    }

    /// `dropout(x, p: 0.5, seed: 7)` in graph files.
    public static let operationDescription = OperationDescription(
        name: "dropout", operands: ["x"],
        attributes: [OperationAttribute("p", default: .number(0), help: "drop probability in [0, 1)"),
                     OperationAttribute("seed", default: .number(0), help: "seed of the node's mask generator (whole number ≥ 0)")],
        category: .regularization, summary: "inverted dropout with drop probability p (identity at inference)"
    ) { operands, attributes, name in   // throws for p outside [0, 1) or a seed that is not a whole number
        try Dropout(operands[0], dropProbability: attributes.float("p"), seed: attributes.wholeNumber("seed"), name: name)
    }

    /// `p` and the seed the node was made with.
    public var attributes: OperationAttributes {
        OperationAttributes(["p": .number(float: dropProbability), "seed": .number(Double(seed))], operation: kind)
    }

    public override func outputShape(for inputShapes: [SymbolicShape]) throws -> SymbolicShape { inputShapes[0] }

    public override func planScratchBuffers() {
        mask = Tensor.zeros(value.shape)
        hasMask = false
    }

    public override func forward() throws {
        let count = mask.count
        lastPassWasTraining = isTraining
        guard isTraining else {
            inboundNodes[0].value.withReadPointer { x in value.withWritePointer { y in
                for i in 0..<count { y[i] = x[i] }
            } }
            return
        }
        if !(replaysRandomDraws && hasMask) { drawMask() }
        inboundNodes[0].value.withReadPointer { x in mask.withReadPointer { m in value.withWritePointer { y in
            for i in 0..<count { y[i] = x[i] * m[i] }
        } } }
    }

    public override func backward() {
        let x = inboundNodes[0]
        guard x.needsGradient else { return }
        let count = mask.count
        gradient.withReadPointer { dy in mask.withReadPointer { m in x.gradient.withWritePointer { dx in
            if lastPassWasTraining {
                for i in 0..<count { dx[i] += dy[i] * m[i] }
            } else {
                for i in 0..<count { dx[i] += dy[i] }
            }
        } } }
    }

    /// Fills the mask with 0 (probability p) or 1/(1 − p), in place.
    private func drawMask() {
        let (p, scale, count) = (dropProbability, 1 / (1 - dropProbability), mask.count)
        mask.withWritePointer { m in
            for i in 0..<count { m[i] = generator.nextUnitFloat() < p ? 0 : scale }
        }
        hasMask = true
    }
}

#if canImport(Darwin)
@used @section("__DATA,gradflow_ops")
#else
@used @section("gradflow_ops")
#endif
private let registration: OperationRegistration = { OperationRegistry.entry(for: Dropout.self) }
