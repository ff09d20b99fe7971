import GradFlowCore

/// Inverted dropout as a layer (Keras's `Dropout(0.2)`; the node itself is `Dropout`): during `fit`
/// each element is zeroed with probability `rate` and the rest scaled by `1/(1 − rate)`; in
/// `evaluate` and `predict` it passes its input through.
///
/// Shape: unchanged. Each build seeds its `Dropout` node from the model's generator, so a seeded
/// model draws the same masks on every run.
public final class DropoutLayer: Layer {
    /// The probability that an element is dropped, in [0, 1).
    public let rate: Float
    /// The user-chosen name, if any.
    public let name: String?

    /// Creates the layer; the rate is checked when the model is built.
    public init(_ rate: Float, name: String? = nil) {
        self.rate = rate
        self.name = name
    }

    /// `dropout0`, `dropout1`, ….
    public var kind: String { "dropout" }

    /// Adds a `Dropout` node, seeded with 53 random bits (a whole number a graph file can write exactly).
    /// - Throws: `ModelError.invalidConfiguration` unless 0 ≤ rate < 1.
    public func makeNodes(_ input: Node, context: LayerContext) throws -> Node {
        do {
            return try Dropout(input, dropProbability: rate, seed: context.generator.next() >> 11, name: context.layerName)
        } catch {
            throw ModelError.invalidConfiguration(layer: context.layerName, detail: "dropout rate \(rate) is invalid: expected a number in [0, 1)")
        }
    }
}
