import GradFlow

/// The seed's MiniFlow classifier: iris, 4-16-3 with a sigmoid hidden layer and softmax
/// cross-entropy, minibatches of 4 drawn with replacement, SGD lr 0.1, 100 epochs.
struct IrisDemo {
    var csvPath = "Graphs/data/iris.csv"
    var seed: UInt64 = 1
    var epochs = 100
    var batchSize = 4
    var learningRate: Float = 0.1

    func run() throws {
        var rng = RandomGenerator(seed: seed)
        let (train, test) = try CSVReader.load(path: csvPath, target: "species").split(testFraction: 0.2, using: &rng)

        let X = Input("X", shape: [.batch, 4])
        let labels = Input("species", shape: [.batch])
        let W1 = Parameter("W1", .randomNormal([4, 16], standardDeviation: 0.5, using: &rng))
        let b1 = Parameter("b1", .zeros([16]))
        let W2 = Parameter("W2", .randomNormal([16, 3], standardDeviation: 0.5, using: &rng))
        let b2 = Parameter("b2", .zeros([3]))
        let logits = Linear(Sigmoid(Linear(X, W1, b1)), W2, b2, name: "logits")
        let graph = try Graph(loss: SoftmaxCE(logits, labels, name: "loss"))
        let sgd = try SGD(learningRate: learningRate)
        let stepsPerEpoch = train.count / batchSize
        print("Iris: 4-16-3 (sigmoid), softmax cross-entropy, \(train.count) train / \(test.count) held out,",
              "batch \(batchSize) resampled, SGD lr \(learningRate), \(epochs) epochs")
        for epoch in 1...epochs {
            var total: Float = 0
            for _ in 0..<stepsPerEpoch {
                let rows = Minibatches.resample(count: batchSize, from: train.count, using: &rng)
                X.value = train.features.gatheringRows(rows)
                labels.value = train.labels.gatheringRows(rows)
                total += try graph.forwardAndBackward()
                sgd.update(graph.trainables)
            }
            if epoch % 10 == 0 { print("Epoch \(epoch), Loss = \(format(total / Float(stepsPerEpoch)))") }
        }
        let trainAccuracy = try accuracy(graph: graph, logits: logits, input: X, data: train)
        let testAccuracy = try accuracy(graph: graph, logits: logits, input: X, data: test)
        print("train accuracy \(format(trainAccuracy)), held-out accuracy \(format(testAccuracy))")
    }

    private func accuracy(graph: Graph, logits: Node, input: Input, data: Dataset) throws -> Float {
        let predicted = try graph.evaluate(logits, feed: [input: data.features]).argmax(axis: 1)
        let correct = zip(predicted.scalars, data.labels.scalars).filter { $0 == $1 }.count
        return Float(correct) / Float(data.count)
    }
}
