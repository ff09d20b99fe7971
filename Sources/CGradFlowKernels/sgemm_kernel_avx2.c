#include "CGradFlowKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include "lane_mask.h"
#include "sgemm_tile_rows.h"

// 6×16 tile = 12 ymm accumulators + 2 ymm for the B row + 1 broadcast of A = 15 of the 16 ymm
// registers: the largest tile that does not spill (8×16 would need 19). Per k step: 2 loads of B,
// 6 broadcasts of A, 12 FMAs, which keeps both FMA pipes busy with loads to spare.
//
/// The tile for A element (i, p) at `a[i·aRow + p·aStep]` (a packed panel: `aRow` 1, `aStep` 6; A read
/// in place: `lda`, 1) and B rows `ldb` floats apart (`GRADFLOW_SGEMM_NR` for a packed panel), of which
/// the first `rows` rows and `cols` columns are computed and combined with C. `rows` and `cols` are
/// constants at each call, so the loops unroll and a full tile's stores are plain; an edge tile's are
/// masked (no scratch tile, no second pass). Each element's sum is the same chain of FMAs in every
/// entry point, so their results are bit-identical.
__attribute__((target("avx2,fma"), always_inline))
static inline void gf_sgemm_6x16_avx2(int64_t kc, const float *a, int64_t aRow, int64_t aStep, const float *b,
                                      int64_t ldb, float *c, int64_t ldc, int loadC, const float *bias, const int rows,
                                      const int64_t cols) {
    __m256 r0[GRADFLOW_SGEMM_MR], r1[GRADFLOW_SGEMM_MR];
    for (int i = 0; i < GRADFLOW_SGEMM_MR; ++i) {
        r0[i] = _mm256_setzero_ps();
        r1[i] = _mm256_setzero_ps();
        // Pull the C tile's lines towards L1 while the k loop runs (they are needed only after it).
        if (i < rows) {
            _mm_prefetch((const char *)(c + i * ldc), _MM_HINT_T0);
            _mm_prefetch((const char *)(c + i * ldc + GRADFLOW_SGEMM_NR - 1), _MM_HINT_T0);
        }
    }
    // Unrolled 4×: the loop's pointer updates and branch are paid once per 48 FMAs.
#pragma clang loop unroll_count(4)
    for (int64_t p = 0; p < kc; ++p) {
        const __m256 b0 = _mm256_loadu_ps(b);
        const __m256 b1 = _mm256_loadu_ps(b + 8);
        for (int i = 0; i < rows; ++i) {
            const __m256 ai = _mm256_broadcast_ss(a + i * aRow);
            r0[i] = _mm256_fmadd_ps(ai, b0, r0[i]);
            r1[i] = _mm256_fmadd_ps(ai, b1, r1[i]);
        }
        a += aStep;
        b += ldb;
    }
    const int full = cols >= GRADFLOW_SGEMM_NR;
    const __m256i m0 = gf_lanes8(cols), m1 = gf_lanes8(cols - 8);
    __m256 bias0 = _mm256_setzero_ps(), bias1 = _mm256_setzero_ps();
    if (bias && full) { bias0 = _mm256_loadu_ps(bias); bias1 = _mm256_loadu_ps(bias + 8); }
    if (bias && !full) { bias0 = _mm256_maskload_ps(bias, m0); bias1 = _mm256_maskload_ps(bias + 8, m1); }
    for (int i = 0; i < rows; ++i) {
        float *ci = c + i * ldc;
        __m256 v0 = r0[i], v1 = r1[i];
        if (bias) { v0 = _mm256_add_ps(v0, bias0); v1 = _mm256_add_ps(v1, bias1); }
        if (full) {
            if (loadC) { v0 = _mm256_add_ps(v0, _mm256_loadu_ps(ci)); v1 = _mm256_add_ps(v1, _mm256_loadu_ps(ci + 8)); }
            _mm256_storeu_ps(ci, v0);
            _mm256_storeu_ps(ci + 8, v1);
        } else {
            if (loadC) {
                v0 = _mm256_add_ps(v0, _mm256_maskload_ps(ci, m0));
                v1 = _mm256_add_ps(v1, _mm256_maskload_ps(ci + 8, m1));
            }
            _mm256_maskstore_ps(ci, m0, v0);
            _mm256_maskstore_ps(ci + 8, m1, v1);
        }
    }
}

__attribute__((target("avx2,fma")))
void gradflow_sgemm_6x16_avx2(int64_t kc, const float *a, const float *b, float *c, int64_t ldc,
                              int loadC, const float *bias) {
    gf_sgemm_6x16_avx2(kc, a, 1, GRADFLOW_SGEMM_MR, b, GRADFLOW_SGEMM_NR, c, ldc, loadC, bias, GRADFLOW_SGEMM_MR,
                       GRADFLOW_SGEMM_NR);
}

__attribute__((target("avx2,fma")))
void gradflow_sgemm_6x16_avx2_strided_b(int64_t kc, const float *a, const float *b, int64_t ldb, float *c, int64_t ldc,
                                        int loadC, const float *bias) {
    gf_sgemm_6x16_avx2(kc, a, 1, GRADFLOW_SGEMM_MR, b, ldb, c, ldc, loadC, bias, GRADFLOW_SGEMM_MR, GRADFLOW_SGEMM_NR);
}

__attribute__((target("avx2,fma")))
void gradflow_sgemm_6x16_avx2_edge(int64_t kc, const float *a, const float *b, int64_t ldb, float *c, int64_t ldc,
                                   int loadC, const float *bias, int64_t rows, int64_t cols) {
#define GF_PACKED(n) gf_sgemm_6x16_avx2(kc, a, 1, GRADFLOW_SGEMM_MR, b, ldb, c, ldc, loadC, bias, n, cols)
    GF_BY_ROWS(rows, GF_PACKED)
#undef GF_PACKED
}

__attribute__((target("avx2,fma")))
void gradflow_sgemm_6x16_avx2_unpacked_a(int64_t kc, const float *a, int64_t lda, const float *b, int64_t ldb,
                                         float *c, int64_t ldc, int loadC, const float *bias, int64_t rows,
                                         int64_t cols) {
#define GF_UNPACKED(n) gf_sgemm_6x16_avx2(kc, a, lda, 1, b, ldb, c, ldc, loadC, bias, n, cols)
    GF_BY_ROWS(rows, GF_UNPACKED)
#undef GF_UNPACKED
}

#else

// Not x86-64: the AVX2 entry point exists so that Swift links everywhere, but it is never chosen
// (`gradflow_cpu_has_avx2_fma()` returns 0); it forwards to the portable kernel to stay correct.
void gradflow_sgemm_6x16_avx2(int64_t kc, const float *a, const float *b, float *c, int64_t ldc,
                              int loadC, const float *bias) {
    gradflow_sgemm_6x16_portable(kc, a, b, c, ldc, loadC, bias);
}

void gradflow_sgemm_6x16_avx2_strided_b(int64_t kc, const float *a, const float *b, int64_t ldb, float *c, int64_t ldc,
                                        int loadC, const float *bias) {
    // Never chosen off x86-64 (`GEMMRoutines.portable` packs B); a plain loop keeps it correct.
    gradflow_sgemm_tile_plain(kc, a, 1, GRADFLOW_SGEMM_MR, b, ldb, c, ldc, loadC, bias, GRADFLOW_SGEMM_MR, GRADFLOW_SGEMM_NR);
}

void gradflow_sgemm_6x16_avx2_edge(int64_t kc, const float *a, const float *b, int64_t ldb, float *c, int64_t ldc,
                                   int loadC, const float *bias, int64_t rows, int64_t cols) {
    gradflow_sgemm_tile_plain(kc, a, 1, GRADFLOW_SGEMM_MR, b, ldb, c, ldc, loadC, bias, rows, cols);
}

void gradflow_sgemm_6x16_avx2_unpacked_a(int64_t kc, const float *a, int64_t lda, const float *b, int64_t ldb,
                                         float *c, int64_t ldc, int loadC, const float *bias, int64_t rows,
                                         int64_t cols) {
    gradflow_sgemm_tile_plain(kc, a, lda, 1, b, ldb, c, ldc, loadC, bias, rows, cols);
}

#endif
