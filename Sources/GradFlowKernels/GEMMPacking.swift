/// Packing copies a block of op(A) or op(B) into the order the micro-kernel reads it, so that the
/// kernel's loads are contiguous whatever the operand's layout or transpose flag. Partial panels are
/// padded with zeros, so the kernel always computes full MR×NR tiles. The copies themselves are C
/// (`gradflow_sgemm_pack_*`: AVX2 8×8 register transposes for the gathers, or portable loops).
enum GEMMPacking {
    /// Packs the `rows×depth` block of op(A) that starts at `a` into MR-row micro-panels:
    /// panel `r` holds `op(A)[r·MR + i, p]` at `dst[r·MR·depth + p·MR + i]`.
    ///
    /// - Parameter transposed: A is stored `k×m` (`op(A)[i, p] = a[p·lda + i]`), else `m×k`.
    /// - Complexity: O(⌈rows/MR⌉·MR·depth) copies.
    @inline(__always)
    static func packA(_ a: UnsafePointer<Float>, lda: Int, transposed: Bool, rows: Int, depth: Int,
                      into dst: UnsafeMutablePointer<Float>, with routines: GEMMRoutines) {
        routines.packA(a, Int64(lda), transposed ? 1 : 0, Int64(rows), Int64(depth), dst)
    }

    /// Packs the `depth×cols` block of op(B) that starts at `b` into NR-column micro-panels:
    /// panel `s` holds `op(B)[p, s·NR + j]` at `dst[s·NR·depth + p·NR + j]`.
    ///
    /// - Parameter transposed: B is stored `n×k` (`op(B)[p, j] = b[j·ldb + p]`), else `k×n`.
    /// - Complexity: O(depth·⌈cols/NR⌉·NR) copies.
    @inline(__always)
    static func packB(_ b: UnsafePointer<Float>, ldb: Int, transposed: Bool, depth: Int, cols: Int,
                      into dst: UnsafeMutablePointer<Float>, with routines: GEMMRoutines) {
        routines.packB(b, Int64(ldb), transposed ? 1 : 0, Int64(depth), Int64(cols), dst)
    }
}
