#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// GradFlowBench: GradFlow's speed, in the units and shape names of shared/bench (run it in release:
// `swift run -c release GradFlowBench [--json] [--filter gemm|mlp|all]`).
do {
    let options = try BenchmarkOptions(arguments: Array(CommandLine.arguments.dropFirst()))
    if options.filter != .mlp { runGEMMBenchmarks(options: options) }
    if options.filter != .gemm { runMLPBenchmarks(options: options) }
} catch {
    print("GradFlowBench: \(error)")
    exit(2)
}
