import GradFlow

/// UCI optical digits (8×8 images, 1,797 examples): 64-64-10 ReLU on standardised pixels,
/// softmax cross-entropy, SGD lr 0.1, batches of 32, scored on a held-out 20%.
struct DigitsDemo {
    var options: DemoOptions

    func run() throws {
        try runClassificationDemo(title: "Digits", path: options.dataPath ?? "Graphs/data/digits.csv", target: "digit",
                                  hidden: [64], classes: 10, defaults: (epochs: 30, batchSize: 32), options: options)
    }
}

/// UCI wine (178 examples, 13 measurements, 3 cultivars): 13-16-3 ReLU on standardised features,
/// softmax cross-entropy, SGD lr 0.1, batches of 16, scored on a held-out 20%.
struct WineDemo {
    var options: DemoOptions

    func run() throws {
        try runClassificationDemo(title: "Wine", path: options.dataPath ?? "Graphs/data/wine.csv", target: "class",
                                  hidden: [16], classes: 3, defaults: (epochs: 60, batchSize: 16), options: options)
    }
}

/// The shared recipe of the small CSV classifiers: load, split 80/20 with the seed, standardise with
/// statistics of the training part only, train with validation each epoch, print the confusion matrix.
func runClassificationDemo(title: String, path: String, target: String, hidden: [Int], classes: Int,
                           defaults: (epochs: Int, batchSize: Int), options: DemoOptions) throws {
    let seed = options.seed ?? 1
    let (epochs, batchSize) = (options.epochs ?? defaults.epochs, options.batchSize ?? defaults.batchSize)
    var rng = RandomGenerator(seed: seed)
    let (rawTrain, rawTest) = try CSVReader.load(path: path, target: target).split(testFraction: 0.2, using: &rng)
    let scaler = try Standardizer.fit(rawTrain.features)
    let train = try scaler.transformFeatures(of: rawTrain), test = try scaler.transformFeatures(of: rawTest)
    let sizes = [train.features.shape[1]] + hidden + [classes]
    let network = try DemoNetwork(sizes: sizes, task: .classification, using: &rng)
    let optimizer = try options.optimizer.make(learningRate: options.learningRate)
    print("\(title): \(train.count) train / \(test.count) held out, standardised; \(DemoNetwork.describe(sizes)) ReLU,",
          "softmax cross-entropy, \(options.optimizer.rawValue) lr \(optimizer.learningRate), batch \(batchSize),",
          "\(epochs) epochs, seed \(seed)")
    let trainer = try network.trainer(optimizer: optimizer)
    try trainer.fit(train, epochs: epochs, batchSize: batchSize, shuffleSeed: seed, validation: test, metric: .accuracy)
    let result = try trainer.evaluate(test, metric: .accuracy)
    print(try ConfusionMatrix(predictions: result.predictions, labels: test.labels, classCount: classes))
    print("held-out accuracy \(format(result.metric ?? 0))")
}
