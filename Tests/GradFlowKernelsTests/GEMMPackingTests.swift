@testable import GradFlowKernels
import XCTest

/// The C packing routines (`gradflow_sgemm_pack_a/b_*`) against a naive reference, for both
/// instruction sets, both storage orders and odd sizes around the 8×8 transpose and the panel widths.
final class GEMMPackingTests: XCTestCase {
    private var routineSets: [(String, GEMMRoutines)] {
        GEMMKernel.isAVX2FMASupported ? [("portable", .portable), ("avx2", .avx2FMA)] : [("portable", .portable)]
    }
    /// Around MR = 6, NR = 16 and the 8-wide transpose blocks.
    private let extents = [1, 5, 6, 7, 8, 9, 13, 16, 17, 23, 33]
    private let depths = [1, 3, 7, 8, 9, 16, 17, 31]

    func testPackA_matchesReference_forBothLayouts() {
        for (name, routines) in routineSets {
            for transposed in [false, true] {
                for rows in extents {
                    for depth in depths {
                        // A stored m×k (not transposed) is row-major in (row, k step).
                        check(panel: GEMMBlocking.mr, extent: rows, depth: depth, rowMajor: !transposed,
                              label: "packA \(name) transposed=\(transposed) rows=\(rows) depth=\(depth)") {
                            src, ld, dst in GEMMPacking.packA(src, lda: ld, transposed: transposed, rows: rows,
                                                              depth: depth, into: dst, with: routines)
                        }
                    }
                }
            }
        }
    }

    func testPackB_matchesReference_forBothLayouts() {
        for (name, routines) in routineSets {
            for transposed in [false, true] {
                for cols in extents {
                    for depth in depths {
                        // B stored n×k (transposed) is row-major in (column, k step).
                        check(panel: GEMMBlocking.nr, extent: cols, depth: depth, rowMajor: transposed,
                              label: "packB \(name) transposed=\(transposed) cols=\(cols) depth=\(depth)") {
                            src, ld, dst in GEMMPacking.packB(src, ldb: ld, transposed: transposed, depth: depth,
                                                              cols: cols, into: dst, with: routines)
                        }
                    }
                }
            }
        }
    }

    /// Packs an `extent×depth` operand `X` (element `(e, p)`) stored row-major (`x[e·ld + p]`, when
    /// `rowMajor`) or column-major (`x[p·ld + e]`) with NaN padding between rows, and checks that
    /// panel `s` holds `X[s·panel + i, p]` at `s·panel·depth + p·panel + i` (zero past `extent`) and
    /// that nothing past the packed size is written.
    private func check(panel: Int, extent: Int, depth: Int, rowMajor: Bool, label: String,
                       pack: (UnsafePointer<Float>, Int, UnsafeMutablePointer<Float>) -> Void,
                       file: StaticString = #filePath, line: UInt = #line) {
        var random = TestRandom(seed: UInt64(extent * 1000 + depth))
        let (stored, inner) = rowMajor ? (extent, depth) : (depth, extent)
        let ld = inner + 3
        var source = [Float](repeating: .nan, count: stored * ld)
        for r in 0..<stored { for c in 0..<inner { source[r * ld + c] = random.uniform(-1...1) } }
        let panels = (extent + panel - 1) / panel
        let packedCount = panels * panel * depth
        var packed = [Float](repeating: .nan, count: packedCount + 16)
        source.withUnsafeBufferPointer { s in
            packed.withUnsafeMutableBufferPointer { d in pack(s.baseAddress!, ld, d.baseAddress!) }
        }
        for s in 0..<panels {
            for p in 0..<depth {
                for i in 0..<panel {
                    let e = s * panel + i
                    let expected: Float = e < extent ? (rowMajor ? source[e * ld + p] : source[p * ld + e]) : 0
                    let actual = packed[s * panel * depth + p * panel + i]
                    guard actual == expected else {
                        return XCTFail("\(label): panel \(s) step \(p) lane \(i) = \(actual), expected \(expected)",
                                       file: file, line: line)
                    }
                }
            }
        }
        XCTAssertTrue(packed[packedCount...].allSatisfy(\.isNaN), "\(label): wrote past the packed size",
                      file: file, line: line)
    }
}
