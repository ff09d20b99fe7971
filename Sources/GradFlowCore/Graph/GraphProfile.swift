import Foundation

/// Where a training step's time goes: each node's forward and backward time over a few steps, its
/// GFLOP/s where it declares FLOPs (`Node.forwardFLOPs`, `backwardFLOPs`), the bytes of its buffers
/// and its share of the step (`gradflow plan FILE --profile`; the bench's per-layer report).
///
/// ```swift
/// let profile = try GraphProfile(graph: graph, steps: 20)   // inputs fed, as for a training step
/// print(profile.text)
/// ```
public struct GraphProfile: Sendable {
    /// One node's figures (times are per step).
    public struct Row: Sendable {
        /// The node's name and operation.
        public var name: String, operation: String
        /// Its output shape.
        public var shape: [Int]
        /// Seconds per step in `forward()` and `backward()`.
        public var forwardSeconds: Double, backwardSeconds: Double
        /// FLOPs per step the node declares (0: not counted).
        public var forwardFLOPs: Int, backwardFLOPs: Int
        /// Bytes of its value, gradient and scratch buffers.
        public var bytes: Int
    }

    /// The nodes that ran, in Kahn order (inputs and parameters left out).
    public let rows: [Row]
    /// The steps timed.
    public let steps: Int

    /// Times `steps` passes, node by node, after one full `forwardAndBackward()` that plans the buffers.
    /// - Throws: `GraphError` from the graph (an input not fed, no loss).
    public init(graph: Graph, steps: Int = 10) throws {
        _ = try graph.forwardAndBackward()
        let clock = ContinuousClock()
        func seconds(_ duration: Duration) -> Double {
            Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
        }
        let order = graph.lossOrder.filter { !($0 is Input) }
        var forward = [Double](repeating: 0, count: order.count), backward = forward
        for _ in 0..<max(steps, 1) {
            for (index, node) in order.enumerated() {
                let start = clock.now
                try node.forward()
                forward[index] += seconds(clock.now - start)
            }
            for (index, node) in order.enumerated().reversed() where node.needsGradient {
                let start = clock.now
                node.backward()
                backward[index] += seconds(clock.now - start)
            }
        }
        let count = Double(max(steps, 1))
        rows = order.enumerated().map { index, node in
            Row(name: node.name, operation: node.kind, shape: node.value.shape,
                forwardSeconds: forward[index] / count, backwardSeconds: backward[index] / count,
                forwardFLOPs: node.forwardFLOPs, backwardFLOPs: node.needsGradient ? node.backwardFLOPs : 0,
                bytes: 4 * (node.value.count + node.gradient.count) + node.scratchBytes)
        }
        self.steps = max(steps, 1)
    }

    /// Seconds per step of all rows.
    public var totalSeconds: Double { rows.reduce(0) { $0 + $1.forwardSeconds + $1.backwardSeconds } }

    /// An aligned table: node, op, shape, forward and backward ms, GFLOP/s, bytes, share.
    public var text: String {
        func gflops(_ flops: Int, _ time: Double) -> String { flops > 0 && time > 0 ? String(format: "%.1f", Double(flops) / time / 1e9) : "" }
        var lines = [["node", "op", "shape", "fwd ms", "bwd ms", "fwd GFLOP/s", "bwd GFLOP/s", "bytes", "share"]]
        let total = max(totalSeconds, 1e-12)
        for row in rows {
            lines.append([row.name, row.operation, "[" + row.shape.map(String.init).joined(separator: ", ") + "]",
                          String(format: "%.3f", 1e3 * row.forwardSeconds), String(format: "%.3f", 1e3 * row.backwardSeconds),
                          gflops(row.forwardFLOPs, row.forwardSeconds), gflops(row.backwardFLOPs, row.backwardSeconds),
                          String(row.bytes), String(format: "%.1f%%", 100 * (row.forwardSeconds + row.backwardSeconds) / total)])
        }
        let widths = (0..<lines[0].count).map { column in lines.map { $0[column].count }.max() ?? 0 }
        let body = lines.map { line in
            zip(line, widths).map { $0 + String(repeating: " ", count: $1 - $0.count) }.joined(separator: "  ")
                .replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        return (body + [String(format: "step: %.3f ms over %d timed steps", 1e3 * totalSeconds, steps)]).joined(separator: "\n") + "\n"
    }
}
