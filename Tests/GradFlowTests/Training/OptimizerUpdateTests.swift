import XCTest
import GradFlow

/// Each optimizer's update against the reference formulas written out by hand (PyTorch's
/// semantics), over three steps with fixed gradients.
final class OptimizerUpdateTests: XCTestCase {
    /// The gradients fed at steps 1, 2, 3 to a two-element parameter starting at θ₀.
    let theta0: [Double] = [1, -2]
    let gradients: [[Double]] = [[1, 0.5], [2, -1], [3, 0.25]]

    /// Runs three updates and returns θ after each.
    func run(_ optimizer: Optimizer) -> [[Float]] {
        let parameter = Parameter("w", Tensor(theta0.map { Float($0) }))
        return gradients.map { g in
            parameter.gradient = Tensor(g.map { Float($0) })
            optimizer.update([parameter])
            return parameter.value.scalars
        }
    }

    func assertTrajectory(_ actual: [[Float]], _ expected: [[Double]], file: StaticString = #filePath, line: UInt = #line) {
        for (step, (a, e)) in zip(actual, expected).enumerated() {
            for (x, y) in zip(a, e) { XCTAssertEqual(Double(x), y, accuracy: 1e-6, "step \(step + 1)", file: file, line: line) }
        }
    }

    func testSGD_plain_isThetaMinusEtaG() throws {
        // θ ← θ − 0.1·g: [1 − 0.1, −2 − 0.05], then −0.2, +0.1, then −0.3, −0.025.
        assertTrajectory(run(try SGD(learningRate: 0.1)), [[0.9, -2.05], [0.7, -1.95], [0.4, -1.975]])
    }

    func testSGD_momentum_matchesPyTorchFormula() throws {
        // b ← 0.9·b + g; θ ← θ − 0.1·b. Element 0: b = 1, 2.9, 5.61 → θ = 0.9, 0.61, 0.049.
        // Element 1: b = 0.5, −0.55, −0.245 → θ = −2.05, −1.995, −1.9705.
        assertTrajectory(run(try SGD(learningRate: 0.1, momentum: 0.9)),
                         [[0.9, -2.05], [0.61, -1.995], [0.049, -1.9705]])
    }

    func testSGD_nesterov_matchesPyTorchFormula() throws {
        // b ← 0.9·b + g; θ ← θ − 0.1·(g + 0.9·b). Element 0: g + 0.9b = 1.9, 4.61, 8.049.
        // Element 1: 0.95, −1.495, 0.0295.
        assertTrajectory(run(try SGD(learningRate: 0.1, momentum: 0.9, nesterov: true)),
                         [[0.81, -2.095], [0.349, -1.9455], [-0.4559, -1.94845]])
    }

    func testSGD_weightDecay_addsLambdaThetaToTheGradient() throws {
        // g' = g + 0.5·θ; θ ← θ − 0.1·g'. Step 1: [1 − 0.1·1.5, −2 − 0.1·(0.5 − 1)] = [0.85, −1.95].
        // Step 2: [0.85 − 0.1·(2 + 0.425), −1.95 − 0.1·(−1 − 0.975)] = [0.6075, −1.7525].
        // Step 3: [0.6075 − 0.1·(3 + 0.30375), −1.7525 − 0.1·(0.25 − 0.87625)] = [0.277125, −1.689875].
        assertTrajectory(run(try SGD(learningRate: 0.1, weightDecay: 0.5)),
                         [[0.85, -1.95], [0.6075, -1.7525], [0.277125, -1.689875]])
    }

    func testRMSProp_matchesPyTorchFormula() throws {
        let (eta, alpha, eps) = (0.01, 0.99, 1e-8)
        var theta = theta0, v = [0.0, 0.0], expected: [[Double]] = []
        for g in gradients {
            for i in 0..<2 {
                v[i] = alpha * v[i] + (1 - alpha) * g[i] * g[i]        // running mean of g²
                theta[i] -= eta * g[i] / (v[i].squareRoot() + eps)
            }
            expected.append(theta)
        }
        // Step 1 by hand: v = 0.01·g², so θ −= 0.01·g / (0.1·|g|) = 0.1·sign(g).
        XCTAssertEqual(expected[0][0], 0.9, accuracy: 1e-7)
        assertTrajectory(run(try RMSProp()), expected)
    }

    func testAdam_matchesBiasCorrectedReference() throws {
        let (eta, b1, b2, eps) = (0.1, 0.9, 0.999, 1e-8)
        var theta = theta0, m = [0.0, 0.0], v = [0.0, 0.0], expected: [[Double]] = []
        for (index, g) in gradients.enumerated() {
            let t = Double(index + 1)
            for i in 0..<2 {
                m[i] = b1 * m[i] + (1 - b1) * g[i]                   // first moment
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i]            // second moment
                let mHat = m[i] / (1 - Foundation.pow(b1, t))         // bias corrections
                let vHat = v[i] / (1 - Foundation.pow(b2, t))
                theta[i] -= eta * mHat / (vHat.squareRoot() + eps)
            }
            expected.append(theta)
        }
        // Step 1 by hand: m̂ = g and v̂ = g², so θ moves by η·sign(g): [0.9, −2.1].
        XCTAssertEqual(expected[0][1], -2.1, accuracy: 1e-7)
        assertTrajectory(run(try Adam(learningRate: 0.1)), expected)
    }

    func testAdam_weightDecay_isCoupledThroughTheGradient() throws {
        // Step 1 with g' = g + λθ = [1 + 0.5, 0.5 − 1] = [1.5, −0.5]: θ moves by η·sign(g').
        let first = run(try Adam(learningRate: 0.1, weightDecay: 0.5))[0]
        XCTAssertEqual(first[0], 0.9, accuracy: 1e-6)
        XCTAssertEqual(first[1], -1.9, accuracy: 1e-6)
    }

    func testAdamW_matchesDecoupledReference() throws {
        let (eta, b1, b2, eps, lambda) = (0.1, 0.9, 0.999, 1e-8, 0.5)
        var theta = theta0, m = [0.0, 0.0], v = [0.0, 0.0], expected: [[Double]] = []
        for (index, g) in gradients.enumerated() {
            let t = Double(index + 1)
            for i in 0..<2 {
                theta[i] *= 1 - eta * lambda                          // decoupled decay first
                m[i] = b1 * m[i] + (1 - b1) * g[i]
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i]
                let mHat = m[i] / (1 - Foundation.pow(b1, t))
                let vHat = v[i] / (1 - Foundation.pow(b2, t))
                theta[i] -= eta * mHat / (vHat.squareRoot() + eps)
            }
            expected.append(theta)
        }
        // Step 1 by hand: θ·0.95 − 0.1·sign(g) = [0.85, −2.0].
        XCTAssertEqual(expected[0][0], 0.85, accuracy: 1e-7)
        assertTrajectory(run(try AdamW(learningRate: 0.1, weightDecay: 0.5)), expected)
    }

    func testWeightDecay_excludingBiases_leavesRankOneParametersUndecayed() throws {
        let weight = Parameter("W", try Tensor([[1, 2]]))
        let bias = Parameter("b", Tensor([1, 2]))
        for optimizer: Optimizer in [try SGD(learningRate: 0.1, weightDecay: 0.5, decayExcludes: .biases),
                                     try AdamW(learningRate: 0.1, weightDecay: 0.5, decayExcludes: .biases)] {
            weight.value = try Tensor([[1, 2]])
            bias.value = Tensor([1, 2])
            weight.gradient = .zeros([1, 2])
            bias.gradient = .zeros([2])
            optimizer.update([weight, bias])
            // Zero gradients: only decay moves θ. SGD: θ − 0.1·0.5·θ; AdamW: θ·(1 − 0.05).
            assertTensorsEqual(weight.value, try Tensor([[0.95, 1.9]]), accuracy: 1e-6)
            assertTensorsEqual(bias.value, Tensor([1, 2]))
        }
    }

    func testWeightDecay_customExclusion_usesThePredicate() throws {
        let kept = Parameter("embedding", try Tensor([[2]]))
        let decayed = Parameter("W", try Tensor([[2]]))
        let sgd = try SGD(learningRate: 1, weightDecay: 0.25, decayExcludes: .parameters(where: { $0.name == "embedding" }))
        kept.gradient = .zeros([1, 1])
        decayed.gradient = .zeros([1, 1])
        sgd.update([kept, decayed])
        XCTAssertEqual(kept.value.scalars, [2])
        XCTAssertEqual(decayed.value.scalars, [1.5])
    }
}
