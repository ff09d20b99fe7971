import GradFlowCore
import GradFlowInference
import GradFlowTraining

/// A stack of layers applied one after another (Keras's and Gluon's `Sequential`), which builds an
/// ordinary GradFlow `Graph` of nodes and trains it.
///
/// ```swift
/// let model = Sequential {
///     Dense(128, activation: .relu)
///     DropoutLayer(0.2)
///     Dense(10)
/// }
/// model.add(ActivationLayer(.softmax))
/// try model.build(inputShape: [784])       // optional: `fit` builds from the data's shape
/// model.graph?.nodes                        // input → linear → relu → dropout → linear → softmax
/// ```
/// No layer needs its input size: shapes are inferred at the first build (deferred initialisation),
/// and a later build with another shape is a `ModelError` naming the layer and both shapes.
/// Layers are reached by index (`model[0]`) or name (`model["dense0"]`), parameters by name
/// (`dense0.weight`, `dense0.bias`). A `Sequential` is itself a `Layer`, so models nest.
/// Like its graph, a model is for one thread at a time.
public final class Sequential: Layer {
    /// The layers, in the order they are applied.
    public private(set) var layers: [any Layer]
    /// The user-chosen name (when nested in another model), if any.
    public let name: String?
    /// The shape of one example (`[784]`, `[28, 28]`), fixed by the first build; nil before.
    public private(set) var inputShape: [Int]?
    /// The input fed with the examples, `[batch] + inputShape`; nil before the first build.
    public private(set) var input: Input?
    /// The model's output node (logits, probabilities or regression values); nil before the first build.
    public private(set) var output: Node?
    /// The graph of all nodes from `input` to `output` and, once compiled, to the loss.
    public private(set) var graph: Graph?
    /// The input fed with the targets (after `compile` and a build); nil otherwise.
    public private(set) var targets: Input?
    /// One record per layer application of the last build (names, output shapes, parameter counts).
    public private(set) var records: [LayerRecord] = []

    /// What `compile` chose; the training graph is rebuilt from it.
    var configuration: (loss: Loss, optimizer: any Optimizer, metrics: [Metric])?
    /// The trainer over the current graph (made on first use, dropped when the graph changes).
    var cachedTrainer: Trainer?
    /// The planned prediction path of the current graph (made by the first `predict`).
    var cachedPredictor: Predictor?
    private var generator: RandomGenerator
    private var layersByName: [String: any Layer] = [:]

    /// The example shape given at creation (`[1, 28, 28]` for images), if any: examples passed as
    /// flat rows (`[n, 784]`) are read in this shape.
    public let declaredInputShape: [Int]?

    /// Creates a model from a block of layers.
    /// - Parameters:
    ///   - seed: seeds parameter initialisation and dropout masks, so a run is reproducible.
    ///   - inputShape: the shape of one example (`[1, 28, 28]`: channels, height, width for
    ///     convolutions); nil takes it from the data at the first `fit` or `predict`.
    ///   - name: a name for the model when it is nested in another.
    ///   - content: the layers, one per line.
    public init(seed: UInt64 = 0, inputShape: [Int]? = nil, name: String? = nil, @LayerBuilder _ content: () -> [any Layer] = { [] }) {
        self.layers = content()
        self.name = name
        self.declaredInputShape = inputShape
        self.generator = RandomGenerator(seed: seed)
    }

    /// Creates a model from an array of layers.
    public convenience init(_ layers: [any Layer], seed: UInt64 = 0, inputShape: [Int]? = nil) {
        self.init(seed: seed, inputShape: inputShape) { layers }
    }

    /// Appends a layer (Keras's `model.add`); the graph is rebuilt at the next build or `fit`.
    public func add(_ layer: any Layer) {
        layers.append(layer)
        invalidate()
    }

    /// The layer at `index` (like an array: `index` must be in `layers.indices`).
    public subscript(index: Int) -> any Layer { layers[index] }

    /// The layer with this name (`"dense0"`, or `"mlp0.dense1"` inside a block after a build), or nil.
    public subscript(name: String) -> (any Layer)? {
        if let built = layersByName[name] { return built }
        var scope = NameScope(prefix: "")
        var seen = Set<ObjectIdentifier>()
        for layer in layers where seen.insert(ObjectIdentifier(layer)).inserted {
            if scope.nextName(for: layer) == name { return layer }
        }
        return nil
    }

    /// The trainable parameters in graph order (empty before the first build).
    public var parameters: [Parameter] { graph?.trainables ?? [] }

    /// Every parameter with its name (`dense0.weight`, `dense0.bias`, …), buffers included
    /// (`batchnorm1.running_mean`), in graph order: what `save(to:)` writes and `load(from:)` reads.
    public var namedParameters: [(name: String, parameter: Parameter)] {
        (graph?.parameters ?? []).map { ($0.name, $0) }
    }

    /// The total number of trainable parameter elements.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }

    /// Builds the graph for examples of shape `inputShape` (without the batch dimension), creating
    /// the parameters of layers that have none yet. Building again with the same shape does nothing.
    /// - Throws: `ModelError.empty`, `.invalidArgument` for a shape with a size below 1,
    ///   `.inputShapeChanged`, `.incompatibleInput` or `.shapeMismatch` from a layer (naming it), and
    ///   `GraphError` when the loss does not fit the output. On error the model keeps its last graph.
    public func build(inputShape: [Int]) throws {
        if inputShape == self.inputShape, graph != nil { return }
        guard !layers.isEmpty else { throw ModelError.empty }
        guard !inputShape.isEmpty, inputShape.allSatisfy({ $0 >= 1 }) else {
            throw ModelError.invalidArgument(name: "inputShape", value: "\(inputShape)", expected: "one or more sizes of at least 1")
        }
        let x = Input("x", shape: [.batch] + SymbolicShape(fixed: inputShape))
        let context = LayerContext(generator: generator)
        let output = try makeNodes(x, context: context)
        var targets: Input?
        var loss: Node?
        if let configuration {
            (targets, loss) = configuration.loss.makeNodes(after: output, outputShape: try context.shape(of: output))
        }
        let graph = try Graph(outputs: [output], loss: loss)
        (self.inputShape, self.input, self.output, self.targets, self.graph) = (inputShape, x, output, targets, graph)
        (records, layersByName, generator, cachedTrainer, cachedPredictor) = (context.records, context.layersByName, context.generator, nil, nil)
    }

    /// Applies every layer in order (how a nested `Sequential` works as a layer).
    /// - Throws: `ModelError.empty`, or the error of the first layer that fails.
    public func makeNodes(_ input: Node, context: LayerContext) throws -> Node {
        guard !layers.isEmpty else { throw ModelError.empty }
        var node = input
        for layer in layers { node = try context.apply(layer, to: node) }
        return node
    }

    /// Forgets the graph (after the layers or the loss changed); the next build makes a new one
    /// with the same parameters.
    func invalidate() {
        (graph, cachedTrainer, cachedPredictor) = (nil, nil, nil)
    }
}
