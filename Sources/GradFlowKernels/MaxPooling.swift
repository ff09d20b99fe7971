import CGradFlowKernels

/// Max pooling's vector loop (`max_pool.c`).
package enum MaxPooling {
    /// 2×2 windows, stride 2, no padding: `planes` planes of `height × width` floats at `x` into
    /// `outputHeight × outputWidth` maxima at `y`, and at `won` each one's offset within its input
    /// plane. Ties go to the first candidate in window order (row 0 then row 1, left then right); a NaN
    /// wins only as the first. AVX-512 rows of 16 outputs where the CPU has it, else plain C.
    package static func pool2x2(_ x: UnsafePointer<Float>, planes: Int, height: Int, width: Int, outputHeight: Int, outputWidth: Int,
                                into y: UnsafeMutablePointer<Float>, winners won: UnsafeMutablePointer<Int32>) {
        gradflow_max_pool2x2(x, Int64(planes), Int64(height), Int64(width), Int64(outputHeight), Int64(outputWidth), y, won)
    }
}
