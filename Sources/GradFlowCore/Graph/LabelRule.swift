/// What a graph's loss accepts as labels, checked when its data is loaded so that a bad label is
/// reported at its place in the file (not as a row of a shuffled batch).
public enum LabelRule: Equatable, Sendable {
    /// Class indices `0..<count` (`softmax_ce`).
    case classes(Int)
    /// Targets in [0, 1] (`binary_cross_entropy`).
    case probabilities

    /// Whether `value` is acceptable.
    public func accepts(_ value: Float) -> Bool {
        switch self {
        case .classes(let count): return value >= 0 && value < Float(count) && value == value.rounded()
        case .probabilities: return value >= 0 && value <= 1
        }
    }

    /// What is expected, for messages: "a class index in 0..<3", "a target in [0, 1]".
    public var expected: String {
        switch self {
        case .classes(let count): return "a class index in 0..<\(count) (the model has \(count) classes)"
        case .probabilities: return "a target in [0, 1] (binary_cross_entropy)"
        }
    }
}

/// A loss node that reads one operand as labels (class indices, targets in [0, 1]): data loaders
/// check labels against its rule, and `gradflow check` feeds it valid random labels.
public protocol LabelledLoss: Node {
    /// The position of the labels among the operands.
    var labelOperand: Int { get }
    /// What the labels must be, from the operands' shapes (nil when any value is acceptable).
    var labelRule: LabelRule? { get }
}
