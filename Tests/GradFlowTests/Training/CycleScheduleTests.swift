import XCTest
import GradFlow

/// Warm-up and one-cycle schedules against PyTorch's `LinearLR` and `OneCycleLR` formulas.
final class CycleScheduleTests: XCTestCase {
    func testLinearWarmup_rampsToTheBaseSchedule() throws {
        let warmup = try LinearWarmup(epochs: 4, startFactor: 0.2, then: try StepDecay(initialLearningRate: 0.1, stepSize: 10))
        // LinearLR(start_factor=0.2, total_iters=4): 0.2, 0.4, 0.6, 0.8, 1.0 × the base.
        let expected: [Float] = [0.02, 0.04, 0.06, 0.08, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.01]
        for (epoch, rate) in expected.enumerated() { XCTAssertEqual(warmup.learningRate(atEpoch: epoch), rate, accuracy: 1e-7, "epoch \(epoch)") }
        XCTAssertThrowsError(try LinearWarmup(epochs: 0, then: try StepDecay(initialLearningRate: 0.1, stepSize: 1)))
    }

    func testOneCycle_followsOneCycleLR() throws {
        // OneCycleLR(max_lr=0.1, total_steps=10): steps 0–2 rise (the third step, 0.3·10 − 1 = 2, is the peak).
        let cycle = try OneCycle(maximum: 0.1, total: 10)
        let start = 0.1 / 25, end = start / 1e4, rising = 2.0
        for step in 0..<10 {
            let t = Double(step)
            let expected = t <= rising
                ? 0.1 + (start - 0.1) / 2 * (cos(Double.pi * t / rising) + 1)
                : end + (0.1 - end) / 2 * (cos(Double.pi * (t - rising) / (9 - rising)) + 1)
            XCTAssertEqual(Double(cycle.learningRate(atEpoch: step)), expected, accuracy: 1e-7, "step \(step)")
        }
        XCTAssertEqual(cycle.learningRate(atEpoch: 0), 0.004, accuracy: 1e-8)
        XCTAssertEqual(cycle.learningRate(atEpoch: 2), 0.1, accuracy: 1e-8)
        XCTAssertEqual(cycle.learningRate(atEpoch: 9), 4e-7, accuracy: 1e-10)
    }
}
