import GradFlowKernels

/// 2-D convolution (cross-correlation, as PyTorch's `conv2d`) over NCHW images:
/// `y[n, o, i, j] = b[o] + Σ_{c, ki, kj} w[o, c, ki, kj] · x[n, g·C/G + c, i·sy − pt + ki·dy, j·sx − pl + kj·dx]`
/// for output channel `o` in group `g`, zero outside the image.
///
/// Shapes: `x: [batch, C, H, W]`, `w: [O, C/groups, kh, kw]`, `b: [O]` (PyTorch's layouts, so weights
/// load into `torch.nn.Conv2d` unchanged) → `[batch, O, oh, ow]`, `oh = (H + pt + pb − dy·(kh − 1) − 1) / sy + 1`.
/// Attributes: `stride` (1), `padding` (0; a number, `[ph, pw]`, `same` — stride 1 only, the extra row
/// and column at the bottom and right as PyTorch — or `valid`), `dilation` (1), `groups` (1).
///
/// Kernels (`ConvolutionAlgorithm`, chosen when planning; `ConvolutionAlgorithm.choose` gives the
/// measurements): layers with at most 4 input channels (stride 1, dilation 1, one group) run direct
/// kernels from a zero-padded copy of each image (`DirectConvolution`); 3×3 stride-1 layers of at least
/// 32 channels run Winograd F(2×2, 3×3) (`WinogradConvolution`, AVX-512, all three products); other
/// deeper layers of one group run an implicit GEMM that reads that copy in place
/// (`ImplicitConvolution`, AVX-512); their input gradient is the convolution of the padded `∂L/∂y` with
/// the flipped weights (`TransposedConvolution`, stride 1).
/// Otherwise (groups, no AVX-512, the input gradient of a strided layer): per chunk of samples and
/// group, im2col of the chunk's images side by side into one planned matrix and one packed FMA GEMM
/// `W[O/G, C/G·kh·kw] · cols[C/G·kh·kw, chunk·oh·ow]`, the bias added while copying into NCHW (see
/// `chunkFloats`); `∂L/∂w += ∂L/∂y · colsᵀ` (cols rebuilt, not kept), `∂L/∂cols = Wᵀ · ∂L/∂y` then
/// col2im into `∂L/∂x`. `∂L/∂b = Σ_{n, i, j} ∂L/∂y` in every case. Chunks are split across the kernel
/// threads, each part with its own planned scratch and partial weight and bias gradients (summed in part order).
/// The number of parts is fixed (`parts`), not the thread count, so results are the same bits on any
/// number of threads and whichever thread ran what. The scratch is planned once per batch size.
public final class Conv2D: Node, GraphOperation {
    /// Stride, dilation (rows, columns) and groups.
    public let stride: (Int, Int), dilation: (Int, Int), groups: Int
    /// The padding as given (a number, two numbers, `same` or `valid`).
    public let padding: AttributeValue

    /// `conv2d(x, w, b, stride: 2, padding: same)` in graph files.
    public static let operationDescription = OperationDescription(
        name: "conv2d", operands: ["x", "w", "b"],
        attributes: [OperationAttribute("stride", default: .number(1), help: "step of the window: n or [rows, columns]"),
                     OperationAttribute("padding", default: .number(0), help: "zeros around the image: n, [rows, columns], same or valid",
                                        words: ["same", "valid"]),
                     OperationAttribute("dilation", default: .number(1), help: "spacing of the window's taps: n or [rows, columns]"),
                     OperationAttribute("groups", default: .number(1), help: "channel groups (in and out channels divisible by it)")],
        category: .linearAlgebra, summary: "2-D convolution: [batch, C, H, W] * w [O, C/g, kh, kw] + b [O] → [batch, O, oh, ow]"
    ) { operands, attributes, name in
        try Conv2D(operands[0], operands[1], operands[2], stride: attributes.pair("stride"), padding: attributes["padding"] ?? .number(0),
                   dilation: attributes.pair("dilation"), groups: Int(attributes.wholeNumber("groups")), name: name)
    }

    /// Creates the convolution of `x` with weights `w` and bias `b`.
    /// - Throws: `GraphError.invalidValue` for a stride, dilation or group count below 1, a negative
    ///   padding, or `same` with a stride other than 1.
    public init(_ x: Node, _ w: Node, _ b: Node, stride: (Int, Int) = (1, 1), padding: AttributeValue = .number(0),
                dilation: (Int, Int) = (1, 1), groups: Int = 1, name: String? = nil) throws(GraphError) {
        let node = name ?? "conv2d"
        guard stride.0 >= 1, stride.1 >= 1, dilation.0 >= 1, dilation.1 >= 1, groups >= 1 else {
            throw .invalidValue(node: node, detail: "stride, dilation and groups must be at least 1")
        }
        switch padding {
        case .word("same"):
            guard stride == (1, 1) else { throw .invalidValue(node: node, detail: "padding 'same' needs stride 1 (as in PyTorch)") }
        case .word("valid"): break
        case .number(let p) where p >= 0 && p == p.rounded(): break
        case .numbers(let list) where list.count == 2 && list.allSatisfy({ $0 >= 0 && $0 == $0.rounded() }): break
        default: throw .invalidValue(node: node, detail: "padding \(padding) is invalid: expected n ≥ 0, [rows, columns], same or valid")
        }
        (self.stride, self.padding, self.dilation, self.groups) = (stride, padding, dilation, groups)
        super.init([x, w, b], name: name)
    }

    /// Stride, padding, dilation and groups.
    public var attributes: OperationAttributes {
        OperationAttributes(["stride": Conv2D.value(stride), "padding": padding, "dilation": Conv2D.value(dilation),
                             "groups": .number(Double(groups))], operation: kind)
    }

    private static func value(_ pair: (Int, Int)) -> AttributeValue {
        pair.0 == pair.1 ? .number(Double(pair.0)) : .numbers([Double(pair.0), Double(pair.1)])
    }

    /// (top, bottom, left, right) for a `kh × kw` kernel.
    private func pads(kernel: (Int, Int)) -> (Int, Int, Int, Int) {
        switch padding {
        case .word("same"):
            let (rows, columns) = (dilation.0 * (kernel.0 - 1), dilation.1 * (kernel.1 - 1))
            return (rows / 2, rows - rows / 2, columns / 2, columns - columns / 2)
        case .number(let p): return (Int(p), Int(p), Int(p), Int(p))
        case .numbers(let list): return (Int(list[0]), Int(list[0]), Int(list[1]), Int(list[1]))
        default: return (0, 0, 0, 0)
        }
    }

    private func window(channels: Int, height: Int, width: Int, kernel: (Int, Int)) -> WindowGeometry {
        let (top, bottom, left, right) = pads(kernel: kernel)
        return WindowGeometry(channels: channels, height: height, width: width, kernelHeight: kernel.0, kernelWidth: kernel.1,
                              strideY: stride.0, strideX: stride.1, dilationY: dilation.0, dilationX: dilation.1,
                              padTop: top, padBottom: bottom, padLeft: left, padRight: right)
    }

    public override func outputShape(for inputShapes: [SymbolicShape]) throws -> SymbolicShape {
        let (x, w, b) = (inputShapes[0], inputShapes[1], inputShapes[2])
        let described = "x \(x.text), w \(w.text), b \(b.text)"
        guard x.count == 4, w.count == 4, b.count == 1, !w.hasBatch, !b.hasBatch, w.hasPositiveSizes,
              case let .fixed(channels) = x[1], case let .fixed(height) = x[2], case let .fixed(width) = x[3],
              case let .fixed(outputs) = w[0], case let .fixed(groupChannels) = w[1],
              case let .fixed(kh) = w[2], case let .fixed(kw) = w[3] else {
            throw GraphError.shapeMismatch(node: name, detail: "conv2d needs x [batch, C, H, W], w [O, C/groups, kh, kw], b [O]; got \(described)")
        }
        guard channels % groups == 0, outputs % groups == 0, groupChannels == channels / groups, b[0].agrees(with: .fixed(outputs)) else {
            throw GraphError.shapeMismatch(node: name, detail:
                "conv2d with \(groups) group(s) needs w [O, C/\(groups), kh, kw] with C = \(channels) and O divisible by \(groups), and b [O]; got \(described)")
        }
        let g = window(channels: groupChannels, height: height, width: width, kernel: (kh, kw))
        guard g.outputHeight >= 1, g.outputWidth >= 1 else {
            throw GraphError.shapeMismatch(node: name, detail: "conv2d's \(kh)×\(kw) window (dilation \(dilation)) does not fit the padded \(height)×\(width) image")
        }
        return [x[0], .fixed(outputs), .fixed(g.outputHeight), .fixed(g.outputWidth)]
    }

    /// The most floats of one chunk's column matrix: samples are convolved in chunks whose im2col
    /// matrices fit this (256 KiB, the size of a core's L2 here), so the GEMMs are several images
    /// wide and their B panels stay in cache. Measured on LeNet-5, batch 64, one thread: 16 MiB
    /// chunks (the whole batch) 7.5k samples/s, 1 MiB 9.4k, 256 KiB 9.6k.
    static let chunkFloats = 1 << 16

    /// The most parts a pass is cut into (each with its own scratch slot and partial weight
    /// gradient): two per thread on two cores, for load balance when the other core is busy. Fixed
    /// so that the weight gradient's sum over parts does not depend on the thread count.
    static let parts = 4

    /// The planned work: geometry, chunking and one scratch slot per part. Parts run concurrently
    /// (`parallelFor`, one thread per part at a time; whichever thread is free takes the next part,
    /// so a busy core only means the others take more), part `s` doing chunks `s`, `s + parts`, ….
    struct Plan {
        var geometry: WindowGeometry
        var algorithm = ConvolutionAlgorithm.im2colGEMM
        /// The padded image of the direct, implicit-GEMM and Winograd kernels (in the cols slot, whose
        /// borders stay zero), the implicit GEMM's offsets, and the Winograd plan.
        var padded: PaddedImage?
        var implicit: ImplicitConvolution?
        var winograd: WinogradConvolution?
        /// The implicit GEMM's or Winograd's padded copy would equal the image (no padding): read the image instead.
        var readsImageInPlace = false
        /// The input gradient as a convolution of `∂y` (direct or implicit forward only, when it applies).
        var inputGradient: TransposedConvolution?
        var batch = 0, outputs = 0, chunk = 1, chunks = 1, parts = 1
        /// Floats per slot: cols `[K, chunk·P]` (or one padded image for the direct and implicit
        /// kernels); dcols as large and a group's outputs `[O/G, chunk·P]` where the GEMM path needs
        /// them; a partial `∂L/∂w` `[O, K]` when the weights need one; for the implicit GEMM one
        /// image's `yᵀ` or `∂yᵀ` and the part's `∂wᵀ` (Winograd: `∂U`); then the input gradient's
        /// scratch; then Winograd's: the forward's, the channels-last copy, the weight gradient's.
        var columnsSize = 0, columnGradientSize = 0, outputSize = 0, weightSize = 0, transposedSize = 0, transposedWeightSize = 0
        var adjointSize = 0, winogradSize = 0
        /// A part's partial `∂L/∂b` (`O` floats when the bias needs a gradient), at the slot's end.
        var biasSize = 0
        var slotSize: Int {
            columnsSize + columnGradientSize + outputSize + weightSize + transposedSize + transposedWeightSize + adjointSize + winogradSize
                + biasSize
        }
        /// Where a slot's parts start.
        var columnGradientOffset: Int { columnsSize }
        var outputOffset: Int { columnsSize + columnGradientSize }
        var weightOffset: Int { columnsSize + columnGradientSize + outputSize }
        var transposedOffset: Int { weightOffset + weightSize }
        var adjointOffset: Int { transposedOffset + transposedSize + transposedWeightSize }
        var winogradOffset: Int { adjointOffset + adjointSize }
        var channelsLastOffset: Int { winogradOffset + (winograd?.scratchCount ?? 0) }
        var winogradGradientOffset: Int { channelsLastOffset + (winograd?.channelsLastCount ?? 0) }
        var biasOffset: Int { slotSize - biasSize }
        /// Floats after the slots, shared by the parts: the implicit GEMM's `wᵀ` (or Winograd's
        /// transformed weights), then the input gradient's flipped weights.
        var sharedSize = 0, adjointWeightsSize = 0
        var sharedOffset: Int { parts * slotSize }
        var adjointWeightsOffset: Int { sharedOffset + sharedSize }
        var scratchSize: Int { adjointWeightsOffset + adjointWeightsSize }
    }
    private var plan: Plan?
    /// Forces an algorithm instead of `ConvolutionAlgorithm.choose` (tests); applies from the next plan.
    package var forcedAlgorithm: ConvolutionAlgorithm?
    /// The algorithm of the current plan (`.im2colGEMM` before planning).
    package var algorithm: ConvolutionAlgorithm { plan?.algorithm ?? .im2colGEMM }
    private var scratch = UnsafeMutableBufferPointer<Float>(start: nil, count: 0)

    deinit { scratch.deallocate() }

    /// The im2col, column-gradient, output and partial weight-gradient slots.
    public override var scratchBytes: Int { 4 * scratch.count }

    public override func planScratchBuffers() {
        let (x, w) = (inboundNodes[0].value.shape, inboundNodes[1].value.shape)
        var plan = Plan(geometry: window(channels: w[1], height: x[2], width: x[3], kernel: (w[2], w[3])))
        let g = plan.geometry
        (plan.batch, plan.outputs) = (x[0], w[0])
        plan.chunk = max(1, min(x[0], Conv2D.chunkFloats / max(g.columnRows * g.columnCount, 1)))
        plan.chunks = (x[0] + plan.chunk - 1) / plan.chunk
        plan.parts = min(plan.chunks, Conv2D.parts)
        let forced = forcedAlgorithm.flatMap { $0.supports(g, groups: groups) ? $0 : nil }
        plan.algorithm = forced ?? ConvolutionAlgorithm.choose(g, groups: groups)
        switch plan.algorithm {
        case .direct:
            plan.padded = DirectConvolution.paddedImage(g)
        case .implicitGEMM:
            let implicit = ImplicitConvolution(g, outputs: w[0])
            (plan.implicit, plan.padded, plan.sharedSize) = (implicit, implicit.padded, implicit.weightsCount)
            plan.transposedSize = implicit.pixelsCount
            plan.transposedWeightSize = inboundNodes[1].needsGradient ? implicit.weightsCount : 0
        case .winograd:
            let winograd = WinogradConvolution(g, outputs: w[0])
            (plan.winograd, plan.padded, plan.sharedSize) = (winograd, winograd.padded, winograd.weightsCount)
            let weightGradient = inboundNodes[1].needsGradient
            plan.winogradSize = winograd.scratchCount + (weightGradient ? winograd.channelsLastCount + winograd.gradientScratchCount : 0)
            plan.transposedSize = weightGradient ? winograd.pixelsCount : 0
            plan.transposedWeightSize = weightGradient ? winograd.weightGradientCount : 0
        case .im2colGEMM: break
        }
        if plan.algorithm == .implicitGEMM || plan.algorithm == .winograd, let padded = plan.padded {
            plan.readsImageInPlace = g.padTop == 0 && g.padLeft == 0 && padded.height == g.height && padded.width == g.width
        }
        plan.columnsSize = plan.padded?.count ?? g.columnRows * plan.chunk * g.columnCount
        if plan.algorithm != .im2colGEMM, inboundNodes[0].needsGradient, let adjoint = TransposedConvolution(adjointOf: g, outputs: w[0]) {
            (plan.inputGradient, plan.adjointSize, plan.adjointWeightsSize) = (adjoint, adjoint.scratchCount, adjoint.sharedCount)
        }
        let columnGradient = inboundNodes[0].needsGradient && plan.inputGradient == nil
        plan.columnGradientSize = columnGradient ? g.columnRows * plan.chunk * g.columnCount : 0
        plan.outputSize = plan.algorithm == .im2colGEMM || columnGradient ? w[0] / groups * plan.chunk * g.columnCount : 0
        plan.weightSize = inboundNodes[1].needsGradient ? w[0] * g.columnRows : 0
        plan.biasSize = inboundNodes[2].needsGradient ? w[0] : 0
        scratch.deallocate()
        scratch = UnsafeMutableBufferPointer<Float>.allocate(capacity: plan.scratchSize)
        scratch.initialize(repeating: 0)
        self.plan = plan
    }

    /// `2·batch·O·oh·ow·(C/G)·kh·kw` (the GEMMs; im2col and the bias are not counted). Winograd does
    /// 2.25× fewer multiplies for the same result, so its GFLOP/s are counted on this direct work.
    public override var forwardFLOPs: Int {
        guard let plan else { return 0 }
        return 2 * plan.batch * plan.outputs * plan.geometry.columnCount * plan.geometry.columnRows
    }

    /// One GEMM of the forward's size per operand (x, w) that needs a gradient.
    public override var backwardFLOPs: Int {
        forwardFLOPs * ((inboundNodes[0].needsGradient ? 1 : 0) + (inboundNodes[1].needsGradient ? 1 : 0))
    }

    public override func forward() throws {
        guard let plan, let base = scratch.baseAddress else { preconditionFailure("Conv2D: forward before planning") }
        inboundNodes[0].value.withReadPointer { x in inboundNodes[1].value.withReadPointer { w in inboundNodes[2].value.withReadPointer { b in
            value.withWritePointer { y in
                if let winograd = plan.winograd {
                    winograd.transform(weights: w, into: base + plan.sharedOffset)
                } else {
                    plan.implicit?.transpose(weights: w, into: base + plan.sharedOffset)
                }
                parallelFor(plan.parts, ConvolutionPass(plan: plan, groups: groups, scratch: base, x: x, w: w, b: b, y: y,
                                                        dy: nil, dx: nil, computesWeightGradient: false))
            }
        } } }
    }

    public override func backward() {
        guard let plan, let base = scratch.baseAddress else { return }
        let (xNode, wNode, bNode) = (inboundNodes[0], inboundNodes[1], inboundNodes[2])
        let p = plan.geometry.columnCount
        gradient.withReadPointer { dy in
            guard wNode.needsGradient || xNode.needsGradient else {   // only the bias: one serial pass
                if bNode.needsGradient {
                    bNode.gradient.withWritePointer { db in
                        for n in 0..<plan.batch { for o in 0..<plan.outputs {
                            db[o] += Elementwise.sum(UnsafeBufferPointer(start: dy + (n * plan.outputs + o) * p, count: p))
                        } }
                    }
                }
                return
            }
            xNode.value.withReadPointer { x in wNode.value.withReadPointer { w in
                let run = { (dx: UnsafeMutablePointer<Float>?) in
                    if dx != nil { plan.inputGradient?.prepare(weights: w, into: base + plan.adjointWeightsOffset) }
                    parallelFor(plan.parts, ConvolutionPass(plan: plan, groups: self.groups, scratch: base, x: x, w: w, b: nil, y: nil,
                                                            dy: dy, dx: dx, computesWeightGradient: wNode.needsGradient))
                }
                if xNode.needsGradient { xNode.gradient.withWritePointer { run($0) } } else { run(nil) }
            } }
            if bNode.needsGradient {   // the parts' partial ∂L/∂b, summed in part order
                bNode.gradient.withWritePointer { db in
                    for part in 0..<plan.parts {
                        let partial = base + part * plan.slotSize + plan.biasOffset
                        for o in 0..<plan.outputs { db[o] += partial[o] }
                    }
                }
            }
            if wNode.needsGradient {   // the parts' partial ∂L/∂w, summed in part order
                wNode.gradient.withWritePointer { dw in
                    for part in 0..<plan.parts {
                        let partial = base + part * plan.slotSize + plan.weightOffset
                        for i in 0..<plan.weightSize { dw[i] += partial[i] }
                    }
                }
            }
        }
    }
}

#if canImport(Darwin)
@used @section("__DATA,gradflow_ops")
#else
@used @section("gradflow_ops")
#endif
private let registration: OperationRegistration = { OperationRegistry.entry(for: Conv2D.self) }
