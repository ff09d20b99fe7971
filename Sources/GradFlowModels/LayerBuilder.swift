/// The result builder behind `Sequential { … }`: each line is a layer, or an array of layers, and
/// `if`, `if`/`else` and `for` work as in any Swift block.
///
/// ```swift
/// let model = Sequential {
///     Dense(128, activation: .relu)
///     DropoutLayer(0.2)
///     for _ in 0..<2 { Dense(64, activation: .relu) }
///     Dense(10)
/// }
/// ```
/// One variadic `buildBlock` over arrays covers any number of lines (no fixed-arity overloads).
@resultBuilder
public enum LayerBuilder {
    /// A single layer becomes a one-element list.
    public static func buildExpression(_ layer: any Layer) -> [any Layer] { [layer] }

    /// An array of layers is spliced in as it is.
    public static func buildExpression(_ layers: [any Layer]) -> [any Layer] { layers }

    /// The lines of a block, in order.
    public static func buildBlock(_ parts: [any Layer]...) -> [any Layer] { parts.flatMap { $0 } }

    /// An `if` without `else`: its layers, or none.
    public static func buildOptional(_ part: [any Layer]?) -> [any Layer] { part ?? [] }

    /// The first branch of an `if`/`else`.
    public static func buildEither(first part: [any Layer]) -> [any Layer] { part }

    /// The second branch of an `if`/`else`.
    public static func buildEither(second part: [any Layer]) -> [any Layer] { part }

    /// The iterations of a `for` loop, in order.
    public static func buildArray(_ parts: [[any Layer]]) -> [any Layer] { parts.flatMap { $0 } }
}
