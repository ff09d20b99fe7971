import GradFlowCore

/// A picture of a graph drawn by GradFlow itself (no Graphviz): nodes in layers by their Kahn order,
/// edges between them.
///
/// Layout: an operation's layer is one more than its deepest operand's; an input or a parameter sits
/// in the layer just above its first consumer (so a weight stands beside the value it multiplies, the
/// labels beside the loss). Within a layer, nodes keep their Kahn order. Every node is a box of the
/// same size on a grid cell of its own, so no two boxes or labels overlap; edges run from the bottom
/// of an operand's box to the top of its consumer's, and an edge that skips layers bends out beside
/// the boxes of the layers it passes. Inputs are blue, parameters orange (with their element count),
/// operations white with their output shape, the loss has a double border.
public struct GraphDrawing: Sendable {
    /// One box of the drawing.
    public struct Box: Equatable, Sendable {
        /// The node's name, operation (`input`, `parameter` or its kind) and output shape.
        public var name: String, operation: String, shape: String
        /// The box's second line: `parameter` shape and size, or the operation's drawing label.
        public var label: String
        /// Its parameter count (parameters only; 0 otherwise).
        public var parameters: Int
        /// Its rectangle.
        public var x: Double, y: Double, width: Double, height: Double
        /// Whether it is the graph's loss.
        public var isLoss: Bool
    }

    /// The boxes, in the graph's Kahn order.
    public let boxes: [Box]
    /// The edges, as (operand, consumer) indices into `boxes`.
    public let edges: [(from: Int, to: Int)]
    /// The picture's size.
    public let width: Double, height: Double

    static let boxWidth = 168.0, boxHeight = 50.0, columnGap = 24.0, rowGap = 40.0, margin = 20.0

    /// Lays out `graph`.
    public init(graph: Graph) {
        let nodes = graph.nodes
        var index: [ObjectIdentifier: Int] = [:]
        for (position, node) in nodes.enumerated() { index[ObjectIdentifier(node)] = position }
        var layer = [Int](repeating: 0, count: nodes.count)
        for (position, node) in nodes.enumerated() where !(node is Input) {
            layer[position] = 1 + (node.inboundNodes.compactMap { index[ObjectIdentifier($0)] }.map { layer[$0] }.max() ?? -1)
        }
        // A parameter or input moves down to just above its first consumer (labels beside the loss).
        for (position, node) in nodes.enumerated() where node is Input {
            if let consumer = nodes.firstIndex(where: { $0.inboundNodes.contains { $0 === node } }) {
                layer[position] = max(0, layer[consumer] - 1)
            }
        }
        let layers = (layer.max() ?? 0) + 1
        var columns = [Int](repeating: 0, count: layers)
        var cell = [(row: Int, column: Int)](repeating: (0, 0), count: nodes.count)
        for position in nodes.indices {
            cell[position] = (layer[position], columns[layer[position]])
            columns[layer[position]] += 1
        }
        let widest = columns.max() ?? 1
        let rowWidth = { (count: Int) in Double(count) * GraphDrawing.boxWidth + Double(max(count - 1, 0)) * GraphDrawing.columnGap }
        let totalWidth = rowWidth(widest) + 2 * GraphDrawing.margin
        boxes = nodes.enumerated().map { position, node in
            let (row, column) = cell[position]
            let left = GraphDrawing.margin + (rowWidth(widest) - rowWidth(columns[row])) / 2    // centre each row
            let kind = node.kind
            let label = node is Parameter ? "\(node.shape.text) · \(node.value.count) values"
                : (node as? any GraphOperation)?.drawingLabel ?? "\(kind) \(node.shape.text)"
            return Box(name: node.name, operation: kind, shape: node.shape.text, label: label,
                       parameters: node is Parameter ? node.value.count : 0,
                       x: left + Double(column) * (GraphDrawing.boxWidth + GraphDrawing.columnGap),
                       y: GraphDrawing.margin + Double(row) * (GraphDrawing.boxHeight + GraphDrawing.rowGap),
                       width: GraphDrawing.boxWidth, height: GraphDrawing.boxHeight, isLoss: node === graph.loss)
        }
        var edges: [(Int, Int)] = []
        for (position, node) in nodes.enumerated() {
            for operand in node.inboundNodes { if let from = index[ObjectIdentifier(operand)] { edges.append((from, position)) } }
        }
        self.edges = edges
        width = totalWidth
        height = 2 * GraphDrawing.margin + Double(layers) * GraphDrawing.boxHeight + Double(layers - 1) * GraphDrawing.rowGap
    }

    /// The drawing as a standalone SVG document (each box a `<g class="node" data-node="NAME">`).
    public func svg(title: String = "") -> String {
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(number(width))\" height=\"\(number(height + (title.isEmpty ? 0 : 24)))\" "
            + "font-family=\"Helvetica, Arial, sans-serif\" font-size=\"11\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
            + "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\">"
            + "<path d=\"M0,0 L10,5 L0,10 z\" fill=\"#666\"/></marker></defs>\n"
        if !title.isEmpty {
            out += "<text x=\"\(number(width / 2))\" y=\"18\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">\(escaped(title))</text>\n"
        }
        out += "<g transform=\"translate(0,\(title.isEmpty ? 0 : 24))\">\n"
        for (from, to) in edges {
            let (a, b) = (boxes[from], boxes[to])
            let (x1, y1, x2, y2) = (a.x + a.width / 2, a.y + a.height, b.x + b.width / 2, b.y)
            let between = boxes.filter { $0.y > a.y + 1 && $0.y < b.y - 1 }
            let path: String
            if between.isEmpty {
                let bend = max(20, (y2 - y1) / 2)
                path = "M\(number(x1)),\(number(y1)) C\(number(x1)),\(number(y1 + bend)) \(number(x2)),\(number(y2 - bend)) \(number(x2)),\(number(y2))"
            } else {
                // Around the layers in between, on the side the edge comes from.
                let leftSide = (x1 + x2) / 2 <= width / 2
                let side = leftSide ? (between.map(\.x).min() ?? x1) - 12 : (between.map { $0.x + $0.width }.max() ?? x1) + 12
                let (top, bottom) = (y1 + GraphDrawing.rowGap / 2, y2 - GraphDrawing.rowGap / 2)
                path = "M\(number(x1)),\(number(y1)) C\(number(x1)),\(number(top)) \(number(side)),\(number(y1)) \(number(side)),\(number(top)) "
                    + "L\(number(side)),\(number(bottom)) C\(number(side)),\(number(y2)) \(number(x2)),\(number(bottom)) \(number(x2)),\(number(y2))"
            }
            out += "<path class=\"edge\" d=\"\(path)\" fill=\"none\" stroke=\"#666\" stroke-width=\"1.2\" marker-end=\"url(#arrow)\"/>\n"
        }
        for box in boxes {
            let fill = box.operation == "input" ? "#cfe8fc" : box.operation == "parameter" || box.operation == "buffer" ? "#fdd9a0" : "#ffffff"
            let radius = ["input", "parameter", "buffer"].contains(box.operation) ? 22 : 6
            out += "<g class=\"node\" data-node=\"\(escaped(box.name))\">\n"
            out += "<rect x=\"\(number(box.x))\" y=\"\(number(box.y))\" width=\"\(number(box.width))\" height=\"\(number(box.height))\" "
                + "rx=\"\(radius)\" fill=\"\(fill)\" stroke=\"#333\" stroke-width=\"\(box.isLoss ? 2.5 : 1)\"/>\n"
            if box.isLoss {
                out += "<rect x=\"\(number(box.x + 3))\" y=\"\(number(box.y + 3))\" width=\"\(number(box.width - 6))\" height=\"\(number(box.height - 6))\" "
                    + "rx=\"4\" fill=\"none\" stroke=\"#333\"/>\n"
            }
            out += "<text x=\"\(number(box.x + box.width / 2))\" y=\"\(number(box.y + 20))\" text-anchor=\"middle\" font-weight=\"bold\">\(escaped(GraphDrawing.fit(box.name)))</text>\n"
            out += "<text x=\"\(number(box.x + box.width / 2))\" y=\"\(number(box.y + 36))\" text-anchor=\"middle\" fill=\"#444\">\(escaped(GraphDrawing.fit(box.label)))</text>\n"
            out += "</g>\n"
        }
        return out + "</g>\n</svg>\n"
    }

    /// `text` cut to what fits a box (≈ 26 characters at 11 px).
    static func fit(_ text: String) -> String { text.count > 26 ? String(text.prefix(25)) + "…" : text }
}

extension Graph {
    /// This graph drawn as SVG by GradFlow itself (`GraphDrawing`; `gradflow draw FILE`).
    public func svg(title: String = "") -> String { GraphDrawing(graph: self).svg(title: title) }
}
