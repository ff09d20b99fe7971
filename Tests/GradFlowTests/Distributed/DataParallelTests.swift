import XCTest
import GradFlow

/// `DataParallel` in one process (`LocalCommunicator`): the block scheme trains through `Trainer` and
/// `Sequential.fit`, its gradient is the batch's mean-loss gradient, and process counts that do not
/// divide the blocks are refused.
final class DataParallelTests: XCTestCase {
    private func model() -> Sequential {
        Sequential(seed: 3) { Dense(8, activation: .relu); Dense(3) }
    }

    private func data() throws -> (Tensor, Tensor) {
        var rng = RandomGenerator(seed: 4)
        let x = Tensor.randomNormal([96, 4], using: &rng)
        return (x, Tensor((0..<96).map { row in Float((0..<3).max { x[row, $0] < x[row, $1] }!) }))
    }

    func testBlockGradients_equalTheWholeBatchGradient_andSequentialTrains() throws {
        let (x, y) = try data()
        // One step of plain SGD without momentum: the blocks' weighted gradient is the batch's gradient.
        let plain = model(), blocked = model()
        for m in [plain, blocked] { m.compile(loss: .softmaxCrossEntropy, optimizer: try SGD(learningRate: 0.5)) }
        try plain.fit(x, y, epochs: 1, batchSize: 96, shuffle: false, verbose: false)
        try blocked.fit(x, y, epochs: 1, batchSize: 96, shuffle: false, verbose: false,
                        dataParallel: try DataParallel(communicator: LocalCommunicator(), blocks: 4))
        for (a, b) in zip(plain.parameters, blocked.parameters) {
            for (u, v) in zip(a.value.scalars, b.value.scalars) { XCTAssertEqual(u, v, accuracy: 1e-5) }
        }
        let trained = model()
        trained.compile(loss: .softmaxCrossEntropy, optimizer: try Adam(learningRate: 0.05), metrics: [.accuracy])
        let history = try trained.fit(x, y, epochs: 30, batchSize: 16, seed: 1, verbose: false,
                                      dataParallel: try DataParallel(communicator: LocalCommunicator(), blocks: 4))
        XCTAssertLessThan(history.loss.last ?? 9, (history.loss.first ?? 0) / 3)
        XCTAssertGreaterThanOrEqual(try trained.evaluate(x, y).metrics[.accuracy] ?? 0, 0.9)
    }

    func testProcessCountsThatDoNotDivideTheBlocks_areRefused() {
        final class Three: Communicator {
            let rank = 0, size = 3
            func broadcast(_ values: UnsafeMutableBufferPointer<Float>, root: Int) throws(DistributedError) {}
            func allGather(_ local: UnsafeBufferPointer<Float>, into all: UnsafeMutableBufferPointer<Float>) throws(DistributedError) {}
            func maximum(_ value: Int32) throws(DistributedError) -> Int32 { value }
        }
        XCTAssertThrowsError(try DataParallel(communicator: Three(), blocks: 4)) { error in
            XCTAssertTrue("\(error)".contains("3 processes needs a block count they divide"), "\(error)")
        }
        XCTAssertNoThrow(try DataParallel(communicator: Three(), blocks: 6))
    }
}
