import GradFlowCore

/// A 2-D convolution layer (Keras's `Conv2D`, PyTorch's `nn.Conv2d`) over NCHW images:
/// `y = activation(conv2d(x, W, b))` with `W: [filters, channels/groups, kh, kw]` and `b: [filters]`
/// (PyTorch's layouts). The input channels are read at the first build (deferred initialisation).
///
/// ```swift
/// Convolution2D(32, kernelSize: (3, 3), activation: .relu)                 // valid padding, stride 1
/// Convolution2D(6, kernelSize: (5, 5), padding: .same, activation: .relu)
/// ```
/// Parameters are named `<layer>.weight` and `<layer>.bias` (`conv0.weight`), as `nn.Conv2d`'s.
public final class Convolution2D: Layer {
    /// How the layer pads the image.
    public enum Padding: Equatable, Sendable {
        /// No padding (Keras's `valid`).
        case valid
        /// The output keeps the input's size (stride 1; an even kernel's extra row and column at the end).
        case same
        /// `rows` zeros above and below, `columns` left and right.
        case explicit(rows: Int, columns: Int)
    }

    /// Output channels, window size, stride, dilation and channel groups.
    public let filters: Int, kernelSize: (Int, Int), stride: (Int, Int), dilation: (Int, Int), groups: Int
    /// The padding.
    public let padding: Padding
    /// The non-linearity after the convolution.
    public let activation: Activation
    /// How `W` and `b` are filled when created (He uniform before ReLU, Glorot uniform otherwise; zeros).
    public let weightInitializer: Initializer, biasInitializer: Initializer
    /// The user-chosen name, if any.
    public let name: String?
    /// The weights and bias; nil until the first build.
    public private(set) var weight: Parameter?, bias: Parameter?

    /// Creates the layer.
    public init(_ filters: Int, kernelSize: (Int, Int), stride: (Int, Int) = (1, 1), padding: Padding = .valid,
                dilation: (Int, Int) = (1, 1), groups: Int = 1, activation: Activation = .none,
                weightInitializer: Initializer? = nil, biasInitializer: Initializer = .zeros, name: String? = nil) {
        (self.filters, self.kernelSize, self.stride, self.padding) = (filters, kernelSize, stride, padding)
        (self.dilation, self.groups, self.activation, self.name) = (dilation, groups, activation, name)
        self.weightInitializer = weightInitializer ?? activation.defaultInitializer
        self.biasInitializer = biasInitializer
    }

    /// `conv0`, `conv1`, ….
    public var kind: String { "conv" }

    /// Adds the `Conv2D` node (and the activation's), creating `W` and `b` on the first build.
    /// - Throws: `ModelError.incompatibleInput` for an input that is not `[batch, C, H, W]` or whose
    ///   channels changed; `.invalidConfiguration` for settings the node rejects.
    public func makeNodes(_ input: Node, context: LayerContext) throws -> Node {
        let shape = try context.shape(of: input)
        guard shape.count == 4, case .fixed(let channels) = shape[1] else {
            throw ModelError.incompatibleInput(layer: context.layerName, expected: "[batch, channels, height, width] "
                                               + "(give Sequential inputShape: [C, H, W])", found: shape.text)
        }
        guard filters >= 1, groups >= 1, channels % groups == 0, filters % groups == 0 else {
            throw ModelError.invalidConfiguration(layer: context.layerName, detail:
                "filters (\(filters)) and input channels (\(channels)) must be divisible by groups (\(groups))")
        }
        let weightShape = [filters, channels / groups, kernelSize.0, kernelSize.1]
        if let weight, weight.value.shape != weightShape {
            throw ModelError.inputShapeChanged(layer: context.layerName, built: "\(weight.value.shape[1] * groups) channels", given: shape.text)
        }
        let receptive = kernelSize.0 * kernelSize.1
        let w = weight ?? Parameter(context.parameterName("weight"), weightInitializer.tensor(
            shape: weightShape, fanIn: channels / groups * receptive, fanOut: filters * receptive, using: &context.generator))
        let b = bias ?? Parameter(context.parameterName("bias"), biasInitializer.tensor(
            shape: [filters], fanIn: channels / groups * receptive, fanOut: filters, using: &context.generator))
        (weight, bias) = (w, b)
        let value: AttributeValue
        switch padding {
        case .valid: value = .word("valid")
        case .same: value = .word("same")
        case let .explicit(rows, columns): value = .numbers([Double(rows), Double(columns)])
        }
        do {
            return activation.makeNode(try Conv2D(input, w, b, stride: stride, padding: value, dilation: dilation, groups: groups))
        } catch {
            throw ModelError.invalidConfiguration(layer: context.layerName, detail: "\(error)")
        }
    }
}
