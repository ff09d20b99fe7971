/// A product whose depth is long against the width of C — a batch through a wide layer,
/// `[64, 784]·[784, 128]` — summed in two halves of the depth: `C = (C + bias + Σ first half) + Σ second half`.
///
/// **Why.** On two threads each half runs on its own core, and each core then reads only its half of
/// the weights (rows of B) and of the inputs (columns of A). The weight-gradient GEMM (split by rows of
/// ∂W) and the optimizer's update (split into contiguous halves) cut the same rows the same way, and
/// the pool runs part 0 on the worker and part 1 on the caller, so a layer's weights stay in one
/// core's cache from the forward to the update. Splitting the columns of C instead had each core read
/// a half-column of every weight row, and the update then rewrote lines the other core held: on the
/// 2-core machine that update took 26–31 µs against 13–20 µs on one thread, and 11–13 µs now (MNIST
/// MLP, batch 64).
///
/// **Same bits on any thread count.** Whether a product is split depends only on its depth, its
/// width and whether A is transposed — not on the thread count, nor on the number of rows, so a row's
/// result does not depend on how many rows share its batch. One thread computes both halves in turn;
/// more than two threads also split each half's columns (which does not change any sum).
struct GEMMDepthSplit: ParallelJob {
    /// The partial C of the second half (per thread, in `GEMMWorkspace`): C is processed in blocks
    /// of at most this many floats.
    static let partialCapacity = 65_536
    /// The least depth that is split (each half then has at least 64 steps).
    static let minimumDepth = 128

    let problem: GEMMProblem
    let routines: GEMMRoutines
    /// The first depth step of the second half (a multiple of 8, the packing's width).
    let middle: Int
    let partial: UnsafeMutablePointer<Float>
    /// Column slabs per half (one per pair of threads).
    let slabs: Int

    /// Whether `problem` is summed in two depth halves: A not transposed (its rows are a batch), the
    /// depth at least `minimumDepth` and twice the width of C, and C's rows fitting the partial.
    static func applies(to problem: GEMMProblem) -> Bool {
        !problem.transposeA && problem.k >= minimumDepth && problem.k >= 2 * problem.n && problem.n <= partialCapacity
    }

    /// Runs `problem` (which `applies`) in blocks of rows, each block's two halves in parallel when
    /// the block is above the parallel threshold and the pool has threads, then adds the halves.
    static func run(_ problem: GEMMProblem, routines: GEMMRoutines, threads: Int) {
        let partial = GEMMWorkspace.current().depthPartial
        let middle = (problem.k / 2 + 7) / 8 * 8
        let blockRows = partialCapacity / problem.n
        for start in stride(from: 0, to: problem.m, by: blockRows) {
            let block = problem.rows(start..<min(problem.m, start + blockRows))
            let parallel = 2 * block.m * block.n * block.k >= GEMMBlocking.parallelThresholdFlops && availableThreads(threads) > 1
            let slabs = parallel ? max(1, min(threads / 2, problem.n / GEMMBlocking.nr)) : 1
            let split = GEMMDepthSplit(problem: block, routines: routines, middle: middle, partial: partial, slabs: slabs)
            if parallel {
                parallelFor(2 * slabs, threads: threads, split)
            } else {
                split.runPart(0)
                split.runPart(1)
            }
            split.addPartial()
        }
    }

    /// Parts below `slabs`: the first half into C (with the bias, adding to C when accumulating);
    /// the others: the second half into the partial. Each on column slab `part % slabs`.
    func runPart(_ part: Int) {
        let (slab, units) = (part % slabs, (problem.n + GEMMBlocking.nr - 1) / GEMMBlocking.nr)
        let columns = min(problem.n, units * slab / slabs * GEMMBlocking.nr)..<min(problem.n, units * (slab + 1) / slabs * GEMMBlocking.nr)
        if part < slabs {
            problem.depth(0..<middle).columns(columns).runSingleThreaded(routines)
        } else {
            var second = problem.depth(middle..<problem.k)
            (second.c, second.ldc, second.accumulate, second.bias) = (partial, problem.n, false, nil)
            second.columns(columns).runSingleThreaded(routines)
        }
    }

    /// `C += partial`, row by row.
    private func addPartial() {
        let (n, ldc) = (problem.n, problem.ldc)
        for i in 0..<problem.m {
            let (row, sum) = (problem.c + i * ldc, UnsafePointer(partial + i * n))
            for j in 0..<n { row[j] += sum[j] }
        }
    }
}
