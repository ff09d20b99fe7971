import GradFlowKernels

/// The settings shared by `max_pool2d` and `avg_pool2d` (`Pool2DNode`): kernel, stride (the kernel's by default, as
/// PyTorch) and symmetric zero padding (at most half the kernel), and the shape rule they imply.
struct Pool2DWindow: Equatable {
    let kernel: (Int, Int), stride: (Int, Int), padding: (Int, Int)

    static func == (a: Pool2DWindow, b: Pool2DWindow) -> Bool {
        a.kernel == b.kernel && a.stride == b.stride && a.padding == b.padding
    }

    /// The attributes `kernel` (required), `stride` and `padding`.
    static let attributes = [
        OperationAttribute("kernel", default: nil, help: "window size: n or [rows, columns] (required)"),
        OperationAttribute("stride", default: .number(0), help: "step of the window: n or [rows, columns]; 0 = the kernel size"),
        OperationAttribute("padding", default: .number(0), help: "zeros around the image, at most half the kernel: n or [rows, columns]"),
    ]

    /// The window from attribute values.
    /// - Throws: `GraphError.invalidValue` for a kernel below 1 or padding above half the kernel.
    init(_ attributes: OperationAttributes, node: String) throws(GraphError) {
        let kernel = try attributes.pair("kernel")
        let stride = try attributes.pair("stride", minimum: 0)
        try self.init(kernel: kernel, stride: stride.0 == 0 ? kernel : stride, padding: try attributes.pair("padding", minimum: 0), node: node)
    }

    /// The window from its sizes.
    /// - Throws: `GraphError.invalidValue` as above.
    init(kernel: (Int, Int), stride: (Int, Int), padding: (Int, Int), node: String) throws(GraphError) {
        guard kernel.0 >= 1, kernel.1 >= 1, stride.0 >= 1, stride.1 >= 1 else {
            throw .invalidValue(node: node, detail: "kernel and stride must be at least 1")
        }
        guard padding.0 >= 0, padding.1 >= 0, 2 * padding.0 <= kernel.0, 2 * padding.1 <= kernel.1 else {
            throw .invalidValue(node: node, detail: "padding \(padding) must be at most half the kernel \(kernel) (as in PyTorch)")
        }
        (self.kernel, self.stride, self.padding) = (kernel, stride, padding)
    }

    /// The attribute values written back.
    func attributes(operation: String) -> OperationAttributes {
        func value(_ pair: (Int, Int)) -> AttributeValue { pair.0 == pair.1 ? .number(Double(pair.0)) : .numbers([Double(pair.0), Double(pair.1)]) }
        return OperationAttributes(["kernel": value(kernel), "stride": value(stride), "padding": value(padding)], operation: operation)
    }

    /// The geometry over one channel of an `height × width` image.
    func geometry(height: Int, width: Int) -> WindowGeometry {
        WindowGeometry(channels: 1, height: height, width: width, kernelHeight: kernel.0, kernelWidth: kernel.1,
                       strideY: stride.0, strideX: stride.1, dilationY: 1, dilationX: 1,
                       padTop: padding.0, padBottom: padding.0, padLeft: padding.1, padRight: padding.1)
    }

    /// `[batch, C, oh, ow]` for `x: [batch, C, H, W]`.
    /// - Throws: `GraphError.shapeMismatch` for another rank or a window larger than the padded image.
    func outputShape(_ x: SymbolicShape, operation: String, node: String) throws -> SymbolicShape {
        guard x.count == 4, case .fixed(let height) = x[2], case .fixed(let width) = x[3], !x.dropFirst().contains(.batch) else {
            throw GraphError.shapeMismatch(node: node, detail: "\(operation) needs x [batch, C, H, W]; got \(x.text)")
        }
        let g = geometry(height: height, width: width)
        guard g.outputHeight >= 1, g.outputWidth >= 1 else {
            throw GraphError.shapeMismatch(node: node, detail: "\(operation)'s \(kernel.0)×\(kernel.1) window does not fit the \(height)×\(width) image")
        }
        return [x[0], x[1], .fixed(g.outputHeight), .fixed(g.outputWidth)]
    }
}

/// What `MaxPool2D` and `AvgPool2D` share: one operand, a `Pool2DWindow`, its attributes and its shape
/// rule; the subclasses add the forward and backward passes.
public class Pool2DNode: Node {
    let window: Pool2DWindow

    init(_ x: Node, window: Pool2DWindow, name: String?) {
        self.window = window
        super.init([x], name: name)
    }

    /// Creates pooling of `x` (the stride defaults to the kernel).
    /// - Throws: `GraphError.invalidValue` for a kernel below 1 or padding above half the kernel.
    public convenience init(_ x: Node, kernel: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0),
                            name: String? = nil) throws(GraphError) {
        let node = name ?? (Self.self as? any GraphOperation.Type)?.operationDescription.name ?? "pool2d"
        self.init(x, window: try Pool2DWindow(kernel: kernel, stride: stride ?? kernel, padding: padding, node: node), name: name)
    }

    /// Kernel, stride and padding.
    public var attributes: OperationAttributes { window.attributes(operation: kind) }

    public override func outputShape(for inputShapes: [SymbolicShape]) throws -> SymbolicShape {
        try window.outputShape(inputShapes[0], operation: kind, node: name)
    }
}
