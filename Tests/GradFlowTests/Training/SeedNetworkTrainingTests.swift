import XCTest
import GradFlow

/// The seeds' three networks, trained with SGD: the engine end to end.
final class SeedNetworkTrainingTests: XCTestCase {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func testXOR_convergesBelow0_001AndPredicts0110() throws {
        var rng = RandomGenerator(seed: 4)
        let X = Input("X", shape: [.batch, 2])
        let y = Input("y", shape: [.batch, 1])
        let output = Linear(ReLU(Linear(X, Parameter("W1", .randomNormal([2, 3], standardDeviation: 0.5, using: &rng)),
                                        Parameter("b1", .zeros([3])))),
                            Parameter("W2", .randomNormal([3, 1], standardDeviation: 0.5, using: &rng)), Parameter("b2", .zeros([1])))
        let loss = MSE(y, output)
        let points = try Tensor([[0, 0], [0, 1], [1, 0], [1, 1]])
        let graph = try Graph.topologicalSort(feedDict: [X: points, y: try Tensor([[0], [1], [1], [0]])], loss: loss)
        let sgd = try SGD(learningRate: 0.1)
        var finalLoss = Float.infinity
        for _ in 0..<5_000 where finalLoss >= 0.001 {
            finalLoss = try graph.forwardAndBackward()
            sgd.update(graph.trainables)
        }
        XCTAssertLessThan(finalLoss, 0.001)
        let predictions = try graph.evaluate(output, feed: [X: points]).scalars.map { $0 > 0.5 ? 1 : 0 }
        XCTAssertEqual(predictions, [0, 1, 1, 0])
    }

    func testRegression_recoversSlopeAndIntercept() throws {
        var rng = RandomGenerator(seed: 42)
        let xs = Tensor.randomUniform([200, 1], lower: -1, upper: 1, using: &rng)
        let ys = try xs * 2 + 1 + Tensor.randomNormal([200, 1], standardDeviation: 0.1, using: &rng)
        let X = Input("X", shape: [.batch, 1])
        let y = Input("y", shape: [.batch, 1])
        let W = Parameter("W", .randomNormal([1, 1], standardDeviation: 0.01, using: &rng))
        let b = Parameter("b", .zeros([1]))
        let graph = try Graph(loss: MSE(y, Linear(X, W, b)))
        let sgd = try SGD(learningRate: 0.1)
        var firstEpochLoss: Float = 0, lastEpochLoss: Float = 0
        for epoch in 0..<20 {
            var total: Float = 0
            for batch in try Minibatches.shuffledEpoch(exampleCount: 200, batchSize: 10, using: &rng) {
                X.value = xs.gatheringRows(Array(batch))
                y.value = ys.gatheringRows(Array(batch))
                total += try graph.forwardAndBackward()
                sgd.update(graph.trainables)
            }
            if epoch == 0 { firstEpochLoss = total } else { lastEpochLoss = total }
        }
        XCTAssertLessThan(lastEpochLoss, firstEpochLoss / 10)
        XCTAssertEqual(W.value.scalars[0], 2, accuracy: 0.05)
        XCTAssertEqual(b.value.scalars[0], 1, accuracy: 0.05)
    }

    func testIris_heldOutAccuracyAtLeast0_9() throws {
        var rng = RandomGenerator(seed: 1)
        let path = Self.repositoryRoot.appendingPathComponent("Graphs/data/iris.csv").path
        let (train, test) = try CSVReader.load(path: path, target: "species").split(testFraction: 0.2, using: &rng)
        let X = Input("X", shape: [.batch, 4])
        let labels = Input("species", shape: [.batch])
        let logits = Linear(Sigmoid(Linear(X, Parameter("W1", .randomNormal([4, 16], standardDeviation: 0.5, using: &rng)),
                                           Parameter("b1", .zeros([16])))),
                            Parameter("W2", .randomNormal([16, 3], standardDeviation: 0.5, using: &rng)), Parameter("b2", .zeros([3])))
        let graph = try Graph(loss: SoftmaxCE(logits, labels))
        let sgd = try SGD(learningRate: 0.1)
        var epochLosses: [Float] = []
        for _ in 0..<100 {
            var total: Float = 0
            for _ in 0..<(train.count / 4) {
                let rows = Minibatches.resample(count: 4, from: train.count, using: &rng)
                X.value = train.features.gatheringRows(rows)
                labels.value = train.labels.gatheringRows(rows)
                total += try graph.forwardAndBackward()
                sgd.update(graph.trainables)
            }
            epochLosses.append(total)
        }
        XCTAssertLessThan(try XCTUnwrap(epochLosses.last), epochLosses[0] / 3)
        let predicted = try graph.evaluate(logits, feed: [X: test.features]).argmax(axis: 1)
        let accuracy = Float(zip(predicted.scalars, test.labels.scalars).filter { $0 == $1 }.count) / Float(test.count)
        XCTAssertGreaterThanOrEqual(accuracy, 0.9)
    }
}
