#include "CGradFlowKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#include "lane_mask.h"
#include "sgemm_tile_rows.h"

// The 6×16 tile in zmm registers: one 16-float row of B is one vector, so a k step is 1 load and
// 6 FMAs whose A operand is an embedded broadcast (`vfmadd231ps (%rsi){1to16}`): 7 instructions
// where the AVX2 tile issues 20 for the same 192 flops. The packing is the AVX2 kernels' (same MR,
// NR), and each element's sum is the same chain of FMAs in the same order, so the results are
// bit-identical to `gradflow_sgemm_6x16_avx2`. Measured on Zen 4 (C microbenchmark, 11×8 tiles of
// depth 200, alternating runs): 99–104 GFLOP/s against 87–103 for the AVX2 tile.

/// The tile for A element (i, p) at `a[i·aRow + p·aStep]` (a packed panel: `aRow` 1, `aStep` 6; A read
/// in place: `lda`, 1) and B rows `ldb` floats apart (`GRADFLOW_SGEMM_NR` for a packed panel), of which
/// the first `rows` rows (a constant at each call, so that the loops unroll) and `cols` columns are
/// computed and combined with C (masked loads and stores: an edge tile needs no scratch tile and no
/// second pass; a full tile's all-ones mask costs nothing).
__attribute__((target("avx512f"), always_inline))
static inline void gf_sgemm_6x16_avx512(int64_t kc, const float *a, int64_t aRow, int64_t aStep, const float *b,
                                        int64_t ldb, float *c, int64_t ldc, int loadC, const float *bias, const int rows,
                                        int64_t cols) {
    __m512 r[GRADFLOW_SGEMM_MR];
    for (int i = 0; i < GRADFLOW_SGEMM_MR; ++i) {
        r[i] = _mm512_setzero_ps();
        // Pull the C tile's lines towards L1 while the k loop runs (they are needed only after it).
        if (i < rows) _mm_prefetch((const char *)(c + i * ldc), _MM_HINT_T0);
    }
    // Six independent accumulators cover the FMA latency (4 cycles at one zmm FMA per cycle).
#pragma clang loop unroll_count(4)
    for (int64_t p = 0; p < kc; ++p) {
        const __m512 bp = _mm512_loadu_ps(b);
        for (int i = 0; i < rows; ++i) r[i] = _mm512_fmadd_ps(_mm512_set1_ps(a[i * aRow]), bp, r[i]);
        a += aStep;
        b += ldb;
    }
    const __mmask16 lanes = gf_lanes16(cols);
    const __m512 biasRow = bias ? _mm512_maskz_loadu_ps(lanes, bias) : _mm512_setzero_ps();
    for (int i = 0; i < rows; ++i) {
        float *ci = c + i * ldc;
        __m512 v = r[i];
        if (bias) v = _mm512_add_ps(v, biasRow);
        if (loadC) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(lanes, ci));
        _mm512_mask_storeu_ps(ci, lanes, v);
    }
}

__attribute__((target("avx512f")))
void gradflow_sgemm_6x16_avx512(int64_t kc, const float *a, const float *b, float *c, int64_t ldc,
                                int loadC, const float *bias) {
    gf_sgemm_6x16_avx512(kc, a, 1, GRADFLOW_SGEMM_MR, b, GRADFLOW_SGEMM_NR, c, ldc, loadC, bias, GRADFLOW_SGEMM_MR,
                         GRADFLOW_SGEMM_NR);
}

__attribute__((target("avx512f")))
void gradflow_sgemm_6x16_avx512_strided_b(int64_t kc, const float *a, const float *b, int64_t ldb, float *c,
                                          int64_t ldc, int loadC, const float *bias) {
    gf_sgemm_6x16_avx512(kc, a, 1, GRADFLOW_SGEMM_MR, b, ldb, c, ldc, loadC, bias, GRADFLOW_SGEMM_MR, GRADFLOW_SGEMM_NR);
}

__attribute__((target("avx512f")))
void gradflow_sgemm_6x16_avx512_edge(int64_t kc, const float *a, const float *b, int64_t ldb, float *c, int64_t ldc,
                                     int loadC, const float *bias, int64_t rows, int64_t cols) {
#define GF_PACKED(n) gf_sgemm_6x16_avx512(kc, a, 1, GRADFLOW_SGEMM_MR, b, ldb, c, ldc, loadC, bias, n, cols)
    GF_BY_ROWS(rows, GF_PACKED)
#undef GF_PACKED
}

__attribute__((target("avx512f")))
void gradflow_sgemm_6x16_avx512_unpacked_a(int64_t kc, const float *a, int64_t lda, const float *b, int64_t ldb,
                                           float *c, int64_t ldc, int loadC, const float *bias, int64_t rows,
                                           int64_t cols) {
#define GF_UNPACKED(n) gf_sgemm_6x16_avx512(kc, a, lda, 1, b, ldb, c, ldc, loadC, bias, n, cols)
    GF_BY_ROWS(rows, GF_UNPACKED)
#undef GF_UNPACKED
}

#else

// Not x86-64: the entry points exist so that Swift links everywhere, but they are never chosen
// (`gradflow_cpu_has_avx512f()` returns 0); they forward to the AVX2 entry points' fallbacks.
void gradflow_sgemm_6x16_avx512(int64_t kc, const float *a, const float *b, float *c, int64_t ldc,
                                int loadC, const float *bias) {
    gradflow_sgemm_6x16_avx2(kc, a, b, c, ldc, loadC, bias);
}

void gradflow_sgemm_6x16_avx512_strided_b(int64_t kc, const float *a, const float *b, int64_t ldb, float *c,
                                          int64_t ldc, int loadC, const float *bias) {
    gradflow_sgemm_6x16_avx2_strided_b(kc, a, b, ldb, c, ldc, loadC, bias);
}

void gradflow_sgemm_6x16_avx512_unpacked_a(int64_t kc, const float *a, int64_t lda, const float *b, int64_t ldb,
                                           float *c, int64_t ldc, int loadC, const float *bias, int64_t rows,
                                           int64_t cols) {
    gradflow_sgemm_tile_plain(kc, a, lda, 1, b, ldb, c, ldc, loadC, bias, rows, cols);
}

void gradflow_sgemm_6x16_avx512_edge(int64_t kc, const float *a, const float *b, int64_t ldb, float *c, int64_t ldc,
                                     int loadC, const float *bias, int64_t rows, int64_t cols) {
    gradflow_sgemm_tile_plain(kc, a, 1, GRADFLOW_SGEMM_MR, b, ldb, c, ldc, loadC, bias, rows, cols);
}

#endif
