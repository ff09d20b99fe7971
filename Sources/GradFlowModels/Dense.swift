import GradFlowCore
import GradFlowTraining

/// A fully connected layer (Keras's `Dense`, Gluon's `nn.Dense`): `y = activation(x·W + b)`.
///
/// Shapes: `x: [batch, in] · W: [in, units] + b: [units] → [batch, units]`. The input size `in` may
/// be left out: it is read from the input the first time the layer is built (deferred
/// initialisation), and the parameters are created then. A later build with another input size
/// throws `ModelError.inputShapeChanged` naming the layer and both shapes.
///
/// ```swift
/// Dense(128, activation: .relu)                      // He-uniform weights, zero bias
/// Dense(10, weightInitializer: .pytorchDefault, biasInitializer: .pytorchDefault)
/// Dense(1, inputSize: 1)                              // input size fixed up front
/// ```
/// The layer adds a `Linear` node (plus the activation's node) using its own `weight` and `bias`
/// parameters, named `<layer>.weight` and `<layer>.bias`.
public final class Dense: Layer {
    /// The number of outputs per example.
    public let units: Int
    /// The non-linearity applied after `x·W + b`.
    public let activation: Activation
    /// Whether the layer adds a trainable bias `b` (without it, `b` is a constant zero vector).
    public let useBias: Bool
    /// How `W` is filled when it is created: by default He uniform before ReLU, Glorot uniform otherwise.
    public let weightInitializer: Initializer
    /// How `b` is filled when it is created (zeros by default).
    public let biasInitializer: Initializer
    /// The input size the layer was declared or first built with; nil until then.
    public private(set) var inputSize: Int?
    /// The user-chosen name, if any.
    public let name: String?
    /// The weight matrix `W: [in, units]`; nil until the first build.
    public private(set) var weight: Parameter?
    /// The bias `b: [units]`; nil until the first build, and when `useBias` is false.
    public private(set) var bias: Parameter?
    private var biasNode: Node?

    /// Creates a fully connected layer.
    /// - Parameters:
    ///   - units: outputs per example, at least 1 (checked when the layer is built).
    ///   - activation: the non-linearity after the affine map (`.none` by default).
    ///   - useBias: whether to learn a bias.
    ///   - inputSize: the number of input features, or nil to infer it at the first build.
    ///   - weightInitializer: how to fill `W`; nil picks He uniform for ReLU, Glorot uniform otherwise.
    ///   - biasInitializer: how to fill `b`.
    ///   - name: a name to use instead of the automatic `dense0`, `dense1`, ….
    public init(_ units: Int, activation: Activation = .none, useBias: Bool = true, inputSize: Int? = nil,
                weightInitializer: Initializer? = nil, biasInitializer: Initializer = .zeros, name: String? = nil) {
        self.units = units
        self.activation = activation
        self.useBias = useBias
        self.inputSize = inputSize
        self.weightInitializer = weightInitializer ?? activation.defaultInitializer
        self.biasInitializer = biasInitializer
        self.name = name
    }

    /// The trainable parameters (`W`, then `b`), empty before the first build.
    public var parameters: [Parameter] { [weight, bias].compactMap { $0 } }

    /// Adds `Linear(x, W, b)` and the activation, creating `W` and `b` on the first build.
    /// - Throws: `ModelError.incompatibleInput` for an input that is not `[batch, features]`,
    ///   `.inputShapeChanged` for a different input size than the first build's,
    ///   `.invalidConfiguration` for `units < 1`.
    public func makeNodes(_ input: Node, context: LayerContext) throws -> Node {
        guard units >= 1 else {
            throw ModelError.invalidConfiguration(layer: context.layerName, detail: "units = \(units); a dense layer needs at least 1 unit")
        }
        let shape = try context.shape(of: input)
        guard shape.count == 2, case .fixed(let features) = shape[1], features >= 1 else {
            throw ModelError.incompatibleInput(layer: context.layerName,
                                               expected: "[batch, features] (add Flatten() before it)", found: shape.text)
        }
        if let inputSize, inputSize != features {
            throw ModelError.inputShapeChanged(layer: context.layerName, built: "[batch, \(inputSize)]", given: shape.text)
        }
        let (weight, bias) = parameterNodes(inputs: features, context: context)
        return activation.makeNode(Linear(input, weight, bias))
    }

    /// `W` and the bias node, created for `inputs` features on the first call and kept afterwards.
    /// Without `useBias` the bias node is a constant zero `Input` (it gets no gradient).
    private func parameterNodes(inputs: Int, context: LayerContext) -> (Parameter, Node) {
        if let weight, let biasNode { return (weight, biasNode) }
        inputSize = inputs
        let created = Parameter(context.parameterName("weight"),
                                weightInitializer.tensor(shape: [inputs, units], fanIn: inputs, fanOut: units, using: &context.generator))
        let biasNode: Node
        if useBias {
            let trainable = Parameter(context.parameterName("bias"),
                                      biasInitializer.tensor(shape: [units], fanIn: inputs, fanOut: units, using: &context.generator))
            bias = trainable
            biasNode = trainable
        } else {
            let constant = Input(context.parameterName("zero_bias"), shape: [.fixed(units)])
            constant.value = Tensor.zeros([units])
            biasNode = constant
        }
        weight = created
        self.biasNode = biasNode
        return (created, biasNode)
    }
}
