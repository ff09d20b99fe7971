/// A finite-difference check of a whole graph's backward pass, with a per-node report.
///
/// On a small random batch (inputs N(0, 1); labels of a `softmax_ce` valid random class indices;
/// targets of `binary_cross_entropy` in [0, 1)) and fresh random parameters (Xavier-normal matrices,
/// N(0, 0.1²) vectors), each parameter's analytic gradient is compared with the central difference
/// `(L(θ + h) − L(θ − h)) / 2h`, h = 10⁻³ (10⁻⁴ retried for an element near a ReLU kink), on up to
/// `elementsPerParameter` elements per parameter. The error of a parameter is
/// `max_i |analytic_i − numeric_i| / max(max_i |analytic_i|, max_i |numeric_i|, 10⁻⁶)`; the check
/// passes when every parameter's error is below `tolerance`. Dropout masks are frozen during the
/// check, and parameter values and inputs are restored afterwards.
public struct GradientCheckReport: Sendable {
    /// One node of the report.
    public struct Row: Equatable, Sendable {
        /// The node's name, operation and concrete shape for the check's batch.
        public var node: String, operation: String, shape: [Int]
        /// For a parameter: the error defined above; nil for other nodes.
        public var maximumRelativeError: Float?
        /// For a parameter: how many elements were checked.
        public var checkedElements: Int
    }

    /// The nodes in Kahn order.
    public var rows: [Row]
    /// The loss on the random batch.
    public var loss: Float
    /// The tolerance used.
    public var tolerance: Float
    /// Whether every parameter's error is below the tolerance (and every value finite).
    public var passed: Bool { rows.allSatisfy { row in row.maximumRelativeError.map { $0 < tolerance } ?? true } }

    /// Runs the check.
    /// - Parameters:
    ///   - graph: a graph with a loss.
    ///   - batchSize: the batch fed (default 3).
    ///   - seed: seeds the random batch and parameters.
    /// - Throws: `GraphError` from the graph.
    public init(graph: Graph, batchSize: Int = 3, seed: UInt64 = 0, tolerance: Float = 2e-2,
                elementsPerParameter: Int = 64) throws {
        guard let loss = graph.loss else { throw GraphError.noLoss }
        var generator = RandomGenerator(seed: seed)
        let savedParameters = graph.trainables.map(\.value)
        let savedInputs = graph.inputs.map { $0.isFed ? $0.value : nil }
        let dropouts = graph.nodes.compactMap { $0 as? Dropout }
        let savedDropouts = dropouts.map { ($0.isTraining, $0.isMaskFrozen) }
        defer {
            for (parameter, value) in zip(graph.trainables, savedParameters) { parameter.value = value }
            for (input, value) in zip(graph.inputs, savedInputs) { if let value { input.value = value } }
            for (dropout, saved) in zip(dropouts, savedDropouts) { (dropout.isTraining, dropout.isMaskFrozen) = saved }
        }
        for dropout in dropouts { dropout.isTraining = true; dropout.isMaskFrozen = true }
        for input in graph.inputs { input.value = GradientCheckReport.randomFeed(for: input, in: graph, batchSize: batchSize, &generator) }
        for parameter in graph.trainables {
            let shape = parameter.value.shape
            parameter.value = shape.count >= 2 ? Initializer.xavierNormal.tensor(shape: shape, using: &generator)
                : Tensor.randomNormal(shape, standardDeviation: 0.1, using: &generator)
        }
        self.loss = try graph.forwardAndBackward()
        self.tolerance = tolerance
        var errors: [ObjectIdentifier: (Float, Int)] = [:]
        for parameter in graph.trainables {
            let analytic = parameter.gradient
            var indices = Array(0..<parameter.value.count)
            if indices.count > elementsPerParameter {
                generator.shuffle(&indices)
                indices = Array(indices.prefix(elementsPerParameter))
            }
            var numeric: [Float] = []
            for index in indices {
                let coarse = try GradientCheckReport.difference(parameter, index, step: 1e-3, loss: loss, graph: graph)
                let wanted = analytic.scalars[index]
                if abs(coarse - wanted) > tolerance * max(abs(wanted), 1e-3) {
                    let fine = try GradientCheckReport.difference(parameter, index, step: 1e-4, loss: loss, graph: graph)
                    numeric.append(abs(fine - wanted) < abs(coarse - wanted) ? fine : coarse)
                } else {
                    numeric.append(coarse)
                }
            }
            let picked = indices.map { analytic.scalars[$0] }
            let scale = max(picked.map(abs).max() ?? 0, numeric.map(abs).max() ?? 0, 1e-6)
            let worst = zip(picked, numeric).map { abs($0 - $1) }.max() ?? 0
            errors[ObjectIdentifier(parameter)] = (worst.isFinite ? worst / scale : .infinity, indices.count)
        }
        rows = graph.nodes.map { node in
            let error = errors[ObjectIdentifier(node)]
            return Row(node: node.name, operation: node.kind, shape: node.value.shape,
                       maximumRelativeError: error?.0, checkedElements: error?.1 ?? 0)
        }
    }

    /// `(L(θ_i + h) − L(θ_i − h)) / 2h`, forward passes only, θ_i restored.
    private static func difference(_ parameter: Parameter, _ index: Int, step: Float, loss: Node, graph: Graph) throws -> Float {
        let original = parameter.value.scalars[index]
        parameter.value.withUnsafeMutableBufferPointer { $0[index] = original + step }
        let plus = try graph.evaluate(loss).scalars[0]
        parameter.value.withUnsafeMutableBufferPointer { $0[index] = original - step }
        let minus = try graph.evaluate(loss).scalars[0]
        parameter.value.withUnsafeMutableBufferPointer { $0[index] = original }
        return (plus - minus) / (2 * step)
    }

    /// A random value for `input`: class indices when a `softmax_ce` reads it as labels, [0, 1)
    /// when a `binary_cross_entropy` reads it as targets, N(0, 1) otherwise.
    static func randomFeed(for input: Input, in graph: Graph, batchSize: Int, _ generator: inout RandomGenerator) -> Tensor {
        let shape = input.shape.resolved(batchSize: batchSize)
        for node in graph.nodes {
            if node is SoftmaxCE, node.inboundNodes.count == 2, node.inboundNodes[1] === input,
               case .fixed(let classes)? = node.inboundNodes[0].shape.last, classes > 0 {
                let count = shape.reduce(1, *)
                let labels = (0..<count).map { _ in Float(Int(generator.next() % UInt64(classes))) }
                return (try? Tensor(shape: shape, scalars: labels)) ?? Tensor.zeros(shape)
            }
            if node is BinaryCrossEntropy, node.inboundNodes.count == 2, node.inboundNodes[1] === input {
                return Tensor.randomUniform(shape, using: &generator)
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
