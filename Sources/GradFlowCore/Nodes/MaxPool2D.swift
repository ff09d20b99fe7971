import GradFlowKernels

/// 2-D max pooling over NCHW images (PyTorch's `max_pool2d`): each output is the largest input in its
/// window, padding counting as −∞. Shape: `[batch, C, H, W] → [batch, C, oh, ow]`. Gradient: `∂L/∂y`
/// goes to the position that won (the first one, on ties), recorded by the forward pass.
public final class MaxPool2D: Pool2DNode, GraphOperation {
    private var winners: [Int32] = []

    /// `max_pool2d(x, kernel: 2)` in graph files.
    public static let operationDescription = OperationDescription(
        name: "max_pool2d", operands: ["x"], attributes: Pool2DWindow.attributes, category: .linearAlgebra,
        summary: "max over kernel windows: [batch, C, H, W] → [batch, C, oh, ow]"
    ) { operands, attributes, name in MaxPool2D(operands[0], window: try Pool2DWindow(attributes, node: name), name: name) }

    public override func planScratchBuffers() { winners = [Int32](repeating: 0, count: value.count) }

    /// The winners' positions, one 32-bit index per output.
    public override var scratchBytes: Int { 4 * winners.count }

    public override func forward() throws {
        let shape = inboundNodes[0].value.shape
        let g = window.geometry(height: shape[2], width: shape[3])
        let (planes, plane, outputs) = (shape[0] * shape[1], shape[2] * shape[3], g.outputHeight * g.outputWidth)
        inboundNodes[0].value.withReadPointer { x in value.withWritePointer { y in winners.withUnsafeMutableBufferPointer { won in
            if g.padTop == 0 && g.padLeft == 0 {   // every window lies inside the image: no bounds checks
                for c in 0..<planes {
                    let source = x + c * plane
                    for oy in 0..<g.outputHeight { for ox in 0..<g.outputWidth {
                        let origin = oy * g.strideY * g.width + ox * g.strideX
                        var (best, at) = (source[origin], origin)
                        for ki in 0..<g.kernelHeight {
                            let line = origin + ki * g.width
                            for kj in 0..<g.kernelWidth where source[line + kj] > best { (best, at) = (source[line + kj], line + kj) }
                        }
                        let index = c * outputs + oy * g.outputWidth + ox
                        y[index] = best
                        won[index] = Int32(at)
                    } }
                }
                return
            }
            for c in 0..<planes {
                let source = x + c * plane
                for oy in 0..<g.outputHeight { for ox in 0..<g.outputWidth {
                    var best = -Float.infinity, at = -1
                    for ki in 0..<g.kernelHeight {
                        let iy = oy * g.strideY - g.padTop + ki
                        guard iy >= 0, iy < g.height else { continue }
                        for kj in 0..<g.kernelWidth {
                            let ix = ox * g.strideX - g.padLeft + kj
                            guard ix >= 0, ix < g.width else { continue }
                            let v = source[iy * g.width + ix]
                            if v > best || at < 0 { (best, at) = (v, iy * g.width + ix) }
                        }
                    }
                    let index = c * outputs + oy * g.outputWidth + ox
                    y[index] = best
                    won[index] = Int32(at)
                } }
            }
        } } }
    }

    public override func backward() {
        let x = inboundNodes[0]
        guard x.needsGradient else { return }
        let shape = x.value.shape
        let (plane, outputs) = (shape[2] * shape[3], value.count / max(shape[0] * shape[1], 1))
        gradient.withReadPointer { dy in x.gradient.withWritePointer { dx in winners.withUnsafeBufferPointer { won in
            for index in 0..<won.count { dx[(index / outputs) * plane + Int(won[index])] += dy[index] }
        } } }
    }
}

#if canImport(Darwin)
@used @section("__DATA,gradflow_ops")
#else
@used @section("gradflow_ops")
#endif
private let registration: OperationRegistration = { OperationRegistry.entry(for: MaxPool2D.self) }
