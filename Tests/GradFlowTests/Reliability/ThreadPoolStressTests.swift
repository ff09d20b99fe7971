import Dispatch
import GradFlowKernels
import XCTest

/// Adds one to each part's slot; parts write disjoint elements.
private struct CountParts: ParallelJob {
    let counts: UnsafeMutableBufferPointer<Int>
    func runPart(_ index: Int) { counts[index] += 1 }
}

/// The shared thread pool under contention: several submitters at once, so some jobs go to the
/// pool's workers and others run on their caller (the pool takes one job at a time). Meant for
/// `Tests/Fuzz/run-sanitizers.sh` (ThreadSanitizer), and checks every part ran exactly once.
final class ThreadPoolStressTests: XCTestCase {
    func testParallelFor_concurrentSubmitters_runEveryPartExactlyOnce() {
        let submitters = 4, rounds = 200, parts = 7
        var results = [[Int]](repeating: [], count: submitters)
        results.withUnsafeMutableBufferPointer { slots in
            let slots = UncheckedSendable(slots)
            DispatchQueue.concurrentPerform(iterations: submitters) { submitter in
                var counts = [Int](repeating: 0, count: parts)
                for round in 0..<rounds {
                    counts.withUnsafeMutableBufferPointer { parallelFor(parts, threads: 2 + round % 2, CountParts(counts: $0)) }
                }
                slots.value[submitter] = counts
            }
        }
        XCTAssertEqual(results, [[Int]](repeating: [Int](repeating: rounds, count: parts), count: submitters))
    }
}

/// Hands a buffer whose elements each thread writes disjointly to `concurrentPerform`'s closure.
private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
