extension Graph {
    /// Kahn's algorithm over everything `roots` depend on.
    ///
    /// In-degrees count operands with multiplicity (`Multiply(x, x)` has in-degree 2); the queue is
    /// an array with a head index, filled in discovery order, so the result is deterministic.
    /// - Throws: `GraphError.cycle` naming the nodes that could not be ordered.
    static func kahnOrder(reaching roots: [Node]) throws -> [Node] {
        let reachable = discover(from: roots)
        var index: [ObjectIdentifier: Int] = [:]
        for (position, node) in reachable.enumerated() { index[ObjectIdentifier(node)] = position }

        let inDegree = reachable.map(\.inboundNodes.count)
        var consumers = [[Int]](repeating: [], count: reachable.count)
        for (position, node) in reachable.enumerated() {
            for inbound in node.inboundNodes {
                if let source = index[ObjectIdentifier(inbound)] { consumers[source].append(position) }
            }
        }

        let queue = KahnAlgorithm.order(inDegrees: inDegree, consumers: consumers)
        guard queue.count == reachable.count else {
            let ordered = Set(queue)
            let stuck = reachable.indices.filter { !ordered.contains($0) }.map { reachable[$0] }
            throw GraphError.cycle(nodes: stuck.map { $0.name.isEmpty ? $0.kind : $0.name })
        }
        return queue.map { reachable[$0] }
    }

    /// Every node the roots depend on (roots included), in depth-first discovery order.
    private static func discover(from roots: [Node]) -> [Node] {
        var seen = Set<ObjectIdentifier>()
        var found: [Node] = []
        var stack = Array(roots.reversed())
        while let node = stack.popLast() {
            guard seen.insert(ObjectIdentifier(node)).inserted else { continue }
            found.append(node)
            stack.append(contentsOf: node.inboundNodes.reversed())
        }
        return found
    }
}
