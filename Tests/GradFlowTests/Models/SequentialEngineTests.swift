import XCTest
import GradFlow
@testable import GradFlowCore

/// `Sequential.fit` runs on `Trainer`: the same weights as the graph-file front door, and the
/// trainer's guards, callbacks and resume through the Keras-style API.
final class SequentialEngineTests: XCTestCase {
    private func data(seed: UInt64) throws -> (x: Tensor, y: Tensor) {
        var rng = RandomGenerator(seed: seed)
        let x = Tensor.randomNormal([60, 4], using: &rng)
        let y = Tensor((0..<60).map { Float((x[$0, 0] + x[$0, 1] > 0 ? 1 : 0) + (x[$0, 2] > 0.5 ? 1 : 0)) })
        return (x, y)
    }

    private func model(dropout: Bool = true) throws -> Sequential {
        let model = Sequential(seed: 5) {
            Dense(8, activation: .relu)
            DropoutLayer(dropout ? 0.25 : 0)
            Dense(3)
        }
        model.compile(loss: .softmaxCrossEntropy, optimizer: try SGD(learningRate: 0.1, momentum: 0.9), metrics: [.accuracy])
        return model
    }

    func testSequentialAndItsGraphFile_trainToEqualWeights() throws {
        let (x, y) = try data(seed: 1)
        let model = try model()
        try model.build(inputShape: [4])
        let file = try GraphFile(source: try GraphFileWriter.text(for: model))
        // Same starting point: the file's parameters take the model's initial values by name.
        let initial = Dictionary(uniqueKeysWithValues: model.namedParameters.map { ($0.name, $0.parameter.value) })
        for parameter in file.parameters { parameter.value = try XCTUnwrap(initial[parameter.name], parameter.name) }
        XCTAssertEqual(file.parameters.count, model.parameters.count)

        try model.fit(x, y, epochs: 4, batchSize: 8, seed: 9, verbose: false)
        let trainer = try Trainer(graph: file.graph, features: try file.featuresInput(), labels: try file.labelsInput(),
                                  prediction: file.output, optimizer: try SGD(learningRate: 0.1, momentum: 0.9), log: .silent)
        try trainer.fit(try Dataset(features: x, labels: y), epochs: 4, batchSize: 8, shuffleSeed: 9)

        for parameter in file.parameters {
            let trained = try XCTUnwrap(model.namedParameters.first { $0.name == parameter.name }?.parameter.value)
            XCTAssertEqual(parameter.value, trained, "\(parameter.name) differs between the two front doors")
        }
        XCTAssertNotEqual(file.parameters[0].value, initial[file.parameters[0].name], "training changed nothing")
    }

    func testFit_hasTheTrainersNumericGuards() throws {
        let (x, y) = try data(seed: 2)
        let model = Sequential(seed: 1) { Dense(8, activation: .relu); Dense(3) }
        model.compile(loss: .softmaxCrossEntropy, optimizer: try SGD(learningRate: 1e4))
        XCTAssertThrowsError(try model.fit(x, y, epochs: 50, batchSize: 8, verbose: false)) { error in
            guard let error = error as? TrainerError else { return XCTFail("\(error)") }
            switch error {
            case .nonFiniteValue, .diverged, .nonFiniteUpdate: break
            default: XCTFail("\(error)")
            }
        }
    }

    func testFit_runsCallbacksAndSchedule() throws {
        let (x, y) = try data(seed: 3)
        let model = try model(dropout: false)
        let stopping = EarlyStopping(monitor: .loss, patience: 1, minDelta: 10)   // no epoch improves by 10
        final class Rates: TrainingCallback {
            var seen: [Float] = []
            func epochBegan(_ epoch: Int, trainer: Trainer) throws { seen.append(trainer.optimizer.learningRate) }
        }
        let rates = Rates()
        let history = try model.fit(x, y, epochs: 10, batchSize: 8, verbose: false,
                                    schedule: try StepDecay(initialLearningRate: 0.1, stepSize: 1, factor: 0.5), callbacks: [rates, stopping])
        XCTAssertEqual(history.epochs, 2, "early stopping ends the run after patience 1")
        XCTAssertEqual(stopping.stoppedEpoch, 2)
        XCTAssertEqual(rates.seen, [0.1, 0.05], "the schedule callback runs before the user's")
    }

    func testFit_resumesThroughItsTrainer_bitForBit() throws {
        let (x, y) = try data(seed: 4)
        let whole = try model()
        try whole.fit(x, y, epochs: 6, batchSize: 8, seed: 2, verbose: false)

        let first = try model()
        try first.fit(x, y, epochs: 3, batchSize: 8, seed: 2, verbose: false)
        let state = try first.trainer(for: x).trainingState()
        let second = try model()
        try second.trainer(for: x).restore(state)
        try second.fit(x, y, epochs: 6, batchSize: 8, seed: 2, verbose: false)
        for ((name, a), (_, b)) in zip(whole.namedParameters, second.namedParameters) {
            XCTAssertEqual(a.value, b.value, "\(name): the resumed run differs from the uninterrupted one")
        }
    }
}
