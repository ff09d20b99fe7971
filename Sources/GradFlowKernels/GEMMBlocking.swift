import CGradFlowKernels

/// Cache-blocking constants of the packed GEMM (BLIS/Goto loop order: NC → KC → MC → NR → MR).
/// Tuned on an AVX2 x86-64 core with 32 KiB L1d and 512 KiB L2; valid on any CPU (only speed depends
/// on them).
enum GEMMBlocking {
    /// Register tile height: rows of C per micro-kernel call (must match the C kernels).
    static let mr = Int(GRADFLOW_SGEMM_MR)
    /// Register tile width: columns of C per micro-kernel call (must match the C kernels).
    static let nr = Int(GRADFLOW_SGEMM_NR)
    /// Depth of one packed block: a KC×NR panel of B (16 KiB) stays in L1 while the kernel sweeps
    /// the A block, and the C tile is loaded and stored only once per KC steps.
    static let kc = 256
    /// Rows of the packed A block: MC×KC floats (192 KiB) stay in L2 (multiple of MR).
    static let mc = 192
    /// Columns of the packed B block: KC×NC floats (4 MiB) live in the shared L3 (multiple of NR).
    static let nc = 4096
    /// Below this many flops (2·m·n·k) a GEMM stays on the caller's thread. The pool's polling
    /// workers join a job within a microsecond, and a split repacks the shared operand once per
    /// thread. Measured on the MNIST MLP at batch 64, two threads: 0.5 and 2 MFLOP gave the same
    /// step rate within noise; at 0.5 the 64×128×64 layer's GEMMs (1 MFLOP) split too, and
    /// `gradflow plan --profile` shows them 1.5× faster on two threads. A busy second core is
    /// handled by the pool (`ContentionMonitor`), not here.
    static let parallelThresholdFlops = 500_000
    /// At most this many slabs per thread in a parallel GEMM (load balancing on a shared machine).
    static let oversplit = 2
    /// The least flops per slab when a GEMM is cut into more slabs than threads (each extra slab
    /// repacks the shared operand). Measured on two threads, 512³: 151–179 GFLOP/s with 48 MFLOP
    /// slabs (four slabs, A packed four times), 174–184 with 160 MFLOP (two slabs); 1024³ keeps four.
    /// A busy core no longer needs many small slabs: the pool then runs serially (`ContentionMonitor`).
    static let oversplitFlops = 160_000_000

    /// B (not transposed) is read in place instead of packed for products of at most
    /// `inPlaceBRows` rows whose B rows are at most `inPlaceBLimit` floats apart and whose columns fill
    /// whole NR panels. Packing B copies it once per depth block, which a product of few rows (a batch
    /// of 64) does not amortise: the MLP's 64×784×128 layer spent 7.9 µs of 117 packing W₁, and read
    /// in place it took 126–143 µs against 142–154 packed (C microbenchmark, alternating runs).
    /// Wider rows alias in L1 (rows 4 KiB apart all fall in one set: 1024³ ran at 53 GFLOP/s in
    /// place, 102 packed), and many rows re-read each panel, which packing keeps contiguous in L1.
    /// Even rows 512 bytes apart share 8 of L1's 64 sets, so a panel of a few hundred k steps does not
    /// stay in L1 and each tile re-reads it from L2: that pays only with an L2 of at least
    /// `inPlaceBMinimumL2` (Zen 4, 1 MiB: the numbers above). With Zen 3's 512 KiB (W₁ and the batch,
    /// 600 KB, no longer fit) packing won: the MLP's step at batch 64 took 0.495 against 0.533 ms
    /// on one thread and 0.348 against 0.384 on two (medians of 8 alternating runs of `gradflow plan
    /// --profile`).
    static let inPlaceBLimit = 256
    static let inPlaceBRows = 128
    static let inPlaceBMinimumL2 = 1 << 20
    /// Whether this CPU's L2 is large enough for B read in place (`inPlaceBMinimumL2`); an L2 of unknown
    /// size counts as large.
    static let l2AllowsInPlaceB = GEMMKernel.l2CacheBytes == 0 || GEMMKernel.l2CacheBytes >= inPlaceBMinimumL2

    /// A (not transposed) is read in place instead of packed, by the AVX-512 kernels, for products of at
    /// most `inPlaceARows` rows whose A rows are not a multiple of `inPlaceAAliasing` floats apart (4 KiB:
    /// six rows in one L1 set). Packing A copies it once per depth block only to make each 6-row panel
    /// contiguous, and six row streams read from L2 serve the kernel as well. Measured on the MNIST MLP's
    /// forward (C microbenchmark, 64×784×128 and 512×784×128, the input batch out of L2): 122 µs in
    /// place against 129–130 µs packed at batch 64, 908–1057 against 981–1046 at batch 512.
    static let inPlaceARows = 512
    static let inPlaceAAliasing = 1024

    /// Products with at most this many rows of C (and no transposes) skip packing: measured on the
    /// MNIST MLP's layers, the unpacked kernel wins up to 4 rows (at 1 row, 26 µs → a few µs).
    static let smallRowLimit = 4

    /// The depth of each KC block for a product of depth `k`: `⌈k / ⌈k/KC⌉⌉` rounded up to a
    /// multiple of 8 (the packing transposes' width), capped at KC. Equal blocks avoid a thin last
    /// one whose C-tile loads and stores are not amortised (k = 784: 200·3 + 184, not 256·3 + 16).
    static func balancedDepth(_ k: Int) -> Int {
        let blocks = (k + kc - 1) / kc
        let depth = (k + blocks - 1) / blocks
        return min(kc, (depth + 7) / 8 * 8)
    }
}

/// Which micro-kernel a GEMM uses. `.automatic` picks AVX2+FMA when the CPU has it, else portable.
package enum GEMMKernel: Sendable {
    /// The best kernel this CPU supports.
    case automatic
    /// The AVX2+FMA intrinsics kernel (x86-64 only; callers must check `isAVX2FMASupported`).
    case avx2FMA
    /// The AVX-512F micro-kernels with the AVX2 packing (callers must check `isAVX512Supported`).
    case avx512
    /// The plain C kernel, correct on any CPU.
    case portable

    /// Whether this CPU can run `.avx2FMA` (decided once per process with CPUID).
    package static let isAVX2FMASupported = gradflow_cpu_has_avx2_fma() != 0
    /// Whether this CPU can run `.avx512` (chosen by `.automatic` when it can).
    package static let isAVX512Supported = gradflow_cpu_has_avx512f() != 0
    /// Bytes of one core's L2 cache (0 when the C library cannot tell): `GEMMBlocking` reads B in
    /// place only with a large one.
    package static let l2CacheBytes = Int(gradflow_cpu_l2_bytes())

    /// The C micro-kernel and packing routines for this choice.
    var routines: GEMMRoutines {
        switch self {
        case .automatic: GEMMKernel.isAVX512Supported ? .avx512 : GEMMKernel.isAVX2FMASupported ? .avx2FMA : .portable
        case .avx2FMA: .avx2FMA
        case .avx512: .avx512
        case .portable: .portable
        }
    }
}

/// The C entry points one GEMM runs with: a micro-kernel and the two packing routines built for the
/// same instruction set (so forcing `.portable` exercises the portable packing too).
struct GEMMRoutines {
    /// `(kc, packedA, packedB, c, ldc, loadC, bias)`: see `gradflow_sgemm_6x16_avx2` in the C header.
    typealias Kernel = @convention(c) (
        Int64, UnsafePointer<Float>?, UnsafePointer<Float>?, UnsafeMutablePointer<Float>?, Int64, Int32,
        UnsafePointer<Float>?
    ) -> Void
    /// `(source, leading dimension, transposed, rows or depth, depth or cols, destination)`: see
    /// `gradflow_sgemm_pack_a_avx2` / `gradflow_sgemm_pack_b_avx2` in the C header.
    typealias Pack = @convention(c) (
        UnsafePointer<Float>?, Int64, Int32, Int64, Int64, UnsafeMutablePointer<Float>?
    ) -> Void

    /// `(m, n, k, kc, a, lda, b, ldb, c, ldc, accumulate, bias)`: see `gradflow_sgemm_small_m_avx2`.
    typealias SmallRows = @convention(c) (
        Int64, Int64, Int64, Int64, UnsafePointer<Float>?, Int64, UnsafePointer<Float>?, Int64, UnsafeMutablePointer<Float>?,
        Int64, Int32, UnsafePointer<Float>?
    ) -> Void

    /// `(kc, packedA, b, ldb, c, ldc, loadC, bias)`: see `gradflow_sgemm_6x16_avx2_strided_b`.
    typealias StridedKernel = @convention(c) (
        Int64, UnsafePointer<Float>?, UnsafePointer<Float>?, Int64, UnsafeMutablePointer<Float>?, Int64, Int32,
        UnsafePointer<Float>?
    ) -> Void

    /// `(kc, a, lda, b, ldb, c, ldc, loadC, bias, rows, cols)`: see `gradflow_sgemm_6x16_avx512_unpacked_a`.
    typealias UnpackedAKernel = @convention(c) (
        Int64, UnsafePointer<Float>?, Int64, UnsafePointer<Float>?, Int64, UnsafeMutablePointer<Float>?, Int64, Int32,
        UnsafePointer<Float>?, Int64, Int64
    ) -> Void
    /// `(kc, packedA, b, ldb, c, ldc, loadC, bias, rows, cols)`: see `gradflow_sgemm_6x16_avx512_edge`.
    typealias EdgeKernel = @convention(c) (
        Int64, UnsafePointer<Float>?, UnsafePointer<Float>?, Int64, UnsafeMutablePointer<Float>?, Int64, Int32,
        UnsafePointer<Float>?, Int64, Int64
    ) -> Void

    let kernel: Kernel
    /// The micro-kernel reading B in place (nil: B is always packed).
    let stridedKernel: StridedKernel?
    /// The micro-kernel for a partial tile, writing only its valid part (nil: the tile is computed in
    /// `GEMMWorkspace.edgeTile` and its valid part combined with C in Swift).
    var edgeKernel: EdgeKernel? = nil
    /// The micro-kernel reading A in place, for every tile (nil: A is always packed).
    var unpackedAKernel: UnpackedAKernel? = nil
    let packA: Pack
    let packB: Pack
    let smallRows: SmallRows

    /// The 6×16 tile in ymm registers (edge tiles stored with masks, A read in place when not
    /// transposed, B in place when `GEMMBlocking` says so), the AVX2 few-rows kernel and packing.
    static let avx2FMA = GEMMRoutines(
        kernel: gradflow_sgemm_6x16_avx2, stridedKernel: gradflow_sgemm_6x16_avx2_strided_b, edgeKernel: gradflow_sgemm_6x16_avx2_edge,
        unpackedAKernel: gradflow_sgemm_6x16_avx2_unpacked_a, packA: gradflow_sgemm_pack_a_avx2, packB: gradflow_sgemm_pack_b_avx2,
        smallRows: gradflow_sgemm_small_m_avx2)
    /// The 6×16 tile in zmm registers (bit-identical to `avx2FMA`, 99–104 against 87–103 GFLOP/s on
    /// Zen 4; edge tiles stored with masks; A read in place when not transposed) and the AVX-512F
    /// few-rows kernel (measured faster for a prediction's single row of 128 outputs), with the AVX2
    /// packing (the same panels).
    static let avx512 = GEMMRoutines(
        kernel: gradflow_sgemm_6x16_avx512, stridedKernel: gradflow_sgemm_6x16_avx512_strided_b, edgeKernel: gradflow_sgemm_6x16_avx512_edge,
        unpackedAKernel: gradflow_sgemm_6x16_avx512_unpacked_a,
        packA: gradflow_sgemm_pack_a_avx2, packB: gradflow_sgemm_pack_b_avx2, smallRows: gradflow_sgemm_small_m_avx512)
    /// Plain C for any CPU (B and A always packed, edge tiles through `GEMMWorkspace.edgeTile`).
    static let portable = GEMMRoutines(
        kernel: gradflow_sgemm_6x16_portable, stridedKernel: nil, packA: gradflow_sgemm_pack_a_portable,
        packB: gradflow_sgemm_pack_b_portable, smallRows: gradflow_sgemm_small_m_portable)
}
