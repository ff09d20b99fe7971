/// Elementwise loops over raw buffers. Every function takes its output buffer from the caller and
/// allocates nothing; lengths need not be multiples of the SIMD width.
package enum Elementwise {
    /// `y[i] = max(x[i], 0)`.
    package static func relu(_ x: UnsafeBufferPointer<Float>, into y: UnsafeMutableBufferPointer<Float>) {
        for i in 0..<x.count { y[i] = max(x[i], 0) }
    }

    /// `dx[i] += y[i] > 0 ? dy[i] : 0`, where `y` is ReLU's output.
    package static func reluBackward(output y: UnsafeBufferPointer<Float>, upstream dy: UnsafeBufferPointer<Float>,
                                     accumulatingInto dx: UnsafeMutableBufferPointer<Float>) {
        for i in 0..<y.count where y[i] > 0 { dx[i] += dy[i] }
    }

    /// `y[i] = 1 / (1 + e^(-x[i]))`, stable for large |x|.
    package static func sigmoid(_ x: UnsafeBufferPointer<Float>, into y: UnsafeMutableBufferPointer<Float>) {
        for i in 0..<x.count {
            let v = x[i]
            if v >= 0 { y[i] = 1 / (1 + _exp(-v)) } else { let e = _exp(v); y[i] = e / (1 + e) }
        }
    }

    /// `dx[i] += dy[i] · y[i] · (1 − y[i])`, where `y` is the sigmoid's output.
    package static func sigmoidBackward(output y: UnsafeBufferPointer<Float>, upstream dy: UnsafeBufferPointer<Float>,
                                        accumulatingInto dx: UnsafeMutableBufferPointer<Float>) {
        for i in 0..<y.count { dx[i] += dy[i] * y[i] * (1 - y[i]) }
    }

    /// `y[i] = tanh(x[i])`.
    package static func tanh(_ x: UnsafeBufferPointer<Float>, into y: UnsafeMutableBufferPointer<Float>) {
        for i in 0..<x.count { y[i] = _tanh(x[i]) }
    }

    /// `dx[i] += dy[i] · (1 − y[i]²)`, where `y` is tanh's output.
    package static func tanhBackward(output y: UnsafeBufferPointer<Float>, upstream dy: UnsafeBufferPointer<Float>,
                                     accumulatingInto dx: UnsafeMutableBufferPointer<Float>) {
        for i in 0..<y.count { dx[i] += dy[i] * (1 - y[i] * y[i]) }
    }

    /// `y[i] = e^x[i]`.
    package static func exp(_ x: UnsafeBufferPointer<Float>, into y: UnsafeMutableBufferPointer<Float>) {
        for i in 0..<x.count { y[i] = _exp(x[i]) }
    }

    /// `y[i] = ln x[i]`.
    package static func log(_ x: UnsafeBufferPointer<Float>, into y: UnsafeMutableBufferPointer<Float>) {
        for i in 0..<x.count { y[i] = _log(x[i]) }
    }

    /// `y[i] += x[i]`.
    package static func accumulate(_ x: UnsafeBufferPointer<Float>, into y: UnsafeMutableBufferPointer<Float>) {
        for i in 0..<x.count { y[i] += x[i] }
    }

    /// `y[i] += alpha · x[i]` (BLAS axpy; with `alpha = −lr` it is the SGD update).
    package static func axpy(_ alpha: Float, _ x: UnsafeBufferPointer<Float>, _ y: UnsafeMutableBufferPointer<Float>) {
        for i in 0..<x.count { y[i] += alpha * x[i] }
    }

    /// `y[i] = alpha · x[i]`.
    package static func scale(_ x: UnsafeBufferPointer<Float>, by alpha: Float, into y: UnsafeMutableBufferPointer<Float>) {
        for i in 0..<x.count { y[i] = alpha * x[i] }
    }

    /// `y[i] = value`.
    package static func fill(_ y: UnsafeMutableBufferPointer<Float>, with value: Float) {
        for i in 0..<y.count { y[i] = value }
    }

    /// `Σ x[i]`, accumulated in Double so that long sums stay accurate.
    package static func sum(_ x: UnsafeBufferPointer<Float>) -> Float {
        var total: Double = 0
        for v in x { total += Double(v) }
        return Float(total)
    }

    /// `matrix[r, c] += row[c]` for every row of a `rows×cols` row-major matrix (bias add).
    package static func addRowVector(_ row: UnsafeBufferPointer<Float>, toRowsOf matrix: UnsafeMutableBufferPointer<Float>,
                                     rows: Int, cols: Int) {
        for r in 0..<rows { for c in 0..<cols { matrix[r * cols + c] += row[c] } }
    }

    /// `out[c] += Σ_r matrix[r, c]` over a `rows×cols` row-major matrix (bias gradient).
    package static func accumulateColumnSums(of matrix: UnsafeBufferPointer<Float>, rows: Int, cols: Int,
                                             into out: UnsafeMutableBufferPointer<Float>) {
        for r in 0..<rows { for c in 0..<cols { out[c] += matrix[r * cols + c] } }
    }

    /// Row-wise softmax of a `rows×cols` matrix, stable (subtracts each row's max first).
    package static func softmaxRows(_ x: UnsafeBufferPointer<Float>, rows: Int, cols: Int,
                                    into y: UnsafeMutableBufferPointer<Float>) {
        for r in 0..<rows {
            let base = r * cols
            var m = -Float.infinity
            for c in 0..<cols { m = max(m, x[base + c]) }
            var total: Float = 0
            for c in 0..<cols { let e = _exp(x[base + c] - m); y[base + c] = e; total += e }
            let inv = 1 / total
            for c in 0..<cols { y[base + c] *= inv }
        }
    }
}
