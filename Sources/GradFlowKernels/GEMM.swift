/// Single-precision matrix multiply: `C = op(A)·op(B)` (or `C += …`), with an optional bias row.
///
/// All matrices are row-major. `op(A)` is `m×k`: without `transposeA`, `A[i, p] = a[i * lda + p]`;
/// with it, A is stored `k×m` and `op(A)[i, p] = a[p * lda + i]`. Likewise `op(B)` is `k×n`:
/// `b[p * ldb + j]`, or with `transposeB` (B stored `n×k`) `b[j * ldb + p]`.
/// `c[i * ldc + j] = (accumulate ? c[i * ldc + j] : 0) + (bias?[j] ?? 0) + Σ_p op(A)[i, p]·op(B)[p, j]`.
///
/// Packed and cache-blocked (`GEMMBlocking`), with a 6×16 register-tile micro-kernel (AVX2+FMA when
/// the CPU has it); products of at most `GEMMBlocking.smallRowLimit` rows without transposes run
/// unpacked (`gradflow_sgemm_small_m_*`: packing B would cost more than the product). A depth long
/// against the width of C is summed in two halves (`GEMMDepthSplit`), one per thread; otherwise, above
/// `GEMMBlocking.parallelThresholdFlops`, the rows or columns of C are split across up to
/// `KernelThreads.count` threads. Results are the same bits on any thread count. Steady-state calls
/// allocate nothing. Sums over `p` are taken in blocks of `GEMMBlocking.kc` and may be fused
/// multiply-adds, so results differ from the naive loop by rounding.
///
/// - Complexity: `2·m·n·k` flops; O(m·k + k·n) packing copies.
package func gemm(
    transposeA: Bool = false, transposeB: Bool = false,
    m: Int, n: Int, k: Int,
    a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    c: UnsafeMutablePointer<Float>, ldc: Int,
    accumulate: Bool = false, bias: UnsafePointer<Float>? = nil
) {
    gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb,
         c: c, ldc: ldc, accumulate: accumulate, bias: bias, kernel: .automatic, threads: KernelThreads.count)
}

/// `gemm(...)` with an explicit micro-kernel choice and thread budget (for tests and benchmarks).
///
/// - Parameters:
///   - kernel: `.avx2FMA` requires `GEMMKernel.isAVX2FMASupported`.
///   - threads: the most threads to use (≥ 1); small problems use one whatever this says.
package func gemm(
    transposeA: Bool, transposeB: Bool,
    m: Int, n: Int, k: Int,
    a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    c: UnsafeMutablePointer<Float>, ldc: Int,
    accumulate: Bool, bias: UnsafePointer<Float>?,
    kernel: GEMMKernel, threads: Int
) {
    precondition(
        m >= 0 && n >= 0 && k >= 0 && ldc >= n && lda >= (transposeA ? m : k) && ldb >= (transposeB ? k : n)
            && threads >= 1 && (kernel != .avx2FMA || GEMMKernel.isAVX2FMASupported)
            && (kernel != .avx512 || GEMMKernel.isAVX512Supported),
        "gemm: invalid sizes, leading dimensions, thread count or kernel")
    let problem = GEMMProblem(
        transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb,
        c: c, ldc: ldc, accumulate: accumulate, bias: bias)
    if m == 0 || n == 0 { return }
    if k == 0 { return problem.applyEmptyProduct() }
    let routines = kernel.routines
    if GEMMDepthSplit.applies(to: problem) {
        return GEMMDepthSplit.run(problem, routines: routines, threads: threads)
    }
    // A few rows (a prediction for one example) run unpacked on this thread.
    if m <= GEMMBlocking.smallRowLimit, !transposeA, !transposeB { return problem.runSingleThreaded(routines) }
    let flops = 2 * m * n * k
    guard flops >= GEMMBlocking.parallelThresholdFlops, availableThreads(threads) > 1 else {
        return problem.runSerial(routines)
    }
    let split = GEMMSplit(problem: problem, routines: routines, threads: threads)
    guard split.parts > 1 else { return problem.runSerial(routines) }
    parallelFor(split.parts, threads: threads, split)
}

/// A GEMM cut into `parts` slabs of C (one per thread, or more for large products), each run
/// serially with its own workspace.
///
/// The longer side of C is split: the other operand is then packed once per thread, and the
/// redundant packing (m·k when splitting columns, k·n when splitting rows) is the smaller one.
/// Slab edges fall on multiples of NR (columns) or MR (rows) so no extra edge tiles appear.
private struct GEMMSplit: ParallelJob {
    let problem: GEMMProblem
    let routines: GEMMRoutines
    let splitsColumns: Bool
    let unit: Int
    let units: Int
    let parts: Int

    init(problem: GEMMProblem, routines: GEMMRoutines, threads: Int) {
        self.problem = problem
        self.routines = routines
        splitsColumns = problem.n >= problem.m
        unit = splitsColumns ? GEMMBlocking.nr : GEMMBlocking.mr
        units = ((splitsColumns ? problem.n : problem.m) + unit - 1) / unit
        // Large products are cut into more slabs than threads: the pool hands slabs out one at a
        // time, so when another process holds a core the thread that runs takes the extra slabs
        // instead of the caller waiting for one half. Each extra slab repacks the shared operand,
        // so this only pays above `GEMMBlocking.oversplitFlops` per slab.
        let flops = 2 * problem.m * problem.n * problem.k
        let slabs = min(threads * GEMMBlocking.oversplit, max(threads, flops / GEMMBlocking.oversplitFlops))
        parts = min(slabs, units)
    }

    func runPart(_ part: Int) {
        let extent = splitsColumns ? problem.n : problem.m
        let start = min(extent, units * part / parts * unit)
        let end = min(extent, units * (part + 1) / parts * unit)
        let slab = splitsColumns ? problem.columns(start..<end) : problem.rows(start..<end)
        slab.runSerial(routines)
    }
}
