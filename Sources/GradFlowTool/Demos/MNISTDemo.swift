import Foundation
import GradFlow

/// The seed's PyTorch MNIST network: 784-128-64-10 with ReLU, PyTorch's default initialisation,
/// softmax cross-entropy, SGD lr 0.1 (or Adam with `--optimizer adam`), batches of 64, scored on
/// the 10,000 test images after every epoch.
struct MNISTDemo {
    var options: DemoOptions

    func run() throws {
        let seed = options.seed ?? 1
        let epochs = options.epochs ?? 10
        let batchSize = options.batchSize ?? 64
        let loadStart = ContinuousClock.now
        let (train, test) = try MNIST.load(directory: options.mnistDirectory)
        let loadTime = ContinuousClock.now - loadStart
        var rng = RandomGenerator(seed: seed)
        let sizes = [784, 128, 64, 10]
        let network = try DemoNetwork(sizes: sizes, task: .classification, using: &rng)
        let optimizer = try options.optimizer.make(learningRate: options.learningRate)
        // Plain SGD keeps its rate (the seed's recipe); Adam anneals it, which is what lets it pass 98%.
        let schedule = options.schedule ?? (options.optimizer == .adam ? .cosine : .constant)
        print("MNIST: \(train.count) train / \(test.count) test images (loaded in \(seconds(loadTime)) s);",
              "\(DemoNetwork.describe(sizes)) ReLU, softmax cross-entropy, \(options.optimizer.rawValue)",
              "lr \(optimizer.learningRate) (\(schedule.rawValue)), batch \(batchSize), \(epochs) epochs, seed \(seed)")
        let trainer = try network.trainer(optimizer: optimizer)
        try schedule.install(on: trainer, epochs: epochs)
        let start = ContinuousClock.now
        let history = try trainer.fit(train, epochs: epochs, batchSize: batchSize, shuffleSeed: seed,
                                      validation: test, metric: .accuracy)
        let result = try trainer.evaluate(test, metric: .accuracy)
        let matrix = try ConfusionMatrix(predictions: result.predictions, labels: test.labels, classCount: 10)
        print(matrix)
        print("test accuracy \(format(result.metric ?? 0)) after \(history.epochs) epochs",
              "(training \(seconds(ContinuousClock.now - start)) s)")
    }
}

/// A duration in seconds with one decimal.
func seconds(_ duration: Duration) -> String {
    let (whole, atto) = duration.components
    return String(format: "%.1f", Double(whole) + Double(atto) * 1e-18)
}
