/// A problem in a graph file, with the place it points at, printed compiler-style:
/// `xor.graph:7:12: error: unknown operation 'relu2'; did you mean 'relu'?`.
public struct GraphFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What went wrong; each case's `message` says what was expected, what was found and what to do.
    public enum Kind: Equatable, Sendable {
        /// A character that starts no token (`@`, `$`, …).
        case unexpectedCharacter(String)
        /// A `"` with no closing quote on its line.
        case unterminatedString
        /// A malformed number (`1.2.3`, `1e`, `12ab`), or a number out of range.
        case badNumber(String, reason: String)
        /// A token where another was expected.
        case unexpectedToken(expected: String, found: String)
        /// Expressions nested deeper than the parser allows.
        case nestingTooDeep(limit: Int)
        /// A call to an operation the library does not have.
        case unknownOperation(String, suggestion: String?)
        /// An unknown word of some category: `initializer`, `optimizer`, `data source`, `statement`, …
        case unknownWord(category: String, word: String, suggestion: String?)
        /// A name used but never declared.
        case undefinedName(String, suggestion: String?)
        /// A name declared twice.
        case duplicateName(String, previous: SourceLocation)
        /// A call with the wrong number of positional operands.
        case wrongArgumentCount(operation: String, expected: String, found: Int)
        /// A keyword argument the callee does not take.
        case unknownKeyword(callee: String, keyword: String, suggestion: String?)
        /// A keyword argument given twice.
        case duplicateKeyword(String)
        /// An argument of the wrong type or out of range.
        case invalidArgument(String)
        /// Operands whose shapes the operation cannot combine (the library's shape inference).
        case shapeMismatch(String)
        /// Assignments that depend on each other in a loop.
        case cycle([String])
        /// No assignment named `loss`.
        case missingLoss
        /// A loss that is not a single number.
        case lossNotScalar(shape: String)
        /// A declared shape with more elements than allowed (checked before allocating).
        case shapeTooLarge(name: String, elements: String, limit: Int)
        /// Parameters with more elements in all than allowed, counted up to and including `name`
        /// (checked before allocating).
        case parametersTooLarge(name: String, total: String, limit: Int)
        /// A statement the command needs is absent (e.g. `data` for training).
        case missingStatement(String)
        /// A data or training problem reported by the library, tied to the statement that caused it.
        case runtime(String)
    }

    /// What went wrong.
    public var kind: Kind
    /// Where it went wrong.
    public var location: SourceLocation

    /// Creates an error at a location.
    public init(_ kind: Kind, at location: SourceLocation) {
        self.kind = kind
        self.location = location
    }

    /// The compiler-style line: `file:line:column: error: message`.
    public var description: String { "\(location): error: \(message)" }

    /// The message without the position.
    public var message: String {
        switch kind {
        case .unexpectedCharacter(let character):
            return "unexpected character '\(character)'"
        case .unterminatedString:
            return "unterminated string; add the closing '\"' before the end of the line"
        case let .badNumber(text, reason):
            return "invalid number '\(text)': \(reason)"
        case let .unexpectedToken(expected, found):
            return "expected \(expected), found \(found)"
        case .nestingTooDeep(let limit):
            return "expression nested more than \(limit) levels deep; split it into named steps"
        case let .unknownOperation(name, suggestion):
            return "unknown operation '\(name)'" + Self.hint(suggestion, orList: "run 'gradflow help ops' for the list")
        case let .unknownWord(category, word, suggestion):
            return "unknown \(category) '\(word)'" + Self.hint(suggestion, orList: nil)
        case let .undefinedName(name, suggestion):
            return "undefined name '\(name)'" + Self.hint(suggestion, orList: "declare it with 'input', 'param' or an assignment")
        case let .duplicateName(name, previous):
            return "'\(name)' is already defined at \(previous.line):\(previous.column); choose another name"
        case let .wrongArgumentCount(operation, expected, found):
            return "'\(operation)' takes \(expected) operand\(expected == "1" ? "" : "s"), but \(found) \(found == 1 ? "was" : "were") given"
        case let .unknownKeyword(callee, keyword, suggestion):
            return "'\(callee)' has no argument '\(keyword)'" + Self.hint(suggestion, orList: nil)
        case .duplicateKeyword(let keyword):
            return "argument '\(keyword)' is given twice"
        case .invalidArgument(let detail), .shapeMismatch(let detail), .runtime(let detail):
            return detail
        case .cycle(let names):
            return "cycle: \(names.joined(separator: " → ")) depend on each other; no order exists"
        case .missingLoss:
            return "no 'loss' is defined; add a line such as 'loss = mse(y, out)'"
        case .lossNotScalar(let shape):
            return "'loss' must be a single number, but its shape is \(shape); use a loss operation such as mse or softmax_ce"
        case let .shapeTooLarge(name, elements, limit):
            return "'\(name)' would have \(elements) elements, more than the limit of \(limit)"
        case let .parametersTooLarge(name, total, limit):
            return "the parameters up to '\(name)' would have \(total) elements in all, more than the limit of \(limit)"
        case .missingStatement(let detail):
            return detail
        }
    }

    private static func hint(_ suggestion: String?, orList alternative: String?) -> String {
        if let suggestion { return "; did you mean '\(suggestion)'?" }
        return alternative.map { "; \($0)" } ?? ""
    }
}
