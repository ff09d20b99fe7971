import GradFlowCore

/// The loss a `Sequential` model minimises, chosen in `compile(loss:optimizer:metrics:)`.
///
/// The classification losses are the fused, numerically stable nodes, which take logits: a model
/// may end in a plain `Dense` (then `predict` returns logits) or in the matching activation
/// (`.softmax` before `.softmaxCrossEntropy`, `.sigmoid` before `.binaryCrossEntropy`), in which
/// case the loss reads the logits just before that activation and `predict` returns probabilities.
public enum Loss: String, Equatable, Sendable, CaseIterable {
    /// `SoftmaxCE`: the mean of `−log softmax(z)[label]`; targets are class indices `[examples]`.
    case softmaxCrossEntropy
    /// `MSE`: the mean of `(y − ŷ)²`; targets have the output's shape (`[n]` is taken as `[n, 1]`).
    case meanSquaredError
    /// `BinaryCrossEntropy`: the mean of `−[y log σ(z) + (1 − y) log(1 − σ(z))]`; targets in [0, 1]
    /// of the output's shape.
    case binaryCrossEntropy

    /// Adds the targets input and the loss node after the model's `output`.
    /// - Parameters:
    ///   - output: the model's last node.
    ///   - outputShape: its shape, `[batch, …]`.
    /// - Returns: the input to feed with targets, and the scalar loss node.
    func makeNodes(after output: Node, outputShape: SymbolicShape) -> (targets: Input, loss: Node) {
        switch self {
        case .softmaxCrossEntropy:
            let labels = Input("labels", shape: [.batch])
            return (labels, SoftmaxCE(Loss.logits(of: output, before: Softmax.self), labels, name: "loss"))
        case .meanSquaredError:
            let targets = Input("targets", shape: outputShape)
            return (targets, MSE(targets, output, name: "loss"))
        case .binaryCrossEntropy:
            let targets = Input("targets", shape: outputShape)
            return (targets, BinaryCrossEntropy(Loss.logits(of: output, before: Sigmoid.self), targets, name: "loss"))
        }
    }

    /// The operand of `output` when it is an activation of type `activation`, else `output`.
    private static func logits<Activation: Node>(of output: Node, before activation: Activation.Type) -> Node {
        output is Activation ? output.inboundNodes[0] : output
    }
}
