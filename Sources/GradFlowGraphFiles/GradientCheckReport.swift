import GradFlowCore
import GradFlowTraining

/// A finite-difference check of a whole graph's backward pass, with a per-node report
/// (`gradflow check`).
///
/// On a small random batch (inputs N(0, 1); labels of a `softmax_ce` valid random class indices;
/// targets of `binary_cross_entropy` in [0, 1)) and fresh random parameters (Xavier-normal matrices,
/// N(0, 0.1²) vectors), `GradientCheck` compares each parameter's analytic gradient with central
/// differences at h = 10⁻³ — on a bounded random sample of entries by default (`GradientCheck.
/// defaultCoverage`: time linear in the graph's size), or on every entry with `.all`. Parameter
/// values and inputs are restored afterwards.
public struct GradientCheckReport: Sendable {
    /// One node of the report.
    public struct Row: Equatable, Sendable {
        /// The node's name, operation and concrete shape for the check's batch.
        public var node: String, operation: String, shape: [Int]
        /// For a parameter: `GradientCheck`'s error measure; nil for other nodes.
        public var maximumRelativeError: Float?
        /// For a parameter: how many entries were checked.
        public var checkedElements: Int
    }

    /// The nodes in Kahn order.
    public var rows: [Row]
    /// The check itself (per-parameter results, entries checked, forward passes).
    public var check: GradientCheck
    /// The loss on the random batch.
    public var loss: Float { check.loss }
    /// The tolerance used.
    public var tolerance: Float { check.tolerance }
    /// Whether every parameter's error is below the tolerance (and every value finite).
    public var passed: Bool { check.passed }

    /// Runs the check.
    /// - Parameters:
    ///   - graph: a graph with a loss.
    ///   - batchSize: the batch fed (default 3).
    ///   - seed: seeds the random batch, the parameters and the sampled entries.
    ///   - tolerance: the largest error that passes.
    ///   - coverage: which entries are perturbed (default: a bounded sample).
    /// - Throws: `GraphError` from the graph.
    public init(graph: Graph, batchSize: Int = 3, seed: UInt64 = 0, tolerance: Float = 2e-2,
                coverage: GradientCheck.Coverage = GradientCheck.defaultCoverage) throws {
        guard graph.loss != nil else { throw GraphError.noLoss }
        var generator = RandomGenerator(seed: seed)
        let savedParameters = graph.parameters.map(\.value)   // buffers too: a training forward updates running statistics
        let savedInputs = graph.inputs.map { $0.isFed ? $0.value : nil }
        let savedTraining = graph.isTraining
        defer {
            for (parameter, value) in zip(graph.parameters, savedParameters) { parameter.value = value }
            for (input, value) in zip(graph.inputs, savedInputs) { if let value { input.value = value } }
            graph.isTraining = savedTraining
        }
        graph.isTraining = true
        for input in graph.inputs { input.value = GradientCheckReport.randomFeed(for: input, in: graph, batchSize: batchSize, &generator) }
        for parameter in graph.trainables {
            let shape = parameter.value.shape
            parameter.value = shape.count >= 2 ? Initializer.xavierNormal.tensor(shape: shape, using: &generator)
                : Tensor.randomNormal(shape, standardDeviation: 0.1, using: &generator)
        }
        check = try GradientCheck(graph: graph, coverage: coverage, tolerance: tolerance, seed: generator.next())
        var results: [ObjectIdentifier: GradientCheck.Result] = [:]
        for (parameter, result) in zip(graph.trainables, check.results) { results[ObjectIdentifier(parameter)] = result }
        rows = graph.nodes.map { node in
            let result = results[ObjectIdentifier(node)]
            return Row(node: node.name, operation: node.kind, shape: node.value.shape,
                       maximumRelativeError: result?.maximumRelativeError, checkedElements: result?.checkedEntries ?? 0)
        }
    }

    /// One line on what was sampled: entries checked of the total, and how.
    public var coverageText: String {
        let total = check.results.reduce(0) { $0 + $1.totalEntries }
        let how = check.results.contains(where: \.grouped)
            ? "one random entry per parameter, in groups along random directions"
            : (check.checkedEntries == total ? "every entry" : "a random sample of each parameter")
        return "checked \(check.checkedEntries) of \(total) parameter entries (\(how)); \(check.forwardPasses) forward passes"
    }

    /// A random value for `input`: what a `LabelledLoss` reading it as labels accepts (class
    /// indices for `softmax_ce`, [0, 1) for `binary_cross_entropy`), N(0, 1) otherwise.
    public static func randomFeed(for input: Input, in graph: Graph, batchSize: Int, _ generator: inout RandomGenerator) -> Tensor {
        let shape = input.shape.resolved(batchSize: batchSize)
        for case let loss as any LabelledLoss in graph.nodes
        where loss.inboundNodes.indices.contains(loss.labelOperand) && loss.inboundNodes[loss.labelOperand] === input {
            switch loss.labelRule {
            case .classes(let classes)?:
                let labels = (0..<shape.reduce(1, *)).map { _ in Float(Int(generator.next() % UInt64(classes))) }
                return (try? Tensor(shape: shape, scalars: labels)) ?? Tensor.zeros(shape)
            case .probabilities?: return Tensor.randomUniform(shape, using: &generator)
            case nil: break
            }
        }
        return Tensor.randomNormal(shape, using: &generator)
    }

    /// The report as an aligned table: node, op, shape, max relative error, verdict.
    public var text: String {
        var table = [["node", "op", "shape", "max rel. error", ""]]
        for row in rows {
            let shape = "[" + row.shape.map(String.init).joined(separator: ", ") + "]"
            if let error = row.maximumRelativeError {
                let verdict = error < tolerance ? "ok" : "FAIL"
                table.append([row.node, row.operation, shape, error.isFinite ? String(format6: error) : "\(error)",
                              "\(verdict) (\(row.checkedElements) elements)"])
            } else {
                table.append([row.node, row.operation, shape, "", ""])
            }
        }
        return TextTable.render(table)
    }
}

extension String {
    /// A float in scientific notation with two decimals of mantissa (`3.21e-04`), without Foundation.
    init(format6 value: Float) {
        guard value != 0 else { self = "0"; return }
        var exponent = 0
        var mantissa = Double(abs(value))
        while mantissa >= 10 { mantissa /= 10; exponent += 1 }
        while mantissa < 1 { mantissa *= 10; exponent -= 1 }
        let sign = exponent < 0 ? "-" : "+"
        let digits = String(abs(exponent))
        self = fixed(Float(mantissa), 2) + "e" + sign + (digits.count < 2 ? "0" : "") + digits
    }
}
