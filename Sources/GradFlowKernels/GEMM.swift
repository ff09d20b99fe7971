/// Single-precision matrix multiply: `C = op(A)·op(B)` (or `C += …`), with an optional bias row.
///
/// All matrices are row-major. `op(A)` is `m×k`: without `transposeA`, `A[i, p] = a[i * lda + p]`;
/// with it, A is stored `k×m` and `op(A)[i, p] = a[p * lda + i]`. Likewise `op(B)` is `k×n`:
/// `b[p * ldb + j]`, or with `transposeB` (B stored `n×k`) `b[j * ldb + p]`.
/// `c[i * ldc + j] = (accumulate ? c[i * ldc + j] : 0) + (bias?[j] ?? 0) + Σ_p op(A)[i, p]·op(B)[p, j]`.
///
/// - Complexity: `2·m·n·k` flops.
package func gemm(
    transposeA: Bool = false, transposeB: Bool = false,
    m: Int, n: Int, k: Int,
    a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    c: UnsafeMutablePointer<Float>, ldc: Int,
    accumulate: Bool = false, bias: UnsafePointer<Float>? = nil
) {
    precondition(m >= 0 && n >= 0 && k >= 0, "gemm: negative size")
    for i in 0..<m {
        let row = c + i * ldc
        if !accumulate { for j in 0..<n { row[j] = 0 } }
        if let bias { for j in 0..<n { row[j] += bias[j] } }
        for p in 0..<k {
            let aip = transposeA ? a[p * lda + i] : a[i * lda + p]
            if transposeB {
                for j in 0..<n { row[j] += aip * b[j * ldb + p] }
            } else {
                let bp = b + p * ldb
                for j in 0..<n { row[j] += aip * bp[j] }
            }
        }
    }
}
