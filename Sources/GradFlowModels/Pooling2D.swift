import GradFlowCore

/// Max pooling (Keras's `MaxPooling2D`): the largest value of each `poolSize` window, moving by
/// `strides` (the pool size by default). No parameters.
public final class MaxPooling2D: Layer {
    /// Window, step and symmetric zero padding.
    public let poolSize: (Int, Int), strides: (Int, Int)?, padding: (Int, Int)
    /// The user-chosen name, if any.
    public let name: String?

    /// Creates the layer.
    public init(_ poolSize: (Int, Int) = (2, 2), strides: (Int, Int)? = nil, padding: (Int, Int) = (0, 0), name: String? = nil) {
        (self.poolSize, self.strides, self.padding, self.name) = (poolSize, strides, padding, name)
    }

    /// `maxpool0`, ….
    public var kind: String { "maxpool" }

    /// Adds a `MaxPool2D` node.
    /// - Throws: `ModelError.invalidConfiguration` for a window the node rejects.
    public func makeNodes(_ input: Node, context: LayerContext) throws -> Node {
        do { return try MaxPool2D(input, kernel: poolSize, stride: strides, padding: padding) } catch {
            throw ModelError.invalidConfiguration(layer: context.layerName, detail: "\(error)")
        }
    }
}

/// Average pooling (Keras's `AveragePooling2D`): the mean of each `poolSize` window. No parameters.
public final class AveragePooling2D: Layer {
    /// Window, step and symmetric zero padding (counted in the mean, as PyTorch's default).
    public let poolSize: (Int, Int), strides: (Int, Int)?, padding: (Int, Int)
    /// The user-chosen name, if any.
    public let name: String?

    /// Creates the layer.
    public init(_ poolSize: (Int, Int) = (2, 2), strides: (Int, Int)? = nil, padding: (Int, Int) = (0, 0), name: String? = nil) {
        (self.poolSize, self.strides, self.padding, self.name) = (poolSize, strides, padding, name)
    }

    /// `avgpool0`, ….
    public var kind: String { "avgpool" }

    /// Adds an `AvgPool2D` node.
    /// - Throws: `ModelError.invalidConfiguration` for a window the node rejects.
    public func makeNodes(_ input: Node, context: LayerContext) throws -> Node {
        do { return try AvgPool2D(input, kernel: poolSize, stride: strides, padding: padding) } catch {
            throw ModelError.invalidConfiguration(layer: context.layerName, detail: "\(error)")
        }
    }
}

/// Global average pooling (Keras's `GlobalAveragePooling2D`): `[batch, C, H, W] → [batch, C]`.
public final class GlobalAveragePooling2D: Layer {
    /// The user-chosen name, if any.
    public let name: String?

    /// Creates the layer.
    public init(name: String? = nil) { self.name = name }

    /// `globalpool0`, ….
    public var kind: String { "globalpool" }

    /// Adds a `GlobalAvgPool2D` node.
    public func makeNodes(_ input: Node, context: LayerContext) throws -> Node { GlobalAvgPool2D(input) }
}
