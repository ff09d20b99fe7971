import CGradFlowKernels
import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@testable import GradFlowKernels
import Synchronization
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

/// Each part marks itself started, then waits (up to a deadline) for the other: both see each other
/// only when two threads run them at the same time (run one after the other, the first times out).
private struct Rendezvous: ParallelJob {
    /// Bit `i`: part `i` started; bit `2 + i`: part `i` saw the other part started.
    final class Flags: Sendable {
        let bits = Atomic<Int>(0)
    }
    let flags: Flags
    func runPart(_ index: Int) {
        flags.bits.bitwiseOr(1 << index, ordering: .sequentiallyConsistent)
        let deadline = DispatchTime.now().uptimeNanoseconds + 2_000_000_000
        while DispatchTime.now().uptimeNanoseconds < deadline {
            if flags.bits.load(ordering: .sequentiallyConsistent) & (1 << (1 - index)) != 0 {
                flags.bits.bitwiseOr(1 << (2 + index), ordering: .sequentiallyConsistent)
                return
            }
        }
    }
}

extension ParallelTests {
    /// The pool's worker really runs parts beside the caller.
    func testParallelFor_twoThreads_runPartsConcurrently() {
        ThreadPool.shared.endSerialPeriod()   // in case the machine was busy a moment ago
        let flags = Rendezvous.Flags()
        parallelFor(2, threads: 2, Rendezvous(flags: flags))
        XCTAssertEqual(flags.bits.load(ordering: .relaxed), 0b1111, "both parts ran, overlapping in time")
    }
}

/// Records which thread ran each part (parts write disjoint slots).
private struct RecordThreads: ParallelJob {
    let threads: UnsafeMutableBufferPointer<pthread_t>
    func runPart(_ index: Int) {
        threads[index] = pthread_self()
        for _ in 0..<2_000 { gradflow_spin_pause() }   // long enough for the worker to join
    }
}

extension ParallelTests {
    /// The caller claims parts from the top and the worker from the bottom, so on two threads the
    /// caller's parts are always a top range and the worker's a bottom one (claimed from one end,
    /// parts would interleave): part `i` lands on the same thread job after job.
    func testParallelFor_twoThreads_callerRunsTheTopParts() {
        for count in [2, 3, 8] {
            for _ in 0..<20 {
                ThreadPool.shared.endSerialPeriod()
                var ran = [pthread_t](repeating: pthread_self(), count: count)
                ran.withUnsafeMutableBufferPointer { parallelFor(count, threads: 2, RecordThreads(threads: $0)) }
                let byCaller = ran.map { pthread_equal($0, pthread_self()) != 0 }
                let firstOfCaller = byCaller.firstIndex(of: true) ?? count
                XCTAssertTrue(byCaller[firstOfCaller...].allSatisfy { $0 }, "caller parts \(byCaller) are a top range")
            }
        }
    }
}
