import XCTest
import GradFlow

final class TrainerTests: XCTestCase {
    /// A 4-16-3 ReLU classifier on iris, as a trainer with a silent log.
    private func irisTrainer(seed: UInt64 = 1) throws -> (Trainer, Dataset, Dataset) {
        var rng = RandomGenerator(seed: seed)
        let data = try CSVReader.load(path: dataPath("iris.csv"), target: "species")
        let (rawTrain, rawTest) = data.split(testFraction: 0.2, using: &rng)
        let scaler = try Standardizer.fit(rawTrain.features)
        let train = try scaler.transformFeatures(of: rawTrain), test = try scaler.transformFeatures(of: rawTest)
        let X = Input("X", shape: [.batch, 4]), y = Input("y", shape: [.batch])
        let W1 = Parameter("W1", .randomUniform([4, 16], lower: -0.5, upper: 0.5, using: &rng))
        let W2 = Parameter("W2", .randomUniform([16, 3], lower: -0.25, upper: 0.25, using: &rng))
        let logits = Linear(ReLU(Linear(X, W1, Parameter("b1", .zeros([16])))), W2, Parameter("b2", .zeros([3])))
        let graph = try Graph(loss: SoftmaxCE(logits, y))
        let trainer = try Trainer(graph: graph, features: X, labels: y, prediction: logits,
                                  optimizer: try SGD(learningRate: 0.1), log: .silent)
        return (trainer, train, test)
    }

    private func dataPath(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Graphs/data/\(name)").path
    }

    func testFit_iris_reachesHighHeldOutAccuracyAndRecordsHistory() throws {
        let (trainer, train, test) = try irisTrainer()
        var lines: [String] = []
        trainer.log = .lines { lines.append($0) }
        let history = try trainer.fit(train, epochs: 40, batchSize: 8, shuffleSeed: 2, validation: test, metric: .accuracy)
        XCTAssertEqual(history.epochs, 40)
        XCTAssertEqual(history.validationMetric.count, 40)
        XCTAssertEqual(history.metric, .accuracy)
        XCTAssertLessThan(history.loss[39], history.loss[0] * 0.5)
        XCTAssertGreaterThanOrEqual(history.validationMetric[39], 0.9)
        XCTAssertEqual(lines.count, 40)
        XCTAssertTrue(lines[2].hasPrefix("Epoch 3/40  loss "), lines[2])
        XCTAssertTrue(lines[2].contains("  val_acc "), lines[2])
        XCTAssertTrue(lines[2].hasSuffix(" s)"), lines[2])
        let evaluation = try trainer.evaluate(test, metric: .accuracy, batchSize: 7)
        XCTAssertEqual(evaluation.metric ?? -1, history.validationMetric[39], accuracy: 1e-6)
        XCTAssertEqual(evaluation.loss, history.validationLoss[39], accuracy: 1e-4)
        XCTAssertEqual(try trainer.predict(test.features, batchSize: 5), evaluation.predictions)
    }

    func testFit_digits_passes90PercentHeldOutInAFewEpochs() throws {
        var rng = RandomGenerator(seed: 1)
        let (rawTrain, rawTest) = try CSVReader.load(path: dataPath("digits.csv"), target: "digit").split(testFraction: 0.2, using: &rng)
        let scaler = try Standardizer.fit(rawTrain.features)
        let X = Input("X", shape: [.batch, 64]), y = Input("y", shape: [.batch])
        let W1 = Parameter("W1", .randomUniform([64, 32], lower: -0.125, upper: 0.125, using: &rng))
        let W2 = Parameter("W2", .randomUniform([32, 10], lower: -0.17, upper: 0.17, using: &rng))
        let logits = Linear(ReLU(Linear(X, W1, Parameter("b1", .zeros([32])))), W2, Parameter("b2", .zeros([10])))
        let trainer = try Trainer(graph: try Graph(loss: SoftmaxCE(logits, y)), features: X, labels: y, prediction: logits,
                                  optimizer: try SGD(learningRate: 0.1), log: .silent)
        let history = try trainer.fit(try scaler.transformFeatures(of: rawTrain), epochs: 5, batchSize: 32, shuffleSeed: 1,
                                      validation: try scaler.transformFeatures(of: rawTest), metric: .accuracy)
        XCTAssertGreaterThanOrEqual(history.validationMetric.last ?? 0, 0.9)
    }

    func testFit_sameSeed_reproducesTheRun() throws {
        let (first, train, _) = try irisTrainer()
        let (second, _, _) = try irisTrainer()
        let a = try first.fit(train, epochs: 3, batchSize: 16, shuffleSeed: 9, dropLast: true)
        let b = try second.fit(train, epochs: 3, batchSize: 16, shuffleSeed: 9, dropLast: true)
        XCTAssertEqual(a.loss, b.loss)
        XCTAssertTrue(a.validationMetric.isEmpty)
    }

    func testFit_refillsTheInputBuffersInPlace() throws {
        let (trainer, train, _) = try irisTrainer()
        try trainer.fit(train, epochs: 1, batchSize: 10, dropLast: true)
        let before = trainer.features.value.withUnsafeBufferPointer { $0.baseAddress }
        var steps = 0
        trainer.epochEnded = { [unowned trainer] _, _ in
            steps += 1
            XCTAssertEqual(trainer.features.value.withUnsafeBufferPointer { $0.baseAddress }, before)
        }
        try trainer.fit(train, epochs: 2, batchSize: 10, dropLast: true)
        XCTAssertEqual(steps, 2)
    }

    func testFit_regression_reachesHighRSquared() throws {
        var rng = RandomGenerator(seed: 4)
        let xs = Tensor.randomUniform([200, 2], lower: -1, upper: 1, using: &rng)
        let ys = Tensor((0..<200).map { 3 * xs[$0, 0] - 2 * xs[$0, 1] + 0.5 })   // targets [n] fed to a [batch, 1] input
        let data = try Dataset(features: xs, labels: ys)
        let X = Input("X", shape: [.batch, 2]), y = Input("y", shape: [.batch, 1])
        let output = Linear(X, Parameter("W", .zeros([2, 1])), Parameter("b", .zeros([1])))
        let trainer = try Trainer(graph: try Graph(loss: MSE(y, output)), features: X, labels: y, prediction: output,
                                  optimizer: try SGD(learningRate: 0.1), log: .silent)
        let history = try trainer.fit(data, epochs: 30, batchSize: 10, validation: data, metric: .rSquared)
        XCTAssertGreaterThan(history.validationMetric.last ?? 0, 0.999)
    }

    func testEvaluate_turnsDropoutOffAndFitTurnsItOn() throws {
        let X = Input("X", shape: [.batch, 3]), y = Input("y", shape: [.batch])
        let dropout = try Dropout(X, dropProbability: 0.5, seed: 3)
        let logits = Linear(dropout, Parameter("W", .ones([3, 2])), Parameter("b", .zeros([2])))
        let trainer = try Trainer(graph: try Graph(loss: SoftmaxCE(logits, y)), features: X, labels: y, prediction: logits,
                                  optimizer: try SGD(learningRate: 0.01), log: .silent)
        let inputs = try Tensor([[1, 2, 3], [4, 5, 6]])
        XCTAssertEqual(try trainer.predict(inputs).scalars, [6, 6, 15, 15])   // identity: no drop, no rescale
        let data = try Dataset(features: inputs, labels: Tensor([0, 1]))
        XCTAssertEqual(try trainer.evaluate(data).predictions.scalars, [6, 6, 15, 15])
        XCTAssertFalse(trainer.graph.isTraining)
        XCTAssertFalse(dropout.isTraining, "the graph's mode reaches its nodes")
        var sawTraining = false
        trainer.stepEnded = { _ in sawTraining = dropout.isTraining }
        try trainer.fit(data, epochs: 1, batchSize: 2)
        XCTAssertTrue(sawTraining)
        XCTAssertFalse(trainer.graph.isTraining, "fit leaves the graph in evaluation mode")
    }

    func testFit_invalidArguments_throwTypedErrors() throws {
        let (trainer, train, _) = try irisTrainer()
        XCTAssertThrowsError(try trainer.fit(train, epochs: 0, batchSize: 8)) { error in
            XCTAssertEqual(error as? TrainerError, .invalidEpochs(0))
        }
        XCTAssertThrowsError(try trainer.fit(train, epochs: 1, batchSize: 0)) { error in
            XCTAssertEqual(error as? DataError, .invalidBatchSize(0))
        }
        XCTAssertThrowsError(try trainer.fit(train, epochs: 1, batchSize: 500, dropLast: true)) { error in
            XCTAssertEqual(error as? TrainerError, .noBatches(examples: 120, batchSize: 500, dropLast: true))
        }
        let wide = try Dataset(features: Tensor.zeros([5, 3]), labels: Tensor.zeros([5]))
        XCTAssertThrowsError(try trainer.fit(wide, epochs: 1, batchSize: 2)) { error in
            XCTAssertEqual(error as? TrainerError, .dataShapeMismatch(input: "X", declared: "[batch, 4]", found: [5, 3]))
        }
        let badLabels = try Dataset(features: Tensor.zeros([2, 4]), labels: Tensor([0, 7]))
        XCTAssertThrowsError(try trainer.fit(badLabels, epochs: 1, batchSize: 2)) { error in
            XCTAssertTrue(error is GraphError, "\(error)")
        }
    }

    func testProgressBarAndSummary_renderTheDocumentedFormat() {
        let bar = ProgressBar(total: 10, width: 10)
        XCTAssertEqual(bar.line(step: 5, loss: 0.25), "[=====>    ]  50%  loss 0.2500")
        XCTAssertEqual(bar.line(step: 10, loss: 0.125), "[==========] 100%  loss 0.1250")
        var history = History(metric: .accuracy)
        history.loss = [0.5, 0.21344]
        history.validationMetric = [0.9, 0.96123]
        history.epochSeconds = [2, 1.94]
        XCTAssertEqual(history.summary(epoch: 2, of: 10), "Epoch 2/10  loss 0.2134  val_acc 0.9612  (1.9 s)")
    }
}
