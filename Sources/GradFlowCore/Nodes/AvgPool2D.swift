import GradFlowKernels

/// 2-D average pooling over NCHW images (PyTorch's `avg_pool2d` with `count_include_pad=True`): each
/// output is the sum of its window divided by `kh·kw`, padding counting as zeros. Shape:
/// `[batch, C, H, W] → [batch, C, oh, ow]`. Gradient: `∂L/∂y / (kh·kw)` to every input of the window.
public final class AvgPool2D: Pool2DNode, GraphOperation {
    /// `avg_pool2d(x, kernel: 2)` in graph files.
    public static let operationDescription = OperationDescription(
        name: "avg_pool2d", operands: ["x"], attributes: Pool2DWindow.attributes, category: .linearAlgebra,
        summary: "mean over kernel windows: [batch, C, H, W] → [batch, C, oh, ow]"
    ) { operands, attributes, name in AvgPool2D(operands[0], window: try Pool2DWindow(attributes, node: name), name: name) }

    /// Calls `body(outputIndex, inputIndex)` for every (output, input) pair of a window, plane by plane.
    private func forEachTap(_ shape: [Int], _ body: (Int, Int) -> Void) {
        let g = window.geometry(height: shape[2], width: shape[3])
        let (plane, outputs) = (shape[2] * shape[3], g.outputHeight * g.outputWidth)
        for c in 0..<(shape[0] * shape[1]) {
            for oy in 0..<g.outputHeight { for ox in 0..<g.outputWidth {
                let output = c * outputs + oy * g.outputWidth + ox
                for ki in 0..<g.kernelHeight {
                    let iy = oy * g.strideY - g.padTop + ki
                    guard iy >= 0, iy < g.height else { continue }
                    for kj in 0..<g.kernelWidth {
                        let ix = ox * g.strideX - g.padLeft + kj
                        if ix >= 0, ix < g.width { body(output, c * plane + iy * g.width + ix) }
                    }
                }
            } }
        }
    }

    public override func forward() throws {
        let scale = 1 / Float(window.kernel.0 * window.kernel.1)
        let count = value.count
        inboundNodes[0].value.withReadPointer { x in value.withWritePointer { y in
            y.update(repeating: 0, count: count)
            forEachTap(inboundNodes[0].value.shape) { output, input in y[output] += x[input] }
            for i in 0..<count { y[i] *= scale }
        } }
    }

    public override func backward() {
        let x = inboundNodes[0]
        guard x.needsGradient else { return }
        let scale = 1 / Float(window.kernel.0 * window.kernel.1)
        gradient.withReadPointer { dy in x.gradient.withWritePointer { dx in
            forEachTap(x.value.shape) { output, input in dx[input] += scale * dy[output] }
        } }
    }
}

#if canImport(Darwin)
@used @section("__DATA,gradflow_ops")
#else
@used @section("gradflow_ops")
#endif
private let registration: OperationRegistration = { OperationRegistry.entry(for: AvgPool2D.self) }
