import GradFlowCore

/// The syntax tree of a graph file, as the parser reads it (names not yet resolved).

/// A name as written, with where it is.
public struct Name: Equatable, Sendable {
    /// The text of the name.
    public var text: String
    /// Where it starts.
    public var location: SourceLocation
}

/// One dimension of a declared shape: a whole number or the symbolic `batch`.
public struct DimensionSyntax: Equatable, Sendable {
    /// The dimension (`.batch` or `.fixed(n)`).
    public var dimension: Dimension
    /// Where it is written.
    public var location: SourceLocation
}

/// An expression: a name, a number, a string, a list or a call with positional and keyword arguments.
public indirect enum Expression: Equatable, Sendable {
    /// A reference to a declared name, or a bare word (`xor`, `zeros`, `he`).
    case name(Name)
    /// A number with its source text (`0.1`, `-3`, `1e-4`).
    case number(Double, text: String, location: SourceLocation)
    /// A string literal (`"data/iris.csv"`).
    case string(String, location: SourceLocation)
    /// A call: `relu(h)`, `dropout(h, p: 0.2)`, `csv("iris.csv", target: "species")`.
    case call(Call)
    /// A list in brackets: `["a", "b"]` (e.g. several target columns).
    case list([Expression], location: SourceLocation)

    /// Where the expression starts.
    public var location: SourceLocation {
        switch self {
        case .name(let name): return name.location
        case .number(_, _, let location), .string(_, let location), .list(_, let location): return location
        case .call(let call): return call.callee.location
        }
    }

    /// The expression written back as source text (`relu(linear(X, W1, b1))`).
    public var sourceText: String {
        switch self {
        case .name(let name): return name.text
        case .number(_, let text, _): return text
        case .string(let text, _): return text.quotedLiteral
        case .list(let items, _): return "[" + items.map(\.sourceText).joined(separator: ", ") + "]"
        case .call(let call):
            let positional = call.arguments.map(\.sourceText)
            let keywords = call.keywords.map { "\($0.name.text): \($0.value.sourceText)" }
            return call.callee.text + "(" + (positional + keywords).joined(separator: ", ") + ")"
        }
    }
}

/// A call expression.
public struct Call: Equatable, Sendable {
    /// The operation, initializer, data source or optimizer called.
    public var callee: Name
    /// The positional arguments, in order.
    public var arguments: [Expression]
    /// The keyword arguments (`p: 0.2`), in order.
    public var keywords: [KeywordArgument]
}

/// A `name: value` argument.
public struct KeywordArgument: Equatable, Sendable {
    /// The keyword.
    public var name: Name
    /// Its value.
    public var value: Expression
}

/// One statement (one logical line) of a graph file.
public struct Statement: Equatable, Sendable {
    /// What the statement declares.
    public enum Kind: Equatable, Sendable {
        /// `input NAME [dims]`: data fed each step.
        case input(Name, [DimensionSyntax])
        /// `param NAME [dims] [initializer]`: a trainable tensor; `buffer NAME [dims] [initializer]`:
        /// a non-trainable one that checkpoints save (a batch norm's running statistics).
        case parameter(Name, [DimensionSyntax], initializer: Expression?, isTrainable: Bool)
        /// `NAME = expression`: a node.
        case assignment(Name, Expression)
        /// `output NAME`: the node whose value is the prediction (optional).
        case output(Name)
        /// `data source`: where training examples come from.
        case data(Expression)
        /// `train optimizer {option value}`: how to train.
        case train(optimizer: Expression, options: [(name: Name, value: Expression)])

        public static func == (lhs: Kind, rhs: Kind) -> Bool {
            switch (lhs, rhs) {
            case let (.input(a, s), .input(b, t)): return a == b && s == t
            case let (.parameter(a, s, i, x), .parameter(b, t, j, y)): return a == b && s == t && i == j && x == y
            case let (.assignment(a, e), .assignment(b, f)): return a == b && e == f
            case let (.output(a), .output(b)): return a == b
            case let (.data(a), .data(b)): return a == b
            case let (.train(a, o), .train(b, p)):
                return a == b && o.count == p.count && zip(o, p).allSatisfy { $0.name == $1.name && $0.value == $1.value }
            default: return false
            }
        }
    }

    /// What the statement declares.
    public var kind: Kind
    /// Where the statement starts.
    public var location: SourceLocation
}
