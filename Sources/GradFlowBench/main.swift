#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// GradFlowBench: GradFlow's speed, in the units and shape names of shared/bench (run it in release:
// `swift run -c release GradFlowBench [--json] [--filter gemm|mlp|all] [--reference FILE]`).
do {
    let options = try BenchmarkOptions(arguments: Array(CommandLine.arguments.dropFirst()))
    // Read the reference first, so that a bad path fails before minutes of measuring.
    let reference = try options.referencePath.map { try ReferenceRecord.load(path: $0) }
    var results: [BenchmarkRecord] = []
    if options.filter != .mlp { results += runGEMMBenchmarks(options: options) }
    if options.filter != .gemm { results += runMLPBenchmarks(options: options) }
    if let reference { printReferenceComparison(results: results, reference: reference) }
} catch {
    print("GradFlowBench: \(error)")
    exit(2)
}
