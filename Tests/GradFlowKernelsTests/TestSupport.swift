import XCTest

/// A seeded SplitMix64 generator so that every test sees the same values.
struct TestRandom {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in `range`.
    mutating func uniform(_ range: ClosedRange<Float>) -> Float {
        range.lowerBound + (range.upperBound - range.lowerBound) * Float(next() >> 40) / Float(1 << 24)
    }

    /// `count` uniform values in `range`.
    mutating func array(_ count: Int, in range: ClosedRange<Float> = -1...1) -> [Float] {
        (0..<count).map { _ in uniform(range) }
    }
}

/// Asserts `actual` matches `expected` within `relative·|expected| + absolute`, NaN matching NaN and
/// infinities matching exactly; reports the first mismatch with its index.
func assertClose(_ actual: [Float], _ expected: [Float], relative: Float, absolute: Float = 0,
                 _ message: String = "", file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(actual.count, expected.count, "count \(message)", file: file, line: line)
    for i in 0..<min(actual.count, expected.count) {
        let a = actual[i], e = expected[i]
        if e.isNaN { if !a.isNaN { XCTFail("[\(i)] \(a) but expected NaN \(message)", file: file, line: line); return }; continue }
        if e.isInfinite { if a != e { XCTFail("[\(i)] \(a) but expected \(e) \(message)", file: file, line: line); return }; continue }
        if !(abs(a - e) <= relative * abs(e) + absolute) {
            XCTFail("[\(i)] \(a) but expected \(e) \(message)", file: file, line: line)
            return
        }
    }
}
