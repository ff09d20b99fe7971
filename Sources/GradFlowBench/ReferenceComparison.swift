import Foundation

/// One line of shared/bench/reference.py's output (the schema of shared/bench/README.md).
struct ReferenceRecord: Decodable {
    var bench: String
    var shape: String
    var threads: Int
    var framework: String
    var value: Double
    var unit: String

    /// Reads JSON lines from `path`, skipping blank lines and lines that are not records (e.g. logs).
    ///
    /// - Throws: the file-reading error when `path` cannot be read.
    static func load(path: String) throws -> [ReferenceRecord] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let decoder = JSONDecoder()
        return text.split(separator: "\n").compactMap { line in
            try? decoder.decode(ReferenceRecord.self, from: Data(line.utf8))
        }
    }
}

/// The targets of issues 6, 12, 15, 17 and 20, as (bench, shape, threads, framework) → the least ratio (speed
/// over the reference's: gradflow/reference for rates, reference/gradflow for times per call).
/// A nil `shape` or `threads` matches any.
private struct Target {
    var bench: String
    var shape: String?
    var threads: Int?
    var framework: String
    var minimumRatio: Double

    /// The GEMM shapes with targets (issue 6 at one thread from 512³ up; issue 15 at two, all of them).
    private static let gemmShapes = ["256x256x256", "512x512x512", "1024x1024x1024", "64x784x128", "784x64x128:At", "64x128x784:Bt"]

    static let all: [Target] = gemmShapes.dropFirst().map {
        Target(bench: "gemm", shape: $0, threads: 1, framework: "numpy", minimumRatio: 0.9)
    } + gemmShapes.map {
        Target(bench: "gemm", shape: $0, threads: 2, framework: "numpy", minimumRatio: 1.0)
    } + [
        Target(bench: "mlp_train", shape: "784-128-64-10/b64", threads: 2, framework: "torch-manual", minimumRatio: 1.8),
        Target(bench: "mlp_train", shape: "784-128-64-10/b512", threads: 2, framework: "torch-manual", minimumRatio: 1.35),
        Target(bench: "mlp_train", shape: "784-128-64-10/b64", threads: nil, framework: "torch-autograd", minimumRatio: 1.5),
        Target(bench: "mlp_train", shape: "784-128-64-10/b512", threads: nil, framework: "torch-autograd", minimumRatio: 1.0),
        Target(bench: "csv_load", shape: nil, threads: 2, framework: "pandas", minimumRatio: 1.0),
        Target(bench: "mlp_latency", shape: "784-128-64-10/b1", threads: 1, framework: "torch-inference", minimumRatio: 6.0),
        Target(bench: "mlp_infer", shape: "784-128-64-10/b64", threads: 1, framework: "torch-inference", minimumRatio: 1.5),
        Target(bench: "csv_load", shape: nil, threads: 1, framework: "numpy-loadtxt", minimumRatio: 5.0),
        Target(bench: "eager_op", shape: "add/4", threads: 1, framework: "torch-eager", minimumRatio: 1.0),
    ] + ["lenet5/b64", "lenet5/b256"].map { Target(bench: "cnn_train", shape: $0, threads: nil, framework: "torch-autograd", minimumRatio: 2.0) }
      + ["cnn2/b64", "cnn2/b256"].map { Target(bench: "cnn_train", shape: $0, threads: nil, framework: "torch-autograd", minimumRatio: 1.3) }

    func matches(_ record: BenchmarkRecord, _ framework: String) -> Bool {
        bench == record.bench && (shape ?? record.shape) == record.shape && (threads ?? record.threads) == record.threads
            && self.framework == framework
    }
}

/// Prints, for every (bench, shape, threads) that GradFlow and the reference file both have, the
/// GradFlow value, each reference framework's value and the ratio gradflow/reference, marking the
/// issues' targets met or missed; then the checks that need no reference (2 threads never slower than
/// 1 thread on a GEMM shape, within 5% noise, nor beside a busy process; the MLP's two-thread speed-up
/// and one-thread share of the FMA ceiling at `peakGFLOPS` per core; 0 allocations per training step).
/// O(records²), a few hundred at most.
func printReferenceComparison(results: [BenchmarkRecord], reference: [ReferenceRecord], peakGFLOPS: Double) {
    print("\nGradFlow vs reference (ratio = gradflow / reference for rates, reference / gradflow for times per call: higher is better)")
    print(pad("bench", 11) + pad("shape", 20) + pad("thr", 4) + pad("gradflow", 11) + pad("framework", 24)
          + pad("reference", 11) + pad("ratio", 7) + "target")
    var missed = 0
    for record in results where record.bench != "alloc_per_step" && record.bench != "alloc_per_call" {
        let matching = reference.filter {
            $0.bench == record.bench && $0.shape == record.shape && $0.threads == record.threads
        }
        for ref in matching.sorted(by: { $0.framework < $1.framework }) where ref.value > 0 {
            let ratio = record.unit == "us/call" ? ref.value / max(record.value, 1e-9) : record.value / ref.value
            var verdict = ""
            if let target = Target.all.first(where: { $0.matches(record, ref.framework) }) {
                let met = ratio >= target.minimumRatio
                if !met { missed += 1 }
                verdict = (met ? "met" : "MISSED") + " (≥ \(target.minimumRatio)×)"
            }
            print(pad(record.bench, 11) + pad(record.shape, 20) + pad("\(record.threads)", 4)
                  + pad(number(record.value), 11) + pad(ref.framework, 24) + pad(number(ref.value), 11)
                  + pad(String(format: "%.2f", ratio), 7) + verdict)
        }
    }
    for record in results where record.bench == "gemm" && record.threads > 1 {
        guard let single = results.first(where: { $0.bench == "gemm" && $0.shape == record.shape && $0.threads == 1 }),
              single.value > 0 else { continue }
        // Two runs of the same serial code differ by a few percent: 5% counts as noise, not slower.
        let ratio = record.value / single.value
        if ratio < 0.95 { missed += 1 }
        print("gemm \(record.shape): \(record.threads) threads / 1 thread = \(String(format: "%.2f", ratio)) "
              + (ratio >= 0.95 ? "met" : "MISSED") + " (never slower than 1 thread, ±5% noise)")
    }
    missed += printMLPThreadChecks(results, peakGFLOPS: peakGFLOPS)
    // Concurrent callers' counts include Dispatch's own bookkeeping for its worker threads, so the
    // 0-allocation rule is checked on one caller (every path, every batch size).
    for record in results where record.bench == "alloc_per_step" || (record.bench == "alloc_per_call" && record.threads == 1) {
        if record.value != 0 { missed += 1 }
        print("allocations per \(record.bench == "alloc_per_call" ? "call" : "step") \(record.shape), \(record.threads) thread(s): \(number(record.value)) "
              + (record.value == 0 ? "met" : "MISSED") + " (0)")
    }
    print(missed == 0 ? "all targets met" : "\(missed) target(s) missed")
}

/// FLOPs of one MNIST MLP training sample: the forward and weight-gradient GEMMs (2·(784·128 +
/// 128·64 + 64·10) each) and the input gradients of layers 2 and 3 (2·(128·64 + 64·10)).
private let mlpFLOPsPerSample: Double = {
    let weights = 784 * 128 + 128 * 64 + 64 * 10, innerWeights = 128 * 64 + 64 * 10
    return Double(2 * weights * 2 + 2 * innerWeights)   // 454,400
}()

/// Issue 15's checks on the MLP rows: two threads against one (≥ 1.6× at batch 64; never slower
/// beside a busy process), and one thread against the FMA ceiling (≥ 80 % at batch 64, 85 % at 512).
/// Prints a line per check and returns how many were missed.
private func printMLPThreadChecks(_ results: [BenchmarkRecord], peakGFLOPS: Double) -> Int {
    func rate(_ shape: String, _ threads: Int) -> Double? {
        results.first { $0.bench == "mlp_train" && $0.shape == shape && $0.threads == threads }?.value
    }
    var missed = 0
    func check(_ text: String, _ value: Double, atLeast bar: Double, _ rule: String) {
        if value < bar { missed += 1 }
        print(text + " = " + String(format: "%.2f", value) + " " + (value >= bar ? "met" : "MISSED") + " (\(rule))")
    }
    let ceiling = peakGFLOPS * 1e9 / mlpFLOPsPerSample
    for (batch, speedUp, share) in [(64, 1.6, 0.80), (512, 0.0, 0.85)] {
        let shape = "784-128-64-10/b\(batch)"
        if let one = rate(shape, 1), let two = rate(shape, 2), speedUp > 0 {
            check("mlp_train \(shape): 2 threads / 1 thread", two / one, atLeast: speedUp, "≥ \(speedUp)×")
        }
        if let one = rate(shape, 1) {
            check("mlp_train \(shape): 1 thread / FMA ceiling \(String(format: "%.0f", ceiling)) samples/s", one / ceiling,
                  atLeast: share, "≥ \(share)")
        }
        if let one = rate(shape + "+busy", 1), let two = rate(shape + "+busy", 2) {
            check("mlp_train \(shape) beside a busy process: 2 threads / 1 thread", two / one, atLeast: 0.95,
                  "never slower than 1 thread, ±5% noise")
        }
    }
    return missed
}

private func number(_ value: Double) -> String {
    value >= 1000 ? String(format: "%.0f", value) : String(format: "%.1f", value)
}

