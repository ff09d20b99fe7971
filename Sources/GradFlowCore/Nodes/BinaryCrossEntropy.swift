import GradFlowKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Sigmoid followed by binary cross-entropy, fused and stable for any logit: the mean over all
/// `m` elements of `−[y·log σ(z) + (1 − y)·log(1 − σ(z))]`, computed as
/// `max(z, 0) − z·y + log(1 + e^(−|z|))`, so logits of ±1000 give exact finite losses.
///
/// Shapes: logits `z` and targets `y` of one shape (e.g. `[batch, 1]`), targets in [0, 1]
/// (probabilities or 0/1 labels); the output is a scalar.
/// Gradients: `∂L/∂z = (σ(z) − y) / m`, `∂L/∂y = −z / m` (each times the upstream gradient).
public final class BinaryCrossEntropy: Node, GraphOperation, LabelledLoss {
    /// σ(z) of the last forward pass, the shape of the logits (kept for the backward pass).
    public private(set) var probabilities = Tensor.zeros([0])

    /// Creates the fused loss of `logits` against `targets` in [0, 1].
    public init(_ logits: Node, _ targets: Node, name: String? = nil) { super.init([logits, targets], name: name) }

    /// `binary_cross_entropy` in graph files.
    public static let operationDescription = OperationDescription(
        name: "binary_cross_entropy", aliases: ["bce"], operands: ["logits", "targets"], category: .loss,
        summary: "sigmoid + binary cross-entropy, fused → scalar") { operands, _, name in BinaryCrossEntropy(operands[0], operands[1], name: name) }

    /// The targets are the second operand.
    public var labelOperand: Int { 1 }

    /// Targets in [0, 1].
    public var labelRule: LabelRule? { .probabilities }

    public override func outputShape(for inputShapes: [SymbolicShape]) throws -> SymbolicShape {
        let (z, y) = (inputShapes[0], inputShapes[1])
        guard z.agrees(with: y), z.hasPositiveSizes else {
            throw GraphError.shapeMismatch(node: name, detail:
                "binary_cross_entropy needs logits and targets of one shape; got \(z.text) and \(y.text)")
        }
        return []
    }

    public override func planScratchBuffers() {
        probabilities = Tensor.zeros(inboundNodes[0].value.shape)
    }

    public override func forward() throws {
        let (logits, targets) = (inboundNodes[0].value, inboundNodes[1].value)
        let count = logits.count
        var total: Double = 0
        for i in 0..<count {
            let (z, y) = (logits.scalars[i], targets.scalars[i])
            guard y >= 0, y <= 1 else {
                throw GraphError.invalidValue(node: name, detail: "target \(y) at element \(i) is not in [0, 1]")
            }
            total += Double(max(z, 0) - z * y + log1pf(expf(-abs(z))))
        }
        logits.withUnsafeBufferPointer { z in probabilities.withUnsafeMutableBufferPointer { p in
            Elementwise.sigmoid(z, into: p)
        } }
        value.withWritePointer { $0[0] = Float(total / Double(count)) }
    }

    public override func backward() {
        let (logits, targets) = (inboundNodes[0], inboundNodes[1])
        let count = probabilities.count
        let scale = gradient.scalars[0] / Float(count)
        if logits.needsGradient {
            probabilities.withReadPointer { p in targets.value.withReadPointer { y in logits.gradient.withWritePointer { dz in
                for i in 0..<count { dz[i] += scale * (p[i] - y[i]) }
            } } }
        }
        if targets.needsGradient {
            logits.value.withReadPointer { z in targets.gradient.withWritePointer { dy in
                for i in 0..<count { dy[i] -= scale * z[i] }
            } }
        }
    }
}

#if canImport(Darwin)
@used @section("__DATA,gradflow_ops")
#else
@used @section("gradflow_ops")
#endif
private let registration: OperationRegistration = { OperationRegistry.entry(for: BinaryCrossEntropy.self) }
