import Foundation
import XCTest
import GradFlow

/// What some tests need from outside the repository, found the same way everywhere: the MNIST files
/// and a Python with given packages. Each lookup throws `XCTSkip` (with what to do) when missing.
enum OutsideResources {
    /// The MNIST directory: `$GRADFLOW_MNIST`, else `../shared/datasets/mnist` beside the repository.
    static func mnistDirectory() throws -> String {
        let fallback = ToolBinary.repository.deletingLastPathComponent().appendingPathComponent("shared/datasets/mnist").path
        let directory = ProcessInfo.processInfo.environment[MNIST.environmentVariable] ?? fallback
        guard FileManager.default.fileExists(atPath: directory + "/" + MNIST.fileNames.trainImages) else {
            throw XCTSkip("MNIST not found in \(directory); set \(MNIST.environmentVariable) to run this test")
        }
        return directory
    }

    /// `../.venv-bench/bin/python` (or the python3 on PATH) when it imports `modules` (`"torch, numpy"`).
    static func python(importing modules: String) throws -> String {
        let venv = ToolBinary.repository.deletingLastPathComponent().appendingPathComponent(".venv-bench/bin/python").path
        let python = FileManager.default.isExecutableFile(atPath: venv) ? venv : "/usr/bin/python3"
        guard (try? ReadmeCodeTests.run(python, ["-c", "import \(modules)"], in: ToolBinary.repository))?.status == 0 else {
            throw XCTSkip("no Python with \(modules) (set up ../.venv-bench as README's Performance section says)")
        }
        return python
    }
}
