/// One GEMM call's operands (see `gemm(...)` for the meaning of each field), with the serial blocked
/// algorithm and the sub-problem views used to split it across threads.
struct GEMMProblem {
    var transposeA: Bool, transposeB: Bool
    var m: Int, n: Int, k: Int
    var a: UnsafePointer<Float>, lda: Int
    var b: UnsafePointer<Float>, ldb: Int
    var c: UnsafeMutablePointer<Float>, ldc: Int
    var accumulate: Bool
    var bias: UnsafePointer<Float>?

    /// The sub-problem computing rows `range` of C (the same B, the matching rows of op(A)).
    func rows(_ range: Range<Int>) -> GEMMProblem {
        var part = self
        part.m = range.count
        part.a = transposeA ? a + range.lowerBound : a + range.lowerBound * lda
        part.c = c + range.lowerBound * ldc
        return part
    }

    /// The sub-problem computing columns `range` of C (the same A, the matching columns of op(B)).
    func columns(_ range: Range<Int>) -> GEMMProblem {
        var part = self
        part.n = range.count
        part.b = transposeB ? b + range.lowerBound * ldb : b + range.lowerBound
        part.c = c + range.lowerBound
        part.bias = bias.map { $0 + range.lowerBound }
        return part
    }

    /// The sub-problem summing depth steps `range` only (the matching columns of op(A), rows of op(B)).
    func depth(_ range: Range<Int>) -> GEMMProblem {
        var part = self
        part.k = range.count
        part.a = transposeA ? a + range.lowerBound * lda : a + range.lowerBound
        part.b = transposeB ? b + range.lowerBound : b + range.lowerBound * ldb
        return part
    }

    /// `C = (accumulate ? C : 0) + bias` for `k == 0`, where the product is empty.
    func applyEmptyProduct() {
        for i in 0..<m {
            let row = c + i * ldc
            for j in 0..<n { row[j] = (accumulate ? row[j] : 0) + (bias?[j] ?? 0) }
        }
    }

    /// Runs the whole problem on the calling thread (requires `k > 0`): a few rows without transposes
    /// unpacked (`GEMMBlocking.smallRowLimit`; the same depth blocks as the packed path, so the same
    /// bits), anything else by `runSerial`.
    func runSingleThreaded(_ routines: GEMMRoutines) {
        guard m <= GEMMBlocking.smallRowLimit, !transposeA, !transposeB else { return runSerial(routines) }
        routines.smallRows(Int64(m), Int64(n), Int64(k), Int64(GEMMBlocking.balancedDepth(k)), a, Int64(lda), b, Int64(ldb),
                           c, Int64(ldc), accumulate ? 1 : 0, bias)
    }

    /// Runs the whole problem on the calling thread with its `GEMMWorkspace` (requires `k > 0`).
    ///
    /// Loop nest (Goto/BLIS): columns of C in NC blocks → depth in balanced blocks of at most KC
    /// (`GEMMBlocking.balancedDepth`; pack op(B), unless it is read in place) → rows in
    /// MC blocks (pack op(A)) → the macro-kernel over MR×NR tiles. The first KC block stores
    /// (adding `bias`, and C when accumulating), later blocks add to C: the sum over p is therefore
    /// taken in KC-sized partial sums, a different order from the naive loop.
    func runSerial(_ routines: GEMMRoutines) {
        let workspace = GEMMWorkspace.current()
        let depthStep = GEMMBlocking.balancedDepth(k)
        for jc in stride(from: 0, to: n, by: GEMMBlocking.nc) {
            let nc = min(GEMMBlocking.nc, n - jc)
            for pc in stride(from: 0, to: k, by: depthStep) {
                let kc = min(depthStep, k - pc)
                let bBlock = transposeB ? b + jc * ldb + pc : b + pc * ldb + jc
                let bInPlace = readsBInPlace(routines) && nc % GEMMBlocking.nr == 0
                if !bInPlace {
                    GEMMPacking.packB(bBlock, ldb: ldb, transposed: transposeB, depth: kc, cols: nc,
                                      into: workspace.packedB, with: routines)
                }
                let isFirst = pc == 0
                let tile = TileStore(loadC: !isFirst || accumulate, bias: isFirst ? bias.map { $0 + jc } : nil,
                                     bInPlace: bInPlace ? bBlock : nil, ldb: ldb)
                let aInPlace = readsAInPlace(routines)
                for ic in stride(from: 0, to: m, by: GEMMBlocking.mc) {
                    let mc = min(GEMMBlocking.mc, m - ic)
                    let aBlock = transposeA ? a + pc * lda + ic : a + ic * lda + pc
                    if !aInPlace {
                        GEMMPacking.packA(aBlock, lda: lda, transposed: transposeA, rows: mc, depth: kc,
                                          into: workspace.packedA, with: routines)
                    }
                    macroKernel(routines, workspace: workspace, rows: mc, cols: nc, depth: kc, c: c + ic * ldc + jc, tile: tile,
                                aInPlace: aInPlace ? aBlock : nil)
                }
            }
        }
    }

    /// Whether A is read in place (`GEMMBlocking.inPlaceARows`) rather than packed.
    private func readsAInPlace(_ routines: GEMMRoutines) -> Bool {
        routines.unpackedAKernel != nil && !transposeA && lda % GEMMBlocking.inPlaceAAliasing != 0 && m <= GEMMBlocking.inPlaceARows
    }

    /// Whether B is read in place (`GEMMBlocking.inPlaceBLimit`) rather than packed.
    private func readsBInPlace(_ routines: GEMMRoutines) -> Bool {
        GEMMBlocking.l2AllowsInPlaceB && routines.stridedKernel != nil && !transposeB
            && ldb <= GEMMBlocking.inPlaceBLimit && m <= GEMMBlocking.inPlaceBRows
    }

    /// How a KC block's result is combined with C, and where its B panels are: in place (`bInPlace`,
    /// rows `ldb` apart) or packed in the workspace.
    private struct TileStore {
        var loadC: Bool
        var bias: UnsafePointer<Float>?
        var bInPlace: UnsafePointer<Float>?
        var ldb: Int
    }

    /// Sweeps the `rows×depth` A block (packed in the workspace, or in place at `aInPlace`, rows `lda`
    /// apart) against the packed `depth×cols` B block, one MR×NR tile at a time; B micro-panel outer so
    /// that it stays in L1 across the A panels.
    private func macroKernel(_ routines: GEMMRoutines, workspace: GEMMWorkspace, rows: Int, cols: Int, depth: Int,
                             c: UnsafeMutablePointer<Float>, tile: TileStore, aInPlace: UnsafePointer<Float>?) {
        let mr = GEMMBlocking.mr, nr = GEMMBlocking.nr
        let loadC: Int32 = tile.loadC ? 1 : 0
        let inPlace = tile.bInPlace == nil ? nil : routines.stridedKernel
        let bStride = Int64(inPlace == nil ? nr : tile.ldb)
        for jr in stride(from: 0, to: cols, by: nr) {
            let width = min(nr, cols - jr)
            let bPanel = tile.bInPlace.map { $0 + jr } ?? UnsafePointer(workspace.packedB + jr * depth)
            let tileBias = tile.bias.map { $0 + jr }
            for ir in stride(from: 0, to: rows, by: mr) {
                let height = min(mr, rows - ir)
                let cTile = c + ir * ldc + jr
                if let aInPlace, let unpacked = routines.unpackedAKernel {
                    unpacked(Int64(depth), aInPlace + ir * lda, Int64(lda), bPanel, bStride, cTile, Int64(ldc), loadC, tileBias,
                             Int64(height), Int64(width))
                    continue
                }
                let aPanel = UnsafePointer(workspace.packedA + ir * depth)
                if height == mr && width == nr {
                    if let inPlace {
                        inPlace(Int64(depth), aPanel, bPanel, Int64(tile.ldb), cTile, Int64(ldc), loadC, tileBias)
                    } else {
                        routines.kernel(Int64(depth), aPanel, bPanel, cTile, Int64(ldc), loadC, tileBias)
                    }
                } else if let edgeKernel = routines.edgeKernel {
                    edgeKernel(Int64(depth), aPanel, bPanel, bStride, cTile, Int64(ldc), loadC, tileBias, Int64(height), Int64(width))
                } else {
                    // Edge tile: compute the full padded tile aside, then combine its valid part.
                    let edge = workspace.edgeTile
                    if let inPlace {
                        inPlace(Int64(depth), aPanel, bPanel, Int64(tile.ldb), edge, Int64(nr), 0, nil)
                    } else {
                        routines.kernel(Int64(depth), aPanel, bPanel, edge, Int64(nr), 0, nil)
                    }
                    for i in 0..<height {
                        for j in 0..<width {
                            var value = edge[i * nr + j]
                            if let tileBias { value += tileBias[j] }
                            if tile.loadC { value += cTile[i * ldc + j] }
                            cTile[i * ldc + j] = value
                        }
                    }
                }
            }
        }
    }
}
