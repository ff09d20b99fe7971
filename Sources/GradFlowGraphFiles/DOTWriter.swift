import GradFlowCore

/// Writes a graph as Graphviz DOT: one box per operation (name, op, shape), inputs as
/// light-blue ellipses, parameters as orange ellipses, the loss with a double border; edges run
/// from operand to consumer and are labelled with the operand's position when a node has several.
///
/// `gradflow dot Graphs/xor.graph | dot -Tsvg > xor.svg`
public enum DOTWriter {
    /// The DOT text for `graph`.
    public static func dot(for graph: Graph, title: String = "graph") -> String {
        var lines = ["digraph \(title.quotedLiteral) {", "  rankdir=TB;", "  node [fontname=\"Helvetica\", fontsize=11];"]
        var ids: [ObjectIdentifier: String] = [:]
        for (index, node) in graph.nodes.enumerated() {
            let id = "n\(index)"
            ids[ObjectIdentifier(node)] = id
            lines.append("  \(id) [\(attributes(for: node, isLoss: node === graph.loss))];")
        }
        for node in graph.nodes {
            guard let target = ids[ObjectIdentifier(node)] else { continue }
            for (position, operand) in node.inboundNodes.enumerated() {
                guard let source = ids[ObjectIdentifier(operand)] else { continue }
                let label = node.inboundNodes.count > 1 ? " [label=\"\(position)\"]" : ""
                lines.append("  \(source) -> \(target)\(label);")
            }
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    private static func attributes(for node: Node, isLoss: Bool) -> String {
        let shape = node.shape.text
        switch node {
        case let parameter as Parameter:
            return "label=\("\(node.name)\n\(parameter.isTrainable ? "param" : "buffer") \(shape)".quotedLiteral), shape=ellipse, style=filled, fillcolor=\"#fdd9a0\""
        case is Input:
            return "label=\("\(node.name)\ninput \(shape)".quotedLiteral), shape=ellipse, style=filled, fillcolor=\"#cfe8fc\""
        default:
            let border = isLoss ? ", peripheries=2" : ""
            let detail = (node as? any GraphOperation)?.drawingLabel ?? "\(node.kind) \(shape)"
            return "label=\("\(node.name)\n\(detail)".quotedLiteral), shape=box, style=rounded\(border)"
        }
    }
}
