import GradFlowCore

extension GraphBuilder {
    /// The assignments in an order where each comes after the assignments it uses (Kahn's
    /// algorithm over statements, file order among ready ones).
    /// - Throws: `GraphFileError.undefinedName` for a name nothing declares, `.cycle` naming the loop.
    func dependencyOrder(_ assignments: [(name: Name, expression: Expression)]) throws(GraphFileError) -> [Int] {
        var index: [String: Int] = [:]
        for (position, assignment) in assignments.enumerated() { index[assignment.name.text] = position }
        var dependencies = [[Int]](repeating: [], count: assignments.count)
        var consumers = [[Int]](repeating: [], count: assignments.count)
        for (position, assignment) in assignments.enumerated() {
            for reference in GraphBuilder.references(in: assignment.expression) {
                guard declared[reference.text] != nil else {
                    let candidates = Array(declared.keys).sorted()
                    throw GraphFileError(.undefinedName(reference.text, suggestion: Suggestion.nearest(to: reference.text, in: candidates)),
                                         at: reference.location)
                }
                if let source = index[reference.text] {
                    dependencies[position].append(source)
                    consumers[source].append(position)
                }
            }
        }
        let queue = KahnAlgorithm.order(inDegrees: dependencies.map(\.count), consumers: consumers)
        guard queue.count == assignments.count else {
            let cycle = GraphBuilder.cycle(among: Set(assignments.indices).subtracting(queue), dependencies: dependencies)
            let first = cycle.min() ?? 0
            let names = cycle.map { assignments[$0].name.text }
            throw GraphFileError(.cycle(names + [names.first ?? ""]), at: assignments[first].name.location)
        }
        return queue
    }

    /// One loop among `stuck` statements: follow a stuck dependency from the first stuck statement
    /// until a statement repeats (every stuck statement has one, or it would have been ordered).
    static func cycle(among stuck: Set<Int>, dependencies: [[Int]]) -> [Int] {
        guard var current = stuck.min() else { return [] }
        var path: [Int] = []
        var seenAt: [Int: Int] = [:]
        while seenAt[current] == nil {
            seenAt[current] = path.count
            path.append(current)
            guard let next = dependencies[current].first(where: { stuck.contains($0) }) else { return path }
            current = next
        }
        let loop = Array(path[(seenAt[current] ?? 0)...])
        return loop.rotatedToFront(loop.min() ?? current)   // start at the earliest statement
    }

    /// The names used as operands in `expression` (not callees, not keyword values), in order.
    static func references(in expression: Expression) -> [Name] {
        var found: [Name] = []
        var stack = [expression]
        while let next = stack.popLast() {
            switch next {
            case .name(let name): found.append(name)
            case .call(let call): stack.append(contentsOf: call.arguments.reversed())
            case .number, .string, .list: continue
            }
        }
        return found
    }
}

extension Array where Element == Int {
    /// The array rotated so that `element` comes first (unchanged when absent).
    func rotatedToFront(_ element: Int) -> [Int] {
        guard let start = firstIndex(of: element) else { return self }
        return Array(self[start...] + self[..<start])
    }
}
