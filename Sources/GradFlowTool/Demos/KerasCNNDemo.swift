import Foundation
import GradFlow

/// The Keras example CNN on MNIST: conv 3×3 32 → conv 3×3 64 → max-pool 2×2 → dropout 0.25 →
/// dense 128 → dropout 0.5 → dense 10, ReLU; Adam lr 0.001 with a step decay (×0.3 every 4 epochs),
/// batches of 64; test accuracy after every epoch.
struct KerasCNNDemo {
    var options: DemoOptions

    func run() throws {
        let seed = options.seed ?? 1
        let epochs = options.epochs ?? 10
        let batchSize = options.batchSize ?? 64
        let learningRate = options.learningRate ?? 0.001
        let (train, test) = try MNIST.load(directory: options.mnistDirectory)
        let model = Sequential(seed: seed, inputShape: [1, 28, 28]) {
            Convolution2D(32, kernelSize: (3, 3), activation: .relu)
            Convolution2D(64, kernelSize: (3, 3), activation: .relu)
            MaxPooling2D((2, 2))
            DropoutLayer(0.25)
            Flatten()
            Dense(128, activation: .relu)
            DropoutLayer(0.5)
            Dense(10)
        }
        model.compile(loss: .softmaxCrossEntropy, optimizer: try Adam(learningRate: learningRate), metrics: [.accuracy])
        print("Keras-style CNN on MNIST: \(train.count) train / \(test.count) test images as [1, 28, 28]; Adam lr \(learningRate)",
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
