import XCTest
import GradFlow

final class DatasetPreprocessingTests: XCTestCase {
    func testStandardizer_fitsOnTrainAndAppliesTheSameTransformToTest() throws {
        let train = try Tensor([[1, 10], [3, 10], [5, 10]])
        let scaler = try Standardizer.fit(train)
        XCTAssertEqual(scaler.mean, [3, 10])
        XCTAssertEqual(scaler.standardDeviation[0], (8.0 / 3).squareRoot(), accuracy: 1e-6)
        XCTAssertEqual(scaler.standardDeviation[1], 0)
        let z = try scaler.transform(train)
        XCTAssertEqual(z[0, 0], -1.2247449, accuracy: 1e-6)
        XCTAssertEqual(z[2, 0], 1.2247449, accuracy: 1e-6)
        XCTAssertEqual(z[1, 1], 0)                                  // constant column: centred, not NaN
        let test = try scaler.transform(try Tensor([[3, 12]]))
        XCTAssertEqual(test.scalars, [0, 2])                        // train's μ and σ (σ = 0 taken as 1)
        XCTAssertEqual(try scaler.inverseTransform(z).scalars, train.scalars)
    }

    func testStandardizer_vectorTarget_roundTrips() throws {
        let y = Tensor([2, 4, 6, 8])
        let scaler = try Standardizer.fit(y)
        let z = try scaler.transform(y)
        XCTAssertEqual(z.shape, [4])
        XCTAssertEqual(z.scalars.reduce(0, +), 0, accuracy: 1e-6)
        for (restored, original) in zip(try scaler.inverseTransform(z).scalars, y.scalars) {
            XCTAssertEqual(restored, original, accuracy: 1e-5)
        }
    }

    func testStandardizer_wrongColumnCountOrEmpty_throws() throws {
        let scaler = try Standardizer.fit(try Tensor([[1, 2], [3, 4]]))
        XCTAssertThrowsError(try scaler.transform(try Tensor([[1, 2, 3]]))) { error in
            XCTAssertEqual(error as? DataError, .columnCountMismatch(operation: "Standardizer.transform", expected: 2, found: 3))
        }
        XCTAssertThrowsError(try Standardizer.fit(Tensor.zeros([0, 3]))) { error in
            XCTAssertEqual(error as? DataError, .empty(operation: "Standardizer.fit"))
        }
    }

    func testMinMaxScaler_mapsTrainToUnitIntervalAndConstantColumnsToZero() throws {
        let train = try Tensor([[0, 5], [10, 5], [5, 5]])
        let scaler = try MinMaxScaler.fit(train)
        XCTAssertEqual(try scaler.transform(train).scalars, [0, 0, 1, 0, 0.5, 0])
        XCTAssertEqual(try scaler.transform(try Tensor([[20, 7]])).scalars, [2, 0])
        XCTAssertEqual(try scaler.inverseTransform(try Tensor([[0.5, 0]])).scalars, [5, 5])
    }

    func testOneHot_encodesAndRejectsInvalidLabels() throws {
        let encoded = try OneHot.encode(Tensor([2, 0, 1]), classCount: 3)
        XCTAssertEqual(encoded.shape, [3, 3])
        XCTAssertEqual(encoded.scalars, [0, 0, 1, 1, 0, 0, 0, 1, 0])
        XCTAssertEqual(try OneHot.decode(encoded), [2, 0, 1])
        for (labels, row, value) in [([0, 3], 1, 3), ([0, 1.5], 1, 1.5), ([-1], 0, -1)] as [([Float], Int, Float)] {
            XCTAssertThrowsError(try OneHot.encode(Tensor(labels), classCount: 3)) { error in
                XCTAssertEqual(error as? DataError, .invalidLabel(row: row, value: value, classCount: 3))
            }
        }
        XCTAssertEqual(DataError.invalidLabel(row: 1, value: 3, classCount: 3).description,
                       "label 3.0 in row 1 is not a class index in 0..<3")
    }

    func testKFolds_everyExampleValidatesExactlyOnceAndFoldSizesDifferByAtMostOne() throws {
        var rng = RandomGenerator(seed: 3)
        let splits = try CrossValidation.splits(exampleCount: 11, folds: 3, using: &rng)
        XCTAssertEqual(splits.map(\.validation.count), [4, 4, 3])
        XCTAssertEqual(splits.flatMap(\.validation).sorted(), Array(0..<11))
        for split in splits {
            XCTAssertEqual((split.train + split.validation).sorted(), Array(0..<11))
        }
        var again = RandomGenerator(seed: 3)
        XCTAssertEqual(try CrossValidation.splits(exampleCount: 11, folds: 3, using: &again), splits)
    }

    func testKFolds_onDataset_keepsFeaturesWithTheirLabels() throws {
        let data = try Dataset(features: try Tensor([[0], [1], [2], [3]]), labels: Tensor([0, 10, 20, 30]))
        var rng = RandomGenerator(seed: 1)
        let folds = try data.kFolds(2, using: &rng)
        XCTAssertEqual(folds.count, 2)
        for fold in folds {
            XCTAssertEqual(fold.validation.count, 2)
            XCTAssertEqual(fold.validation.features.scalars.map { $0 * 10 }, fold.validation.labels.scalars)
        }
        XCTAssertThrowsError(try data.kFolds(5, using: &rng)) { error in
            XCTAssertEqual(error as? DataError, .invalidFoldCount(folds: 5, examples: 4))
        }
        XCTAssertThrowsError(try data.kFolds(1, using: &rng))
    }

    func testShuffledEpoch_dropLastDropsOnlyTheShortBatch() throws {
        var rng = RandomGenerator(seed: 5)
        let kept = try Minibatches.shuffledEpoch(exampleCount: 10, batchSize: 4, using: &rng)
        XCTAssertEqual(kept.map(\.count), [4, 4, 2])
        XCTAssertEqual(kept.flatMap { $0 }.sorted(), Array(0..<10))
        let dropped = try Minibatches.shuffledEpoch(exampleCount: 10, batchSize: 4, dropLast: true, using: &rng)
        XCTAssertEqual(dropped.map(\.count), [4, 4])
        XCTAssertEqual(try Minibatches.sequential(exampleCount: 5, batchSize: 2), [0..<2, 2..<4, 4..<5])
        XCTAssertEqual(try Minibatches.inOrder(exampleCount: 5, batchSize: 2).map(Array.init), [[0, 1], [2, 3], [4]])
        XCTAssertEqual(try Minibatches.inOrder(exampleCount: 5, batchSize: 2, dropLast: true).map(Array.init), [[0, 1], [2, 3]])
        XCTAssertThrowsError(try Minibatches.sequential(exampleCount: 5, batchSize: 0)) { error in
            XCTAssertEqual(error as? DataError, .invalidBatchSize(0))
        }
    }

    func testResample_drawsWithReplacementInRange() {
        var rng = RandomGenerator(seed: 9)
        let draws = Minibatches.resample(count: 200, from: 5, using: &rng)
        XCTAssertEqual(draws.count, 200)
        XCTAssertTrue(draws.allSatisfy { (0..<5).contains($0) })
        XCTAssertEqual(Set(draws).count, 5)
        XCTAssertEqual(Minibatches.resample(count: 3, from: 0, using: &rng), [])
    }

    func testSplit_isSeededAndPartitionsTheExamples() throws {
        let data = try Dataset(features: try Tensor((0..<10).map { [Float($0)] }), labels: Tensor((0..<10).map(Float.init)))
        var a = RandomGenerator(seed: 2), b = RandomGenerator(seed: 2)
        let (train, test) = data.split(testFraction: 0.2, using: &a)
        XCTAssertEqual(test.count, 2)
        XCTAssertEqual((train.labels.scalars + test.labels.scalars).sorted(), (0..<10).map(Float.init))
        XCTAssertEqual(data.split(testFraction: 0.2, using: &b).test.labels, test.labels)
    }
}
