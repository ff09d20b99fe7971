/// Kahn's topological sort, shared by the node graph (`Graph.topologicalSort`) and the order of a
/// graph file's statements.
package enum KahnAlgorithm {
    /// The vertices `0..<consumers.count` in a topological order.
    ///
    /// `inDegrees[v]` counts the edges into `v` (with multiplicity); `consumers[v]` lists the vertices
    /// that depend on `v`, once per edge. The queue is an array with a head index, seeded with the
    /// zero-in-degree vertices in index order, so the order is deterministic.
    /// - Returns: the vertices in a topological order; fewer than `consumers.count` when some lie on a
    ///   cycle (those are the ones missing).
    /// - Complexity: O(vertices + edges).
    package static func order(inDegrees: [Int], consumers: [[Int]]) -> [Int] {
        var inDegree = inDegrees
        var queue = inDegree.indices.filter { inDegree[$0] == 0 }
        var head = 0
        while head < queue.count {
            let current = queue[head]
            head += 1
            for consumer in consumers[current] {
                inDegree[consumer] -= 1
                if inDegree[consumer] == 0 { queue.append(consumer) }
            }
        }
        return queue
    }
}
