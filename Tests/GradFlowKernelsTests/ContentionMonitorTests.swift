@testable import GradFlowKernels
import XCTest

/// The pool's back-off rule, driven with made-up clocks: a thread that gets less than 75 % of a core
/// in two 10 ms windows running switches the pool to serial work for 50 ms, then 100 ms, ….
final class ContentionMonitorTests: XCTestCase {
    let millisecond: UInt64 = 1_000_000

    /// Accounts `windows` windows of 10 ms in 1 ms spans, each span getting `share` of the CPU;
    /// returns the serial deadlines the monitor asked for.
    func run(_ monitor: inout ContentionMonitor, from start: inout UInt64, cpu: inout UInt64,
                     windows: Int, share: Double) -> [UInt64] {
        var deadlines: [UInt64] = []
        for _ in 0..<(10 * windows) {
            start += millisecond
            cpu += UInt64(share * Double(millisecond))
            let reading = cpu
            if let until = monitor.account(at: start, cpuTime: { reading }) { deadlines.append(until) }
        }
        return deadlines
    }

    func testFullShare_neverBacksOff() {
        var monitor = ContentionMonitor()
        var (now, cpu): (UInt64, UInt64) = (1_000 * millisecond, 0)
        monitor.begin(at: now, cpuTime: { 0 })
        XCTAssertEqual(run(&monitor, from: &now, cpu: &cpu, windows: 20, share: 0.99), [])
    }

    func testOneLowWindow_isNoise_twoAreContention_andTheBackoffDoubles() {
        var monitor = ContentionMonitor()
        var (now, cpu): (UInt64, UInt64) = (1_000 * millisecond, 0)
        monitor.begin(at: now, cpuTime: { 0 })
        XCTAssertEqual(run(&monitor, from: &now, cpu: &cpu, windows: 1, share: 0.5), [])
        XCTAssertEqual(run(&monitor, from: &now, cpu: &cpu, windows: 1, share: 1), [], "a good window clears the strike")
        XCTAssertEqual(run(&monitor, from: &now, cpu: &cpu, windows: 1, share: 0.5), [])
        XCTAssertEqual(run(&monitor, from: &now, cpu: &cpu, windows: 1, share: 0.5), [now + 50 * millisecond])
        XCTAssertEqual(run(&monitor, from: &now, cpu: &cpu, windows: 2, share: 0.6), [now + 100 * millisecond])
        for _ in 0..<6 { _ = run(&monitor, from: &now, cpu: &cpu, windows: 2, share: 0.6) }
        XCTAssertEqual(run(&monitor, from: &now, cpu: &cpu, windows: 2, share: 0.6), [now + 800 * millisecond], "capped")
    }

    func testTimeSpentAsleepByChoice_isNotJudged() {
        var monitor = ContentionMonitor()
        var (now, cpu): (UInt64, UInt64) = (1_000 * millisecond, 0)
        monitor.begin(at: now, cpuTime: { 0 })
        for _ in 0..<4 {
            // Each 10 ms: 5 ms working on a CPU, 5 ms asleep waiting for a worker.
            now += 10 * millisecond
            cpu += 5 * millisecond
            monitor.exclude(5 * millisecond)
            let reading = cpu
            XCTAssertNil(monitor.account(at: now, cpuTime: { reading }))
        }
    }

    func testSpansShorterThanTheAccountingInterval_doNotReadTheClock() {
        var monitor = ContentionMonitor()
        monitor.begin(at: 1_000 * millisecond, cpuTime: { 0 })
        XCTAssertNil(monitor.account(at: 1_000 * millisecond + 1_000, cpuTime: { XCTFail("read the CPU clock"); return 0 }))
    }
}

extension ContentionMonitorTests {
    /// A span begun on one thread and accounted on another (its CPU clock lower) starts over instead
    /// of trapping on the negative difference.
    func testACPUClockThatWentBackwards_startsANewSpan() {
        var monitor = ContentionMonitor()
        monitor.begin(at: 1_000 * millisecond, cpuTime: { 900 * self.millisecond })
        XCTAssertNil(monitor.account(at: 1_020 * millisecond, cpuTime: { 5 * self.millisecond }))
        var (now, cpu): (UInt64, UInt64) = (1_020 * millisecond, 5 * millisecond)
        XCTAssertEqual(run(&monitor, from: &now, cpu: &cpu, windows: 3, share: 1), [])
    }
}
