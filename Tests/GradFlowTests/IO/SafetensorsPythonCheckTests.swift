import Foundation
import XCTest
import GradFlow

/// Loads a GradFlow checkpoint with Python's `safetensors` package (through
/// `scripts/check_safetensors.py`); skipped when python3 or the package is not installed.
final class SafetensorsPythonCheckTests: XCTestCase {
    func testPythonSafetensors_loadsGradFlowFileWithSameValues() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let script = root.appendingPathComponent("scripts/check_safetensors.py").path
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/env"), FileManager.default.fileExists(atPath: script) else {
            throw XCTSkip("/usr/bin/env or scripts/check_safetensors.py not found")
        }
        let directory = NSTemporaryDirectory() + "gradflow-python-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }

        var rng = RandomGenerator(seed: 11)
        let tensors = ["dense0.weight": Tensor.randomNormal([4, 3], using: &rng), "dense0.bias": Tensor([0.5, -1, 2]),
                       "scalar": Tensor(-3.25), "image": Tensor.randomUniform([2, 3, 2], using: &rng)]
        try Checkpoint.write(tensors: tensors, metadata: ["gradflow.model": "test"], to: directory + "/t.safetensors")
        let dump = tensors.mapValues { ["shape": $0.shape.map(Double.init), "values": $0.scalars.map(Double.init)] }
        try JSONSerialization.data(withJSONObject: dump).write(to: URL(fileURLWithPath: directory + "/t.json"))

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")   // the python3 first on PATH
        process.arguments = ["python3", script, directory + "/t.safetensors", directory + "/t.json"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        process.waitUntilExit()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        if text.hasPrefix("skipped") || process.terminationStatus == 127 { throw XCTSkip("python3 unavailable: \(text)") }
        XCTAssertEqual(process.terminationStatus, 0, text)
        XCTAssertTrue(text.hasPrefix("ok: 4 tensors match"), text)
    }
}
