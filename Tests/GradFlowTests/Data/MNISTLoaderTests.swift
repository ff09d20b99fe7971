import XCTest
import GradFlow

final class MNISTLoaderTests: XCTestCase {
    /// `$GRADFLOW_MNIST`, or `<repo>/../shared/datasets/mnist` found from this file's path.
    private func mnistDirectory() throws -> String {
        if let directory = ProcessInfo.processInfo.environment[MNIST.environmentVariable], !directory.isEmpty {
            return directory
        }
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let path = repository.deletingLastPathComponent().appendingPathComponent("shared/datasets/mnist").path
        guard FileManager.default.fileExists(atPath: path + "/" + MNIST.fileNames.trainImages) else {
            throw XCTSkip("MNIST not found at \(path); set \(MNIST.environmentVariable) to run this test")
        }
        return path
    }

    func testLoad_hasTheStandardShapesLabelCountsAndScaling() throws {
        let (train, test) = try MNIST.load(directory: try mnistDirectory())
        XCTAssertEqual(train.features.shape, [60_000, 784])
        XCTAssertEqual(test.features.shape, [10_000, 784])
        XCTAssertEqual(train.labels.shape, [60_000])
        XCTAssertEqual(train.labels.scalars[0], 5)
        XCTAssertEqual(test.labels.scalars[0], 7)
        var trainCounts = [Int](repeating: 0, count: 10), testCounts = [Int](repeating: 0, count: 10)
        for label in train.labels.scalars { trainCounts[Int(label)] += 1 }
        for label in test.labels.scalars { testCounts[Int(label)] += 1 }
        XCTAssertEqual(trainCounts, [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949])
        XCTAssertEqual(testCounts, [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009])
        XCTAssertEqual(train.features.scalars.min(), 0)
        XCTAssertEqual(train.features.scalars.max(), 1)
    }

    func testLoad_noDirectory_saysHowToSetIt() {
        XCTAssertThrowsError(try MNIST.load(directory: nil, environment: [:])) { error in
            let text = (error as? DataError)?.description ?? ""
            XCTAssertTrue(text.contains("GRADFLOW_MNIST="), text)
            XCTAssertTrue(text.contains("--mnist"), text)
        }
    }

    func testLoad_missingDirectoryFromEnvironment_namesItAndTheVariable() {
        XCTAssertThrowsError(try MNIST.load(environment: ["GRADFLOW_MNIST": "/no/such/mnist"])) { error in
            let text = (error as? DataError)?.description ?? ""
            XCTAssertTrue(text.contains("'/no/such/mnist' does not exist"), text)
            XCTAssertTrue(text.contains("GRADFLOW_MNIST"), text)
        }
    }

    func testLoad_directoryWithoutFiles_namesTheMissingFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mnist-empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        XCTAssertThrowsError(try MNIST.load(directory: directory.path)) { error in
            let text = (error as? DataError)?.description ?? ""
            XCTAssertTrue(text.contains("train-images-idx3-ubyte' not found"), text)
        }
    }
}
