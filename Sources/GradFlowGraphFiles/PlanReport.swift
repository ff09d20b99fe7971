import GradFlowCore
import GradFlowTraining

/// The memory plan of a graph for one batch size, as a table: the Kahn order, and for each node its
/// value buffer and (when the backward pass needs one) its gradient buffer, with shapes and bytes.
public struct PlanReport: Sendable {
    /// One planned buffer.
    public struct Buffer: Equatable, Sendable {
        /// The node's position in the Kahn order (0-based).
        public var step: Int
        /// The node's name.
        public var node: String
        /// The node's operation (`input`, `parameter`, `linear`, …).
        public var operation: String
        /// `value`, `gradient` or `scratch` (a node's own planned buffers, e.g. im2col).
        public var role: String
        /// The concrete shape.
        public var shape: [Int]
        /// 4 bytes per element (Float).
        public var bytes: Int
    }

    /// The batch size planned for.
    public var batchSize: Int
    /// Every buffer, in Kahn order, value before gradient.
    public var buffers: [Buffer]
    /// The sum of all buffers' bytes.
    public var totalBytes: Int { buffers.reduce(0) { $0 + $1.bytes } }

    /// Plans `graph` for `batchSize` (feeding zero inputs of that size) and reads back the buffers.
    /// - Throws: `GraphError` when the batch size does not fit the declared shapes.
    public init(graph: Graph, batchSize: Int) throws {
        self.batchSize = batchSize
        for input in graph.inputs where !input.isFed || input.value.shape != input.shape.resolved(batchSize: batchSize) {
            input.value = Tensor.zeros(input.shape.resolved(batchSize: batchSize))
        }
        try graph.plan(batchSize: batchSize)
        var buffers: [Buffer] = []
        for (step, node) in graph.nodes.enumerated() {
            buffers.append(Buffer(step: step, node: node.name, operation: node.kind, role: "value",
                                  shape: node.value.shape, bytes: 4 * node.value.count))
            if node.needsGradient && node.gradient.count > 0 {
                buffers.append(Buffer(step: step, node: node.name, operation: node.kind, role: "gradient",
                                      shape: node.gradient.shape, bytes: 4 * node.gradient.count))
            }
            if node.scratchBytes > 0 {
                buffers.append(Buffer(step: step, node: node.name, operation: node.kind, role: "scratch",
                                      shape: [node.scratchBytes / 4], bytes: node.scratchBytes))
            }
        }
        self.buffers = buffers
    }

    /// The report as aligned text, ending with the total.
    public var text: String {
        var rows = [["#", "node", "op", "buffer", "shape", "bytes"]]
        for buffer in buffers {
            rows.append([String(buffer.step), buffer.node, buffer.operation, buffer.role,
                         "[" + buffer.shape.map(String.init).joined(separator: ", ") + "]", String(buffer.bytes)])
        }
        rows.append(["", "total", "", "", "", String(totalBytes)])
        return TextTable.render(rows, rightAligned: [0, 5])
    }

    /// A human size: `1.5 MB`.
    public static func humanBytes(_ bytes: Int) -> String {
        let units = ["B", "KB", "MB", "GB"]
        var value = Double(bytes), unit = 0
        while value >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
        return unit == 0 ? "\(bytes) B" : fixed(Float(value), 1) + " " + units[unit]
    }
}

/// Column-aligned plain-text tables for reports.
enum TextTable {
    /// The rows padded to common column widths, separated by two spaces.
    static func render(_ rows: [[String]], rightAligned: Set<Int> = []) -> String {
        let columns = rows.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: columns)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        return rows.map { row in
            row.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                return rightAligned.contains(i) ? pad + cell : cell + pad
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }.joined(separator: "\n") + "\n"
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var result = self
        while result.last == " " { result.removeLast() }
        return result
    }
}
