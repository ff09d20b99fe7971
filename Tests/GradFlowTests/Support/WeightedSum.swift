import GradFlow

/// A test-only loss `L = Σ_i w_i · x_i` with fixed weights, which turns any node's output into a
/// scalar whose gradient with respect to that output is exactly `w`.
final class WeightedSum: Node {
    let weights: Tensor

    init(_ x: Node, weights: Tensor) {
        self.weights = weights
        super.init([x], name: "weighted_sum")
    }

    override var kind: String { "weighted_sum" }

    override func outputShape(for inputShapes: [SymbolicShape]) throws -> SymbolicShape { [] }

    override func forward() throws {
        var total: Double = 0
        for (x, w) in zip(inboundNodes[0].value.scalars, weights.scalars) { total += Double(x) * Double(w) }
        value = Tensor(Float(total))
    }

    override func backward() {
        let x = inboundNodes[0]
        guard x.needsGradient else { return }
        x.gradient = try! x.gradient + weights * gradient.scalars[0]   // test support: shapes match by construction
    }
}
