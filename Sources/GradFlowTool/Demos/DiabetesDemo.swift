import GradFlow

/// Efron et al.'s diabetes data (442 patients, 10 baseline variables → disease progression one year
/// later): regression with standardised features and target, 10-16-1 ReLU, MSE, SGD lr 0.01,
/// batches of 16, R² on a held-out 20%.
struct DiabetesDemo {
    var options: DemoOptions

    func run() throws {
        let seed = options.seed ?? 1
        let (epochs, batchSize) = (options.epochs ?? 40, options.batchSize ?? 16)
        var rng = RandomGenerator(seed: seed)
        let path = options.dataPath ?? "Graphs/data/diabetes.csv"
        let (rawTrain, rawTest) = try CSVReader.load(path: path, target: "progression").split(testFraction: 0.2, using: &rng)
        let featureScaler = try Standardizer.fit(rawTrain.features)
        let targetScaler = try Standardizer.fit(rawTrain.labels)
        func standardised(_ data: Dataset) throws -> Dataset {
            try Dataset(features: featureScaler.transform(data.features), labels: targetScaler.transform(data.labels))
        }
        let train = try standardised(rawTrain), test = try standardised(rawTest)
        let sizes = [10, 16, 1]
        let network = try DemoNetwork(sizes: sizes, task: .regression, using: &rng)
        let optimizer = try options.optimizer.make(learningRate: options.learningRate ?? 0.01)
        print("Diabetes: \(train.count) train / \(test.count) held out, standardised features and target;",
              "\(DemoNetwork.describe(sizes)) ReLU, MSE, \(options.optimizer.rawValue) lr \(optimizer.learningRate),",
              "batch \(batchSize), \(epochs) epochs, seed \(seed)")
        let trainer = try network.trainer(optimizer: optimizer)
        try trainer.fit(train, epochs: epochs, batchSize: batchSize, shuffleSeed: seed, validation: test, metric: .rSquared)
        let predictions = try targetScaler.inverseTransform(try trainer.predict(test.features))
        let r2 = try Metrics.rSquared(predictions: predictions, targets: rawTest.labels)
        let mae = try Metrics.meanAbsoluteError(predictions: predictions, targets: rawTest.labels)
        print("held-out R² \(format(r2)), mean absolute error \(format(mae)) (progression units)")
    }
}
