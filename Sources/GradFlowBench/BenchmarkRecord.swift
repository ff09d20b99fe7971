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

    /// A training benchmark's two records: samples/s under `bench` and allocations per step under
    /// `alloc_per_step`, both printed as JSON lines when `printingJSON`.
    static func training(_ bench: String, shape: String, threads: Int, rate: Double, allocationsPerStep: Double,
                         printingJSON: Bool) -> [BenchmarkRecord] {
        let records = [BenchmarkRecord(bench: bench, shape: shape, threads: threads, value: rate, unit: "samples/s"),
                       BenchmarkRecord(bench: "alloc_per_step", shape: shape, threads: threads, value: allocationsPerStep, unit: "allocations")]
        if printingJSON { for record in records { print(record.jsonLine) } }
        return records
    }
}
