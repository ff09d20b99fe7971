/// Command-line options of `GradFlowBench`.
///
///     GradFlowBench [--json] [--filter gemm|mlp|cnn|csv|infer|eager|all] [--threads 1,2] [--only SUBSTRING] [--quick]
///                   [--reference FILE] [--csv-file PATH] [--write-csv]
struct BenchmarkOptions {
    /// Which benchmark families run.
    enum Filter: String { case gemm, mlp, cnn, csv, infer, eager, all }

    /// Print JSON lines (the schema of shared/bench/README.md) instead of a table.
    var json = false
    var filter = Filter.all
    /// Thread counts to measure, in order.
    var threads = [1, 2]
    /// Fewer, shorter samples (a smoke run, not a measurement).
    var quick = false
    /// Only shapes whose name contains this (as ref_gemm.py's `--only`); empty = all.
    var only = ""
    /// JSON lines from shared/bench/reference.py to compare against (a table after the results).
    var referencePath: String?
    /// Where the CSV benchmark's generated table is written (and read by scripts/ref_csv.py).
    var csvPath = ".build/bench-table.csv"
    /// Only write the CSV table and exit (so that `make bench-compare` can hand it to the reference).
    var writeCSVOnly = false

    /// Timing protocol of shared/bench/ref_gemm.py: `rounds × samples` samples of ≥ `minTime` s each.
    var rounds: Int { quick ? 1 : 3 }
    var samplesPerRound: Int { quick ? 2 : 3 }
    var minTime: Double { quick ? 0.01 : 0.04 }

    /// A message for a bad command line.
    struct UsageError: Error, CustomStringConvertible {
        var description: String
    }

    /// Parses `arguments` (without the program name).
    ///
    /// - Throws: `UsageError` naming the argument that was not understood.
    init(arguments: [String]) throws {
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            switch argument {
            case "--json": json = true
            case "--quick": quick = true
            case "--filter":
                guard let value = rest.popFirst(), let parsed = Filter(rawValue: value) else {
                    throw UsageError(description: "--filter expects gemm, mlp, cnn, csv, infer, eager or all")
                }
                filter = parsed
            case "--only":
                guard let value = rest.popFirst() else { throw UsageError(description: "--only expects a shape substring, e.g. 512x") }
                only = value
            case "--reference":
                guard let value = rest.popFirst() else { throw UsageError(description: "--reference expects a file of JSON lines from reference.py") }
                referencePath = value
            case "--csv-file":
                guard let value = rest.popFirst() else { throw UsageError(description: "--csv-file expects a path") }
                csvPath = value
            case "--write-csv": writeCSVOnly = true
            case "--threads":
                let values = rest.popFirst()?.split(separator: ",").compactMap { Int($0) } ?? []
                guard !values.isEmpty, values.allSatisfy({ $0 >= 1 }) else {
                    throw UsageError(description: "--threads expects a comma-separated list of positive integers, e.g. 1,2")
                }
                threads = values
            case "-h", "--help":
                throw UsageError(description: "usage: GradFlowBench [--json] [--filter gemm|mlp|cnn|csv|infer|eager|all] [--threads 1,2] [--only SUBSTRING] [--quick] [--reference FILE] [--csv-file PATH] [--write-csv]")
            default:
                throw UsageError(description: "unknown argument '\(argument)'; try --help")
            }
        }
    }
}
