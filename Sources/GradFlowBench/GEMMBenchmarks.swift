import CMallocCounter
import GradFlowKernels

/// One GEMM shape in shared/bench's naming: `MxKxN` means `C[M,N] = op(A)[M,K]·op(B)[K,N]`, with a
/// `:At` / `:Bt` suffix for a transposed operand (the backward forms `Xᵀ·dY` and `dY·Wᵀ`).
struct GEMMShape {
    var m: Int, k: Int, n: Int
    var transposeA = false, transposeB = false

    var name: String { "\(m)x\(k)x\(n)" + (transposeA ? ":At" : "") + (transposeB ? ":Bt" : "") }
    var flops: Double { 2 * Double(m) * Double(n) * Double(k) }

    /// Square sizes, then the MNIST MLP (784-128-64-10, batch 64) layer-1 forward and backward forms.
    static let standard: [GEMMShape] = [256, 512, 1024].map { GEMMShape(m: $0, k: $0, n: $0) } + [
        GEMMShape(m: 64, k: 784, n: 128),
        GEMMShape(m: 784, k: 64, n: 128, transposeA: true),
        GEMMShape(m: 64, k: 128, n: 784, transposeB: true),
    ]
}

/// Measures GFLOP/s for every standard shape and thread count, prints a table (or JSON lines) and
/// returns the records.
func runGEMMBenchmarks(options: BenchmarkOptions) -> [BenchmarkRecord] {
    var records: [BenchmarkRecord] = []
    if !options.json {
        print("GEMM float32, GFLOP/s (median of \(options.rounds * options.samplesPerRound) samples); kernel: "
              + (GEMMKernel.isAVX512Supported ? "AVX-512 6x16" : GEMMKernel.isAVX2FMASupported ? "AVX2+FMA 6x16" : "portable 6x16"))
        print(pad("shape", 16) + pad("threads", 8) + pad("median", 9) + pad("min", 9) + pad("max", 9)
              + pad("allocs/call", 12) + "max rel err")
    }
    for shape in GEMMShape.standard where options.only.isEmpty || shape.name.contains(options.only) {
        var operands = GEMMOperands(shape: shape)
        for threads in options.threads {
            let rates = (0..<options.rounds).flatMap { _ in
                Timing.rates(work: shape.flops / 1e9, minTime: options.minTime, samples: options.samplesPerRound) {
                    operands.multiply(threads: threads)
                }
            }
            let record = BenchmarkRecord(bench: "gemm", shape: shape.name, threads: threads,
                                         value: Timing.median(rates), unit: "GFLOP/s")
            records.append(record)
            if options.json {
                print(record.jsonLine)
            } else {
                let allocations = operands.allocationsPerCall(threads: threads)
                print(pad(shape.name, 16) + pad("\(threads)", 8) + pad(format(record.value), 9)
                      + pad(format(rates.min() ?? 0), 9) + pad(format(rates.max() ?? 0), 9)
                      + pad(allocations.map { format($0) } ?? "n/a", 12) + "\(operands.maxRelativeError())")
            }
        }
    }
    return records
}

/// Operand buffers for one shape, filled with standard normal values from a fixed seed.
private struct GEMMOperands {
    let shape: GEMMShape
    var a: [Float], b: [Float], c: [Float]

    init(shape: GEMMShape) {
        self.shape = shape
        var random = SplitMix64(seed: 0)
        a = (0..<shape.m * shape.k).map { _ in random.nextGaussian() }
        b = (0..<shape.k * shape.n).map { _ in random.nextGaussian() }
        c = Array(repeating: 0, count: shape.m * shape.n)
    }

    /// `C = op(A)·op(B)` with GradFlow's GEMM on at most `threads` threads.
    mutating func multiply(threads: Int) {
        let s = shape
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    gemm(transposeA: s.transposeA, transposeB: s.transposeB, m: s.m, n: s.n, k: s.k,
                         a: a.baseAddress!, lda: s.transposeA ? s.m : s.k,
                         b: b.baseAddress!, ldb: s.transposeB ? s.k : s.n,
                         c: c.baseAddress!, ldc: s.n, accumulate: false, bias: nil,
                         kernel: .automatic, threads: threads)
                }
            }
        }
    }

    /// Heap allocations per steady-state call (nil where the counter is unsupported).
    mutating func allocationsPerCall(threads: Int) -> Double? {
        multiply(threads: threads)
        let before = gradflow_allocation_count()
        for _ in 0..<20 { multiply(threads: threads) }
        let after = gradflow_allocation_count()
        return before < 0 ? nil : Double(after - before) / 20
    }

    /// The largest |C − reference| / max|reference| over a sample of entries, the reference being a
    /// Double-accumulated dot product.
    func maxRelativeError() -> Float {
        let s = shape
        var worst = 0.0, scale = 1e-30
        for index in stride(from: 0, to: s.m * s.n, by: max(1, s.m * s.n / 64)) {
            let i = index / s.n, j = index % s.n
            var reference = 0.0
            for p in 0..<s.k {
                let x = s.transposeA ? a[p * s.m + i] : a[i * s.k + p]
                let y = s.transposeB ? b[j * s.k + p] : b[p * s.n + j]
                reference += Double(x) * Double(y)
            }
            worst = max(worst, abs(Double(c[index]) - reference))
            scale = max(scale, abs(reference))
        }
        return Float(worst / scale)
    }
}

/// A tiny seeded generator (SplitMix64) for reproducible operands.
private struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A standard normal sample (Box–Muller).
    mutating func nextGaussian() -> Float {
        let u1 = (Double(next() >> 11) + 1) / 9_007_199_254_740_993.0
        let u2 = Double(next() >> 11) / 9_007_199_254_740_992.0
        return Float((-2 * _log(u1)).squareRoot() * _cos(2 * Double.pi * u2))
    }
}


private func format(_ value: Double) -> String {
    let tenths = Int((value * 10).rounded())
    return "\(tenths / 10).\(abs(tenths % 10))"
}
