/// The value of an operation's keyword attribute, as a graph file writes it.
public enum AttributeValue: Sendable, Equatable, CustomStringConvertible {
    /// A number (`p: 0.5`, `seed: 7`).
    case number(Double)
    /// A list of numbers (`stride: [2, 2]`).
    case numbers([Double])
    /// A word (`padding: same`).
    case word(String)

    /// A `Float` setting as the shortest decimal that reads back as the same `Float` (`0.1`, not
    /// `0.10000000149011612`), so written graph files stay readable and exact.
    public static func number(float value: Float) -> AttributeValue { .number(Double("\(value)") ?? Double(value)) }

    /// The graph-file text: `0.5`, `7`, `[2, 2]`, `same`.
    public var description: String {
        switch self {
        case .number(let value): return AttributeValue.text(value)
        case .numbers(let values): return "[" + values.map(AttributeValue.text).joined(separator: ", ") + "]"
        case .word(let word): return word
        }
    }

    private static func text(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 0x1p53 ? String(Int64(value)) : "\(value)"
    }
}

/// The keyword attribute values of one operation node, with typed, checked accessors that name the
/// operation and the attribute in their errors.
public struct OperationAttributes: Sendable, Equatable {
    /// The values by keyword.
    public private(set) var values: [String: AttributeValue]
    /// The operation they belong to (for messages).
    public let operation: String

    /// Attribute values of `operation`.
    public init(_ values: [String: AttributeValue] = [:], operation: String) {
        self.values = values
        self.operation = operation
    }

    /// Sets one value.
    public subscript(name: String) -> AttributeValue? {
        get { values[name] }
        set { values[name] = newValue }
    }

    /// The number called `name`.
    /// - Throws: `GraphError.invalidValue` when it is missing or not a number.
    public func number(_ name: String) throws(GraphError) -> Double {
        guard case .number(let value)? = values[name] else { throw invalid(name, "must be a number") }
        return value
    }

    /// The number called `name` as a finite `Float`.
    /// - Throws: `GraphError.invalidValue` when it is missing, not a number or not finite in `Float`.
    public func float(_ name: String) throws(GraphError) -> Float {
        let value = Float(try number(name))
        guard value.isFinite else { throw invalid(name, "must be a finite number") }
        return value
    }

    /// The whole number ≥ 0 called `name` (a seed, a count).
    /// - Throws: `GraphError.invalidValue` when it is missing, negative, fractional or ≥ 2⁵³ (the
    ///   whole numbers a `Double` holds exactly).
    public func wholeNumber(_ name: String) throws(GraphError) -> UInt64 {
        let value = try number(name)
        guard value >= 0, value == value.rounded(), value < 0x1p53 else { throw invalid(name, "must be a whole number in 0..<2^53") }
        return UInt64(value)
    }

    /// Two whole numbers ≥ `minimum` called `name`, given as one number (both the same) or a
    /// list of two (`[height, width]`).
    /// - Throws: `GraphError.invalidValue` otherwise.
    public func pair(_ name: String, minimum: Int = 1) throws(GraphError) -> (Int, Int) {
        let values: [Double]
        switch self.values[name] {
        case .number(let value)?: values = [value, value]
        case .numbers(let list)? where list.count == 2: values = list
        default: throw invalid(name, "must be a whole number or a list of two")
        }
        guard values.allSatisfy({ $0 >= Double(minimum) && $0 == $0.rounded() && $0 < 1e6 }) else {
            throw invalid(name, "must be whole numbers ≥ \(minimum)")
        }
        return (Int(values[0]), Int(values[1]))
    }

    /// The whole numbers (negative allowed) called `name`, given as one number or a list
    /// (`axis: 1`, `axis: [0, 2]`, `shape: [-1, 28, 28]`); nil when it is the word `none`.
    /// - Throws: `GraphError.invalidValue` for anything else.
    public func integers(_ name: String) throws(GraphError) -> [Int]? {
        let list: [Double]
        switch values[name] {
        case .word("none")?: return nil
        case .number(let value)?: list = [value]
        case .numbers(let values)?: list = values
        default: throw invalid(name, "must be a whole number, a list of them or none")
        }
        guard list.allSatisfy({ $0 == $0.rounded() && abs($0) < 1e12 }) else { throw invalid(name, "must hold whole numbers") }
        return list.map { Int($0) }
    }

    /// The word called `name`, when it is one.
    public func word(_ name: String) -> String? {
        if case .word(let word)? = values[name] { return word }
        return nil
    }

    private func invalid(_ name: String, _ rule: String) -> GraphError {
        let found = values[name].map { ", got \($0)" } ?? " (it is missing)"
        return .invalidValue(node: operation, detail: "'\(name)' of '\(operation)' \(rule)\(found)")
    }
}
