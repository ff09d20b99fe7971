/// One result line in the schema of shared/bench/README.md, e.g.
/// `{"bench": "gemm", "shape": "512x512x512", "threads": 1, "framework": "gradflow", "value": 80.1, "unit": "GFLOP/s"}`.
struct BenchmarkRecord {
    var bench: String
    var shape: String
    var threads: Int
    var value: Double
    var unit: String

    /// The JSON line (keys in the README's order; `value` with one decimal).
    var jsonLine: String {
        let rounded = (value * 10).rounded() / 10
        return "{\"bench\": \"\(bench)\", \"shape\": \"\(shape)\", \"threads\": \(threads), "
            + "\"framework\": \"gradflow\", \"value\": \(rounded), \"unit\": \"\(unit)\"}"
    }
}
