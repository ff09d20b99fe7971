// Column sums of a row-major matrix added into a vector (a dense layer's bias gradient: the column
// sums of ∂L/∂Y). Four zmm accumulators hold 64 columns across all rows, so the sums stay in
// registers instead of a load and store per row; each column is still summed row by row from its old
// value, so the result has the same bits as the Swift loop. Swift's `SIMD8` compiles to SSE2 here.
#include "CGradFlowKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include "lane_mask.h"

#pragma clang fp contract(off)

__attribute__((target("avx512f")))
void gradflow_accumulate_column_sums_avx512(const float *m, int64_t rows, int64_t cols, float *sums) {
    int64_t c = 0;
    for (; c + 64 <= cols; c += 64) {
        __m512 s0 = _mm512_loadu_ps(sums + c), s1 = _mm512_loadu_ps(sums + c + 16);
        __m512 s2 = _mm512_loadu_ps(sums + c + 32), s3 = _mm512_loadu_ps(sums + c + 48);
        for (int64_t r = 0; r < rows; ++r) {
            const float *row = m + r * cols + c;
            s0 = _mm512_add_ps(s0, _mm512_loadu_ps(row));
            s1 = _mm512_add_ps(s1, _mm512_loadu_ps(row + 16));
            s2 = _mm512_add_ps(s2, _mm512_loadu_ps(row + 32));
            s3 = _mm512_add_ps(s3, _mm512_loadu_ps(row + 48));
        }
        _mm512_storeu_ps(sums + c, s0);
        _mm512_storeu_ps(sums + c + 16, s1);
        _mm512_storeu_ps(sums + c + 32, s2);
        _mm512_storeu_ps(sums + c + 48, s3);
    }
    for (; c < cols; c += 16) {
        const __mmask16 lanes = gf_lanes16(cols - c);
        __m512 s = _mm512_maskz_loadu_ps(lanes, sums + c);
        for (int64_t r = 0; r < rows; ++r) s = _mm512_add_ps(s, _mm512_maskz_loadu_ps(lanes, m + r * cols + c));
        _mm512_mask_storeu_ps(sums + c, lanes, s);
    }
}

#else

// Not x86-64: never chosen (`gradflow_cpu_has_avx512f()` returns 0); the plain loop keeps it correct.
void gradflow_accumulate_column_sums_avx512(const float *m, int64_t rows, int64_t cols, float *sums) {
    for (int64_t r = 0; r < rows; ++r)
        for (int64_t c = 0; c < cols; ++c) sums[c] += m[r * cols + c];
}

#endif
