/// Wall-clock timing helpers shared by the benchmark families.
enum Timing {
    /// Seconds taken by `body`.
    static func seconds(_ body: () -> Void) -> Double {
        let clock = ContinuousClock()
        let elapsed = clock.measure(body)
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }

    /// Rates (`work` units per second) measured like shared/bench/ref_gemm.py's `bench_fn`: two
    /// warm-up calls, repetitions calibrated so that one sample lasts ≥ `minTime`, then `samples`
    /// samples.
    static func rates(work: Double, minTime: Double, samples: Int, _ body: () -> Void) -> [Double] {
        body()
        body()
        var repetitions = 1
        var elapsed = 0.0
        while true {
            elapsed = seconds { for _ in 0..<repetitions { body() } }
            if elapsed >= minTime * 0.5 { break }
            repetitions *= elapsed < minTime * 0.05 ? 4 : 2
        }
        repetitions = max(1, Int(Double(repetitions) * minTime / max(elapsed, 1e-9)))
        return (0..<samples).map { _ in
            let time = seconds { for _ in 0..<repetitions { body() } }
            return work * Double(repetitions) / time
        }
    }

    /// The median of `values` (the mean of the middle two for an even count); 0 when empty.
    static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}

/// `text` left-aligned in a column of `width` characters (one space after it when it is wider).
func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
}
