import GradFlow

/// The seed's Keras regression: noisy points on y = 2x + 1, one Linear(1 → 1) node, MSE, SGD.
struct RegressionDemo {
    var seed: UInt64 = 42
    var epochs = 20
    var batchSize = 10
    var learningRate: Float = 0.1

    func run() throws {
        var rng = RandomGenerator(seed: seed)
        let xs = Tensor.randomUniform([200, 1], lower: -1, upper: 1, using: &rng)
        let noise = Tensor.randomNormal([200, 1], standardDeviation: 0.1, using: &rng)
        let data = try Dataset(features: xs, labels: try xs * 2 + 1 + noise)

        let X = Input("X", shape: [.batch, 1])
        let y = Input("y", shape: [.batch, 1])
        let W = Parameter("W", .randomNormal([1, 1], standardDeviation: 0.01, using: &rng))
        let b = Parameter("b", .zeros([1]))
        let prediction = Linear(X, W, b, name: "prediction")
        let graph = try Graph(loss: MSE(y, prediction, name: "loss"))
        let sgd = try SGD(learningRate: learningRate)
        print("Regression: y = 2x + 1 + noise, 200 points, Linear(1 → 1), MSE, SGD lr \(learningRate), batch \(batchSize)")
        for epoch in 1...epochs {
            var total: Float = 0
            let batches = try Minibatches.shuffledEpoch(exampleCount: data.count, batchSize: batchSize, using: &rng)
            for batch in batches {
                X.value = data.features.gatheringRows(Array(batch))
                y.value = data.labels.gatheringRows(Array(batch))
                total += try graph.forwardAndBackward()
                sgd.update(graph.trainables)
            }
            print("Epoch \(epoch), Loss = \(format(total / Float(batches.count)))")
        }
        print("learned weight \(format(W.value.scalars[0])) (true 2), bias \(format(b.value.scalars[0])) (true 1)")
    }
}
