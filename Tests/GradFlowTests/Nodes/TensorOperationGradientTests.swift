import XCTest
import GradFlow

/// Every tensor operation's backward pass against central finite differences, on odd shapes and
/// with broadcasting, away from kinks (|x| ≥ 0.2 for abs and clamp, positive operands for log and sqrt).
final class TensorOperationGradientTests: XCTestCase {
    private var rng = RandomGenerator(seed: 31)

    /// Normal values pushed away from zero (|v| ≥ 0.2), so kinks at 0 are not straddled.
    private func awayFromZero(_ shape: [Int]) -> Tensor {
        Tensor.randomNormal(shape, using: &rng).map { $0 >= 0 ? $0 + 0.2 : $0 - 0.2 }
    }

    private func positive(_ shape: [Int]) -> Tensor { Tensor.randomUniform(shape, lower: 0.5, upper: 2, using: &rng) }

    func testBinaryOperations_withBroadcasting() throws {
        for (a, b) in [([2, 3, 4], [4]), ([3, 1], [1, 5]), ([2, 3], [2, 3])] {
            try assertGradientMatchesNumerical(values: [awayFromZero(a), awayFromZero(b)]) { p in Subtract(p[0], p[1]) }
            try assertGradientMatchesNumerical(values: [awayFromZero(a), positive(b)]) { p in Divide(p[0], p[1]) }
        }
    }

    func testElementwiseFunctions() throws {
        let shape = [3, 5]
        try assertGradientMatchesNumerical(values: [awayFromZero(shape)]) { p in Exp(p[0]) }
        try assertGradientMatchesNumerical(values: [positive(shape)]) { p in Log(p[0]) }
        try assertGradientMatchesNumerical(values: [positive(shape)]) { p in Sqrt(p[0]) }
        try assertGradientMatchesNumerical(values: [awayFromZero(shape)]) { p in Abs(p[0]) }
        try assertGradientMatchesNumerical(values: [awayFromZero(shape)]) { p in Power(p[0], exponent: 3) }
        try assertGradientMatchesNumerical(values: [positive(shape)]) { p in Power(p[0], exponent: -0.5) }
        let clampable = awayFromZero(shape).map { abs($0 - 0.6) < 0.1 ? $0 + 0.25 : $0 }   // not within 0.1 of a bound
        try assertGradientMatchesNumerical(values: [clampable]) { p in try! Clamp(p[0], lower: -0.6, upper: 0.6) }
    }

    func testReductions_overAxesWithAndWithoutKeepDims() throws {
        let shape = [2, 3, 5]
        for (axes, keep) in [([1], false), ([0, 2], true), (nil, false), ([-1], true)] as [([Int]?, Bool)] {
            try assertGradientMatchesNumerical(values: [awayFromZero(shape)]) { p in Sum(p[0], axes: axes, keepDims: keep) }
            try assertGradientMatchesNumerical(values: [awayFromZero(shape)]) { p in Mean(p[0], axes: axes, keepDims: keep) }
            try assertGradientMatchesNumerical(values: [awayFromZero(shape)]) { p in LogSumExp(p[0], axes: axes, keepDims: keep) }
            try assertGradientMatchesNumerical(values: [awayFromZero(shape)], tolerance: 2e-2) { p in
                Variance(p[0], axes: axes, keepDims: keep, ddof: 1)
            }
            try assertGradientMatchesNumerical(values: [awayFromZero(shape)], tolerance: 2e-2) { p in
                Variance(p[0], axes: axes, keepDims: keep, squareRoot: true)
            }
            // Distinct values 0.3 apart, shuffled: no ties, and a step of 1e-2 never changes the winner.
            var values = (0..<30).map { Float($0) * 0.3 - 4 }
            values.shuffle(using: &rng)
            let spread = try Tensor(shape: shape, scalars: values)
            try assertGradientMatchesNumerical(values: [spread]) { p in Max(p[0], axes: axes, keepDims: keep) }
            try assertGradientMatchesNumerical(values: [spread]) { p in Min(p[0], axes: axes, keepDims: keep) }
        }
    }

    func testShapeOperations() throws {
        try assertGradientMatchesNumerical(values: [awayFromZero([2, 3, 4])]) { p in Transpose(p[0], permutation: [2, 0, 1]) }
        try assertGradientMatchesNumerical(values: [awayFromZero([3, 5])]) { p in Transpose(p[0]) }
        try assertGradientMatchesNumerical(values: [awayFromZero([2, 3, 4])]) { p in Reshape(p[0], shape: [4, -1]) }
    }

    func testIndexingJoiningAndBroadcasting() throws {
        try assertGradientMatchesNumerical(values: [awayFromZero([2, 3, 4])]) { p in Take(p[0], indices: [2, 0, 2, -1], axis: 1) }   // repeats sum
        try assertGradientMatchesNumerical(values: [awayFromZero([3, 7])]) { p in try! Slice(p[0], axis: 1, start: 1, end: -1, step: 2) }
        let index = Input("index", shape: [5])
        try assertGradientMatchesNumerical(values: [awayFromZero([4, 3])], feeds: [index: Tensor([3, 0, 3, 1, 3])]) { p in Gather(p[0], index: index) }
        try assertGradientMatchesNumerical(values: [awayFromZero([2, 3]), awayFromZero([2, 1]), awayFromZero([2, 2])]) { p in Concatenate(p, axis: 1) }
        try assertGradientMatchesNumerical(values: [awayFromZero([2, 3]), awayFromZero([2, 3])]) { p in Concatenate(p, axis: -1, stacks: true) }
        try assertGradientMatchesNumerical(values: [awayFromZero([3, 1])]) { p in BroadcastTo(p[0], shape: [2, 3, 4]) }
        // max/min: operands at least 0.2 apart everywhere, so no step crosses a tie.
        let a = awayFromZero([3, 4]), b = a.map { $0 + ($0 > 0 ? -0.5 : 0.5) }
        try assertGradientMatchesNumerical(values: [a, b]) { p in Extreme(p[0], p[1]) }
        try assertGradientMatchesNumerical(values: [a, try b.take([0], axis: 1)]) { p in Extreme(p[0], p[1], takesLarger: false) }
        let condition = Input("cond", shape: [3, 1])
        try assertGradientMatchesNumerical(values: [awayFromZero([3, 4]), awayFromZero([4])], feeds: [condition: try Tensor([[1], [0], [2]])]) { p in
            Where(condition, p[0], p[1])
        }
        try assertGradientMatchesNumerical(values: [awayFromZero([2, 3, 4])]) { p in Product(p[0], axes: [2]) }
        var withZero = awayFromZero([2, 4])
        withZero.scalars[1] = 0   // one zero in the first row: its gradient is the product of the others
        try assertGradientMatchesNumerical(values: [withZero]) { p in Product(p[0], axes: [1]) }
    }

    func testGatherAndCompare_errorsAndNoGradient() throws {
        let x = Parameter("x", .ones([3, 2])), index = Input("i", shape: [2])
        let graph = try Graph(loss: Sum(Gather(x, index: index)))
        XCTAssertThrowsError(try graph.forwardAndBackward(feed: [index: Tensor([0, 3])])) { error in
            XCTAssertTrue("\(error)".contains("index 1 is 3.0, not a whole number in 0..<3"), "\(error)")
        }
        let y = Parameter("y", Tensor([1, 2, 3]))
        let mask = Compare(y, Input("t", shape: []), .greaterEqual)
        let masked = try Graph(loss: Sum(Multiply(mask, y)))
        _ = try masked.forwardAndBackward(feed: [masked.inputs[0]: Tensor(2)])
        XCTAssertEqual(mask.value, Tensor([0, 1, 1]))
        XCTAssertEqual(y.gradient, Tensor([0, 1, 1]), "the mask passes no gradient of its own")
    }

    func testArgmax_passesNoGradient_andShapesAreChecked() throws {
        let x = Parameter("x", awayFromZero([3, 4]))
        let arg = ArgExtremum(x, axis: 1, keepDims: true)
        let graph = try Graph(loss: Sum(Multiply(arg, x)))
        _ = try graph.forwardAndBackward()
        XCTAssertEqual(arg.value.shape, [3, 1])
        for i in 0..<3 { for j in 0..<4 { XCTAssertEqual(x.gradient[i, j], arg.value[i, 0], "only the product's own partial") } }
        XCTAssertThrowsError(try Graph(outputs: [Sum(Input("v", shape: [.batch, 3]), axes: [2])])) { error in
            XCTAssertTrue("\(error)".contains("axis 2 is invalid for a rank-2 operand"), "\(error)")
        }
        XCTAssertThrowsError(try Graph(outputs: [Transpose(Input("v", shape: [.batch, 3]), permutation: [0, 0])])) { error in
            XCTAssertTrue("\(error)".contains("not a permutation"), "\(error)")
        }
        XCTAssertThrowsError(try Graph(outputs: [Reshape(Input("v", shape: [.batch, 6]), shape: [4, -1])])) { error in
            XCTAssertTrue("\(error)".contains("batch axis must stay first"), "\(error)")
        }
        let images = try Graph(outputs: [Reshape(Input("v", shape: [.batch, 784]), shape: [-1, 1, 28, 28])])
        XCTAssertEqual(images.nodes.last?.shape.text, "[batch, 1, 28, 28]")
    }

    func testGraphFile_withTheNewOperations_passesTheWholeGraphCheck_andWritesBack() throws {
        let source = """
            input x [batch, 12]
            input y [batch]
            param W [4, 3] xavier
            param b [3]
            param c [1] ones
            t = transpose(reshape(x, shape: [-1, 3, 4]), axes: [0, 2, 1])
            s = logsumexp(t, axis: 2)
            n = divide(subtract(s, mean(s, axis: 1, keep_dims: true)), add(c, pow(var(s, axis: -1, keep_dims: true, ddof: 1), exponent: 0.5)))
            logits = linear(clamp(n, min: -5, max: 5), W, b)
            loss = add(softmax_ce(logits, y), mean(exp(min(logits, axis: 1))))
            """
        let file = try GraphFile(source: source)
        XCTAssertEqual(file.graph.nodes.first { $0.name == "t" }?.shape.text, "[batch, 4, 3]")
        let report = try GradientCheckReport(graph: file.graph, batchSize: 3)
        XCTAssertTrue(report.passed, report.text)
        let written = try GraphFileWriter.text(for: file.graph, output: file.output)
        XCTAssertTrue(written.contains("keep_dims: true") && written.contains("axes: [0, 2, 1]") && written.contains("exponent: 0.5"), written)
        let again = try GraphFile(source: written)
        XCTAssertEqual(again.graph.nodes.map(\.kind), file.graph.nodes.map(\.kind))
    }
}
