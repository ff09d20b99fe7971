import GradFlow

/// A multilayer perceptron built as a GradFlow graph for the demos: `Linear` layers with ReLU
/// between them, ending in softmax cross-entropy (classification) or MSE (regression).
///
/// Weights and biases use PyTorch's `nn.Linear` default (`Initializer.pytorchDefault`,
/// U(−1/√fanIn, 1/√fanIn) for both), so a demo starts
/// from the same distribution as the seed's PyTorch network.
struct DemoNetwork {
    enum Task { case classification, regression }

    let features: Input
    let labels: Input
    let output: Node
    let graph: Graph

    /// Builds `sizes[0] → sizes[1] → … → sizes.last` (e.g. `[784, 128, 64, 10]`).
    init(sizes: [Int], task: Task, using generator: inout RandomGenerator) throws {
        features = Input("X", shape: [.batch, .fixed(sizes[0])])
        labels = task == .classification ? Input("y", shape: [.batch]) : Input("y", shape: [.batch, .fixed(sizes.last ?? 1)])
        var node: Node = features
        let layers = Array(zip(sizes, sizes.dropFirst()))
        for (index, (fanIn, fanOut)) in layers.enumerated() {
            let initializer = Initializer.pytorchDefault
            let weights = Parameter("W\(index + 1)", initializer.tensor(shape: [fanIn, fanOut], fanIn: fanIn, fanOut: fanOut, using: &generator))
            let bias = Parameter("b\(index + 1)", initializer.tensor(shape: [fanOut], fanIn: fanIn, fanOut: fanOut, using: &generator))
            node = Linear(node, weights, bias, name: index == layers.count - 1 ? "output" : nil)
            if index < layers.count - 1 { node = ReLU(node) }
        }
        output = node
        let loss: Node = task == .classification ? SoftmaxCE(output, labels, name: "loss") : MSE(labels, output, name: "loss")
        graph = try Graph(loss: loss)
    }

    /// A trainer for this network that prints its progress.
    func trainer(optimizer: any Optimizer) throws -> Trainer {
        try Trainer(graph: graph, features: features, labels: labels, prediction: output, optimizer: optimizer)
    }

    /// The layer sizes written as `784-128-64-10`.
    static func describe(_ sizes: [Int]) -> String { sizes.map(String.init).joined(separator: "-") }
}
