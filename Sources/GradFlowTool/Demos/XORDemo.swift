import GradFlow

/// The seed's numpy network: 2-3-1, Linear → ReLU → Linear, MSE, on the four XOR points, trained
/// with full-batch SGD until the loss is below 0.001.
struct XORDemo {
    var seed: UInt64 = 4
    var learningRate: Float = 0.1
    var maxSteps = 20_000

    func run() throws {
        var rng = RandomGenerator(seed: seed)
        let X = Input("X", shape: [.batch, 2])
        let y = Input("y", shape: [.batch, 1])
        let W1 = Parameter("W1", .randomNormal([2, 3], standardDeviation: 0.5, using: &rng))
        let b1 = Parameter("b1", .zeros([3]))
        let W2 = Parameter("W2", .randomNormal([3, 1], standardDeviation: 0.5, using: &rng))
        let b2 = Parameter("b2", .zeros([1]))
        let output = Linear(ReLU(Linear(X, W1, b1)), W2, b2, name: "output")
        let loss = MSE(y, output, name: "loss")

        let points = try Tensor([[0, 0], [0, 1], [1, 0], [1, 1]])
        let targets = try Tensor([[0], [1], [1], [0]])
        let graph = try Graph.topologicalSort(feedDict: [X: points, y: targets], loss: loss)
        let sgd = try SGD(learningRate: learningRate)
        print("XOR: 2-3-1 network, Linear → ReLU → Linear, MSE, SGD lr \(learningRate), seed \(seed)")
        for step in 0..<maxSteps {
            let value = try graph.forwardAndBackward()
            sgd.update(graph.trainables)
            if step % 200 == 0 { print("step \(step)  loss \(format(value))") }
            if value < 0.001 {
                print("Training finished at step \(step) (loss \(format(value)) < 0.001)")
                break
            }
        }
        let predictions = try graph.evaluate(output, feed: [X: points])
        let rounded = predictions.scalars.map { $0 > 0.5 ? "1" : "0" }
        print("predictions: \(rounded.joined(separator: " "))   (raw \(predictions.scalars.map(format)))")
    }
}
