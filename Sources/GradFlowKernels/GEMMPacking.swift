/// Packing copies a block of op(A) or op(B) into the order the micro-kernel reads it, so that the
/// kernel's loads are contiguous whatever the operand's layout or transpose flag. Partial panels are
/// padded with zeros, so the kernel always computes full MR×NR tiles.
enum GEMMPacking {
    /// Packs the `rows×depth` block of op(A) that starts at `a` into MR-row micro-panels:
    /// panel `r` holds `op(A)[r·MR + i, p]` at `dst[r·MR·depth + p·MR + i]`.
    ///
    /// - Parameter transposed: A is stored `k×m` (`op(A)[i, p] = a[p·lda + i]`), else `m×k`.
    /// - Complexity: O(⌈rows/MR⌉·MR·depth) copies.
    static func packA(_ a: UnsafePointer<Float>, lda: Int, transposed: Bool, rows: Int, depth: Int,
                      into dst: UnsafeMutablePointer<Float>) {
        let mr = GEMMBlocking.mr
        var out = dst
        for r0 in stride(from: 0, to: rows, by: mr) {
            let height = min(mr, rows - r0)
            if transposed {
                // Each k step of the panel is `height` contiguous floats of one stored row.
                for p in 0..<depth {
                    let src = a + p * lda + r0
                    for i in 0..<height { out[i] = src[i] }
                    for i in height..<mr { out[i] = 0 }
                    out += mr
                }
            } else if height == mr {
                // Gather: interleave six stored rows. Row-outer order reads each row contiguously;
                // the strided writes stay inside this panel (MR·depth floats, in L1).
                for i in 0..<mr {
                    let src = a + (r0 + i) * lda
                    for p in 0..<depth { out[p * mr + i] = src[p] }
                }
                out += mr * depth
            } else {
                for p in 0..<depth {
                    for i in 0..<height { out[i] = a[(r0 + i) * lda + p] }
                    for i in height..<mr { out[i] = 0 }
                    out += mr
                }
            }
        }
    }

    /// Packs the `depth×cols` block of op(B) that starts at `b` into NR-column micro-panels:
    /// panel `s` holds `op(B)[p, s·NR + j]` at `dst[s·NR·depth + p·NR + j]`.
    ///
    /// - Parameter transposed: B is stored `n×k` (`op(B)[p, j] = b[j·ldb + p]`), else `k×n`.
    /// - Complexity: O(depth·⌈cols/NR⌉·NR) copies.
    static func packB(_ b: UnsafePointer<Float>, ldb: Int, transposed: Bool, depth: Int, cols: Int,
                      into dst: UnsafeMutablePointer<Float>) {
        let nr = GEMMBlocking.nr
        var out = dst
        for c0 in stride(from: 0, to: cols, by: nr) {
            let width = min(nr, cols - c0)
            if !transposed && width == nr {
                // Each k step is one contiguous 16-float slice of a stored row: one vector copy.
                for p in 0..<depth {
                    let v = UnsafeRawPointer(b + p * ldb + c0).loadUnaligned(as: SIMD16<Float>.self)
                    UnsafeMutableRawPointer(out).storeBytes(of: v, as: SIMD16<Float>.self)
                    out += nr
                }
            } else if !transposed {
                for p in 0..<depth {
                    let src = b + p * ldb + c0
                    for j in 0..<width { out[j] = src[j] }
                    for j in width..<nr { out[j] = 0 }
                    out += nr
                }
            } else {
                // Gather: column j of op(B) is stored row j. Row-outer order reads each stored row
                // contiguously; the strided writes stay inside this panel (NR·depth floats, in L1).
                for j in 0..<width {
                    let src = b + (c0 + j) * ldb
                    for p in 0..<depth { out[p * nr + j] = src[p] }
                }
                for j in width..<nr {
                    for p in 0..<depth { out[p * nr + j] = 0 }
                }
                out += nr * depth
            }
        }
    }
}
