/// An optimizer was configured with a hyper-parameter it cannot use.
public enum OptimizerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A hyper-parameter outside its valid range, with the range in words.
    case invalidHyperparameter(name: String, value: Float, expected: String)

    public var description: String {
        switch self {
        case let .invalidHyperparameter(name, value, expected):
            return "\(name) = \(value) is invalid: expected \(expected)"
        }
    }
}
