import GradFlowKernels
import XCTest

final class GEMMTests: XCTestCase {
    /// Odd sizes around the 6×16 register tile and the blocking edges (non-square included).
    private let shapes: [(m: Int, n: Int, k: Int)] = [
        (1, 1, 1), (7, 7, 7), (1, 129, 65), (129, 1, 63), (63, 65, 129), (65, 63, 7), (7, 129, 1),
        (65, 7, 63), (129, 65, 257),
    ]

    private var kernels: [GEMMKernel] {
        [.portable] + (GEMMKernel.isAVX2FMASupported ? [.avx2FMA] : []) + (GEMMKernel.isAVX512Supported ? [.avx512] : [])
    }

    func testFewRows_unpackedKernels_areBitIdenticalToThePackedPath() {
        // A row's result must not depend on how many rows share its batch: rows 0–3 of a 9-row
        // product (packed) equal the same rows computed alone (unpacked), bit for bit.
        var random = TestRandom(seed: 3)
        for kernel in kernels {
            for (n, k) in [(128, 784), (64, 128), (10, 64), (37, 300), (200, 513)] {
                let a = random.array(9 * k), b = random.array(k * n), bias = random.array(n)
                var packed = [Float](repeating: 0, count: 9 * n)
                gemm(transposeA: false, transposeB: false, m: 9, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: &packed, ldc: n,
                     accumulate: false, bias: bias, kernel: kernel, threads: 1)
                for rows in 1...4 {
                    var alone = [Float](repeating: 0, count: rows * n)
                    gemm(transposeA: false, transposeB: false, m: rows, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: &alone, ldc: n,
                         accumulate: false, bias: bias, kernel: kernel, threads: 1)
                    XCTAssertEqual(alone, Array(packed.prefix(rows * n)), "\(kernel) \(rows)×\(n)×\(k)")
                }
            }
        }
    }

    func testFewRows_unpackedKernels_matchReference_aroundTheirVectorWidths() {
        // 1–4 rows run unpacked: 128-column AVX-512 passes, 64- and 8-column AVX2 passes, scalar tails.
        for kernel in kernels {
            for m in 1...4 {
                for n in [1, 7, 8, 10, 63, 64, 65, 128, 129, 200, 257] {
                    check(m: m, n: n, k: 37, transposeA: false, transposeB: false, kernel: kernel, threads: 1)
                    check(m: m, n: n, k: 5, transposeA: false, transposeB: false, accumulate: true, bias: true, kernel: kernel, threads: 2)
                }
            }
        }
    }

    func testAllTransposeForms_matchDoubleReference_onOddSizes() {
        for kernel in kernels {
            for (m, n, k) in shapes {
                for (ta, tb) in [(false, false), (true, false), (false, true)] {
                    check(m: m, n: n, k: k, transposeA: ta, transposeB: tb, kernel: kernel, threads: 1)
                }
            }
        }
    }

    /// B read in place (not transposed, whole 16-column panels, rows at most 1024 floats apart)
    /// against the reference, and bit-identical to the packed path (rows 1030 floats apart are packed).
    func testInPlaceB_matchesReference_andThePackedPathBitForBit() {
        for kernel in kernels {
            for (m, n, k) in [(64, 128, 784), (7, 16, 5), (13, 32, 300), (784, 128, 64), (65, 48, 257)] {
                for ta in [false, true] {
                    check(m: m, n: n, k: k, transposeA: ta, transposeB: false, kernel: kernel, threads: 1)
                    check(m: m, n: n, k: k, transposeA: ta, transposeB: false, accumulate: true, bias: true, kernel: kernel, threads: 2)
                }
            }
            var random = TestRandom(seed: 5)
            let (m, n, k) = (64, 128, 600)
            let a = random.array(m * k), b = random.array(k * n), wide = padded(b, rows: k, cols: n, ld: 1030)
            var inPlace = [Float](repeating: 0, count: m * n), packed = inPlace
            gemm(transposeA: false, transposeB: false, m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: &inPlace, ldc: n,
                 accumulate: false, bias: nil, kernel: kernel, threads: 1)
            gemm(transposeA: false, transposeB: false, m: m, n: n, k: k, a: a, lda: k, b: wide, ldb: 1030, c: &packed, ldc: n,
                 accumulate: false, bias: nil, kernel: kernel, threads: 1)
            XCTAssertEqual(inPlace, packed, "\(kernel)")
        }
    }

    /// Edge tiles (only their rows and columns computed, masked stores) and A read in place give the
    /// bits of full, packed tiles: rows 0–63 of a 66-row product equal a 64-row product (a 4-row edge),
    /// its first 10 of 16 columns a 10-column product, and A read in place equals A packed (rows 1024
    /// floats apart, NaN between them, are packed), with bias and with accumulation.
    func testEdgeTilesAndInPlaceA_giveTheBitsOfFullPackedTiles() {
        var random = TestRandom(seed: 17)
        for kernel in kernels where kernel != .portable {
            let (k, n) = (100, 16)   // below GEMMDepthSplit's depth: one pass over the depth
            let a = random.array(66 * k), b = random.array(k * n), bias = random.array(n), start = random.array(66 * n)
            let narrowB = (0..<k * 10).map { b[($0 / 10) * n + $0 % 10] }
            let narrowStart = (0..<66 * 10).map { start[($0 / 10) * n + $0 % 10] }
            for accumulate in [false, true] {
                var full = start
                gemm(transposeA: false, transposeB: false, m: 66, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: &full, ldc: n,
                     accumulate: accumulate, bias: bias, kernel: kernel, threads: 1)
                var edgeRows = Array(start.prefix(64 * n))
                gemm(transposeA: false, transposeB: false, m: 64, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: &edgeRows, ldc: n,
                     accumulate: accumulate, bias: bias, kernel: kernel, threads: 1)
                XCTAssertEqual(edgeRows, Array(full.prefix(64 * n)), "\(kernel) 4-row edge, accumulate \(accumulate)")
                var packedA = Array(start.prefix(64 * n))
                gemm(transposeA: false, transposeB: false, m: 64, n: n, k: k, a: padded(a, rows: 66, cols: k, ld: 1024), lda: 1024,
                     b: b, ldb: n, c: &packedA, ldc: n, accumulate: accumulate, bias: bias, kernel: kernel, threads: 1)
                XCTAssertEqual(packedA, edgeRows, "\(kernel) A packed against A in place, accumulate \(accumulate)")
                var edgeColumns = narrowStart
                gemm(transposeA: false, transposeB: false, m: 66, n: 10, k: k, a: a, lda: k, b: narrowB, ldb: 10, c: &edgeColumns,
                     ldc: 10, accumulate: accumulate, bias: Array(bias.prefix(10)), kernel: kernel, threads: 1)
                XCTAssertEqual(edgeColumns, (0..<66 * 10).map { full[($0 / 10) * n + $0 % 10] },
                               "\(kernel) 10-column edge, accumulate \(accumulate)")
            }
        }
    }

    /// The zmm tile runs each element's FMA chain in the AVX2 tile's order: the same bits, for every
    /// transpose form, packed and in-place B, edge tiles, bias and accumulation, one and two threads.
    func testAVX512Tile_isBitIdenticalToTheAVX2Tile() throws {
        try XCTSkipUnless(GEMMKernel.isAVX512Supported, "this CPU has no AVX-512F")
        var random = TestRandom(seed: 13)
        for (m, n, k) in [(64, 128, 784), (65, 63, 257), (512, 64, 128), (7, 16, 5), (784, 128, 64), (130, 10, 64)] {
            for (ta, tb) in [(false, false), (true, false), (false, true)] {
                let a = random.array(m * k), b = random.array(k * n), bias = random.array(n), start = random.array(m * n)
                for threads in [1, 2] {
                    var results: [[Float]] = []
                    for kernel in [GEMMKernel.avx2FMA, .avx512] {
                        var c = start
                        gemm(transposeA: ta, transposeB: tb, m: m, n: n, k: k, a: a, lda: ta ? m : k, b: b, ldb: tb ? k : n,
                             c: &c, ldc: n, accumulate: threads == 2, bias: bias, kernel: kernel, threads: threads)
                        results.append(c)
                    }
                    XCTAssertEqual(results[0], results[1], "\(m)×\(n)×\(k) ta \(ta) tb \(tb), \(threads) threads")
                }
            }
        }
    }

    func testAccumulateAndBias_addToExistingC() {
        for kernel in kernels {
            for (ta, tb) in [(false, false), (true, false), (false, true)] {
                check(m: 65, n: 33, k: 70, transposeA: ta, transposeB: tb, accumulate: true, bias: true, kernel: kernel, threads: 1)
                check(m: 13, n: 17, k: 9, transposeA: ta, transposeB: tb, accumulate: false, bias: true, kernel: kernel, threads: 1)
                check(m: 6, n: 16, k: 300, transposeA: ta, transposeB: tb, accumulate: true, bias: false, kernel: kernel, threads: 1)
            }
        }
    }

    func testMultiThreaded_splitsColumnsAndRows_matchReference() {
        // 257×257×129 (17 MFLOP, splits columns) and 600×20×700 (16.8 MFLOP, splits rows) are above
        // the parallel threshold. Three threads give uneven slabs.
        for threads in [2, 3] {
            for (ta, tb) in [(false, false), (true, false), (false, true)] {
                check(m: 257, n: 257, k: 129, transposeA: ta, transposeB: tb, bias: true, kernel: .automatic, threads: threads)
                check(m: 600, n: 20, k: 700, transposeA: ta, transposeB: tb, accumulate: true, kernel: .automatic, threads: threads)
            }
        }
    }

    func testLargeProduct_cutIntoMoreSlabsThanThreads_matchesReference() {
        // 2·1000·300·820 = 492 MFLOP: three 164 MFLOP row slabs (above `oversplitFlops`) on two threads.
        for (ta, tb) in [(false, false), (true, false), (false, true)] {
            check(m: 1000, n: 300, k: 820, transposeA: ta, transposeB: tb, bias: true, kernel: .automatic, threads: 2)
        }
    }

    /// Products summed in two depth halves (`GEMMDepthSplit`: depth ≥ 128 and ≥ 2·n, A not
    /// transposed): against the reference (odd depths, few rows, more rows than one partial block of
    /// 65 536 floats holds, accumulate and bias), and the same bits on 1–4 threads (4 threads also
    /// split each half's columns).
    func testDepthSplit_matchesReference_andGivesTheSameBitsOnAnyThreadCount() {
        for (m, n, k) in [(64, 128, 784), (3, 64, 129), (9, 10, 300), (600, 128, 784), (70, 33, 257)] {
            for tb in [false, true] {
                check(m: m, n: n, k: k, transposeA: false, transposeB: tb, kernel: .automatic, threads: 1)
                check(m: m, n: n, k: k, transposeA: false, transposeB: tb, accumulate: true, bias: true, kernel: .automatic, threads: 2)
            }
        }
        var random = TestRandom(seed: 11)
        let (m, n, k) = (600, 128, 784)
        let a = random.array(m * k), b = random.array(k * n), bias = random.array(n)
        let results = [1, 2, 3, 4].map { threads in
            var c = [Float](repeating: 0, count: m * n)
            gemm(transposeA: false, transposeB: false, m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: &c, ldc: n,
                 accumulate: false, bias: bias, kernel: .automatic, threads: threads)
            return c
        }
        for threads in 2...4 { XCTAssertEqual(results[threads - 1], results[0], "\(threads) threads against 1") }
    }

    func testEmptyDepth_givesBiasOrKeepsC() {
        var c: [Float] = [1, 2, 3, 4, 5, 6]
        let bias: [Float] = [10, 20, 30]
        let a: [Float] = [0], b: [Float] = [0]
        gemm(m: 2, n: 3, k: 0, a: a, lda: 1, b: b, ldb: 3, c: &c, ldc: 3, accumulate: true, bias: bias)
        XCTAssertEqual(c, [11, 22, 33, 14, 25, 36])
        gemm(m: 2, n: 3, k: 0, a: a, lda: 1, b: b, ldb: 3, c: &c, ldc: 3)
        XCTAssertEqual(c, [0, 0, 0, 0, 0, 0])
    }

    func testDefaultEntryPoint_computesSmallProduct() {
        // [1 2; 3 4] · [5 6; 7 8] = [19 22; 43 50]
        var c = [Float](repeating: .nan, count: 4)
        gemm(m: 2, n: 2, k: 2, a: [1, 2, 3, 4], lda: 2, b: [5, 6, 7, 8], ldb: 2, c: &c, ldc: 2)
        XCTAssertEqual(c, [19, 22, 43, 50])
    }

    /// Runs one GEMM with padded leading dimensions (padding filled with NaN, which must never be
    /// read) and compares every element with a Double-accumulated reference.
    private func check(m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool, accumulate: Bool = false,
                       bias useBias: Bool = false, kernel: GEMMKernel, threads: Int,
                       file: StaticString = #filePath, line: UInt = #line) {
        var random = TestRandom(seed: UInt64(m * 1_000_003 + n * 1009 + k))
        let (aRows, aCols) = transposeA ? (k, m) : (m, k)
        let (bRows, bCols) = transposeB ? (n, k) : (k, n)
        let lda = aCols + 3, ldb = bCols + 5, ldc = n + 2
        let a = padded(random.array(aRows * aCols), rows: aRows, cols: aCols, ld: lda)
        let b = padded(random.array(bRows * bCols), rows: bRows, cols: bCols, ld: ldb)
        let bias = random.array(n)
        var c = padded(random.array(m * n), rows: m, cols: n, ld: ldc)
        var expected = [Float](repeating: 0, count: m * n)
        var tolerance = [Float](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var sum = (accumulate ? Double(c[i * ldc + j]) : 0) + (useBias ? Double(bias[j]) : 0)
                var magnitude = 0.0
                for p in 0..<k {
                    let x = Double(transposeA ? a[p * lda + i] : a[i * lda + p])
                    let y = Double(transposeB ? b[j * ldb + p] : b[p * ldb + j])
                    sum += x * y
                    magnitude += abs(x * y)
                }
                expected[i * n + j] = Float(sum)
                tolerance[i * n + j] = Float(magnitude) * 1e-6 + 1e-6
            }
        }
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                bias.withUnsafeBufferPointer { bias in
                    c.withUnsafeMutableBufferPointer { c in
                        gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                             a: a.baseAddress!, lda: lda, b: b.baseAddress!, ldb: ldb, c: c.baseAddress!, ldc: ldc,
                             accumulate: accumulate, bias: useBias ? bias.baseAddress : nil, kernel: kernel, threads: threads)
                    }
                }
            }
        }
        let label = "\(m)x\(n)x\(k) tA=\(transposeA) tB=\(transposeB) acc=\(accumulate) bias=\(useBias) \(kernel) threads=\(threads)"
        for i in 0..<m {
            for j in 0..<n where !(abs(c[i * ldc + j] - expected[i * n + j]) <= tolerance[i * n + j]) {
                XCTFail("C[\(i), \(j)] = \(c[i * ldc + j]), expected \(expected[i * n + j]): \(label)", file: file, line: line)
                return
            }
            for j in n..<ldc where !c[i * ldc + j].isNaN {
                XCTFail("padding of C row \(i) was written: \(label)", file: file, line: line)
                return
            }
        }
    }

    /// `values` (rows×cols) laid out with leading dimension `ld`, the gaps filled with NaN.
    private func padded(_ values: [Float], rows: Int, cols: Int, ld: Int) -> [Float] {
        var out = [Float](repeating: .nan, count: rows * ld)
        for r in 0..<rows { for c in 0..<cols { out[r * ld + c] = values[r * cols + c] } }
        return out
    }
}
