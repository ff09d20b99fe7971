import XCTest
import GradFlow

/// The small data sets shipped in `Graphs/data`, prepared as the model tests use them.
enum ShippedData {
    /// The 8×8 digits with pixels scaled from 0…16 to 0…1, split 80/20 with a fixed seed.
    static func scaledDigits() throws -> (train: Dataset, test: Dataset) {
        let digits = try CSVReader.load(path: ToolBinary.repository.appendingPathComponent("Graphs/data/digits.csv").path, target: "digit")
        var rng = RandomGenerator(seed: 3)
        var (train, test) = digits.split(testFraction: 0.2, using: &rng)
        train.features = train.features.map { $0 / 16 }
        test.features = test.features.map { $0 / 16 }
        return (train, test)
    }
}
