import GradFlowCore

/// A building block of a model: something that turns one node into another by wiring graph nodes
/// (`Linear`, `ReLU`, …) with its own `Parameter`s (Gluon's `Block`, Keras's `Layer`).
///
/// A layer does no arithmetic of its own: `makeNodes(_:context:)` adds ordinary nodes to the static
/// graph that `Sequential` builds, so a model and a hand-wired graph run on the same engine. Layers
/// create their parameters on the first build, once the input's shape is known (deferred
/// initialisation), and keep them afterwards: applying one layer instance twice shares its parameters,
/// and their gradients add up.
///
/// A custom layer composes others by calling them with the context:
/// ```swift
/// final class MLP: Layer {
///     let hidden = Dense(256, activation: .relu)
///     let output = Dense(10)
///     func makeNodes(_ x: Node, context: LayerContext) throws -> Node {
///         try output(hidden(x, context), context)
///     }
/// }
/// ```
/// Layers, like graphs, are for one thread at a time.
public protocol Layer: AnyObject {
    /// The operation's name in automatic layer names (`dense` gives `dense0`, `dense1`, …); by
    /// default the lower-cased type name.
    var kind: String { get }

    /// A name chosen by the user, used instead of the automatic `kind` plus number; nil by default.
    var name: String? { get }

    /// Adds this layer's nodes to the graph being built and returns its output node.
    ///
    /// Use `context.shape(of:)` to learn the input's shape, `context.parameterName(_:)` to name new
    /// parameters and `context.generator` to initialise them; call sub-layers as
    /// `sublayer(node, context)` so that they are named and recorded.
    /// - Parameters:
    ///   - input: the node this layer reads, `[batch, …]`.
    ///   - context: the build in progress.
    /// - Returns: the node holding this layer's output.
    /// - Throws: `ModelError` when the input does not fit the layer (naming the layer and the shapes).
    func makeNodes(_ input: Node, context: LayerContext) throws -> Node
}

extension Layer {
    /// The lower-cased type name: `Dense` → `dense`, a user's `MLP` → `mlp`.
    public var kind: String { String(describing: type(of: self)).lowercased() }

    /// No user-chosen name.
    public var name: String? { nil }

    /// Applies the layer inside a build (Gluon's `block(x)`): `try output(hidden(x, context), context)`.
    /// - Throws: as `makeNodes(_:context:)`.
    public func callAsFunction(_ input: Node, _ context: LayerContext) throws -> Node {
        try context.apply(self, to: input)
    }
}
