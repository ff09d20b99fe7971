import Foundation
import GradFlow

/// What the MNIST-image demos share: load MNIST, train a `Sequential` on it as `[1, 28, 28]` images
/// with Adam and a step decay (×0.3 every 4 epochs), scored on the test images after every epoch,
/// then print the summary, test accuracy and training time.
struct ImageDemo {
    var options: DemoOptions
    /// The demo's title and default learning rate.
    var title: String, defaultLearningRate: Float

    func run(_ layers: () -> [any Layer]) throws {
        let seed = options.seed ?? 1
        let epochs = options.epochs ?? 10
        let batchSize = options.batchSize ?? 64
        let learningRate = options.learningRate ?? defaultLearningRate
        let (train, test) = try MNIST.load(directory: options.mnistDirectory)
        let model = Sequential(layers(), seed: seed, inputShape: [1, 28, 28])
        model.compile(loss: .softmaxCrossEntropy, optimizer: try Adam(learningRate: learningRate), metrics: [.accuracy])
        print("\(title) on MNIST: \(train.count) train / \(test.count) test images as [1, 28, 28]; Adam lr \(learningRate)",
              "(step decay ×0.3 every 4 epochs), batch \(batchSize), \(epochs) epochs, seed \(seed)")
        let start = ContinuousClock.now
        let history = try model.fit(train.features, train.labels, epochs: epochs, batchSize: batchSize,
                                    validationData: (test.features, test.labels), seed: seed,
                                    schedule: try StepDecay(initialLearningRate: learningRate, stepSize: 4, factor: 0.3))
        print(model.summary())
        print("test accuracy \(format(history.validationMetric.last ?? 0)) after \(history.epochs) epochs",
              "(training \(seconds(ContinuousClock.now - start)) s)")
    }
}
