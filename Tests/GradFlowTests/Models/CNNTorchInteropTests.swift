import Foundation
import XCTest
import GradFlow

/// A Sequential LeNet-5 checkpoint loads into PyTorch's nn.Conv2d/nn.Linear with the same names and
/// (for convolutions) the same layouts, and PyTorch predicts what GradFlow does
/// (`scripts/check_cnn_torch.py`). Skipped when no Python with torch is found (`../.venv-bench`, or
/// the python3 on PATH).
final class CNNTorchInteropTests: TemporaryFolderTestCase {
    private static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    func testLeNetCheckpoint_predictsTheSameInPyTorch() throws {
        let python = try OutsideResources.python(importing: "torch, numpy")
        let model = Sequential(seed: 4, inputShape: [1, 28, 28]) {
            Convolution2D(6, kernelSize: (5, 5), padding: .explicit(rows: 2, columns: 2), activation: .relu)
            MaxPooling2D((2, 2))
            Convolution2D(16, kernelSize: (5, 5), activation: .relu)
            MaxPooling2D((2, 2))
            Flatten()
            Dense(120, activation: .relu); Dense(84, activation: .relu); Dense(10)
        }
        var rng = RandomGenerator(seed: 8)
        let x = Tensor.randomUniform([5, 1, 28, 28], using: &rng)
        let logits = try model.predict(x)
        XCTAssertEqual(model.namedParameters.map(\.name), ["conv0.weight", "conv0.bias", "conv1.weight", "conv1.bias", "dense0.weight",
                                                           "dense0.bias", "dense1.weight", "dense1.bias", "dense2.weight", "dense2.bias"])
        try model.save(to: folder + "/lenet.safetensors")
        try Data(x.scalars.withUnsafeBytes { Array($0) }).write(to: URL(fileURLWithPath: folder + "/x.f32"))
        try Data(logits.scalars.withUnsafeBytes { Array($0) }).write(to: URL(fileURLWithPath: folder + "/y.f32"))
        let result = try ReadmeCodeTests.run(python, [Self.root.appendingPathComponent("scripts/check_cnn_torch.py").path,
                                                      folder + "/lenet.safetensors", folder + "/x.f32", folder + "/y.f32"], in: Self.root)
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertTrue(result.output.contains("largest difference"), result.output)
    }

    func testBatchNormCheckpoint_predictsTheSameInPyTorchEvaluationMode() throws {
        let python = try OutsideResources.python(importing: "torch, numpy")
        let model = Sequential(seed: 4, inputShape: [1, 28, 28]) {
            Convolution2D(6, kernelSize: (5, 5), padding: .explicit(rows: 2, columns: 2)); BatchNormalization(); ActivationLayer(.relu)
            MaxPooling2D((2, 2))
            Convolution2D(16, kernelSize: (5, 5)); BatchNormalization(); ActivationLayer(.relu)
            MaxPooling2D((2, 2))
            Flatten()
            Dense(120, activation: .relu); Dense(84, activation: .relu); Dense(10)
        }
        var rng = RandomGenerator(seed: 8)
        // A few training steps, so the running statistics are far from their initial zeros and ones.
        model.compile(loss: .softmaxCrossEntropy, optimizer: try Adam(learningRate: 0.01))
        let train = Tensor.randomUniform([32, 784], lower: 0, upper: 2, using: &rng)
        try model.fit(train, Tensor((0..<32).map { Float($0 % 10) }), epochs: 2, batchSize: 8, seed: 1, verbose: false)
        let x = Tensor.randomUniform([5, 1, 28, 28], using: &rng)
        let logits = try model.predict(x)
        try model.save(to: folder + "/lenet-bn.safetensors", includeOptimizerState: false)
        try Data(x.scalars.withUnsafeBytes { Array($0) }).write(to: URL(fileURLWithPath: folder + "/x.f32"))
        try Data(logits.scalars.withUnsafeBytes { Array($0) }).write(to: URL(fileURLWithPath: folder + "/y.f32"))
        let result = try ReadmeCodeTests.run(python, [Self.root.appendingPathComponent("scripts/check_cnn_torch.py").path,
                                                      folder + "/lenet-bn.safetensors", folder + "/x.f32", folder + "/y.f32", "--batchnorm"],
                                             in: Self.root)
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertTrue(result.output.contains("largest difference"), result.output)
    }
}
