import Foundation
import GradFlow

/// LeNet-5 on MNIST as images, through the Keras-style front door: conv 5×5 6 (padding 2) → max-pool →
/// conv 5×5 16 → max-pool → 120 → 84 → 10, ReLU; Adam lr 0.002 with a step decay (×0.3 every 4
/// epochs), batches of 64, 10 epochs; test accuracy after every epoch. (`Graphs/lenet5.graph` is the
/// same network as a graph file.)
struct LeNetDemo {
    var options: DemoOptions

    func run() throws {
        let seed = options.seed ?? 1
        let epochs = options.epochs ?? 10
        let batchSize = options.batchSize ?? 64
        let learningRate = options.learningRate ?? 0.002
        let (train, test) = try MNIST.load(directory: options.mnistDirectory)
        let model = Sequential(seed: seed, inputShape: [1, 28, 28]) {
            Convolution2D(6, kernelSize: (5, 5), padding: .explicit(rows: 2, columns: 2), activation: .relu)
            MaxPooling2D((2, 2))
            Convolution2D(16, kernelSize: (5, 5), activation: .relu)
            MaxPooling2D((2, 2))
            Flatten()
            Dense(120, activation: .relu)
            Dense(84, activation: .relu)
            Dense(10)
        }
        model.compile(loss: .softmaxCrossEntropy, optimizer: try Adam(learningRate: learningRate), metrics: [.accuracy])
        print("LeNet-5 on MNIST: \(train.count) train / \(test.count) test images as [1, 28, 28]; Adam lr \(learningRate)",
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
