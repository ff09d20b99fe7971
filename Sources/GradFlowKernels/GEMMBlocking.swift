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
    /// Below this many flops (2·m·n·k) a GEMM stays on the caller's thread: waking a worker costs
    /// tens of microseconds, more than the time saved (measured crossover ≈ 2–4 MFLOP).
    static let parallelThresholdFlops = 3_000_000
}

/// Which micro-kernel a GEMM uses. `.automatic` picks AVX2+FMA when the CPU has it, else portable.
package enum GEMMKernel: Sendable {
    /// The best kernel this CPU supports.
    case automatic
    /// The AVX2+FMA intrinsics kernel (x86-64 only; callers must check `isAVX2FMASupported`).
    case avx2FMA
    /// The plain C kernel, correct on any CPU.
    case portable

    /// Whether this CPU can run `.avx2FMA` (decided once per process with CPUID).
    package static let isAVX2FMASupported = gradflow_cpu_has_avx2_fma() != 0

    /// The C entry point for this choice.
    var function: MicroKernel {
        switch self {
        case .automatic: GEMMKernel.isAVX2FMASupported ? gradflow_sgemm_6x16_avx2 : gradflow_sgemm_6x16_portable
        case .avx2FMA: gradflow_sgemm_6x16_avx2
        case .portable: gradflow_sgemm_6x16_portable
        }
    }
}

/// `(kc, packedA, packedB, c, ldc, loadC, bias)`: see `gradflow_sgemm_6x16_avx2` in the C header.
typealias MicroKernel = @convention(c) (
    Int64, UnsafePointer<Float>?, UnsafePointer<Float>?, UnsafeMutablePointer<Float>?, Int64, Int32,
    UnsafePointer<Float>?
) -> Void
