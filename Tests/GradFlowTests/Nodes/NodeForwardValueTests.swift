import XCTest
import GradFlow

/// Forward values of the new nodes against hand-computed numbers, exact backward values where the
/// design card asks for them, Dropout's statistics, and the typed errors for bad arguments.
final class NodeForwardValueTests: XCTestCase {
    func testSoftmax_ofOneTwoThree_matchesHandComputedValues() throws {
        let x = Input("x", shape: [.batch, 3])
        let graph = try Graph(outputs: [Softmax(x)])
        let y = try graph.evaluate(graph.nodes[1], feed: [x: Tensor([[1, 2, 3], [0, 0, 1000]])])
        // e^1, e^2, e^3 over their sum 30.19287; a row with 1000 stays finite.
        assertTensorsEqual(y, try Tensor([[0.09003057, 0.24472847, 0.66524096], [0, 0, 1]]), accuracy: 1e-6)
    }

    func testTanh_matchesHandComputedValues() throws {
        let x = Input("x", shape: [3])
        let graph = try Graph(outputs: [Tanh(x)])
        let y = try graph.evaluate(graph.nodes[1], feed: [x: Tensor([-1, 0, 0.5])])
        assertTensorsEqual(y, Tensor([-0.7615942, 0, 0.46211716]), accuracy: 1e-6)
    }

    func testBinaryCrossEntropy_logitsOfPlusMinus1000_areFiniteAndExact() throws {
        let z = Parameter("z", Tensor([1000, -1000, 1000, -1000]))
        let y = Input("y", shape: [4])
        let graph = try Graph(loss: BinaryCrossEntropy(z, y))
        // Per element max(z, 0) − z·y + log(1 + e^(−|z|)): 0, 0, 1000, 1000; the mean is 500.
        let loss = try graph.forwardAndBackward(feed: [y: Tensor([1, 0, 0, 1])])
        XCTAssertEqual(loss, 500, accuracy: 1e-4)
        // ∂L/∂z = (σ(z) − y) / 4
        assertTensorsEqual(z.gradient, Tensor([0, 0, 0.25, -0.25]), accuracy: 1e-7)
    }

    func testBinaryCrossEntropy_atZeroLogit_isLogTwo() throws {
        let z = Parameter("z", Tensor([0, 0]))
        let y = Input("y", shape: [2])
        let graph = try Graph(loss: BinaryCrossEntropy(z, y))
        let loss = try graph.forwardAndBackward(feed: [y: Tensor([1, 0.5])])
        XCTAssertEqual(loss, 0.6931472, accuracy: 1e-6)
        assertTensorsEqual(z.gradient, Tensor([-0.25, 0]), accuracy: 1e-7)
    }

    func testBinaryCrossEntropy_targetOutsideUnitInterval_throwsInvalidValue() throws {
        let z = Parameter("z", Tensor([0, 0]))
        let y = Input("y", shape: [2])
        let graph = try Graph(loss: BinaryCrossEntropy(z, y, name: "bce"))
        XCTAssertThrowsError(try graph.forwardAndBackward(feed: [y: Tensor([1, 1.5])])) { error in
            XCTAssertEqual(error as? GraphError, .invalidValue(node: "bce", detail: "target 1.5 at element 1 is not in [0, 1]"))
        }
    }

    func testAdd_rowVectorBroadcast_valueAndBiasGradientIsColumnSum() throws {
        let a = Parameter("a", try Tensor([[1, 2, 3], [4, 5, 6]]))
        let b = Parameter("b", Tensor([10, 20, 30]))
        let sum = Add(a, b)
        let weights = try Tensor([[1, 2, 3], [4, 5, 6]])
        let graph = try Graph(loss: WeightedSum(sum, weights: weights))
        try graph.forwardAndBackward()
        assertTensorsEqual(sum.value, try Tensor([[11, 22, 33], [14, 25, 36]]))
        assertTensorsEqual(a.gradient, weights)
        assertTensorsEqual(b.gradient, Tensor([5, 7, 9]))   // upstream summed over the broadcast rows
    }

    func testMultiply_sameOperandTwice_gradientIsTwoXTimesUpstream() throws {
        let x = Parameter("x", Tensor([1.5, -2, 3]))
        let upstream = Tensor([1, 0.5, -2])
        let graph = try Graph(loss: WeightedSum(Multiply(x, x), weights: upstream))
        let loss = try graph.forwardAndBackward()
        XCTAssertEqual(loss, -13.75, accuracy: 1e-6)   // Σ x²·w = 2.25·1 + 4·0.5 + 9·(−2)
        assertTensorsEqual(x.gradient, Tensor([3, -2, -12]))   // 2x·w = [2·1.5·1, 2·(−2)·0.5, 2·3·(−2)]
    }

    func testMatMul_matchesHandComputedProduct() throws {
        let a = Parameter("a", try Tensor([[1, 2], [3, 4], [5, 6]]))
        let b = Parameter("b", try Tensor([[1, 0, -1], [2, 1, 0]]))
        let product = MatMul(a, b)
        let graph = try Graph(loss: WeightedSum(product, weights: .ones([3, 3])))
        try graph.forwardAndBackward()
        assertTensorsEqual(product.value, try Tensor([[5, 2, -1], [11, 4, -3], [17, 6, -5]]))
        assertTensorsEqual(a.gradient, try Tensor([[0, 3], [0, 3], [0, 3]]))   // 1·Bᵀ: row sums of B
        assertTensorsEqual(b.gradient, try Tensor([[9, 9, 9], [12, 12, 12]]))  // Aᵀ·1: column sums of A
    }

    func testL2PenaltyPlusLoss_isTheSumOfBothScalars() throws {
        let w = Parameter("w", try Tensor([[1, -2], [3, 0]]))
        let target = Input("t", shape: [1])
        let prediction = Parameter("p", Tensor([3]))
        let loss = Add(MSE(target, prediction), try L2Penalty([w], lambda: 0.1))
        let graph = try Graph(loss: loss)
        // (1 − 3)² + 0.1/2 · (1 + 4 + 9) = 4.7
        XCTAssertEqual(try graph.forwardAndBackward(feed: [target: Tensor([1])]), 4.7, accuracy: 1e-5)
        assertTensorsEqual(w.gradient, try Tensor([[0.1, -0.2], [0.3, 0]]))
    }

    func testDropout_training_dropsAboutPAndScalesSurvivors() throws {
        let x = Input("x", shape: [.batch, 100])
        let dropout = try Dropout(x, dropProbability: 0.25, seed: 3)
        let graph = try Graph(outputs: [dropout])
        let y = try graph.evaluate(dropout, feed: [x: .ones([100, 100])])
        let dropped = y.scalars.filter { $0 == 0 }.count
        XCTAssertEqual(Double(dropped) / 10_000, 0.25, accuracy: 0.02)
        XCTAssertTrue(y.scalars.allSatisfy { $0 == 0 || abs($0 - 1 / 0.75) < 1e-6 })
        let again = try graph.evaluate(dropout)
        XCTAssertNotEqual(again, y, "a new mask is drawn on every training forward pass")
    }

    func testDropout_backwardUsesTheForwardMask() throws {
        let x = Parameter("x", Tensor(shape: [4, 8], repeating: 2))
        let dropout = try Dropout(x, dropProbability: 0.5, seed: 9)
        let upstream = Tensor.randomUniform([4, 8], lower: 1, upper: 2, using: &rngForMask)
        let graph = try Graph(loss: WeightedSum(dropout, weights: upstream))
        try graph.forwardAndBackward()
        let mask = dropout.value.map { $0 / 2 }
        XCTAssertEqual(dropout.mask, mask)
        assertTensorsEqual(x.gradient, try upstream * mask)
    }

    func testDropout_notTraining_isIdentity() throws {
        let x = Input("x", shape: [2, 3])
        let dropout = try Dropout(x, dropProbability: 0.9)
        let graph = try Graph(outputs: [dropout])
        graph.isTraining = false
        let input = try Tensor([[1, 2, 3], [4, 5, 6]])
        XCTAssertEqual(try graph.evaluate(dropout, feed: [x: input]), input)
    }

    func testDropout_sameSeed_givesSameMask() throws {
        func output(seed: UInt64) throws -> Tensor {
            let x = Input("x", shape: [5, 5])
            let dropout = try Dropout(x, dropProbability: 0.5, seed: seed)
            return try Graph(outputs: [dropout]).evaluate(dropout, feed: [x: .ones([5, 5])])
        }
        XCTAssertEqual(try output(seed: 42), try output(seed: 42))
        XCTAssertNotEqual(try output(seed: 42), try output(seed: 43))
    }

    func testInvalidArguments_throwTypedErrors() {
        let x = Input("x", shape: [2])
        for p: Float in [-0.1, 1, 1.5, .nan] {
            XCTAssertThrowsError(try Dropout(x, dropProbability: p, name: "drop")) { error in
                guard case .invalidValue(node: "drop", _)? = error as? GraphError else { return XCTFail("\(error)") }
            }
        }
        XCTAssertThrowsError(try L2Penalty([x], lambda: -1, name: "l2")) { error in
            guard case .invalidValue(node: "l2", _)? = error as? GraphError else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try L2Penalty([], lambda: 1)) { error in XCTAssertTrue(error is GraphError) }
    }

    func testShapeMismatch_namesTheNodeWhenTheGraphIsBuilt() {
        let cases: [(Node, String)] = [
            (Add(Input("a", shape: [.batch, 3]), Input("b", shape: [2]), name: "sum"), "sum"),
            (Multiply(Input("a", shape: [4, 3]), Input("b", shape: [4, 2]), name: "product"), "product"),
            (MatMul(Input("a", shape: [2, 3]), Input("b", shape: [2, 3]), name: "mm"), "mm"),
            (BinaryCrossEntropy(Input("z", shape: [3]), Input("y", shape: [4]), name: "bce"), "bce"),
        ]
        for (node, name) in cases {
            XCTAssertThrowsError(try Graph(outputs: [node])) { error in
                guard case .shapeMismatch(node: name, _)? = error as? GraphError else { return XCTFail("\(name): \(error)") }
            }
        }
    }

    private var rngForMask = RandomGenerator(seed: 1)
}
