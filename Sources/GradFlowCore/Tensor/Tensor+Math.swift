import GradFlowKernels

extension Tensor {
    /// `e^x` for every element.
    public func exp() -> Tensor { map(_expFloat) }

    /// The natural logarithm of every element (`-inf` at 0, `nan` below).
    public func log() -> Tensor { map(_logFloat) }

    /// The matrix product `self · other` of `[m, k]` and `[k, n]`, giving `[m, n]`.
    /// - Throws: `ShapeError.matmulMismatch` when either is not a matrix or the inner sizes differ.
    /// - Complexity: `2·m·n·k` flops, on the library's GEMM kernel.
    public func matmul(_ other: Tensor) throws(ShapeError) -> Tensor {
        guard rank == 2, other.rank == 2, shape[1] == other.shape[0] else {
            throw .matmulMismatch(shape, other.shape)
        }
        let (m, k, n) = (shape[0], shape[1], other.shape[1])
        var result = Tensor.zeros([m, n])
        guard m > 0, n > 0 else { return result }
        withUnsafeBufferPointer { a in
            other.withUnsafeBufferPointer { b in
                result.withUnsafeMutableBufferPointer { c in
                    guard let aBase = a.baseAddress, let bBase = b.baseAddress, let cBase = c.baseAddress else { return }
                    gemm(m: m, n: n, k: k, a: aBase, lda: k, b: bBase, ldb: n, c: cBase, ldc: n)
                }
            }
        }
        return result
    }
}
