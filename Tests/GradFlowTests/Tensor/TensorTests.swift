import XCTest
import GradFlow

final class TensorTests: XCTestCase {
    func testCreation_fromNestedArraysAndFlatScalars() throws {
        let matrix = try Tensor([[1, 2, 3], [4, 5, 6]])
        XCTAssertEqual(matrix.shape, [2, 3])
        XCTAssertEqual(matrix.count, 6)
        XCTAssertEqual(matrix.rank, 2)
        XCTAssertEqual(matrix[1, 2], 6)
        XCTAssertEqual(try Tensor(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6])[2, 0], 5)
        XCTAssertEqual(try Tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]).shape, [2, 2, 2])
        XCTAssertEqual(Tensor.ones([2, 2]).scalars, [1, 1, 1, 1])
        XCTAssertEqual(Tensor(shape: [2], repeating: 7).scalars, [7, 7])
        XCTAssertEqual(Tensor(3).rank, 0)
    }

    func testCreation_rejectsMismatchedCountsAndRaggedRows() {
        XCTAssertThrowsError(try Tensor(shape: [2, 2], scalars: [1, 2, 3])) { error in
            XCTAssertEqual(error as? ShapeError, .elementCountMismatch(shape: [2, 2], count: 3))
        }
        XCTAssertThrowsError(try Tensor([[1, 2], [3]])) { error in
            XCTAssertEqual(error as? ShapeError, .raggedRows(row: 1, expected: 2, found: 1))
        }
    }

    func testValueSemantics_copyOnWrite() throws {
        let original = try Tensor([[1, 2], [3, 4]])
        var copy = original
        copy[0, 0] = 100
        XCTAssertEqual(original[0, 0], 1)
        XCTAssertEqual(copy[0, 0], 100)
    }

    func testRowReshapeAndTranspose() throws {
        let t = try Tensor([[1, 2, 3], [4, 5, 6]])
        XCTAssertEqual(t.row(1).scalars, [4, 5, 6])
        XCTAssertEqual(try t.reshaped([3, 2]).shape, [3, 2])
        XCTAssertThrowsError(try t.reshaped([4, 2]))
        let transposed = try t.transposed()
        XCTAssertEqual(transposed.shape, [3, 2])
        XCTAssertEqual(transposed.scalars, [1, 4, 2, 5, 3, 6])
    }

    func testBroadcasting_matrixPlusRowVector() throws {
        let sum = try Tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12]]) + Tensor([10, 20, 30])
        XCTAssertEqual(sum.shape, [4, 3])
        XCTAssertEqual(sum.row(3).scalars, [20, 31, 42])
    }

    func testBroadcasting_rank3PlusMatrix() throws {
        let a = try Tensor(shape: [3, 4, 2], scalars: (0..<24).map(Float.init))
        let b = try Tensor(shape: [4, 2], scalars: (0..<8).map { Float($0) * 100 })
        let sum = try a + b
        XCTAssertEqual(sum.shape, [3, 4, 2])
        XCTAssertEqual(sum[2, 3, 1], 23 + 700)
        XCTAssertEqual(sum[1, 0, 0], 8)
    }

    func testBroadcasting_matrixTimesColumn() throws {
        let product = try Tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9], [1, 1, 1]]) * Tensor([[1], [2], [3], [-1]])
        XCTAssertEqual(product.shape, [4, 3])
        XCTAssertEqual(product.row(1).scalars, [8, 10, 12])
        XCTAssertEqual(product.row(3).scalars, [-1, -1, -1])
    }

    func testBroadcasting_incompatibleShapesThrowNamingBoth() throws {
        let error = try XCTUnwrap(catchError { try Tensor.zeros([4, 3]) - Tensor.zeros([4]) } as? ShapeError)
        XCTAssertEqual(error, .notBroadcastable([4, 3], [4]))
        XCTAssertEqual(error.description, "shapes [4, 3] and [4] cannot be broadcast together")
    }

    func testScalarOperationsAndDivision() throws {
        let t = try Tensor([[2, 4], [6, 8]])
        XCTAssertEqual((t / 2).scalars, [1, 2, 3, 4])
        XCTAssertEqual((1 - t).scalars, [-1, -3, -5, -7])
        XCTAssertEqual(try (t / Tensor([2, 4])).scalars, [1, 1, 3, 2])
        XCTAssertEqual((-t).scalars, [-2, -4, -6, -8])
    }

    func testMatmul_matchesHandComputedProduct() throws {
        let a = try Tensor([[1, 2, 3], [4, 5, 6]])
        let b = try Tensor([[7, 8], [9, 10], [11, 12]])
        assertTensorsEqual(try a.matmul(b), try Tensor([[58, 64], [139, 154]]))
        XCTAssertThrowsError(try a.matmul(a)) { error in
            XCTAssertEqual(error as? ShapeError, .matmulMismatch([2, 3], [2, 3]))
        }
    }

    func testReductions_alongAxesWithAndWithoutKeepDims() throws {
        let t = try Tensor([[1, 5, 3], [4, 2, 6]])
        XCTAssertEqual(t.sum().scalar, 21)
        XCTAssertEqual(t.mean().scalar, 3.5)
        XCTAssertEqual(try t.sum(axis: 0).scalars, [5, 7, 9])
        XCTAssertEqual(try t.sum(axis: 1, keepDims: true).shape, [2, 1])
        XCTAssertEqual(try t.mean(axis: 1).scalars, [3, 4])
        XCTAssertEqual(try t.max(axis: 1).scalars, [5, 6])
        XCTAssertEqual(try t.argmax(axis: 1).scalars, [1, 2])
        XCTAssertEqual(try t.argmax(axis: 0).scalars, [1, 0, 1])
        XCTAssertThrowsError(try t.sum(axis: 2)) { error in
            XCTAssertEqual(error as? ShapeError, .axisOutOfRange(axis: 2, rank: 2))
        }
    }

    func testExpAndLog() throws {
        let t = Tensor([0, 1, 2])
        assertTensorsEqual(t.exp(), Tensor([1, 2.7182817, 7.389056]), accuracy: 1e-5)
        assertTensorsEqual(t.exp().log(), t, accuracy: 1e-6)
    }

    func testDescription_printsLikeNumpy() throws {
        XCTAssertEqual(try Tensor([[1, 2], [3, 4]]).description, "[[1. 2.]\n [3. 4.]]")
        XCTAssertEqual(Tensor([1.5, -2]).description, "[ 1.5 -2. ]")
        XCTAssertEqual(Tensor(3).description, "3.")
    }

    func testRandom_sameSeedSameTensorAndPlausibleStatistics() throws {
        var a = RandomGenerator(seed: 5), b = RandomGenerator(seed: 5)
        let x = Tensor.randomNormal([10_000], mean: 1, standardDeviation: 2, using: &a)
        XCTAssertEqual(x, Tensor.randomNormal([10_000], mean: 1, standardDeviation: 2, using: &b))
        let mean = x.mean().scalar
        let std = try ((x - mean) * (x - mean)).mean().scalar.squareRoot()
        XCTAssertEqual(mean, 1, accuracy: 0.06)
        XCTAssertEqual(std, 2, accuracy: 0.06)
        let u = Tensor.randomUniform([10_000], lower: -1, upper: 3, using: &a)
        XCTAssertGreaterThanOrEqual(u.scalars.min() ?? -9, -1)
        XCTAssertLessThan(u.max(), 3)
        XCTAssertEqual(u.mean().scalar, 1, accuracy: 0.05)
    }
}

/// Runs `body` and returns the error it threw (nil if none).
func catchError(_ body: () throws -> Any) -> Error? {
    do { _ = try body(); return nil } catch { return error }
}
