import CGradFlowKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GradFlowKernels
import XCTest

final class ElementwiseTests: XCTestCase {
    private let lengths = [0, 1, 7, 9, 33, 1000]

    /// Values in [−10, 10] with the extremes planted at the start (where they land in full vectors
    /// and, for short lengths, in the partial tail).
    private func inputs(_ count: Int, seed: UInt64 = 1) -> [Float] {
        var random = TestRandom(seed: seed + UInt64(count))
        var x = random.array(count, in: -10...10)
        let extremes: [Float] = [1000, -1000, .nan, 0, -0.001, 88.5, -95, 1e-20]
        for i in 0..<min(count, extremes.count) { x[(i * 5) % count] = extremes[i] }
        return x
    }

    private func unary(_ x: [Float], _ kernel: (UnsafeBufferPointer<Float>, UnsafeMutableBufferPointer<Float>) -> Void) -> [Float] {
        var y = [Float](repeating: -7, count: x.count)
        x.withUnsafeBufferPointer { x in y.withUnsafeMutableBufferPointer { kernel(x, $0) } }
        return y
    }

    private func backward(_ y: [Float], _ dy: [Float], _ dx0: [Float],
                          _ kernel: (UnsafeBufferPointer<Float>, UnsafeBufferPointer<Float>, UnsafeMutableBufferPointer<Float>) -> Void) -> [Float] {
        var dx = dx0
        y.withUnsafeBufferPointer { y in dy.withUnsafeBufferPointer { dy in dx.withUnsafeMutableBufferPointer { kernel(y, dy, $0) } } }
        return dx
    }

    func testExp_matchesLibm_toOneInAMillion() {
        for n in lengths {
            let x = inputs(n)
            assertClose(unary(x) { Elementwise.exp($0, into: $1) }, x.map { expf($0) }, relative: 1e-6, absolute: 1e-37, "n=\(n)")
        }
        // A dense sweep over the whole finite range and past both ends.
        let sweep = (0...20_000).map { Float(-110) + Float($0) * 0.01 }
        assertClose(unary(sweep) { Elementwise.exp($0, into: $1) }, sweep.map { expf($0) }, relative: 1e-6, absolute: .leastNonzeroMagnitude)
        XCTAssertEqual(unary([89, 1000, -1000, .infinity, -.infinity]) { Elementwise.exp($0, into: $1) }, [.infinity, .infinity, 0, .infinity, 0])
    }

    func testSigmoid_isStableAtExtremes_andMatchesScalar() {
        for n in lengths {
            let x = inputs(n)
            let reference = x.map { v -> Float in v >= 0 ? 1 / (1 + expf(-v)) : expf(v) / (1 + expf(v)) }
            assertClose(unary(x) { Elementwise.sigmoid($0, into: $1) }, reference, relative: 1e-6, absolute: 1e-37, "n=\(n)")
        }
        XCTAssertEqual(unary([1000, -1000, 0]) { Elementwise.sigmoid($0, into: $1) }, [1, 0, 0.5])
    }

    func testTanh_matchesLibm_includingNearZero() {
        for n in lengths {
            let x = inputs(n)
            assertClose(unary(x) { Elementwise.tanh($0, into: $1) }, x.map { tanhf($0) }, relative: 2e-6, absolute: 1e-30, "n=\(n)")
        }
        let small: [Float] = [1e-7, -3e-4, 0.3, -0.6249, 0.6251, 5, -20]
        assertClose(unary(small) { Elementwise.tanh($0, into: $1) }, small.map { tanhf($0) }, relative: 2e-6)
    }

    func testRelu_clampsNegatives_keepsNaN() {
        for n in lengths {
            let x = inputs(n)
            assertClose(unary(x) { Elementwise.relu($0, into: $1) }, x.map { $0.isNaN ? .nan : max($0, 0) }, relative: 0, "n=\(n)")
        }
    }

    func testBackwardKernels_accumulateIntoExistingGradient() {
        for n in lengths {
            var random = TestRandom(seed: 9)
            let y = random.array(n, in: -1...1), dy = random.array(n, in: -2...2), dx0 = random.array(n)
            let relu = backward(y, dy, dx0) { Elementwise.reluBackward(output: $0, upstream: $1, accumulatingInto: $2) }
            assertClose(relu, (0..<n).map { dx0[$0] + (y[$0] > 0 ? dy[$0] : 0) }, relative: 1e-6, "relu n=\(n)")
            let reluAssigned = backward(y, dy, dx0) { Elementwise.reluBackward(output: $0, upstream: $1, into: $2) }
            assertClose(reluAssigned, (0..<n).map { y[$0] > 0 ? dy[$0] : 0 }, relative: 0, "relu (assigning) n=\(n)")
            let sigmoid = backward(y, dy, dx0) { Elementwise.sigmoidBackward(output: $0, upstream: $1, accumulatingInto: $2) }
            assertClose(sigmoid, (0..<n).map { dx0[$0] + dy[$0] * y[$0] * (1 - y[$0]) }, relative: 1e-6, absolute: 1e-7, "sigmoid n=\(n)")
            let tanh = backward(y, dy, dx0) { Elementwise.tanhBackward(output: $0, upstream: $1, accumulatingInto: $2) }
            assertClose(tanh, (0..<n).map { dx0[$0] + dy[$0] * (1 - y[$0] * y[$0]) }, relative: 1e-6, absolute: 1e-7, "tanh n=\(n)")
            let product = backward(y, dy, dx0) { Elementwise.accumulateProduct($0, $1, into: $2) }
            assertClose(product, (0..<n).map { dx0[$0] + y[$0] * dy[$0] }, relative: 1e-6, absolute: 1e-7, "product n=\(n)")
        }
    }

    func testArithmetic_matchesScalarLoops() {
        for n in lengths {
            var random = TestRandom(seed: 3)
            let x = random.array(n, in: -5...5), y0 = random.array(n, in: -5...5)
            func binary(_ kernel: (UnsafeBufferPointer<Float>, UnsafeBufferPointer<Float>, UnsafeMutableBufferPointer<Float>) -> Void) -> [Float] {
                backward(x, y0, [Float](repeating: 0, count: n), kernel)
            }
            XCTAssertEqual(binary { Elementwise.add($0, $1, into: $2) }, (0..<n).map { x[$0] + y0[$0] })
            XCTAssertEqual(binary { Elementwise.subtract($0, $1, into: $2) }, (0..<n).map { x[$0] - y0[$0] })
            XCTAssertEqual(binary { Elementwise.multiply($0, $1, into: $2) }, (0..<n).map { x[$0] * y0[$0] })
            var y = y0
            x.withUnsafeBufferPointer { x in y.withUnsafeMutableBufferPointer { Elementwise.axpy(-0.1, x, $0) } }
            XCTAssertEqual(y, (0..<n).map { y0[$0] + -0.1 * x[$0] })
            y = y0
            x.withUnsafeBufferPointer { x in y.withUnsafeMutableBufferPointer { Elementwise.accumulate(x, into: $0) } }
            XCTAssertEqual(y, (0..<n).map { y0[$0] + x[$0] })
            XCTAssertEqual(unary(x) { Elementwise.scale($0, by: 3, into: $1) }, x.map { 3 * $0 })
            y = y0
            y.withUnsafeMutableBufferPointer { Elementwise.fill($0, with: 2.5) }
            XCTAssertEqual(y, [Float](repeating: 2.5, count: n))
            assertClose(unary(x.map(abs)) { Elementwise.log($0, into: $1) }, x.map { logf(abs($0)) }, relative: 1e-6)
        }
    }

    func testSum_isAccurateForLongSums() {
        for n in lengths {
            let x = TestRandom(seed: 4).arrayCopy(n)
            let reference = x.reduce(0.0) { $0 + Double($1) }
            XCTAssertEqual(x.withUnsafeBufferPointer { Elementwise.sum($0) }, Float(reference), "n=\(n)")
        }
        // 10⁶ copies of 0.1 plus one large value: Float accumulation would drift by ~1%.
        let many = [Float](repeating: 0.1, count: 1_000_000) + [1e6]
        XCTAssertEqual(many.withUnsafeBufferPointer { Elementwise.sum($0) }, Float(1e6 + 1_000_000 * Double(Float(0.1))), accuracy: 0.01)
    }

    /// The fused C softmax cross-entropy gives the probabilities of the Swift loop and the loss of
    /// SoftmaxCE's row loop (−log p[argmax] − (z[label] − z[argmax]), added in double) to the bit, and
    /// names the first row whose label is not a class index (also inside a block of eight rows).
    func testSoftmaxCrossEntropyRows_matchesTheTwoPassLoopBitForBit() throws {
        try XCTSkipUnless(GEMMKernel.isAVX2FMASupported, "the fused loop runs on AVX2 CPUs only")
        for (rows, cols) in [(1, 1), (7, 10), (64, 10), (5, 16), (3, 17), (9, 40), (512, 10), (19, 64), (8, 65), (16, 3)] {
            var random = TestRandom(seed: UInt64(rows * 31 + cols))
            let z = random.array(rows * cols, in: -30...30)
            let labels = (0..<rows).map { Float(($0 * 7 + 3) % cols) }
            var p = [Float](repeating: 0, count: rows * cols)
            let fused = z.withUnsafeBufferPointer { zp in labels.withUnsafeBufferPointer { lp in p.withUnsafeMutableBufferPointer {
                Elementwise.softmaxCrossEntropyRows(zp.baseAddress!, labels: lp.baseAddress!, rows: rows, cols: cols, into: $0.baseAddress!)
            } } }
            let softmax = unary(z) { Elementwise.softmaxRowsLoop($0.baseAddress!, rows: rows, cols: cols, into: $1.baseAddress!) }
            XCTAssertEqual(p.map(\.bitPattern), softmax.map(\.bitPattern), "probabilities \(rows)x\(cols)")
            var total: Double = 0
            for r in 0..<rows {
                let row = Array(z[r * cols..<(r + 1) * cols])
                var top = 0
                for c in 1..<cols where row[c] > row[top] { top = c }
                total += Double(-logf(softmax[r * cols + top]) - (row[Int(labels[r])] - row[top]))
            }
            guard case .sum(let sum)? = fused else { return XCTFail("\(rows)x\(cols): \(String(describing: fused))") }
            XCTAssertEqual(sum, total, "loss \(rows)x\(cols)")
        }
        for bad: Float in [-1, 10, 2.5, .nan] {
            for (rows, badRow) in [(3, 2), (20, 13), (16, 0)] {
                let z = [Float](repeating: 0, count: rows * 10)
                var labels = [Float](repeating: 1, count: rows)
                labels[badRow] = bad
                var p = [Float](repeating: 0, count: rows * 10)
                let fused = p.withUnsafeMutableBufferPointer { Elementwise.softmaxCrossEntropyRows(z, labels: labels, rows: rows, cols: 10, into: $0.baseAddress!) }
                guard case .invalidLabel(let row)? = fused else { return XCTFail("label \(bad) accepted") }
                XCTAssertEqual(row, badRow, "label \(bad) in row \(badRow) of \(rows)")
            }
        }
    }

    /// The AVX2 softmax (which AVX-512 CPUs run too) and column sums reproduce the Swift loops to the
    /// bit, so a network trains to the same bits with and without AVX2, on short, 8-aligned, odd and
    /// long rows, row by row and eight rows at a time, with extreme logits, a NaN and infinities.
    func testSIMDRowKernels_matchTheSwiftLoopsBitForBit() throws {
        try XCTSkipUnless(GEMMKernel.isAVX2FMASupported, "this CPU has no AVX2")
        for (rows, cols) in [(1, 1), (7, 10), (64, 10), (5, 8), (3, 17), (9, 40), (2, 100), (4, 130),
                             (8, 1), (16, 3), (17, 10), (512, 10), (24, 64), (8, 65), (11, 7), (16, 16)] {
            var random = TestRandom(seed: UInt64(rows * 17 + cols))
            var z = random.array(rows * cols, in: -40...40)
            z[0] = 95   // above exp's clamp once the maximum is subtracted from the others
            if rows >= 4 {   // a NaN, an infinity and a row of −∞ inside the first block of eight rows
                z[cols + cols / 2] = .nan
                z[2 * cols] = .infinity
                for c in 0..<cols { z[3 * cols + c] = -.infinity }
            }
            var loop = [Float](repeating: 0, count: rows * cols), avx2 = loop
            z.withUnsafeBufferPointer { zp in
                loop.withUnsafeMutableBufferPointer { Elementwise.softmaxRowsLoop(zp.baseAddress!, rows: rows, cols: cols, into: $0.baseAddress!) }
                avx2.withUnsafeMutableBufferPointer { gradflow_softmax_rows_avx2(zp.baseAddress!, Int64(rows), Int64(cols), $0.baseAddress!) }
            }
            XCTAssertEqual(avx2.map(\.bitPattern), loop.map(\.bitPattern), "softmax \(rows)x\(cols)")
            let start = random.array(cols)
            var sums = start
            z.withUnsafeBufferPointer { zp in sums.withUnsafeMutableBufferPointer {
                gradflow_accumulate_column_sums_avx2(zp.baseAddress!, Int64(rows), Int64(cols), $0.baseAddress!)
            } }
            var naive = start
            for r in 0..<rows { for c in 0..<cols { naive[c] += z[r * cols + c] } }
            XCTAssertEqual(sums.map(\.bitPattern), naive.map(\.bitPattern), "column sums \(rows)x\(cols)")
        }
    }

    func testRowKernels_biasColumnSumsSoftmax() {
        for (rows, cols) in [(1, 1), (3, 7), (5, 9), (2, 33), (4, 10), (0, 5), (3, 16), (2, 17), (6, 48), (3, 64), (2, 65), (5, 128), (3, 130)] {
            var random = TestRandom(seed: UInt64(rows * 100 + cols))
            let m = random.array(rows * cols, in: -20...20), row = random.array(cols), out0 = random.array(cols)
            var biased = m
            row.withUnsafeBufferPointer { r in biased.withUnsafeMutableBufferPointer { Elementwise.addRowVector(r, toRowsOf: $0, rows: rows, cols: cols) } }
            XCTAssertEqual(biased, (0..<rows * cols).map { m[$0] + row[$0 % cols] })
            var sums = out0
            m.withUnsafeBufferPointer { m in sums.withUnsafeMutableBufferPointer { Elementwise.accumulateColumnSums(of: m, rows: rows, cols: cols, into: $0) } }
            var naive = out0
            for r in 0..<rows { for c in 0..<cols { naive[c] += m[r * cols + c] } }
            XCTAssertEqual(sums, naive, "column sums \(rows)x\(cols)")
            let softmax = unary(m) { Elementwise.softmaxRows($0, rows: rows, cols: cols, into: $1) }
            var reference = [Float](repeating: 0, count: rows * cols)
            for r in 0..<rows {
                let line = m[r * cols..<(r + 1) * cols], top = line.max() ?? 0
                let total = line.reduce(0.0) { $0 + Double(expf($1 - top)) }
                for c in 0..<cols { reference[r * cols + c] = Float(Double(expf(m[r * cols + c] - top)) / total) }
            }
            assertClose(softmax, reference, relative: 2e-6, absolute: 1e-30, "softmax \(rows)x\(cols)")
        }
        // Large and very negative logits: no overflow, rows still sum to one.
        let extreme: [Float] = [1000, 999, -1000, -500, -400, -400.5, -401, -1000, -1000, -399]
        let p = unary(extreme) { Elementwise.softmaxRows($0, rows: 2, cols: 5, into: $1) }
        XCTAssertEqual(p[0] + p[1], 1, accuracy: 1e-6)
        XCTAssertEqual(p[5...].reduce(0, +), 1, accuracy: 1e-6)
        XCTAssertEqual(p[0], 1 / (1 + expf(-1)), accuracy: 1e-6)
        // A NaN makes its own row NaN and leaves the others alone.
        let poisoned = unary([0, 1, .nan, 2, 0, 1]) { Elementwise.softmaxRows($0, rows: 2, cols: 3, into: $1) }
        XCTAssertTrue(poisoned[..<3].allSatisfy(\.isNaN), "\(poisoned)")
        XCTAssertEqual(poisoned[3...].reduce(0, +), 1, accuracy: 1e-6)
    }
}

private extension TestRandom {
    /// `count` values in [−1, 1] from a copy of this generator.
    func arrayCopy(_ count: Int) -> [Float] {
        var copy = self
        return copy.array(count)
    }
}
