/// A model or one of its layers cannot be built, trained or used as asked; each case names the
/// layer and the shapes or values involved.
public enum ModelError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A layer whose parameters were made for one input shape was given another (deferred shapes
    /// are fixed by the first build).
    case inputShapeChanged(layer: String, built: String, given: String)
    /// A layer given an input it cannot take (e.g. `Dense` given images before `Flatten`).
    case incompatibleInput(layer: String, expected: String, found: String)
    /// The nodes a layer made have operands that do not fit (from the nodes' shape inference).
    case shapeMismatch(layer: String, detail: String)
    /// A layer configured with a value it cannot use (`Dense(0)`, a dropout rate of 1.5, …).
    case invalidConfiguration(layer: String, detail: String)
    /// Two different layers were given the same name.
    case duplicateLayerName(String)
    /// A model with no layers.
    case empty
    /// The model's input shape is not known yet.
    case notBuilt
    /// Training or evaluating before `compile(loss:optimizer:metrics:)`.
    case notCompiled
    /// Data that does not fit the model: what was expected and what was found.
    case dataShapeMismatch(argument: String, expected: String, found: [Int])
    /// An argument outside its valid range.
    case invalidArgument(name: String, value: String, expected: String)
    /// A feature that needs a node this build of GradFlow does not have yet.
    case unsupported(String)

    public var description: String {
        switch self {
        case let .inputShapeChanged(layer, built, given):
            return "layer '\(layer)' was built for input \(built) but is now given \(given); "
                + "a layer keeps the shape of its first build (make a new layer for another shape)"
        case let .incompatibleInput(layer, expected, found):
            return "layer '\(layer)' needs input \(expected) but was given \(found)"
        case let .shapeMismatch(layer, detail):
            return "layer '\(layer)': \(detail)"
        case let .invalidConfiguration(layer, detail):
            return "layer '\(layer)': \(detail)"
        case .duplicateLayerName(let name):
            return "two different layers are named '\(name)'; give each layer its own name"
        case .empty:
            return "the model has no layers; add some with `add(_:)` or `Sequential { … }`"
        case .notBuilt:
            return "the model's input shape is not known yet; call `build(inputShape:)` or `fit` first"
        case .notCompiled:
            return "the model is not compiled; call `compile(loss:optimizer:metrics:)` before `fit` or `evaluate`"
        case let .dataShapeMismatch(argument, expected, found):
            return "\(argument) should have shape \(expected) but has shape \(found)"
        case let .invalidArgument(name, value, expected):
            return "\(name) = \(value) is invalid: expected \(expected)"
        case .unsupported(let detail):
            return detail
        }
    }
}
