import XCTest
import GradFlow

/// The eager front door: the seeds' autograd snippets in Swift, gradient accumulation, `noGrad`,
/// the typed errors, and eager, traced and hand-built training agreeing.
final class AutogradTests: XCTestCase {
    /// Seed 001: `x = nd.arange(4).reshape((4, 1)); x.attach_grad(); y = 2 * nd.dot(x.T, x); y.backward()`.
    func testSeed001_gradientOfTwoXTransposeXIsFourX() throws {
        let x = Variable(try Tensor.arange(4).reshaped([4, 1]), requiresGradient: true)
        let y = try 2 * matmul(x.T, x)
        XCTAssertEqual(y.value, try Tensor([[28]]))
        try y.backward()
        XCTAssertEqual(x.grad, try Tensor([[0], [4], [8], [12]]))
        XCTAssertEqual(x.grad, 4 * x.value)
    }

    /// Seed 002: `x = torch.randn(2, 2, requires_grad=True); y = x**2; z = y.mean(); z.backward()`.
    func testSeed002_gradientOfTheMeanOfXSquaredIsXOverTwo() throws {
        var rng = RandomGenerator(seed: 2)
        let x = Variable(.randomNormal([2, 2], using: &rng), requiresGradient: true)
        let y = try x ** 2
        let z = try y.mean()
        XCTAssertEqual(z.shape, [])
        XCTAssertEqual(z.value.scalars[0], x.value.scalars.map { $0 * $0 }.reduce(0, +) / 4, accuracy: 1e-6)
        try z.backward()
        for (g, v) in zip(x.grad!.scalars, x.value.scalars) { XCTAssertEqual(g, v / 2, accuracy: 1e-7) }
        XCTAssertTrue(y.requiresGradient && !y.isLeaf && y.grad == nil, "non-leaves keep no gradient, as in PyTorch")
    }

    func testGradients_accumulateUntilZeroed_andNoGradRecordsNothing() throws {
        let x = Variable(Tensor([1, 2, 3]), requiresGradient: true)
        for _ in 0..<2 { try (x * x).sum().backward() }
        XCTAssertEqual(x.grad, Tensor([4, 8, 12]), "two backward passes add up")
        x.zeroGradient()
        XCTAssertEqual(x.grad, Tensor([0, 0, 0]))
        let frozen = try noGrad { try (x * 3).sum() }
        XCTAssertFalse(frozen.requiresGradient)
        XCTAssertTrue(frozen.isLeaf)
        XCTAssertEqual(frozen.value, Tensor(18))
        XCTAssertFalse(GradientRecording.isEnabled == false, "recording is back on after the scope")
        let retained = try (x ** 3).sum()
        try retained.backward(retainGraph: true)
        try retained.backward()
        XCTAssertEqual(x.grad, Tensor([6, 24, 54]), "3x² twice")
    }

    func testErrors_areTypedAndSayWhatToDo() throws {
        let x = Variable(Tensor([1, 2, 3]), requiresGradient: true)
        let y = try x * 2
        XCTAssertThrowsError(try y.backward()) { error in
            XCTAssertEqual(error as? AutogradError, .nonScalarWithoutSeed(shape: [3]))
            XCTAssertTrue("\(error)".contains("backward(seed:)"), "\(error)")
        }
        XCTAssertThrowsError(try y.backward(seed: Tensor([1, 1]))) { XCTAssertEqual($0 as? AutogradError, .seedShapeMismatch(variable: [3], seed: [2])) }
        try y.backward(seed: Tensor([1, 0, 2]))
        XCTAssertEqual(x.grad, Tensor([2, 0, 4]))
        XCTAssertThrowsError(try y.backward(seed: Tensor([1, 0, 2]))) { error in
            XCTAssertEqual(error as? AutogradError, .graphReleased(operation: "multiply"))
        }
        XCTAssertThrowsError(try Variable(Tensor([1, 2])).sum().backward()) {
            XCTAssertEqual($0 as? AutogradError, .doesNotRequireGradient(shape: []))
        }
        XCTAssertThrowsError(try matmul(x.reshaped([1, 3]), x.reshaped([1, 3]))) { error in
            guard case let .shapeMismatch(operation, shapes, _)? = error as? AutogradError else { return XCTFail("\(error)") }
            XCTAssertEqual(operation, "matmul")
            XCTAssertEqual(shapes, [[1, 3], [1, 3]])
        }
        XCTAssertThrowsError(try x.reshaped([2, 2])) { XCTAssertTrue("\($0)".contains("cannot reshape"), "\($0)") }
        XCTAssertThrowsError(try x.clamped(min: 1, max: 0)) { XCTAssertTrue("\($0)".contains("clamp"), "\($0)") }
    }

    /// Seed 001's linear regression from scratch: `sgd(params, lr, batch_size)` with `param.grad`.
    func testSeed001_linearRegressionFromScratch_recoversTheWeights() throws {
        var rng = RandomGenerator(seed: 1)
        let (trueW, trueB): ([Float], Float) = ([2, -3.4], 4.2)
        let features = Tensor.randomNormal([1000, 2], using: &rng)
        let noise = Tensor.randomNormal([1000, 1], standardDeviation: 0.01, using: &rng)
        let labels = try features.matmul(Tensor([[trueW[0]], [trueW[1]]])) + trueB + noise
        let w = Variable(.randomNormal([2, 1], standardDeviation: 0.01, using: &rng), requiresGradient: true)
        let b = Variable(.zeros([1]), requiresGradient: true)
        func sgd(_ params: [Variable], _ lr: Float, _ batchSize: Int) throws {
            for param in params { param.value = try param.value - lr * param.grad! / Float(batchSize) }
        }
        let (lr, batchSize) = (Float(0.03), 10)
        for _ in 0..<3 {
            for start in stride(from: 0, to: 1000, by: batchSize) {
                let rows = Array(start..<start + batchSize)
                let X = Variable(try features.take(rows)), y = Variable(try labels.take(rows))
                let loss = try ((matmul(X, w) + b - y) ** 2 / 2).sum()    // squared_loss, summed over the batch
                try loss.backward()
                try sgd([w, b], lr, batchSize)
                w.zeroGradient(); b.zeroGradient()
            }
        }
        XCTAssertEqual(w.value.scalars[0], trueW[0], accuracy: 0.01)
        XCTAssertEqual(w.value.scalars[1], trueW[1], accuracy: 0.01)
        XCTAssertEqual(b.value.scalars[0], trueB, accuracy: 0.01)
    }
}
