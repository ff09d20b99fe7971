/// Splits graph-file text into tokens: names, numbers, strings, punctuation and line ends.
///
/// `#` starts a comment that runs to the end of the line. A line break ends a statement, except
/// inside `(…)` or `[…]`, so long calls may wrap. Every malformed token is a `GraphFileError` at the
/// token's first character; no input makes the lexer trap.
public struct Lexer {
    private let scalars: [Unicode.Scalar]
    private let file: String
    private var index = 0
    private var line = 1
    private var column = 1
    private var depth = 0

    /// Creates a lexer over `source`; `file` names it in locations.
    public init(_ source: String, file: String) {
        scalars = Array(source.unicodeScalars)
        self.file = file
    }

    /// All tokens, ending with `.end`.
    /// - Throws: `GraphFileError` (`.unexpectedCharacter`, `.unterminatedString`, `.badNumber`).
    public mutating func tokenize() throws(GraphFileError) -> [Token] {
        var tokens: [Token] = []
        while let token = try next() { tokens.append(token) }
        tokens.append(Token(.end, at: here))
        return tokens
    }

    private var here: SourceLocation { SourceLocation(file: file, line: line, column: column) }

    private func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        index + offset < scalars.count ? scalars[index + offset] : nil
    }

    private mutating func advance() {
        guard let scalar = peek() else { return }
        index += 1
        if scalar == "\n" { line += 1; column = 1 } else { column += 1 }
    }

    /// The next token, or nil at the end of the input.
    private mutating func next() throws(GraphFileError) -> Token? {
        while let scalar = peek() {
            let start = here
            switch scalar {
            case " ", "\t", "\r":
                advance()
            case "#":
                while let c = peek(), c != "\n" { advance() }
            case "\n":
                advance()
                if depth == 0 { return Token(.newline, at: start) }
            case "\"":
                return try string(at: start)
            case "(", "[":
                advance(); depth += 1
                return Token(scalar == "(" ? .leftParen : .leftBracket, at: start)
            case ")", "]":
                advance(); depth = max(depth - 1, 0)
                return Token(scalar == ")" ? .rightParen : .rightBracket, at: start)
            case ",": advance(); return Token(.comma, at: start)
            case ":": advance(); return Token(.colon, at: start)
            case "=": advance(); return Token(.equals, at: start)
            case "-": advance(); return Token(.minus, at: start)
            default:
                if Lexer.isDigit(scalar) || (scalar == "." && peek(1).map(Lexer.isDigit) == true) {
                    return try number(at: start)
                }
                if Lexer.isIdentifierStart(scalar) {
                    var name = ""
                    while let c = peek(), Lexer.isIdentifierStart(c) || Lexer.isDigit(c) || c == "." {
                        name.unicodeScalars.append(c); advance()
                    }
                    return Token(.identifier(name), at: start)
                }
                throw GraphFileError(.unexpectedCharacter(String(scalar)), at: start)
            }
        }
        return nil
    }

    /// A number: digits, an optional fraction, an optional exponent; letters or a second point
    /// glued to it make the whole run a bad number.
    private mutating func number(at start: SourceLocation) throws(GraphFileError) -> Token {
        var text = ""
        while let c = peek(), Lexer.isDigit(c) || Lexer.isIdentifierStart(c) || c == "." ||
                ((c == "+" || c == "-") && (text.last == "e" || text.last == "E")) {
            text.unicodeScalars.append(c)
            advance()
        }
        guard Lexer.isWellFormedNumber(text) else {
            throw GraphFileError(.badNumber(text, reason: "expected digits with an optional fraction and exponent, like 0.1 or 1e-4"), at: start)
        }
        guard let value = Double(text), value.isFinite else {
            throw GraphFileError(.badNumber(text, reason: "it is too large"), at: start)
        }
        return Token(.number(text), at: start)
    }

    /// Whether `text` is `digits [. digits] [e [+|-] digits]` (a leading `.5` allowed).
    static func isWellFormedNumber(_ text: String) -> Bool {
        var chars = Array(text.unicodeScalars)[...]
        func digits() -> Int {
            var count = 0
            while let c = chars.first, isDigit(c) { chars.removeFirst(); count += 1 }
            return count
        }
        var mantissa = digits()
        if chars.first == "." { chars.removeFirst(); mantissa += digits() }
        guard mantissa > 0 else { return false }
        if chars.first == "e" || chars.first == "E" {
            chars.removeFirst()
            if chars.first == "+" || chars.first == "-" { chars.removeFirst() }
            guard digits() > 0 else { return false }
        }
        return chars.isEmpty
    }

    /// A double-quoted string on one line; `\"`, `\\`, `\n`, `\r`, `\t` and `\uXXXX` are escapes
    /// (what `String.quotedLiteral` writes).
    private mutating func string(at start: SourceLocation) throws(GraphFileError) -> Token {
        advance()
        var text = ""
        while let c = peek(), c != "\n" {
            advance()
            if c == "\"" { return Token(.string(text), at: start) }
            if c == "\\", let escaped = peek(), escaped != "\n" {
                advance()
                switch escaped {
                case "n": text.append("\n")
                case "r": text.append("\r")
                case "t": text.append("\t")
                case "u":
                    var hex = ""
                    while hex.count < 4, let digit = peek(), digit.properties.isASCIIHexDigit { hex.unicodeScalars.append(digit); advance() }
                    guard hex.count == 4, let value = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(value) else {
                        throw GraphFileError(.invalidArgument("\\u needs four hexadecimal digits"), at: start)
                    }
                    text.unicodeScalars.append(scalar)
                default: text.unicodeScalars.append(escaped)
                }
            } else {
                text.unicodeScalars.append(c)
            }
        }
        throw GraphFileError(.unterminatedString, at: start)
    }

    static func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }

    static func isIdentifierStart(_ c: Unicode.Scalar) -> Bool {
        (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c == "_"
    }
}
