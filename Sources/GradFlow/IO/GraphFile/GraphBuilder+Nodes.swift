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
        guard let operation = OperationTable.operation(named: call.callee.text) else {
            throw GraphFileError(.unknownOperation(call.callee.text, suggestion: Suggestion.nearest(to: call.callee.text, in: OperationTable.names)),
                                 at: call.callee.location)
        }
        guard operation.accepts(operandCount: call.arguments.count) else {
            let location = call.arguments.count > operation.operands.count && !operation.isVariadic
                ? call.arguments[operation.operands.count].location : call.callee.location
            throw GraphFileError(.wrongArgumentCount(operation: operation.name, expected: operation.arityText, found: call.arguments.count),
                                 at: location)
        }
        let keywords = try keywordValues(call, operation)
        var operands: [Node] = []
        for argument in call.arguments { operands.append(try node(for: argument, target: target, depth: depth + 1)) }
        let name = depth == 0 ? target : nestedName(target: target, operation: operation.name)
        let node: Node
        do { node = try operation.make(operands, keywords, name) } catch {
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

    /// The keyword values with defaults filled in.
    /// - Throws: `GraphFileError` for an unknown, repeated, missing or non-numeric keyword.
    private func keywordValues(_ call: Call, _ operation: Operation) throws(GraphFileError) -> [String: Double] {
        let allowed = operation.keywords.map(\.name)
        var values: [String: Double] = [:]
        for keyword in call.keywords {
            guard allowed.contains(keyword.name.text) else {
                throw GraphFileError(.unknownKeyword(callee: operation.name, keyword: keyword.name.text,
                                                     suggestion: Suggestion.nearest(to: keyword.name.text, in: allowed)),
                                     at: keyword.name.location)
            }
            guard values[keyword.name.text] == nil else {
                throw GraphFileError(.duplicateKeyword(keyword.name.text), at: keyword.name.location)
            }
            values[keyword.name.text] = try CallArguments.number(keyword.value, describing: "'\(keyword.name.text)' of '\(operation.name)'")
        }
        for (name, defaultValue) in operation.keywords where values[name] == nil {
            guard let defaultValue else {
                throw GraphFileError(.invalidArgument("'\(operation.name)' needs the argument '\(name):'"), at: call.callee.location)
            }
            values[name] = defaultValue
        }
        if let seed = values["seed"], !(seed >= 0 && seed == seed.rounded() && seed < 1e15) {
            throw GraphFileError(.invalidArgument("'seed' of '\(operation.name)' must be a whole number ≥ 0"), at: call.callee.location)
        }
        return values
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
