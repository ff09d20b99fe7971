import GradFlowKernels

/// Matrix product: `Y = A·B`.
///
/// Shapes: `A: [m, k] · B: [k, n] → [m, n]`.
/// Gradients: `∂L/∂A = ∂L/∂Y · Bᵀ`, `∂L/∂B = Aᵀ · ∂L/∂Y`, computed by GEMM reading the operands
/// transposed in place (no transposed copies) and accumulating into the operands' gradients.
public final class MatMul: Node, GraphOperation {
    /// Creates `a · b`.
    public init(_ a: Node, _ b: Node, name: String? = nil) { super.init([a, b], name: name) }

    /// `matmul` in graph files.
    public static let operationDescription = OperationDescription(
        name: "matmul", operands: ["A", "B"], category: .linearAlgebra,
        summary: "A·B: [m, k]·[k, n] → [m, n]") { operands, _, name in MatMul(operands[0], operands[1], name: name) }

    public override func outputShape(for inputShapes: [SymbolicShape]) throws -> SymbolicShape {
        let (a, b) = (inputShapes[0], inputShapes[1])
        guard a.count == 2, b.count == 2, a[1].agrees(with: b[0]), a.hasPositiveSizes, b.hasPositiveSizes else {
            throw GraphError.shapeMismatch(node: name, detail:
                "matmul needs A [m, k] and B [k, n]; got A \(a.text) and B \(b.text)")
        }
        return [a[0], b[1]]
    }

    public override func forward() throws {
        let (a, b) = (inboundNodes[0].value, inboundNodes[1].value)
        let (m, k, n) = (a.shape[0], a.shape[1], b.shape[1])
        a.withReadPointer { ap in b.withReadPointer { bp in value.withWritePointer { yp in
            gemm(m: m, n: n, k: k, a: ap, lda: k, b: bp, ldb: n, c: yp, ldc: n)
        } } }
    }

    public override func backward() {
        let (aNode, bNode) = (inboundNodes[0], inboundNodes[1])
        let (m, k, n) = (aNode.value.shape[0], aNode.value.shape[1], bNode.value.shape[1])
        gradient.withReadPointer { dy in
            if aNode.needsGradient {   // ∂L/∂A += ∂L/∂Y · Bᵀ   [m, n]·[n, k]
                bNode.value.withReadPointer { bp in aNode.gradient.withWritePointer { da in
                    gemm(transposeB: true, m: m, n: k, k: n, a: dy, lda: n, b: bp, ldb: n, c: da, ldc: k, accumulate: true)
                } }
            }
            if bNode.needsGradient {   // ∂L/∂B += Aᵀ · ∂L/∂Y   [k, m]·[m, n]
                aNode.value.withReadPointer { ap in bNode.gradient.withWritePointer { db in
                    gemm(transposeA: true, m: k, n: n, k: m, a: ap, lda: k, b: dy, ldb: n, c: db, ldc: n, accumulate: true)
                } }
            }
        }
    }
}

#if canImport(Darwin)
@used @section("__DATA,gradflow_ops")
#else
@used @section("gradflow_ops")
#endif
private let registration: OperationRegistration = { OperationRegistry.entry(for: MatMul.self) }
