/// The arguments of a call to an initializer, data source or optimizer, checked against what the
/// callee accepts, with typed accessors that report errors at the argument's location.
struct CallArguments {
    /// The callee's name as written.
    let callee: Name
    /// Positional arguments.
    let positional: [Expression]
    private let keywords: [String: KeywordArgument]

    /// Checks `expression` (a bare name or a call) against the accepted keywords and positional count.
    /// - Throws: `GraphFileError` `.unknownKeyword` (with a suggestion), `.duplicateKeyword`,
    ///   `.wrongArgumentCount`.
    init(_ expression: Expression, keywords allowed: [String], positional range: ClosedRange<Int>) throws(GraphFileError) {
        switch expression {
        case .name(let name):
            callee = name
            positional = []
            keywords = [:]
        case .call(let call):
            callee = call.callee
            positional = call.arguments
            var seen: [String: KeywordArgument] = [:]
            for keyword in call.keywords {
                guard allowed.contains(keyword.name.text) else {
                    throw GraphFileError(.unknownKeyword(callee: call.callee.text, keyword: keyword.name.text,
                                                         suggestion: Suggestion.nearest(to: keyword.name.text, in: allowed)),
                                         at: keyword.name.location)
                }
                guard seen[keyword.name.text] == nil else {
                    throw GraphFileError(.duplicateKeyword(keyword.name.text), at: keyword.name.location)
                }
                seen[keyword.name.text] = keyword
            }
            keywords = seen
        default:
            throw GraphFileError(.unexpectedToken(expected: "a name or a call", found: expression.sourceText), at: expression.location)
        }
        guard range.contains(positional.count) else {
            let expected = range.lowerBound == range.upperBound ? "\(range.lowerBound)" : "\(range.lowerBound) to \(range.upperBound)"
            let location = positional.count > range.upperBound ? positional[range.upperBound].location : callee.location
            throw GraphFileError(.wrongArgumentCount(operation: callee.text, expected: expected, found: positional.count), at: location)
        }
    }

    /// The keyword argument `name`, or the positional argument at `index` if given instead.
    func value(_ name: String, orPosition index: Int? = nil) -> Expression? {
        if let keyword = keywords[name] { return keyword.value }
        if let index, positional.indices.contains(index) { return positional[index] }
        return nil
    }

    /// A number argument.
    /// - Throws: `GraphFileError.invalidArgument` when the value is not a number.
    func number(_ name: String, orPosition index: Int? = nil) throws(GraphFileError) -> Double? {
        guard let expression = value(name, orPosition: index) else { return nil }
        return try CallArguments.number(expression, describing: "'\(name)' of '\(callee.text)'")
    }

    /// A whole, non-negative number argument.
    /// - Throws: `GraphFileError.invalidArgument`.
    func count(_ name: String, orPosition index: Int? = nil) throws(GraphFileError) -> Int? {
        guard let expression = value(name, orPosition: index) else { return nil }
        return try CallArguments.count(expression, describing: "'\(name)' of '\(callee.text)'")
    }

    /// A `true`/`false` argument.
    /// - Throws: `GraphFileError.invalidArgument`.
    func bool(_ name: String) throws(GraphFileError) -> Bool? {
        guard let expression = value(name) else { return nil }
        guard case .name(let word) = expression, word.text == "true" || word.text == "false" else {
            throw GraphFileError(.invalidArgument("'\(name)' of '\(callee.text)' must be true or false, not \(expression.sourceText)"),
                                 at: expression.location)
        }
        return word.text == "true"
    }

    /// A string argument, or a list of strings (`["a", "b"]`), as a list.
    /// - Throws: `GraphFileError.invalidArgument` for anything else or an empty list.
    func strings(_ name: String) throws(GraphFileError) -> [String]? {
        guard let expression = value(name) else { return nil }
        if case .string(let text, _) = expression { return [text] }
        guard case .list(let items, _) = expression, !items.isEmpty else {
            throw GraphFileError(.invalidArgument("'\(name)' of '\(callee.text)' must be a string or a list of strings such as [\"a\", \"b\"], not \(expression.sourceText)"),
                                 at: expression.location)
        }
        var texts: [String] = []
        for item in items {
            guard case .string(let text, _) = item else {
                throw GraphFileError(.invalidArgument("'\(name)' of '\(callee.text)' lists \(item.sourceText); each entry must be a string in double quotes"),
                                     at: item.location)
            }
            texts.append(text)
        }
        return texts
    }

    /// A string argument.
    /// - Throws: `GraphFileError.invalidArgument`.
    func string(_ name: String, orPosition index: Int? = nil) throws(GraphFileError) -> String? {
        guard let expression = value(name, orPosition: index) else { return nil }
        guard case .string(let text, _) = expression else {
            throw GraphFileError(.invalidArgument("'\(name)' of '\(callee.text)' must be a string in double quotes, not \(expression.sourceText)"),
                                 at: expression.location)
        }
        return text
    }

    /// The value of a number expression.
    static func number(_ expression: Expression, describing what: String) throws(GraphFileError) -> Double {
        guard case .number(let value, _, _) = expression else {
            throw GraphFileError(.invalidArgument("\(what) must be a number, not \(expression.sourceText)"), at: expression.location)
        }
        return value
    }

    /// The value of a whole, non-negative number expression that fits comfortably in an `Int`.
    static func count(_ expression: Expression, describing what: String) throws(GraphFileError) -> Int {
        let value = try number(expression, describing: what)
        guard value >= 0, value == value.rounded(), value <= 1e15 else {
            throw GraphFileError(.invalidArgument("\(what) must be a whole number ≥ 0, not \(expression.sourceText)"), at: expression.location)
        }
        return Int(value)
    }
}
