import XCTest
import GradFlow

final class MetricsTests: XCTestCase {
    func testAccuracy_fromScoreRowsAndFromClassIndices() throws {
        let logits = try Tensor([[2, 1, 0], [0, 3, 1], [5, 0, 9], [1, 1, 0]])   // arg-max 0, 1, 2, 0 (first on tie)
        let labels = Tensor([0, 1, 1, 0])
        XCTAssertEqual(try Metrics.accuracy(predictions: logits, labels: labels), 0.75)
        XCTAssertEqual(try Metrics.accuracy(predictions: Tensor([0, 1, 2, 2]), labels: try labels.reshaped([4, 1])), 0.5)
        XCTAssertEqual(Metrics.accuracy(predictedClasses: [1, 2], labels: [1, 2]), 1)
    }

    func testAccuracy_mismatchedOrEmpty_throws() throws {
        XCTAssertThrowsError(try Metrics.accuracy(predictions: Tensor.zeros([3, 2]), labels: Tensor([0, 1]))) { error in
            XCTAssertEqual(error as? DataError, .shapeMismatch(operation: "accuracy predictions", expected: [2, -1], found: [3, 2]))
        }
        XCTAssertThrowsError(try Metrics.accuracy(predictions: Tensor.zeros([0, 2]), labels: Tensor.zeros([0]))) { error in
            XCTAssertEqual(error as? DataError, .empty(operation: "accuracy"))
        }
    }

    func testConfusionMatrix_countsActualByPredictedAndPrintsATable() throws {
        let matrix = try ConfusionMatrix(predictions: Tensor([0, 1, 1, 2, 2, 2]), labels: Tensor([0, 1, 2, 2, 2, 0]), classCount: 3)
        XCTAssertEqual(matrix.counts, [[1, 0, 1], [0, 1, 0], [0, 1, 2]])
        XCTAssertEqual(matrix.total, 6)
        XCTAssertEqual(matrix.accuracy, 4.0 / 6, accuracy: 1e-6)
        XCTAssertEqual(matrix.precision(of: 2), 2.0 / 3, accuracy: 1e-6)
        XCTAssertEqual(matrix.recall(of: 2), 2.0 / 3, accuracy: 1e-6)
        XCTAssertEqual(matrix.description, """
            actual \\ predicted  0  1  2
                             0  1  0  1
                             1  0  1  0
                             2  0  1  2
            """)
        XCTAssertThrowsError(try ConfusionMatrix(predictions: Tensor([0]), labels: Tensor([4]), classCount: 3)) { error in
            XCTAssertEqual(error as? DataError, .invalidLabel(row: 0, value: 4, classCount: 3))
        }
    }

    func testRegressionMetrics_matchHandComputedValues() throws {
        let targets = Tensor([1, 2, 3, 4])
        let predictions = try Tensor([[1.5], [2], [2], [4]])   // [n, 1] against [n] is accepted
        XCTAssertEqual(try Metrics.meanSquaredError(predictions: predictions, targets: targets), 0.3125, accuracy: 1e-7)
        XCTAssertEqual(try Metrics.meanAbsoluteError(predictions: predictions, targets: targets), 0.375, accuracy: 1e-7)
        // R² = 1 − 1.25 / 5
        XCTAssertEqual(try Metrics.rSquared(predictions: predictions, targets: targets), 0.75, accuracy: 1e-6)
        XCTAssertEqual(try Metrics.rSquared(predictions: Tensor([2.5, 2.5, 2.5, 2.5]), targets: targets), 0, accuracy: 1e-7)
        XCTAssertEqual(try Metrics.rSquared(predictions: Tensor([3, 3]), targets: Tensor([3, 3])), 1)
        XCTAssertThrowsError(try Metrics.rSquared(predictions: Tensor([1, 2]), targets: targets))
    }

    func testMetric_evaluateDispatchesAndNamesItself() throws {
        XCTAssertEqual(try Metric.rSquared.evaluate(predictions: Tensor([1, 2]), targets: Tensor([1, 2])), 1)
        XCTAssertEqual(Metric.allCases.map(\.shortName), ["acc", "acc", "r2", "mse", "mae"])
    }
}
