import GradFlow

/// LeNet-5 on MNIST as images, through the Keras-style front door: conv 5×5 6 (padding 2) → max-pool →
/// conv 5×5 16 → max-pool → 120 → 84 → 10, ReLU; Adam lr 0.002 (`ImageDemo`). (`Graphs/lenet5.graph`
/// is the same network as a graph file.)
struct LeNetDemo {
    var options: DemoOptions

    func run() throws {
        try ImageDemo(options: options, title: "LeNet-5", defaultLearningRate: 0.002).run {
            [Convolution2D(6, kernelSize: (5, 5), padding: .explicit(rows: 2, columns: 2), activation: .relu),
             MaxPooling2D((2, 2)),
             Convolution2D(16, kernelSize: (5, 5), activation: .relu),
             MaxPooling2D((2, 2)),
             Flatten(),
             Dense(120, activation: .relu),
             Dense(84, activation: .relu),
             Dense(10)]
        }
    }
}
