/// An optimizer, schedule or saved optimizer state that cannot be used.
public enum OptimizerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A hyper-parameter outside its valid range, with the range in words.
    case invalidHyperparameter(name: String, value: Float, expected: String)
    /// Saved optimizer state that does not fit the parameters it is loaded onto.
    case stateMismatch(key: String, detail: String)

    public var description: String {
        switch self {
        case let .invalidHyperparameter(name, value, expected):
            return "\(name) = \(value) is invalid: expected \(expected)"
        case let .stateMismatch(key, detail):
            return "optimizer state '\(key)' cannot be loaded: \(detail)"
        }
    }
}

/// Checks of hyper-parameter ranges shared by the optimizers and schedules.
enum Hyperparameter {
    /// Requires `0 < value < ∞`.
    static func positive(_ name: String, _ value: Float) throws(OptimizerError) {
        guard value > 0, value.isFinite else {
            throw .invalidHyperparameter(name: name, value: value, expected: "a positive finite number")
        }
    }

    /// Requires `0 ≤ value < ∞`.
    static func nonNegative(_ name: String, _ value: Float) throws(OptimizerError) {
        guard value >= 0, value.isFinite else {
            throw .invalidHyperparameter(name: name, value: value, expected: "a finite number ≥ 0")
        }
    }

    /// Requires `0 ≤ value < 1` (a decay rate such as β or α).
    static func fraction(_ name: String, _ value: Float) throws(OptimizerError) {
        guard value >= 0, value < 1 else {
            throw .invalidHyperparameter(name: name, value: value, expected: "a number in [0, 1)")
        }
    }
}
