/// MNIST MLP training throughput (samples/s) and allocations per step: to be written (see
/// shared/bench/ref_mlp_torch.py for the protocol to mirror).
func runMLPBenchmarks(options: BenchmarkOptions) {
    if !options.json { print("mlp benchmarks: see MLPBenchmarks.swift (not yet)") }
}
