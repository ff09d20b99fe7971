import XCTest
import GradFlow

/// Forward values of the losses against hand-computed numbers, including extreme logits.
final class LossValueTests: XCTestCase {
    func testMSE_valueIsTheMeanOfSquaredDifferences() throws {
        let loss = MSE(Parameter("y", try Tensor([[1], [2], [3]])), Parameter("a", try Tensor([[1], [4], [0]])))
        let graph = try Graph(loss: loss)
        XCTAssertEqual(try graph.forwardAndBackward(), (0 + 4 + 9) / 3, accuracy: 1e-6)
    }

    func testSoftmaxCE_matchesHandComputedCrossEntropy() throws {
        let logits = Parameter("z", try Tensor([[1, 2, 3], [0, 0, 0]]))
        let labels = Input("labels", shape: [.batch])
        let graph = try Graph(loss: SoftmaxCE(logits, labels))
        let loss = try graph.forwardAndBackward(feed: [labels: Tensor([2, 0])])
        let row1 = -Foundation.log(Foundation.exp(3.0) / (Foundation.exp(1.0) + Foundation.exp(2.0) + Foundation.exp(3.0)))
        let row2 = Foundation.log(3.0)
        XCTAssertEqual(Double(loss), (row1 + row2) / 2, accuracy: 1e-5)
        // ∂L/∂z = (softmax − onehot) / batch
        XCTAssertEqual(logits.gradient[1, 0], (1.0 / 3 - 1) / 2, accuracy: 1e-6)
    }

    func testSoftmaxCE_isFiniteAndExactForLogitsOfPlusMinus1000() throws {
        let logits = Parameter("z", try Tensor([[1000, -1000, 0], [-1000, 1000, 1000]]))
        let labels = Input("labels", shape: [.batch])
        let graph = try Graph(loss: SoftmaxCE(logits, labels))
        // Row 1 predicts class 0 with certainty but the label is 1: loss 2000. Row 2: log 2.
        let loss = try graph.forwardAndBackward(feed: [labels: Tensor([1, 2])])
        XCTAssertEqual(Double(loss), (2000 + Foundation.log(2.0)) / 2, accuracy: 1e-3)
        XCTAssertTrue(logits.gradient.scalars.allSatisfy(\.isFinite))
        XCTAssertEqual(logits.gradient[0, 0], 0.5, accuracy: 1e-6)
        XCTAssertEqual(logits.gradient[0, 1], -0.5, accuracy: 1e-6)
    }

    func testSoftmaxCE_labelOutOfRangeIsATypedError() throws {
        let logits = Parameter("z", .zeros([2, 3]))
        let labels = Input("labels", shape: [.batch])
        let graph = try Graph(loss: SoftmaxCE(logits, labels, name: "ce"))
        let error = catchError { try graph.forwardAndBackward(feed: [labels: Tensor([0, 3])]) }
        XCTAssertEqual(error as? GraphError, .invalidValue(node: "ce", detail: "label 3.0 in row 1 is not a class index in 0..<3"))
    }
}
