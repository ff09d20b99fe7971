import GradFlowKernels

/// 2-D max pooling over NCHW images (PyTorch's `max_pool2d`): each output is the largest input in its
/// window, padding counting as −∞. Shape: `[batch, C, H, W] → [batch, C, oh, ow]`. Gradient: `∂L/∂y`
/// goes to the position that won (the first one, on ties), recorded by the forward pass.
public final class MaxPool2D: Pool2DNode, GraphOperation, GradientAssigning {
    private var winners: [Int32] = []
    var assignedOperands: UInt8 = 0

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
            if g.kernelHeight == 2 && g.kernelWidth == 2 && g.strideY == 2 && g.strideX == 2 && g.padTop == 0 && g.padLeft == 0 {
                // LeNet's and most CNNs' pooling; large batches one range of planes per thread.
                let job = Pool2x2(x: x, y: y, won: won.baseAddress!, geometry: g)
                parallelRanges(planes, parts: elementwiseParts(planes * plane), alignment: 1, job)
                return
            }
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

    /// 2×2 windows with stride 2 and no padding: `MaxPooling.pool2x2` (`max_pool.c`, AVX-512 rows
    /// of 16 outputs; ties to the first candidate in window order, as the general loop).
    private struct Pool2x2: RangeJob {
        let x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, won: UnsafeMutablePointer<Int32>
        let geometry: WindowGeometry

        func run(_ planes: Range<Int>) {
            let g = geometry
            let (plane, outputs) = (g.height * g.width, g.outputHeight * g.outputWidth)
            MaxPooling.pool2x2(x + planes.lowerBound * plane, planes: planes.count, height: g.height, width: g.width,
                               outputHeight: g.outputHeight, outputWidth: g.outputWidth,
                               into: y + planes.lowerBound * outputs, winners: won + planes.lowerBound * outputs)
        }
    }

    public override func backward() {
        let x = inboundNodes[0]
        guard x.needsGradient else { return }
        let shape = x.value.shape
        let (plane, outputs) = (shape[2] * shape[3], value.count / max(shape[0] * shape[1], 1))
        let planes = shape[0] * shape[1]
        gradient.withReadPointer { dy in x.gradient.withWritePointer { dx in winners.withUnsafeBufferPointer { won in
            let job = ScatterToWinners(dy: dy, dx: dx, won: won.baseAddress!, plane: plane, outputs: outputs, assigns: assigns(0))
            parallelRanges(planes, parts: elementwiseParts(planes * plane), alignment: 1, job)
        } } }
    }

    /// The backward for a range of planes, plane by plane (no division per element): each output's
    /// gradient goes to the input position that won its window. As the only writer of `∂L/∂x`
    /// (`assigns`) it zeroes each plane just before scattering into it, while the plane is in cache,
    /// instead of the graph zeroing the whole tensor first.
    private struct ScatterToWinners: RangeJob {
        let dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>, won: UnsafePointer<Int32>
        let plane: Int, outputs: Int, assigns: Bool

        func run(_ planes: Range<Int>) {
            for p in planes {
                let (target, first) = (dx + p * plane, p * outputs)
                if assigns { target.update(repeating: 0, count: plane) }
                for index in first..<(first + outputs) { target[Int(won[index])] += dy[index] }
            }
        }
    }
}

#if canImport(Darwin)
@used @section("__DATA,gradflow_ops")
#else
@used @section("gradflow_ops")
#endif
private let registration: OperationRegistration = { OperationRegistry.entry(for: MaxPool2D.self) }
