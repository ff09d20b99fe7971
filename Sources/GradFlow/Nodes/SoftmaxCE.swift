import GradFlowKernels

/// Softmax followed by cross-entropy, fused: the mean over the batch of `−log softmax(z)[label]`.
///
/// Shapes: logits `z: [batch, classes]`, labels `[batch]` (or `[batch, 1]`) holding class indices
/// `0..<classes` as whole numbers; the output is a scalar.
/// Computed as `log Σ_j e^(z_j − max z) − (z_label − max z)`, so logits of ±1000 give exact finite
/// losses. Gradient: `∂L/∂z = (softmax(z) − onehot(label)) / batch`; labels get no gradient.
public final class SoftmaxCE: Node {
    /// The softmax of the last forward pass, `[batch, classes]` (kept for the backward pass).
    public private(set) var probabilities = Tensor.zeros([0])

    /// Creates the fused loss of `logits` against integer class `labels`.
    public init(_ logits: Node, _ labels: Node, name: String? = nil) { super.init([logits, labels], name: name) }

    public override var kind: String { "softmax_ce" }

    public override func outputShape(for inputShapes: [SymbolicShape]) throws -> SymbolicShape {
        let (z, labels) = (inputShapes[0], inputShapes[1])
        let labelsFit = (labels.count == 1 || (labels.count == 2 && labels[1] == 1)) && z.count == 2 && labels[0].agrees(with: z[0])
        guard labelsFit, z.hasPositiveSizes else {
            throw GraphError.shapeMismatch(node: name, detail:
                "softmax_ce needs logits [rows, classes] and labels [rows]; got \(z.text) and \(labels.text)")
        }
        return []
    }

    public override func planScratchBuffers() {
        probabilities = Tensor.zeros(inboundNodes[0].value.shape)
    }

    public override func forward() throws {
        let z = inboundNodes[0].value
        let (rows, classes) = (z.shape[0], z.shape[1])
        z.withUnsafeBufferPointer { zb in probabilities.withUnsafeMutableBufferPointer { pb in
            Elementwise.softmaxRows(zb, rows: rows, cols: classes, into: pb)
        } }
        var total: Double = 0
        let labels = inboundNodes[1].value
        for row in 0..<rows {
            let label = labels.scalars[row]
            guard label >= 0, label < Float(classes), label == label.rounded(.towardZero) else {
                throw GraphError.invalidValue(node: name, detail:
                    "label \(label) in row \(row) is not a class index in 0..<\(classes)")
            }
            // log Σ e^(z − max) = −log p[argmax], since p[argmax] = 1 / Σ e^(z − max) ≥ 1/classes.
            var maxIndex = 0
            for c in 1..<max(classes, 1) where z.scalars[row * classes + c] > z.scalars[row * classes + maxIndex] { maxIndex = c }
            let maxLogit = z.scalars[row * classes + maxIndex]
            let logSumExp = -_logFloat(probabilities.scalars[row * classes + maxIndex])
            total += Double(logSumExp - (z.scalars[row * classes + Int(label)] - maxLogit))
        }
        value.withWritePointer { $0[0] = Float(total / Double(rows)) }
    }

    public override func backward() {
        let logits = inboundNodes[0]
        guard logits.needsGradient else { return }
        let (rows, classes) = (probabilities.shape[0], probabilities.shape[1])
        let scale = gradient.scalars[0] / Float(rows)
        let labels = inboundNodes[1].value
        probabilities.withReadPointer { p in logits.gradient.withWritePointer { dz in
            for i in 0..<(rows * classes) { dz[i] += scale * p[i] }
            for row in 0..<rows { dz[row * classes + Int(labels.scalars[row])] -= scale }
        } }
    }
}
