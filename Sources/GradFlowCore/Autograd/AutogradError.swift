/// What went wrong in an eager (`Variable`) computation; each case names the operation or the
/// variable and what to do.
public enum AutogradError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The operands of an operation do not fit (shapes are the operands' shapes).
    case shapeMismatch(operation: String, shapes: [[Int]], detail: String)
    /// An operation rejected its settings or data (a class label out of range, a negative clamp range).
    case invalidValue(operation: String, detail: String)
    /// `backward()` on a variable that does not depend on any variable requiring gradients.
    case doesNotRequireGradient(shape: [Int])
    /// `backward()` without a seed on a variable with more than one element.
    case nonScalarWithoutSeed(shape: [Int])
    /// `backward(seed:)` with a seed whose shape is not the variable's.
    case seedShapeMismatch(variable: [Int], seed: [Int])
    /// A second `backward()` through operations whose graph the first one released.
    case graphReleased(operation: String)

    public var description: String {
        switch self {
        case let .shapeMismatch(operation, shapes, detail):
            return "\(operation) of shapes \(shapes.map { "\($0)" }.joined(separator: " and ")): \(detail)"
        case let .invalidValue(operation, detail):
            return "\(operation): \(detail)"
        case .doesNotRequireGradient(let shape):
            return "backward() on a variable \(shape) that does not require gradients: create a leaf with "
                + "Variable(tensor, requiresGradient: true) and compute from it (outside noGrad)"
        case .nonScalarWithoutSeed(let shape):
            return "backward() without a seed needs a single-element variable, but this one is \(shape): "
                + "reduce it (sum(), mean()) or pass backward(seed:) of the same shape"
        case let .seedShapeMismatch(variable, seed):
            return "backward(seed:) got a seed of shape \(seed) for a variable of shape \(variable); they must be equal"
        case .graphReleased(let operation):
            return "backward() through '\(operation)' a second time: the first backward released its graph; "
                + "pass backward(retainGraph: true) the first time, or compute again"
        }
    }
}
