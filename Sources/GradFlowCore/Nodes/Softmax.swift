import GradFlowKernels

/// Softmax over the last axis: `y_i = e^(x_i − max x) / Σ_j e^(x_j − max x)` for each row, so
/// every row of the output is a probability distribution (for predictions; to train a classifier
/// use the fused, more stable `SoftmaxCE`).
///
/// Shape: unchanged, rank ≥ 1 (`[batch, classes]` gives one distribution per example).
/// Gradient (the softmax Jacobian `diag(y) − y·yᵀ` applied row by row, from the saved output):
/// `∂L/∂x_i = y_i · (∂L/∂y_i − Σ_j y_j · ∂L/∂y_j)`.
public final class Softmax: Node, GraphOperation {
    /// Creates the row-wise softmax of `x`.
    public init(_ x: Node, name: String? = nil) { super.init([x], name: name) }

    /// `softmax` in graph files.
    public static let operationDescription = OperationDescription(
        name: "softmax", operands: ["x"], category: .activation,
        summary: "softmax over the last axis (for predictions)") { operands, _, name in Softmax(operands[0], name: name) }

    public override func outputShape(for inputShapes: [SymbolicShape]) throws -> SymbolicShape {
        let x = inputShapes[0]
        guard !x.isEmpty, x.hasPositiveSizes else {
            throw GraphError.shapeMismatch(node: name, detail: "softmax needs a tensor of rank ≥ 1 with positive sizes; got \(x.text)")
        }
        return x
    }

    public override func forward() throws {
        let cols = value.shape[value.rank - 1]
        inboundNodes[0].value.withUnsafeBufferPointer { x in value.withUnsafeMutableBufferPointer { y in
            Elementwise.softmaxRows(x, rows: x.count / cols, cols: cols, into: y)
        } }
    }

    public override func backward() {
        let x = inboundNodes[0]
        guard x.needsGradient else { return }
        let cols = value.shape[value.rank - 1]
        let rows = value.count / cols
        value.withReadPointer { y in gradient.withReadPointer { dy in x.gradient.withWritePointer { dx in
            for row in 0..<rows {
                let base = row * cols
                var dot: Float = 0   // Σ_j y_j · ∂L/∂y_j
                for j in base..<(base + cols) { dot += y[j] * dy[j] }
                for j in base..<(base + cols) { dx[j] += y[j] * (dy[j] - dot) }
            }
        } } }
    }
}

#if canImport(Darwin)
@used @section("__DATA,gradflow_ops")
#else
@used @section("gradflow_ops")
#endif
private let registration: OperationRegistration = { OperationRegistry.entry(for: Softmax.self) }
