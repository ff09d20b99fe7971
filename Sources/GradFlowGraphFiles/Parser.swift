import GradFlowTraining

/// A recursive-descent parser for graph files (the grammar is in `Graphs/README.md`).
///
/// ```
/// file       = { [statement] NEWLINE } END
/// statement  = "input" NAME shape | ("param" | "buffer") NAME shape [expr] | "output" NAME
///            | "data" expr | "train" expr { NAME expr } | NAME "=" expr
/// shape      = "[" dim { "," dim } "]"          dim = INTEGER | "batch"
/// expr       = ["-"] NUMBER | STRING | "[" [ expr { "," expr } ] "]" | NAME [ "(" [ arg { "," arg } ] ")" ]
/// arg        = NAME ":" expr | expr
/// ```
/// Errors point at the offending token; nesting is limited to `maximumDepth` levels so that no
/// input can exhaust the stack.
public struct Parser {
    /// The deepest nesting of calls accepted.
    public static let maximumDepth = 64
    /// The largest size accepted for one dimension (larger sizes are refused before any allocation).
    public static let maximumDimension = 1 << 40

    private let tokens: [Token]
    private var position = 0

    /// Creates a parser over tokens that end with `.end` (as `Lexer.tokenize()` returns them).
    public init(tokens: [Token]) {
        self.tokens = tokens.isEmpty || tokens.last?.kind != .end
            ? tokens + [Token(.end, at: tokens.last?.location ?? SourceLocation(file: "<input>", line: 1, column: 1))]
            : tokens
    }

    /// Lexes and parses `source`.
    /// - Throws: `GraphFileError` at the first lexical or syntax error.
    public static func parse(_ source: String, file: String) throws(GraphFileError) -> [Statement] {
        var lexer = Lexer(source, file: file)
        var parser = Parser(tokens: try lexer.tokenize())
        return try parser.parseFile()
    }

    /// Parses every statement.
    /// - Throws: `GraphFileError` at the first syntax error.
    public mutating func parseFile() throws(GraphFileError) -> [Statement] {
        var statements: [Statement] = []
        while true {
            switch current.kind {
            case .end: return statements
            case .newline: position += 1
            default:
                statements.append(try statement())
                guard current.kind == .newline || current.kind == .end else {
                    throw unexpected("the end of the line")
                }
            }
        }
    }

    private var current: Token { tokens[min(position, tokens.count - 1)] }

    private func unexpected(_ expected: String) -> GraphFileError {
        GraphFileError(.unexpectedToken(expected: expected, found: current.display), at: current.location)
    }

    private mutating func expect(_ kind: Token.Kind, _ description: String) throws(GraphFileError) {
        guard current.kind == kind else { throw unexpected(description) }
        position += 1
    }

    private mutating func name(_ description: String = "a name") throws(GraphFileError) -> Name {
        guard case .identifier(let text) = current.kind else { throw unexpected(description) }
        defer { position += 1 }
        return Name(text: text, location: current.location)
    }

    private mutating func statement() throws(GraphFileError) -> Statement {
        let start = current.location
        let keyword = try name("a statement ('input', 'param', 'buffer', 'data', 'train', 'output' or 'NAME = …')")
        switch keyword.text {
        case "input":
            let declared = try name("the input's name")
            return Statement(kind: .input(declared, try shape()), location: start)
        case "param", "buffer" where current.kind != .equals:   // `buffer = …` stays an assignment
            let trainable = keyword.text == "param"
            let declared = try name(trainable ? "the parameter's name" : "the buffer's name")
            let dims = try shape()
            let initializer = (current.kind == .newline || current.kind == .end) ? nil : try expression(depth: 0)
            return Statement(kind: .parameter(declared, dims, initializer: initializer, isTrainable: trainable), location: start)
        case "output":
            return Statement(kind: .output(try name("the output node's name")), location: start)
        case "data":
            return Statement(kind: .data(try expression(depth: 0)), location: start)
        case "train":
            let optimizer = try expression(depth: 0)
            var options: [(name: Name, value: Expression)] = []
            while current.kind != .newline && current.kind != .end {
                let option = try name("a training option ('epochs', 'batch', 'seed', 'metric', 'schedule', 'warmup', 'clip_norm', 'clip_value', 'callbacks') or the end of the line")
                options.append((option, try expression(depth: 0)))
            }
            return Statement(kind: .train(optimizer: optimizer, options: options), location: start)
        default:
            guard current.kind == .equals else {
                throw unexpected("'=' after '\(keyword.text)' (or a statement keyword: input, param, buffer, data, train, output)")
            }
            position += 1
            return Statement(kind: .assignment(keyword, try expression(depth: 0)), location: start)
        }
    }

    /// `[dim, dim, …]` with whole positive sizes or `batch`.
    private mutating func shape() throws(GraphFileError) -> [DimensionSyntax] {
        try expect(.leftBracket, "a shape such as [batch, 2]")
        var dims: [DimensionSyntax] = []
        repeat {
            if !dims.isEmpty { position += 1 }   // the comma
            let location = current.location
            switch current.kind {
            case .identifier("batch"):
                dims.append(DimensionSyntax(dimension: .batch, location: location))
            case .number(let text):
                guard let value = Double(text), value == value.rounded(), value >= 1 else {
                    throw GraphFileError(.badNumber(text, reason: "a dimension must be a whole number of at least 1"), at: location)
                }
                guard value <= Double(Parser.maximumDimension) else {
                    throw GraphFileError(.badNumber(text, reason: "a dimension may be at most \(Parser.maximumDimension)"), at: location)
                }
                dims.append(DimensionSyntax(dimension: .fixed(Int(value)), location: location))
            default:
                throw unexpected("a dimension (a whole number or 'batch')")
            }
            position += 1
        } while current.kind == .comma
        try expect(.rightBracket, "',' or ']'")
        return dims
    }

    /// An expression; `depth` counts the calls it is nested in.
    private mutating func expression(depth: Int) throws(GraphFileError) -> Expression {
        let token = current
        switch token.kind {
        case .minus:
            position += 1
            guard case .number(let text) = current.kind, let value = Double(text) else { throw unexpected("a number after '-'") }
            position += 1
            return .number(-value, text: "-" + text, location: token.location)
        case .number(let text):
            position += 1
            return .number(Double(text) ?? 0, text: text, location: token.location)   // the lexer validated it
        case .string(let text):
            position += 1
            return .string(text, location: token.location)
        case .leftBracket:
            guard depth < Parser.maximumDepth else {
                throw GraphFileError(.nestingTooDeep(limit: Parser.maximumDepth), at: token.location)
            }
            position += 1
            var items: [Expression] = []
            while current.kind != .rightBracket {
                if !items.isEmpty { try expect(.comma, "',' or ']'") }
                items.append(try expression(depth: depth + 1))
            }
            position += 1
            return .list(items, location: token.location)
        case .identifier(let text):
            position += 1
            let callee = Name(text: text, location: token.location)
            guard current.kind == .leftParen else { return .name(callee) }
            guard depth < Parser.maximumDepth else {
                throw GraphFileError(.nestingTooDeep(limit: Parser.maximumDepth), at: token.location)
            }
            position += 1
            return .call(try arguments(of: callee, depth: depth + 1))
        default:
            throw unexpected("an expression (a name, a number, a string or a call)")
        }
    }

    /// The arguments after `callee(` up to and including the `)`.
    private mutating func arguments(of callee: Name, depth: Int) throws(GraphFileError) -> Call {
        var call = Call(callee: callee, arguments: [], keywords: [])
        while current.kind != .rightParen {
            if !(call.arguments.isEmpty && call.keywords.isEmpty) {
                try expect(.comma, "',' or ')'")
            }
            if case .identifier(let keyword) = current.kind, tokens.indices.contains(position + 1),
               tokens[position + 1].kind == .colon {
                let label = Name(text: keyword, location: current.location)
                position += 2
                call.keywords.append(KeywordArgument(name: label, value: try expression(depth: depth)))
            } else {
                call.arguments.append(try expression(depth: depth))
            }
        }
        position += 1
        return call
    }
}
