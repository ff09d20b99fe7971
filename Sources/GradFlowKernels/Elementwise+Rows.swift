import CGradFlowKernels

/// Reductions and row-wise kernels over row-major `rows×cols` matrices.
extension Elementwise {
    /// `Σ x[i]`, accumulated in Double (four Double lanes per half vector), so long sums of Floats
    /// lose nothing to rounding; the result is rounded to Float once.
    package static func sum(_ x: UnsafeBufferPointer<Float>) -> Float {
        guard let base = x.baseAddress else { return 0 }
        var low = SIMD4<Double>(), high = SIMD4<Double>()
        var i = 0
        while i + 8 <= x.count {
            let v = SIMDAccess.load(base + i)
            low += SIMD4<Double>(v.lowHalf)
            high += SIMD4<Double>(v.highHalf)
            i += 8
        }
        var total = (low + high).sum()
        while i < x.count { total += Double(base[i]); i += 1 }
        return Float(total)
    }

    /// `matrix[r, c] += row[c]` for every row of a `rows×cols` row-major matrix (bias add).
    package static func addRowVector(_ row: UnsafeBufferPointer<Float>, toRowsOf matrix: UnsafeMutableBufferPointer<Float>,
                                     rows: Int, cols: Int) {
        precondition(row.count >= cols && matrix.count >= rows * cols, "addRowVector: buffers too small")
        guard let bias = row.baseAddress, let base = matrix.baseAddress else { return }
        for r in 0..<rows {
            let line = base + r * cols
            SIMDAccess.map(cols, line, bias, line) { $0 + $1 }
        }
    }

    /// `out[c] += Σ_r matrix[r, c]` over a `rows×cols` row-major matrix (bias gradient). Rows are
    /// added in order, as in the naive loop, so the result is the same to the last bit.
    package static func accumulateColumnSums(of matrix: UnsafeBufferPointer<Float>, rows: Int, cols: Int,
                                             into out: UnsafeMutableBufferPointer<Float>) {
        precondition(out.count >= cols && matrix.count >= rows * cols, "accumulateColumnSums: buffers too small")
        guard let base = matrix.baseAddress, let sums = out.baseAddress else { return }
        if GEMMKernel.isAVX512Supported { return gradflow_accumulate_column_sums_avx512(base, Int64(rows), Int64(cols), sums) }
        if GEMMKernel.isAVX2FMASupported { return gradflow_accumulate_column_sums_avx2(base, Int64(rows), Int64(cols), sums) }
        for r in 0..<rows {
            SIMDAccess.map(cols, sums, base + r * cols, sums) { $0 + $1 }
        }
    }

    /// The outcome of `softmaxCrossEntropyRows`: the loss summed over the rows, or the first row
    /// whose label is not a class index.
    package enum CrossEntropyRows {
        case sum(Double)
        case invalidLabel(row: Int)
    }

    /// Softmax of the `rows×cols` logits `z` into `p` and the cross-entropy against `labels` (class
    /// indices) summed over the rows, in one C pass (`gradflow_softmax_ce_rows_avx2`) on AVX2 CPUs;
    /// nil elsewhere (the caller runs `softmaxRows` and its own loop, with the same bits).
    package static func softmaxCrossEntropyRows(_ z: UnsafePointer<Float>, labels: UnsafePointer<Float>, rows: Int, cols: Int,
                                                into p: UnsafeMutablePointer<Float>) -> CrossEntropyRows? {
        guard GEMMKernel.isAVX2FMASupported, cols > 0 else { return nil }
        var total: Double = 0
        let bad = gradflow_softmax_ce_rows_avx2(z, labels, Int64(rows), Int64(cols), p, &total)
        return bad < 0 ? .sum(total) : .invalidLabel(row: Int(bad))
    }

    /// Row-wise softmax of a `rows×cols` matrix: `y[r, c] = e^(x[r, c] − m_r) / Σ_c' e^(x[r, c'] − m_r)`
    /// with `m_r` the row's maximum (so no overflow). `y` may alias `x`. O(rows·cols). AVX2 CPUs run the C
    /// loop of `softmax_rows.c`, others `softmaxRowsLoop`: the same bits on every CPU.
    package static func softmaxRows(_ x: UnsafeBufferPointer<Float>, rows: Int, cols: Int,
                                    into y: UnsafeMutableBufferPointer<Float>) {
        precondition(x.count >= rows * cols && y.count >= rows * cols, "softmaxRows: buffers too small")
        guard cols > 0, let input = x.baseAddress, let output = y.baseAddress else { return }
        if GEMMKernel.isAVX2FMASupported { return gradflow_softmax_rows_avx2(input, Int64(rows), Int64(cols), output) }
        softmaxRowsLoop(input, rows: rows, cols: cols, into: output)
    }

    /// `softmaxRows` as a Swift `SIMD8` loop: what CPUs without AVX2 run, and the bits the C loop
    /// reproduces. `cols ≥ 1`.
    package static func softmaxRowsLoop(_ input: UnsafePointer<Float>, rows: Int, cols: Int, into output: UnsafeMutablePointer<Float>) {
        for r in 0..<rows {
            let source = input + r * cols, target = output + r * cols
            let maximum = rowMaximum(source, cols)
            var total = SIMD8<Float>()
            var c = 0
            while c + 8 <= cols {
                let e = VectorMath.exp(SIMDAccess.load(source + c) - maximum)
                SIMDAccess.store(e, target + c)
                total += e
                c += 8
            }
            if c < cols {
                // Padding −∞ makes the unused lanes e^−∞ = 0, so they add nothing to the sum.
                let e = VectorMath.exp(SIMDAccess.loadPartial(source + c, cols - c, padding: -.infinity) - maximum)
                SIMDAccess.storePartial(e, target + c, cols - c)
                total += e
            }
            let sum = total.sum()
            let inverse = 1 / sum
            SIMDAccess.map(cols, target, target) { $0 * inverse }
        }
    }

    /// The largest of `count` (≥ 1) floats at `p`.
    @inline(__always)
    private static func rowMaximum(_ p: UnsafePointer<Float>, _ count: Int) -> Float {
        var best = SIMD8<Float>(repeating: -.infinity)
        var i = 0
        while i + 8 <= count {
            best = pointwiseMax(best, SIMDAccess.load(p + i))
            i += 8
        }
        if i < count { best = pointwiseMax(best, SIMDAccess.loadPartial(p + i, count - i, padding: -.infinity)) }
        return best.max()
    }
}
