/// One lexical unit of a graph file, with where it starts.
public struct Token: Equatable, Sendable {
    /// What kind of token this is.
    public enum Kind: Equatable, Sendable {
        /// A name: a letter or `_`, then letters, digits, `_` or `.` (`W1`, `softmax_ce`, `dense0.weight`).
        case identifier(String)
        /// A number literal as written (`7`, `0.1`, `1e-4`), validated by the lexer.
        case number(String)
        /// A double-quoted string, with `\"` and `\\` escapes resolved.
        case string(String)
        /// `(`
        case leftParen
        /// `)`
        case rightParen
        /// `[`
        case leftBracket
        /// `]`
        case rightBracket
        /// `,`
        case comma
        /// `:`
        case colon
        /// `=`
        case equals
        /// `-` (a sign before a number)
        case minus
        /// The end of a statement (a line break outside brackets).
        case newline
        /// The end of the file.
        case end
    }

    /// The token's kind and payload.
    public var kind: Kind
    /// Where the token's first character is.
    public var location: SourceLocation

    /// Creates a token.
    public init(_ kind: Kind, at location: SourceLocation) {
        self.kind = kind
        self.location = location
    }

    /// How the token reads in an error message: `'relu'`, `number '0.1'`, `')'`, `end of line`.
    public var display: String {
        switch kind {
        case .identifier(let name): return "'\(name)'"
        case .number(let text): return "number '\(text)'"
        case .string(let text): return "string \"\(text.count > 30 ? String(text.prefix(30)) + "…" : text)\""
        case .leftParen: return "'('"
        case .rightParen: return "')'"
        case .leftBracket: return "'['"
        case .rightBracket: return "']'"
        case .comma: return "','"
        case .colon: return "':'"
        case .equals: return "'='"
        case .minus: return "'-'"
        case .newline: return "end of line"
        case .end: return "end of file"
        }
    }
}
