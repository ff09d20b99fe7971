import GradFlowKernels
import XCTest

/// Marks each part's slot; parts write disjoint elements.
private struct MarkParts: ParallelJob {
    let marks: UnsafeMutableBufferPointer<Int>
    func runPart(_ index: Int) { marks[index] += index + 1 }
}

final class ParallelTests: XCTestCase {
    func testParallelFor_runsEveryPartExactlyOnce() {
        for threads in [1, 2, 4] {
            for count in [0, 1, 2, 3, 17] {
                var marks = [Int](repeating: 0, count: count)
                for _ in 0..<50 {
                    marks.withUnsafeMutableBufferPointer { parallelFor(count, threads: threads, MarkParts(marks: $0)) }
                }
                XCTAssertEqual(marks, (0..<count).map { 50 * ($0 + 1) }, "threads=\(threads) count=\(count)")
            }
        }
    }

    func testKernelThreads_setCount_clampsToOne() {
        let original = KernelThreads.count
        defer { KernelThreads.setCount(original) }
        KernelThreads.setCount(3)
        XCTAssertEqual(KernelThreads.count, 3)
        KernelThreads.setCount(0)
        XCTAssertEqual(KernelThreads.count, 1)
        XCTAssertGreaterThanOrEqual(KernelThreads.defaultCount(), 1)
    }
}
