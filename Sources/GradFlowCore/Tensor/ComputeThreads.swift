import GradFlowKernels

/// How many threads GradFlow's kernels may use (GEMM slabs, the parallel CSV reader).
///
/// Defaults to `GRADFLOW_THREADS` when it holds a positive integer, else to the number of active
/// processors; `gradflow … --threads N` sets it for one run.
public enum ComputeThreads {
    /// The current budget (≥ 1); setting a value below 1 gives 1.
    public static var count: Int {
        get { KernelThreads.count }
        set { KernelThreads.setCount(newValue) }
    }
}
