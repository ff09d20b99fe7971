import GradFlowKernels

/// A fully connected layer: `Y = X·W + b`.
///
/// Shapes: `X: [batch, in] · W: [in, out] + b: [out] → [batch, out]`.
/// Gradients: `∂L/∂X = ∂L/∂Y · Wᵀ`, `∂L/∂W = Xᵀ · ∂L/∂Y`, `∂L/∂b = Σ_rows ∂L/∂Y`, computed by GEMM
/// on the transposed operands in place (no transposed copies); the bias is fused into the forward GEMM.
/// As the only writer of an operand's gradient (`GradientAssigning`) it assigns instead of adding.
public final class Linear: Node, GraphOperation, GradientAssigning {
    var assignedOperands: UInt8 = 0

    /// Creates `X·W + b`.
    public init(_ x: Node, _ weights: Node, _ bias: Node, name: String? = nil) {
        super.init([x, weights, bias], name: name)
    }

    /// `linear` in graph files.
    public static let operationDescription = OperationDescription(
        name: "linear", operands: ["X", "W", "b"], category: .linearAlgebra,
        summary: "X·W + b: [rows, in]·[in, out] + [out] → [rows, out]") { operands, _, name in Linear(operands[0], operands[1], operands[2], name: name) }

    public override func outputShape(for inputShapes: [SymbolicShape]) throws -> SymbolicShape {
        let (x, w, b) = (inputShapes[0], inputShapes[1], inputShapes[2])
        guard x.count == 2, w.count == 2, b.count == 1, x[1].agrees(with: w[0]), b[0].agrees(with: w[1]), w.hasPositiveSizes else {
            throw GraphError.shapeMismatch(node: name, detail:
                "linear needs X [rows, in], W [in, out], b [out]; got X \(x.text), W \(w.text), b \(b.text)")
        }
        return [x[0], w[1]]
    }

    /// `2·rows·in·out` (the GEMM; the bias is fused).
    public override var forwardFLOPs: Int {
        let (x, w) = (inboundNodes[0].value.shape, inboundNodes[1].value.shape)
        return x.count == 2 && w.count == 2 ? 2 * x[0] * x[1] * w[1] : 0
    }

    /// One GEMM of the forward's size per operand (X, W) that needs a gradient.
    public override var backwardFLOPs: Int {
        forwardFLOPs * ((inboundNodes[0].needsGradient ? 1 : 0) + (inboundNodes[1].needsGradient ? 1 : 0))
    }

    public override func forward() throws {
        let (x, w, b) = (inboundNodes[0].value, inboundNodes[1].value, inboundNodes[2].value)
        let (rows, inner, outputs) = (x.shape[0], x.shape[1], w.shape[1])
        x.withReadPointer { xp in w.withReadPointer { wp in b.withReadPointer { bp in
            value.withWritePointer { yp in
                gemm(m: rows, n: outputs, k: inner, a: xp, lda: inner, b: wp, ldb: outputs,
                     c: yp, ldc: outputs, bias: bp)
            }
        } } }
    }

    public override func backward() {
        let (xNode, wNode, bNode) = (inboundNodes[0], inboundNodes[1], inboundNodes[2])
        let (rows, inner, outputs) = (xNode.value.shape[0], xNode.value.shape[1], wNode.value.shape[1])
        gradient.withReadPointer { dy in
            if xNode.needsGradient {   // ∂L/∂X += ∂L/∂Y · Wᵀ   [rows, out]·[out, in]
                wNode.value.withReadPointer { wp in xNode.gradient.withWritePointer { dx in
                    gemm(transposeB: true, m: rows, n: inner, k: outputs, a: dy, lda: outputs,
                         b: wp, ldb: outputs, c: dx, ldc: inner, accumulate: !assigns(0))
                } }
            }
            if wNode.needsGradient {   // ∂L/∂W += Xᵀ · ∂L/∂Y   [in, rows]·[rows, out]
                xNode.value.withReadPointer { xp in wNode.gradient.withWritePointer { dw in
                    gemm(transposeA: true, m: inner, n: outputs, k: rows, a: xp, lda: inner,
                         b: dy, ldb: outputs, c: dw, ldc: outputs, accumulate: !assigns(1))
                } }
            }
        }
        if bNode.needsGradient {       // ∂L/∂b += column sums of ∂L/∂Y
            gradient.withUnsafeBufferPointer { dy in bNode.gradient.withUnsafeMutableBufferPointer { db in
                if assigns(2) { Elementwise.fill(db, with: 0) }   // `outputs` floats: cheaper than a second kernel
                Elementwise.accumulateColumnSums(of: dy, rows: rows, cols: outputs, into: db)
            } }
        }
    }
}

#if canImport(Darwin)
@used @section("__DATA,gradflow_ops")
#else
@used @section("gradflow_ops")
#endif
private let registration: OperationRegistration = { OperationRegistry.entry(for: Linear.self) }
