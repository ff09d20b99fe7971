import GradFlowCore

extension GraphBuilder {
    /// The node an operand expression denotes, building calls (and their operands) as needed.
    ///
    /// A top-level call is named after its assignment's target; a nested call `target.op` (with a
    /// number when one statement nests the same operation twice), so messages and reports say where it is.
    /// - Throws: `GraphFileError` for unknown operations, wrong operands or keywords, and shapes the
    ///   library's shape inference rejects (at the call, naming every operand and its shape).
    mutating func node(for expression: Expression, target: String, depth: Int) throws(GraphFileError) -> Node {
        switch expression {
        case .name(let name):
            guard let node = nodes[name.text] else {
                throw GraphFileError(.undefinedName(name.text, suggestion: Suggestion.nearest(to: name.text, in: Array(nodes.keys).sorted())),
                                     at: name.location)
            }
            return node
        case .number, .string, .list:
            throw GraphFileError(.unexpectedToken(expected: "an operand (a name or an operation)", found: expression.sourceText),
                                 at: expression.location)
        case .call(let call):
            guard depth <= Parser.maximumDepth else {
                throw GraphFileError(.nestingTooDeep(limit: Parser.maximumDepth), at: call.callee.location)
            }
            return try build(call, target: target, depth: depth)
        }
    }

    private mutating func build(_ call: Call, target: String, depth: Int) throws(GraphFileError) -> Node {
        guard let type = OperationRegistry.operation(named: call.callee.text) else {
            throw GraphFileError(.unknownOperation(call.callee.text, suggestion: Suggestion.nearest(to: call.callee.text, in: OperationRegistry.names)),
                                 at: call.callee.location)
        }
        let operation = type.operationDescription
        guard operation.accepts(operandCount: call.arguments.count) else {
            let location = call.arguments.count > operation.operands.count && !operation.isVariadic
                ? call.arguments[operation.operands.count].location : call.callee.location
            throw GraphFileError(.wrongArgumentCount(operation: operation.name, expected: operation.arityText, found: call.arguments.count),
                                 at: location)
        }
        let attributes = try attributeValues(call, operation)
        var operands: [Node] = []
        for argument in call.arguments { operands.append(try node(for: argument, target: target, depth: depth + 1)) }
        let name = depth == 0 ? target : nestedName(target: target, operation: operation.name)
        let node: Node
        do { node = try type.make(operands, attributes, name: name) } catch {
            throw GraphFileError(.invalidArgument("\(operation.name): \(GraphBuilder.detail(of: error))"), at: call.callee.location)
        }
        let operandShapes = operands.map { shapes[ObjectIdentifier($0)] ?? $0.shape }
        do {
            shapes[ObjectIdentifier(node)] = try node.outputShape(for: operandShapes)
        } catch {
            let described = zip(call.arguments, operandShapes).map { "\($0.sourceText) \($1.text)" }.joined(separator: ", ")
            throw GraphFileError(.shapeMismatch("shape mismatch in \(operation.name)(\(described)): \(GraphBuilder.detail(of: error))"),
                                 at: call.callee.location)
        }
        locations[ObjectIdentifier(node)] = call.callee.location
        return node
    }

    /// The call's keyword attributes with defaults filled in.
    /// - Throws: `GraphFileError` for an unknown, repeated or missing keyword, or a value of another
    ///   kind than the attribute's default (a word where a number belongs).
    private func attributeValues(_ call: Call, _ operation: OperationDescription) throws(GraphFileError) -> OperationAttributes {
        var values = OperationAttributes(operation: operation.name)
        for keyword in call.keywords {
            guard let attribute = operation.attribute(named: keyword.name.text) else {
                throw GraphFileError(.unknownKeyword(callee: operation.name, keyword: keyword.name.text,
                                                     suggestion: Suggestion.nearest(to: keyword.name.text, in: operation.attributes.map(\.name))),
                                     at: keyword.name.location)
            }
            guard values[attribute.name] == nil else {
                throw GraphFileError(.duplicateKeyword(keyword.name.text), at: keyword.name.location)
            }
            values[attribute.name] = try GraphBuilder.attributeValue(keyword.value, for: attribute, of: operation.name)
        }
        for attribute in operation.attributes where values[attribute.name] == nil {
            guard let defaultValue = attribute.defaultValue else {
                throw GraphFileError(.invalidArgument("'\(operation.name)' needs the argument '\(attribute.name):'"), at: call.callee.location)
            }
            values[attribute.name] = defaultValue
        }
        return values
    }

    /// A keyword's value: a number, a list of numbers or a word, of the same kind as the default.
    private static func attributeValue(_ expression: Expression, for attribute: OperationAttribute,
                                       of operation: String) throws(GraphFileError) -> AttributeValue {
        let what = "'\(attribute.name)' of '\(operation)'"
        let value: AttributeValue
        switch expression {
        case .number(let number, _, _): value = .number(number)
        case .name(let word): value = .word(word.text)
        case .string(let word, _): value = .word(word)
        case .list(let items, _):
            var numbers: [Double] = []
            for item in items { numbers.append(try CallArguments.number(item, describing: "every item of \(what)")) }
            value = .numbers(numbers)
        case .call:
            throw GraphFileError(.invalidArgument("\(what) must be a number, a list or a word, not \(expression.sourceText)"), at: expression.location)
        }
        let freeWords: Bool   // a word-valued attribute that lists no words takes any word
        if case .word? = attribute.defaultValue { freeWords = attribute.words.isEmpty } else { freeWords = false }
        switch value {
        case .number where attribute.takesNumbers, .numbers where attribute.takesNumbers: return value
        case .word(let word) where attribute.words.contains(word) || freeWords: return value
        default:
            let words = attribute.words.joined(separator: ", ")
            let expected = !attribute.takesNumbers ? "one of \(words)"
                : attribute.words.isEmpty ? "a number" : "a number or one of \(words)"
            throw GraphFileError(.invalidArgument("\(what) must be \(expected), not \(expression.sourceText)"), at: expression.location)
        }
    }

    private mutating func nestedName(target: String, operation: String) -> String {
        let base = "\(target).\(operation)"
        nestedNames[base, default: 0] += 1
        let count = nestedNames[base, default: 1]
        return count == 1 ? base : "\(base)\(count)"
    }

    /// A library error's sentence without the node-name prefix the graph would add.
    static func detail(of error: any Error) -> String {
        switch error {
        case let GraphError.shapeMismatch(_, detail), let GraphError.invalidValue(_, detail): return detail
        default: return "\(error)"
        }
    }
}
