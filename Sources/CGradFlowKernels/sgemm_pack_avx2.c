#include "CGradFlowKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include <string.h>

// Packing with AVX2 8×8 register transposes: a gather that reads 8 stored rows × 8 floats with
// 8 vector loads and writes 8 packed k steps, instead of 64 scalar moves. Rows past the edge of a
// partial panel are zero vectors, so partial panels take the same path; only depth % 8 is scalar.

/// In-register transpose of the 8×8 block `r[0..7]` (row i lane j → row j lane i): 8 unpacks,
/// 8 shuffles and 8 lane permutes.
__attribute__((target("avx2"), always_inline))
static inline void gf_transpose8(__m256 r[8]) {
    const __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
    const __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
    const __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
    const __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
    const __m256 s0 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(1, 0, 1, 0));
    const __m256 s1 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(3, 2, 3, 2));
    const __m256 s2 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(1, 0, 1, 0));
    const __m256 s3 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(3, 2, 3, 2));
    const __m256 s4 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(1, 0, 1, 0));
    const __m256 s5 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(3, 2, 3, 2));
    const __m256 s6 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(1, 0, 1, 0));
    const __m256 s7 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(3, 2, 3, 2));
    r[0] = _mm256_permute2f128_ps(s0, s4, 0x20);
    r[1] = _mm256_permute2f128_ps(s1, s5, 0x20);
    r[2] = _mm256_permute2f128_ps(s2, s6, 0x20);
    r[3] = _mm256_permute2f128_ps(s3, s7, 0x20);
    r[4] = _mm256_permute2f128_ps(s0, s4, 0x31);
    r[5] = _mm256_permute2f128_ps(s1, s5, 0x31);
    r[6] = _mm256_permute2f128_ps(s2, s6, 0x31);
    r[7] = _mm256_permute2f128_ps(s3, s7, 0x31);
}

/// Loads 8 floats at column `p` of each of the `count` (≤ 8) stored rows `rows[i]`; the other
/// vectors are zero.
__attribute__((target("avx2"), always_inline))
static inline void gf_load_rows(__m256 v[8], const float *const rows[8], int64_t count, int64_t p) {
    for (int i = 0; i < 8; ++i) v[i] = i < count ? _mm256_loadu_ps(rows[i] + p) : _mm256_setzero_ps();
}

/// Transposes `count` (≤ `width`) stored rows into `depth` packed k steps of `width` floats
/// (`dst[p·width + i] = rows[i][p]`, zero for i ≥ count). `width` is 6 (A panel) or 16 (B panel).
__attribute__((target("avx2"), always_inline))
static inline void gf_pack_gather(const float *base, int64_t ld, int64_t count, int64_t width, int64_t depth,
                           float *dst) {
    const float *rows[16];
    for (int64_t i = 0; i < width; ++i) rows[i] = base + (i < count ? i : 0) * ld;
    int64_t p = 0;
    for (; p + 8 <= depth; p += 8) {
        __m256 lo[8];
        gf_load_rows(lo, rows, count, p);
        gf_transpose8(lo);
        if (width == GRADFLOW_SGEMM_NR) {
            __m256 hi[8];
            gf_load_rows(hi, rows + 8, count - 8, p);
            gf_transpose8(hi);
            for (int q = 0; q < 8; ++q) {
                _mm256_storeu_ps(dst + (p + q) * 16, lo[q]);
                _mm256_storeu_ps(dst + (p + q) * 16 + 8, hi[q]);
            }
        } else {
            // 6 of the 8 lanes: a 4-float store and a 2-float store (never past the panel's end).
            for (int q = 0; q < 8; ++q) {
                float *out = dst + (p + q) * GRADFLOW_SGEMM_MR;
                _mm_storeu_ps(out, _mm256_castps256_ps128(lo[q]));
                _mm_storel_pi((__m64 *)(out + 4), _mm256_extractf128_ps(lo[q], 1));
            }
        }
    }
    for (; p < depth; ++p) {
        for (int64_t i = 0; i < width; ++i) dst[p * width + i] = i < count ? rows[i][p] : 0.0f;
    }
}

/// Copies `depth` k steps of `count` (≤ `width`) contiguous floats, stored `ld` apart, zero-padding
/// each step to `width` floats.
__attribute__((always_inline))
static inline void gf_pack_copy(const float *base, int64_t ld, int64_t count, int64_t width, int64_t depth,
                         float *dst) {
    for (int64_t p = 0; p < depth; ++p, dst += width) {
        if (count == width) {
            memcpy(dst, base + p * ld, (size_t)width * sizeof(float));
        } else {
            memcpy(dst, base + p * ld, (size_t)count * sizeof(float));
            memset(dst + count, 0, (size_t)(width - count) * sizeof(float));
        }
    }
}

__attribute__((target("avx2")))
void gradflow_sgemm_pack_a_avx2(const float *a, int64_t lda, int transposed, int64_t rows,
                                int64_t depth, float *dst) {
    // Stored k×m, A needs no transpose: the portable row-by-row deal is already copy-bound.
    if (transposed) {
        gradflow_sgemm_pack_a_portable(a, lda, transposed, rows, depth, dst);
        return;
    }
    const int64_t mr = GRADFLOW_SGEMM_MR;
    for (int64_t r0 = 0; r0 < rows; r0 += mr, dst += mr * depth) {
        const int64_t height = rows - r0 < mr ? rows - r0 : mr;
        gf_pack_gather(a + r0 * lda, lda, height, mr, depth, dst);
    }
}

__attribute__((target("avx2")))
void gradflow_sgemm_pack_b_avx2(const float *b, int64_t ldb, int transposed, int64_t depth,
                                int64_t cols, float *dst) {
    const int64_t nr = GRADFLOW_SGEMM_NR;
    for (int64_t c0 = 0; c0 < cols; c0 += nr, dst += nr * depth) {
        const int64_t width = cols - c0 < nr ? cols - c0 : nr;
        if (transposed) gf_pack_gather(b + c0 * ldb, ldb, width, nr, depth, dst);
        else gf_pack_copy(b + c0, ldb, width, nr, depth, dst);
    }
}

#else

// Not x86-64: never chosen (see `gradflow_cpu_has_avx2_fma()`); forwards to the portable packing.
void gradflow_sgemm_pack_a_avx2(const float *a, int64_t lda, int transposed, int64_t rows,
                                int64_t depth, float *dst) {
    gradflow_sgemm_pack_a_portable(a, lda, transposed, rows, depth, dst);
}

void gradflow_sgemm_pack_b_avx2(const float *b, int64_t ldb, int transposed, int64_t depth,
                                int64_t cols, float *dst) {
    gradflow_sgemm_pack_b_portable(b, ldb, transposed, depth, cols, dst);
}

#endif
