// Column sums of a row-major matrix added into a vector (a dense layer's bias gradient: the column
// sums of ∂L/∂Y). Four zmm (AVX2: eight ymm) accumulators hold 64 columns across all rows, so the
// sums stay in registers instead of a load and store per row; each column is still summed row by row
// from its old value, so the result has the same bits as the Swift loop. Swift's `SIMD8` compiles to
// SSE2 here.
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

/// The AVX2 loop: eight ymm accumulators hold 64 columns; the last columns are summed eight (and then
/// one) at a time, in the same row order.
__attribute__((target("avx2")))
void gradflow_accumulate_column_sums_avx2(const float *m, int64_t rows, int64_t cols, float *sums) {
    int64_t c = 0;
    for (; c + 64 <= cols; c += 64) {
        __m256 s[8];
        for (int j = 0; j < 8; ++j) s[j] = _mm256_loadu_ps(sums + c + 8 * j);
        for (int64_t r = 0; r < rows; ++r) {
            const float *row = m + r * cols + c;
            for (int j = 0; j < 8; ++j) s[j] = _mm256_add_ps(s[j], _mm256_loadu_ps(row + 8 * j));
        }
        for (int j = 0; j < 8; ++j) _mm256_storeu_ps(sums + c + 8 * j, s[j]);
    }
    for (; c + 8 <= cols; c += 8) {
        __m256 s = _mm256_loadu_ps(sums + c);
        for (int64_t r = 0; r < rows; ++r) s = _mm256_add_ps(s, _mm256_loadu_ps(m + r * cols + c));
        _mm256_storeu_ps(sums + c, s);
    }
    for (; c < cols; ++c) {
        float s = sums[c];
        for (int64_t r = 0; r < rows; ++r) s += m[r * cols + c];
        sums[c] = s;
    }
}

#else

// Not x86-64: never chosen (`gradflow_cpu_has_avx512f()` and `gradflow_cpu_has_avx2_fma()` return 0);
// the plain loop keeps them correct.
void gradflow_accumulate_column_sums_avx512(const float *m, int64_t rows, int64_t cols, float *sums) {
    for (int64_t r = 0; r < rows; ++r)
        for (int64_t c = 0; c < cols; ++c) sums[c] += m[r * cols + c];
}

void gradflow_accumulate_column_sums_avx2(const float *m, int64_t rows, int64_t cols, float *sums) {
    gradflow_accumulate_column_sums_avx512(m, rows, cols, sums);
}

#endif
