import XCTest
import GradFlow

/// Gradient clipping against PyTorch's formulas, and a readable `Graph.description`.
final class GradientClippingTests: XCTestCase {
    private func parameters(_ gradients: [[Float]]) -> [Parameter] {
        gradients.enumerated().map { index, values in
            let parameter = Parameter("p\(index)", Tensor.zeros([values.count]))
            parameter.gradient = Tensor(values)
            return parameter
        }
    }

    func testNorm_scalesLikeClipGradNorm() {
        // torch.nn.utils.clip_grad_norm_: total = √(Σ g²) = √(9 + 16 + 144) = 13; coef = 1 / (13 + 1e-6).
        let clipped = parameters([[3, 4], [12]])
        XCTAssertEqual(GradientClipping.norm(1).apply(to: clipped), 13, accuracy: 1e-6)
        let coefficient = Float(1) / (13 + 1e-6)
        XCTAssertEqual(clipped[0].gradient.scalars[0], 3 * coefficient, accuracy: 1e-6)
        XCTAssertEqual(clipped[0].gradient.scalars[1], 4 * coefficient, accuracy: 1e-6)
        XCTAssertEqual(clipped[1].gradient.scalars[0], 12 * coefficient, accuracy: 1e-6)
        // Below the limit nothing changes.
        let small = parameters([[0.3, 0.4]])
        GradientClipping.norm(1).apply(to: small)
        XCTAssertEqual(small[0].gradient.scalars, [0.3, 0.4])
    }

    func testValue_clampsLikeClipGradValue() {
        let clipped = parameters([[-3, 0.5, 2], [7]])
        GradientClipping.value(1).apply(to: clipped)
        XCTAssertEqual(clipped[0].gradient.scalars, [-1, 0.5, 1])
        XCTAssertEqual(clipped[1].gradient.scalars, [1])
    }

    func testTrainer_clipsBeforeTheUpdate() throws {
        // One SGD step at lr 1 on y = w·x with a huge gradient: clipped to norm 0.5, w moves by 0.5.
        let X = Input("X", shape: [.batch, 1]), y = Input("y", shape: [.batch, 1])
        let w = Parameter("w", .zeros([1, 1]))
        let out = Linear(X, w, Parameter("b", .zeros([1])))
        let trainer = try Trainer(graph: try Graph(loss: MSE(y, out)), features: X, labels: y, prediction: out,
                                  optimizer: try SGD(learningRate: 1), log: .silent, guards: .off)
        trainer.clipping = .norm(0.5)
        let data = try Dataset(features: try Tensor(shape: [1, 1], scalars: [10]), labels: try Tensor(shape: [1, 1], scalars: [100]))
        try trainer.fit(data, epochs: 1, batchSize: 1)
        // ∂L/∂w = −2·10·100 = −2000, ∂L/∂b = −200: norm ≈ 2010; clipped to 0.5 in that direction.
        let norm = (2000.0 * 2000 + 200 * 200).squareRoot()
        XCTAssertEqual(Double(w.value.scalars[0]), 2000 / norm * 0.5, accuracy: 1e-5)
    }

    func testGraphDescription_listsNodesInKahnOrderWithShapesAndCounts() throws {
        let X = Input("X", shape: [.batch, 3])
        let logits = Linear(X, Parameter("W", .zeros([3, 2])), Parameter("b", .zeros([2])), name: "logits")
        let text = try Graph(outputs: [logits]).description
        let lines = text.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "Graph: 4 nodes, 2 parameters (8 values)")
        XCTAssertEqual(lines.count, 5)
        XCTAssertTrue(lines.contains("  W       parameter [3, 2]  6 values"), text)
        XCTAssertTrue(lines.last?.hasPrefix("  logits  linear [batch, 2]") ?? false, text)
    }
}
