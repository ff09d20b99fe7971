import GradFlow

/// The Keras example CNN on MNIST: conv 3×3 32 → conv 3×3 64 → max-pool 2×2 → dropout 0.25 →
/// dense 128 → dropout 0.5 → dense 10, ReLU; Adam lr 0.001 (`ImageDemo`).
struct KerasCNNDemo {
    var options: DemoOptions

    func run() throws {
        try ImageDemo(options: options, title: "Keras-style CNN", defaultLearningRate: 0.001).run {
            [Convolution2D(32, kernelSize: (3, 3), activation: .relu),
             Convolution2D(64, kernelSize: (3, 3), activation: .relu),
             MaxPooling2D((2, 2)),
             DropoutLayer(0.25),
             Flatten(),
             Dense(128, activation: .relu),
             DropoutLayer(0.5),
             Dense(10)]
        }
    }
}
