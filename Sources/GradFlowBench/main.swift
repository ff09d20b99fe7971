#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// GradFlowBench: GradFlow's speed, in the units and shape names of shared/bench (run it in release:
// `swift run -c release GradFlowBench [--json] [--filter gemm|mlp|cnn|csv|infer|eager|all] [--reference FILE]`).
do {
    let options = try BenchmarkOptions(arguments: Array(CommandLine.arguments.dropFirst()))
    // Read the reference first, so that a bad path fails before minutes of measuring.
    if options.writeCSVOnly {
        try CSVBenchmarkTable.write(to: options.csvPath, rows: options.quick ? 20_000 : CSVBenchmarkTable.rows)
        exit(0)
    }
    let reference = try options.referencePath.map { try ReferenceRecord.load(path: $0) }
    let gigahertz = MachineLine.clock()
    if !options.json { print(MachineLine.text(gigahertz: gigahertz)) }
    var results: [BenchmarkRecord] = []
    // CSV first: its peak-memory figure is the process's, so it must come before the others.
    if options.filter == .csv || options.filter == .all { results += runCSVBenchmarks(options: options) }
    if options.filter == .gemm || options.filter == .all { results += runGEMMBenchmarks(options: options) }
    if options.filter == .mlp || options.filter == .all { results += runMLPBenchmarks(options: options) }
    if options.filter == .cnn || options.filter == .all { results += runCNNBenchmarks(options: options) }
    if options.filter == .infer || options.filter == .all { results += runInferenceBenchmarks(options: options) }
    if options.filter == .eager || options.filter == .all { results += runEagerBenchmarks(options: options) }
    if let reference { printReferenceComparison(results: results, reference: reference,
                                                           peakGFLOPS: MachineLine.peakGFLOPS(gigahertz: gigahertz)) }
} catch {
    print("GradFlowBench: \(error)")
    exit(2)
}
