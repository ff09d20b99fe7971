/// The mean of each channel over the whole image (global average pooling, Keras's
/// `GlobalAveragePooling2D`): `[batch, C, H, W] → [batch, C]`. Gradient: `∂L/∂y / (H·W)` everywhere.
public final class GlobalAvgPool2D: Node, GraphOperation {
    /// `global_avg_pool2d(x)` in graph files.
    public static let operationDescription = OperationDescription(
        name: "global_avg_pool2d", operands: ["x"], category: .linearAlgebra,
        summary: "mean of each channel: [batch, C, H, W] → [batch, C]"
    ) { operands, _, name in GlobalAvgPool2D(operands[0], name: name) }

    /// Creates the pooling of `x`.
    public init(_ x: Node, name: String? = nil) { super.init([x], name: name) }

    public override func outputShape(for inputShapes: [SymbolicShape]) throws -> SymbolicShape {
        let x = inputShapes[0]
        guard x.count == 4, !x.dropFirst().contains(.batch) else {
            throw GraphError.shapeMismatch(node: name, detail: "global_avg_pool2d needs x [batch, C, H, W]; got \(x.text)")
        }
        return [x[0], x[1]]
    }

    public override func forward() throws {
        let shape = inboundNodes[0].value.shape
        let (planes, plane) = (shape[0] * shape[1], shape[2] * shape[3])
        inboundNodes[0].value.withReadPointer { x in value.withWritePointer { y in
            for c in 0..<planes {
                var sum: Float = 0
                for i in 0..<plane { sum += x[c * plane + i] }
                y[c] = sum / Float(plane)
            }
        } }
    }

    public override func backward() {
        let x = inboundNodes[0]
        guard x.needsGradient else { return }
        let shape = x.value.shape
        let (planes, plane) = (shape[0] * shape[1], shape[2] * shape[3])
        gradient.withReadPointer { dy in x.gradient.withWritePointer { dx in
            for c in 0..<planes {
                let share = dy[c] / Float(plane)
                for i in 0..<plane { dx[c * plane + i] += share }
            }
        } }
    }
}

#if canImport(Darwin)
@used @section("__DATA,gradflow_ops")
#else
@used @section("gradflow_ops")
#endif
private let registration: OperationRegistration = { OperationRegistry.entry(for: GlobalAvgPool2D.self) }
