import GradFlowCore

/// Writes a `Graph` (for instance a built, compiled `Sequential` model: `text(for: model)`, in
/// GradFlowModels) as graph-file text that
/// parses back to the same nodes, shapes and parameter names.
///
/// ```swift
/// try model.build(inputShape: [4])
/// let text = try GraphFileWriter.text(for: model)   // input x [batch, 4] / param dense0.weight [4, 8] / …
/// ```
/// Parameters are written with `zeros` and buffers with `zeros` or `ones` (their values belong in a
/// checkpoint, matched by name);
/// the loss node is named `loss`, and the prediction is given by an `output` statement.
public enum GraphFileWriter {
    /// The graph-file text of `graph`, with `output` as the prediction.
    /// - Throws: `GraphFileError.invalidArgument` for a node kind that graph files cannot express.
    public static func text(for graph: Graph, output: Node, comment: String? = nil) throws(GraphFileError) -> String {
        let names = uniqueNames(graph)
        func name(_ node: Node) -> String { names[ObjectIdentifier(node)] ?? node.name }
        var lines = comment.map { ["# " + $0] } ?? []
        for node in graph.nodes {
            switch node {
            case let parameter as Parameter where parameter.isTrainable:
                lines.append("param \(name(node)) \(node.shape.text) zeros")
            case is Parameter:   // a buffer starts as it is now when it is all ones (a running variance), else as zeros
                let ones = node.value.withUnsafeBufferPointer { $0.allSatisfy { $0 == 1 } }
                lines.append("buffer \(name(node)) \(node.shape.text) \(ones ? "ones" : "zeros")")
            case is Input:
                lines.append("input \(name(node)) \(node.shape.text)")
            default:
                guard let operation = node as? any GraphOperation,
                      OperationRegistry.operation(named: node.kind).map(ObjectIdentifier.init) == ObjectIdentifier(type(of: operation)) else {
                    throw GraphFileError(.invalidArgument("node '\(node.name)' of kind '\(node.kind)' has no graph-file operation"),
                                         at: SourceLocation(file: "<graph>", line: lines.count + 1, column: 1))
                }
                let operands = node.inboundNodes.map(name)
                lines.append("\(name(node)) = \(node.kind)(\((operands + keywordText(for: operation)).joined(separator: ", ")))")
            }
        }
        lines.append("output \(name(output))")
        return lines.joined(separator: "\n") + "\n"
    }

    /// `name: value` for every attribute that is required or differs from its default.
    private static func keywordText(for operation: any GraphOperation) -> [String] {
        operation.settings.map { "\($0.name): \($0.value)" }
    }

    /// A valid, unique graph-file name per node: the node's own name when it is one, `loss` for the
    /// loss, and `n<position>` otherwise.
    private static func uniqueNames(_ graph: Graph) -> [ObjectIdentifier: String] {
        var names: [ObjectIdentifier: String] = [:]
        var used: Set<String> = ["loss"]
        for (position, node) in graph.nodes.enumerated() {
            var candidate = node === graph.loss ? "loss" : node.name
            if node !== graph.loss && (!isValidName(candidate) || used.contains(candidate)) { candidate = "n\(position)" }
            while node !== graph.loss && used.contains(candidate) { candidate += "_" }
            used.insert(candidate)
            names[ObjectIdentifier(node)] = candidate
        }
        return names
    }

    /// Whether `text` lexes as one identifier that is not reserved.
    static func isValidName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, Lexer.isIdentifierStart(first) else { return false }
        let reserved = ["input", "param", "buffer", "output", "data", "train", "batch", "true", "false"]
        return text.unicodeScalars.allSatisfy { Lexer.isIdentifierStart($0) || Lexer.isDigit($0) || $0 == "." }
            && !reserved.contains(text)
    }
}
