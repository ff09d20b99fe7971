import XCTest
import GradFlow
@testable import GradFlowCore
@testable import GradFlowTraining
@testable import GradFlowGraphFiles

/// A user-defined block, as in the seed's `MLP(nn.Block)`: two dense layers and its own forward.
private final class MLP: Layer {
    let hidden = Dense(8, activation: .relu)
    let output = Dense(3)
    func makeNodes(_ x: Node, context: LayerContext) throws -> Node {
        try output(hidden(x, context), context)
    }
}

/// A block that applies one dense layer twice (Gluon's parameter sharing).
private final class Twice: Layer {
    let shared: Dense
    init(_ shared: Dense) { self.shared = shared }
    func makeNodes(_ x: Node, context: LayerContext) throws -> Node {
        try shared(shared(x, context), context)
    }
}

final class SequentialTests: XCTestCase {
    func testBuild_infersDeferredShapes() throws {
        let model = Sequential {
            Dense(16, activation: .relu)
            DropoutLayer(0.2)
            Dense(4)
        }
        XCTAssertNil((model[0] as? Dense)?.weight, "no parameters before the first build")
        try model.build(inputShape: [5])
        XCTAssertEqual((model[0] as? Dense)?.weight?.value.shape, [5, 16])
        XCTAssertEqual((model["dense1"] as? Dense)?.weight?.value.shape, [16, 4])
        XCTAssertEqual(model.records.map(\.outputShape), [[.batch, 16], [.batch, 16], [.batch, 4]])
        XCTAssertEqual(model.namedParameters.map(\.name), ["dense0.weight", "dense0.bias", "dense1.weight", "dense1.bias"])
        XCTAssertEqual(model.parameterCount, 5 * 16 + 16 + 16 * 4 + 4)
        XCTAssertTrue(model.graph?.nodes.contains { $0 is Linear } ?? false)
        XCTAssertEqual(try model.predict(Tensor.ones([7, 5])).shape, [7, 4])
    }

    func testBuild_withAnotherInputSize_throwsNamingLayerAndShapes() throws {
        let model = Sequential { Dense(3); Dense(2) }
        try model.build(inputShape: [4])
        XCTAssertThrowsError(try model.predict(Tensor.ones([2, 6]))) { error in
            XCTAssertEqual(error as? ModelError, .inputShapeChanged(layer: "dense0", built: "[batch, 4]", given: "[batch, 6]"))
            XCTAssertTrue("\(error)".contains("layer 'dense0' was built for input [batch, 4] but is now given [batch, 6]"))
        }
        XCTAssertEqual(model.inputShape, [4], "a failed build keeps the previous graph")
        XCTAssertEqual(try model.predict(Tensor.ones([2, 4])).shape, [2, 2])
    }

    func testBuild_errorsNameTheLayer() throws {
        let cases: [(Sequential, [Int], ModelError)] = [
            (Sequential { Dense(0) }, [3], .invalidConfiguration(layer: "dense0", detail: "units = 0; a dense layer needs at least 1 unit")),
            (Sequential { Dense(2); DropoutLayer(1.5) }, [3],
             .invalidConfiguration(layer: "dropout0", detail: "dropout rate 1.5 is invalid: expected a number in [0, 1)")),
            (Sequential { Dense(2) }, [2, 3], .incompatibleInput(layer: "dense0", expected: "[batch, features] (add Flatten() before it)",
                                                                 found: "[batch, 2, 3]")),
            (Sequential { Dense(2, inputSize: 5) }, [3], .inputShapeChanged(layer: "dense0", built: "[batch, 5]", given: "[batch, 3]")),
            (Sequential { Dense(2, name: "fc"); Dense(2, name: "fc") }, [3], .duplicateLayerName("fc")),
            (Sequential(), [3], .empty),
        ]
        for (model, shape, expected) in cases {
            XCTAssertThrowsError(try model.build(inputShape: shape), "\(expected)") { error in
                XCTAssertEqual(error as? ModelError, expected)
            }
        }
    }

    func testFlatten_feedsImagesToDense() throws {
        let model = Sequential { Flatten(); Dense(3) }
        let output = try model.predict(Tensor.ones([2, 4, 5]))
        XCTAssertEqual(output.shape, [2, 3])
        XCTAssertEqual((model[1] as? Dense)?.weight?.value.shape, [20, 3])
        XCTAssertEqual(model.records.first?.outputShape, [.batch, 20])
    }

    func testLayerAccess_byIndexAndName_beforeAndAfterBuild() throws {
        let model = Sequential { Dense(4, activation: .relu); ActivationLayer(.tanh) }
        model.add(Dense(2, name: "logits"))
        XCTAssertTrue(model[0] is Dense)
        XCTAssertTrue(model["tanh0"] is ActivationLayer)
        XCTAssertTrue(model["logits"] === model[2])
        XCTAssertNil(model["dense1"])
        try model.build(inputShape: [3])
        XCTAssertEqual(model.namedParameters.map(\.name), ["dense0.weight", "dense0.bias", "logits.weight", "logits.bias"])
    }

    func testCustomBlock_composesInSequentialWithScopedNames() throws {
        let block = MLP()
        let model = Sequential { Dense(5, activation: .relu); block }
        try model.build(inputShape: [2])
        XCTAssertEqual(model.namedParameters.map(\.name), ["dense0.weight", "dense0.bias", "mlp0.dense0.weight",
                                                           "mlp0.dense0.bias", "mlp0.dense1.weight", "mlp0.dense1.bias"])
        XCTAssertTrue(model["mlp0.dense1"] === block.output)
        XCTAssertEqual(model.records.map(\.name), ["dense0", "mlp0", "mlp0.dense0", "mlp0.dense1"])
        XCTAssertEqual(model.records[1].parameterCount, 5 * 8 + 8 + 8 * 3 + 3)
        XCTAssertEqual(try model.predict(Tensor.ones([4, 2])).shape, [4, 3])
    }

    func testSharedLayer_usesOneParameterAndAccumulatesBothGradients() throws {
        let shared = Dense(2, activation: .tanh, inputSize: 2)
        let model = Sequential(seed: 3) { Twice(shared) }
        model.compile(loss: .meanSquaredError, optimizer: try SGD(learningRate: 0.1))
        try model.build(inputShape: [2])
        XCTAssertEqual(model.parameters.count, 2, "one weight and one bias, shared by both applications")
        XCTAssertEqual(model.graph?.nodes.filter { $0 is Linear }.count, 2)

        // ∂L/∂W must equal the sum of the two uses' partials: compare with finite differences.
        let x = try Tensor([[0.5, -1], [1, 2], [-0.3, 0.7]]), y = try Tensor([[0.1, 0.2], [0.3, -0.4], [0, 0.5]])
        guard let graph = model.graph, let input = model.input, let targets = model.targets, let weight = shared.weight else {
            return XCTFail("model not built")
        }
        try graph.forwardAndBackward(feed: [input: x, targets: y])
        let analytic = weight.gradient
        let step: Float = 1e-3
        for element in 0..<weight.value.count {
            let original = weight.value.scalars[element]
            weight.value.scalars[element] = original + step
            let plus = try graph.forwardAndBackward(feed: [input: x, targets: y])
            weight.value.scalars[element] = original - step
            let minus = try graph.forwardAndBackward(feed: [input: x, targets: y])
            weight.value.scalars[element] = original
            XCTAssertEqual(analytic.scalars[element], (plus - minus) / (2 * step), accuracy: 2e-3)
        }
    }

    func testSummary_listsLayersShapesAndCounts() throws {
        let model = Sequential { Dense(128, activation: .relu); DropoutLayer(0.2); Dense(10) }
        XCTAssertTrue(model.summary().contains("dense0 (Dense)"))
        try model.build(inputShape: [784])
        let lines = model.summary().split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 7)
        XCTAssertTrue(lines[2].hasPrefix("dense0 (Dense)") && lines[2].contains("[batch, 128]") && lines[2].hasSuffix("100480"))
        XCTAssertTrue(lines[3].hasPrefix("dropout0 (DropoutLayer)") && lines[3].hasSuffix(" 0"))
        XCTAssertTrue(lines[4].contains("[batch, 10]") && lines[4].hasSuffix("1290"))
        XCTAssertEqual(lines[6], "Total params: 101,770")
    }

    func testFitAndEvaluate_beforeCompile_throwNotCompiled() {
        let model = Sequential { Dense(1) }
        XCTAssertThrowsError(try model.fit(Tensor.ones([4, 1]), Tensor.ones([4]), verbose: false)) {
            XCTAssertEqual($0 as? ModelError, .notCompiled)
        }
        XCTAssertThrowsError(try model.evaluate(Tensor.ones([4, 1]), Tensor.ones([4]))) {
            XCTAssertEqual($0 as? ModelError, .notCompiled)
        }
    }

    func testFit_rejectsMismatchedTargetsAndBadArguments() throws {
        let model = Sequential { Dense(1) }
        model.compile(loss: .meanSquaredError, optimizer: try SGD(learningRate: 0.1))
        XCTAssertThrowsError(try model.fit(Tensor.ones([4, 1]), Tensor.ones([3]), verbose: false)) {
            XCTAssertEqual($0 as? ModelError, .dataShapeMismatch(argument: "y", expected: "[4, …] (one target per example of x)", found: [3]))
        }
        XCTAssertThrowsError(try model.fit(Tensor.ones([4, 1]), Tensor.ones([4]), validationSplit: 1, verbose: false)) {
            XCTAssertEqual($0 as? ModelError, .invalidArgument(name: "validationSplit", value: "1.0", expected: "a fraction in [0, 1)"))
        }
        XCTAssertThrowsError(try model.fit(Tensor.ones([4, 1]), Tensor.ones([4]), epochs: 0, verbose: false)) {
            XCTAssertEqual($0 as? TrainerError, .invalidEpochs(0))
        }
    }

    func testPredict_turnsDropoutOffAndFitTurnsItOn() throws {
        let model = Sequential(seed: 1) { Dense(64, inputSize: 4); DropoutLayer(0.5) }
        let x = Tensor.ones([3, 4])
        XCTAssertEqual(try model.predict(x), try model.predict(x), "inference is deterministic")
        model.compile(loss: .meanSquaredError, optimizer: try SGD(learningRate: 1e-6))
        try model.fit(x, Tensor.zeros([3, 64]), epochs: 1, batchSize: 3, verbose: false)
        let dropout = model.graph?.nodes.compactMap { $0 as? Dropout }.first
        XCTAssertEqual(dropout?.isTraining, false)
        XCTAssertTrue(dropout?.mask.scalars.contains(0) ?? false, "fit ran with dropout on")
    }
}
