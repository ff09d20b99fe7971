import GradFlow

/// Efron et al.'s diabetes data (442 patients, 10 baseline variables → disease progression one year
/// later): regression with standardised features and target, 10-16-1 ReLU, MSE, SGD lr 0.01,
/// batches of 16, R² on a held-out 20%, then 5-fold cross-validation on the other 80% (held-out R²
/// on 88 patients depends a lot on which patients they are; the folds show by how much).
struct DiabetesDemo {
    var options: DemoOptions
    let sizes = [10, 16, 1]

    func run() throws {
        let seed = options.seed ?? 1
        let (epochs, batchSize) = (options.epochs ?? 40, options.batchSize ?? 16)
        var rng = RandomGenerator(seed: seed)
        let path = options.dataPath ?? "Graphs/data/diabetes.csv"
        let (train, test) = try CSVReader.load(path: path, target: "progression").split(testFraction: 0.2, using: &rng)
        print("Diabetes: \(train.count) train / \(test.count) held out, standardised features and target;",
              "\(DemoNetwork.describe(sizes)) ReLU, MSE, \(options.optimizer.rawValue) lr \(options.learningRate ?? 0.01),",
              "batch \(batchSize), \(epochs) epochs, seed \(seed)")
        let (r2, mae) = try trainAndScore(train: train, test: test, epochs: epochs, batchSize: batchSize,
                                          seed: seed, log: .standardOutput, using: &rng)
        print("held-out R² \(format(r2)), mean absolute error \(format(mae)) (progression units)")

        var scores: [Float] = []
        for fold in try train.kFolds(5, using: &rng) {
            scores.append(try trainAndScore(train: fold.train, test: fold.validation, epochs: epochs, batchSize: batchSize,
                                            seed: seed, log: .silent, using: &rng).r2)
        }
        let mean = scores.reduce(0, +) / Float(scores.count)
        let spread = (scores.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(scores.count)).squareRoot()
        print("5-fold cross-validated R² on the training part: \(scores.map(format).joined(separator: " ")),",
              "mean \(format(mean)) ± \(format(spread))")
    }

    /// Standardises with `train`'s statistics, trains a fresh network and scores it on `test` in
    /// the original units. Returns R² and the mean absolute error.
    private func trainAndScore(train: Dataset, test: Dataset, epochs: Int, batchSize: Int, seed: UInt64,
                               log: TrainerLog, using rng: inout RandomGenerator) throws -> (r2: Float, mae: Float) {
        let featureScaler = try Standardizer.fit(train.features)
        let targetScaler = try Standardizer.fit(train.labels)
        func standardised(_ data: Dataset) throws -> Dataset {
            try Dataset(features: featureScaler.transform(data.features), labels: targetScaler.transform(data.labels))
        }
        let network = try DemoNetwork(sizes: sizes, task: .regression, using: &rng)
        let trainer = try network.trainer(optimizer: try options.optimizer.make(learningRate: options.learningRate ?? 0.01))
        trainer.log = log
        try trainer.fit(try standardised(train), epochs: epochs, batchSize: batchSize, shuffleSeed: seed,
                        validation: try standardised(test), metric: .rSquared)
        let predictions = try targetScaler.inverseTransform(try trainer.predict(try featureScaler.transform(test.features)))
        return (try Metrics.rSquared(predictions: predictions, targets: test.labels),
                try Metrics.meanAbsoluteError(predictions: predictions, targets: test.labels))
    }
}
