import GradFlowKernels

/// Softmax followed by cross-entropy, fused: the mean over the batch of `−log softmax(z)[label]`.
///
/// Shapes: logits `z: [batch, classes]`, labels `[batch]` (or `[batch, 1]`) holding class indices
/// `0..<classes` as whole numbers; the output is a scalar.
/// Computed as `log Σ_j e^(z_j − max z) − (z_label − max z)`, so logits of ±1000 give exact finite
/// losses. Gradient: `∂L/∂z = (softmax(z) − onehot(label)) / batch`; labels get no gradient.
/// As the only writer of the logits' gradient (`GradientAssigning`) it assigns instead of adding.
public final class SoftmaxCE: Node, GraphOperation, LabelledLoss, GradientAssigning {
    var assignedOperands: UInt8 = 0
    /// The softmax of the last forward pass, `[batch, classes]` (kept for the backward pass).
    public private(set) var probabilities = Tensor.zeros([0])

    /// Creates the fused loss of `logits` against integer class `labels`.
    public init(_ logits: Node, _ labels: Node, name: String? = nil) { super.init([logits, labels], name: name) }

    /// `softmax_ce` in graph files.
    public static let operationDescription = OperationDescription(
        name: "softmax_ce", operands: ["logits", "labels"], category: .loss,
        summary: "softmax cross-entropy against class indices → scalar") { operands, _, name in SoftmaxCE(operands[0], operands[1], name: name) }

    /// The labels are the second operand.
    public var labelOperand: Int { 1 }

    /// Class indices below the logits' last size (when it is known).
    public var labelRule: LabelRule? {
        guard case .fixed(let classes)? = inboundNodes[0].shape.last, classes > 0 else { return nil }
        return .classes(classes)
    }

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
        let total: Double = try z.withReadPointer { zp in
            try inboundNodes[1].value.withReadPointer { labels in
                try probabilities.withWritePointer { p in
                    switch Elementwise.softmaxCrossEntropyRows(zp, labels: labels, rows: rows, cols: classes, into: p) {
                    case .sum(let total)?: return total
                    case .invalidLabel(let row)?: throw invalidLabel(labels, row: row, classes: classes)
                    case nil: break   // no AVX-512: the Swift loop below
                    }
                    Elementwise.softmaxRows(UnsafeBufferPointer(start: zp, count: rows * classes), rows: rows, cols: classes,
                                            into: UnsafeMutableBufferPointer(start: p, count: rows * classes))
                    var total: Double = 0
                    for row in 0..<rows {
                        let label = labels[row]
                        guard label >= 0, label < Float(classes), label == label.rounded(.towardZero) else {
                            throw invalidLabel(labels, row: row, classes: classes)
                        }
                        total += Double(Self.rowLoss(logits: zp + row * classes, probabilities: p + row * classes,
                                                     classes: classes, label: Int(label)))
                    }
                    return total
                }
            }
        }
        value.withWritePointer { $0[0] = Float(total / Double(rows)) }
    }

    /// The error for row `row`'s label, which is not a class index in `0..<classes`.
    private func invalidLabel(_ labels: UnsafePointer<Float>, row: Int, classes: Int) -> GraphError {
        .invalidValue(node: name, detail: "label \(labels[row]) in row \(row) is not a class index in 0..<\(classes)")
    }

    /// One row's `log Σ_j e^(z_j − max z) − (z_label − max z)`, using `log Σ e^(z − max) = −log p[argmax]`
    /// (since `p[argmax] = 1 / Σ e^(z − max)` ≥ 1/classes, the logarithm is well conditioned). O(classes).
    @inline(__always)
    private static func rowLoss(logits z: UnsafePointer<Float>, probabilities p: UnsafePointer<Float>,
                                classes: Int, label: Int) -> Float {
        var maxIndex = 0
        for c in 1..<max(classes, 1) where z[c] > z[maxIndex] { maxIndex = c }
        return -_logFloat(p[maxIndex]) - (z[label] - z[maxIndex])
    }

    public override func backward() {
        let logits = inboundNodes[0]
        guard logits.needsGradient else { return }
        let (rows, classes) = (probabilities.shape[0], probabilities.shape[1])
        let scale = gradient.withReadPointer { $0[0] } / Float(rows)
        probabilities.withReadPointer { p in inboundNodes[1].value.withReadPointer { labels in
            logits.gradient.withWritePointer { dz in
                let count = rows * classes
                let (probabilities, target) = (UnsafeBufferPointer(start: p, count: count),
                                               UnsafeMutableBufferPointer(start: dz, count: count))
                if assigns(0) {
                    Elementwise.scale(probabilities, by: scale, into: target)
                } else {
                    Elementwise.axpy(scale, probabilities, target)
                }
                for row in 0..<rows { dz[row * classes + Int(labels[row])] -= scale }
            }
        } }
    }
}

#if canImport(Darwin)
@used @section("__DATA,gradflow_ops")
#else
@used @section("gradflow_ops")
#endif
private let registration: OperationRegistration = { OperationRegistry.entry(for: SoftmaxCE.self) }
