#include "CGradFlowKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

// 6×16 tile = 12 ymm accumulators + 2 ymm for the B row + 1 broadcast of A = 15 of the 16 ymm
// registers: the largest tile that does not spill (8×16 would need 19). Per k step: 2 loads of B,
// 6 broadcasts of A, 12 FMAs, which keeps both FMA pipes busy with loads to spare.
#define GF_ROW(i, r0, r1)                                                  \
    do {                                                                   \
        const __m256 ai = _mm256_broadcast_ss(a + (i));                   \
        r0 = _mm256_fmadd_ps(ai, b0, r0);                                  \
        r1 = _mm256_fmadd_ps(ai, b1, r1);                                  \
    } while (0)

#define GF_STORE(i, r0, r1)                                                \
    do {                                                                   \
        float *ci = c + (i) * ldc;                                         \
        if (bias) { r0 = _mm256_add_ps(r0, bias0); r1 = _mm256_add_ps(r1, bias1); } \
        if (loadC) {                                                       \
            r0 = _mm256_add_ps(r0, _mm256_loadu_ps(ci));                   \
            r1 = _mm256_add_ps(r1, _mm256_loadu_ps(ci + 8));               \
        }                                                                  \
        _mm256_storeu_ps(ci, r0);                                          \
        _mm256_storeu_ps(ci + 8, r1);                                      \
    } while (0)

/// The tile for B rows `ldb` floats apart (`GRADFLOW_SGEMM_NR` for a packed panel).
__attribute__((target("avx2,fma"), always_inline))
static inline void gf_sgemm_6x16_avx2(int64_t kc, const float *a, const float *b, int64_t ldb, float *c, int64_t ldc,
                                      int loadC, const float *bias) {
    __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps();
    __m256 c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
    __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps();
    __m256 c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
    __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps();
    __m256 c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
    // Pull the C tile's lines towards L1 while the k loop runs (they are needed only after it).
    for (int i = 0; i < GRADFLOW_SGEMM_MR; ++i) {
        _mm_prefetch((const char *)(c + i * ldc), _MM_HINT_T0);
        _mm_prefetch((const char *)(c + i * ldc + GRADFLOW_SGEMM_NR - 1), _MM_HINT_T0);
    }
    // Unrolled 4×: the loop's pointer updates and branch are paid once per 48 FMAs.
#pragma clang loop unroll_count(4)
    for (int64_t p = 0; p < kc; ++p) {
        const __m256 b0 = _mm256_loadu_ps(b);
        const __m256 b1 = _mm256_loadu_ps(b + 8);
        GF_ROW(0, c00, c01);
        GF_ROW(1, c10, c11);
        GF_ROW(2, c20, c21);
        GF_ROW(3, c30, c31);
        GF_ROW(4, c40, c41);
        GF_ROW(5, c50, c51);
        a += GRADFLOW_SGEMM_MR;
        b += ldb;
    }
    __m256 bias0 = _mm256_setzero_ps(), bias1 = _mm256_setzero_ps();
    if (bias) { bias0 = _mm256_loadu_ps(bias); bias1 = _mm256_loadu_ps(bias + 8); }
    GF_STORE(0, c00, c01);
    GF_STORE(1, c10, c11);
    GF_STORE(2, c20, c21);
    GF_STORE(3, c30, c31);
    GF_STORE(4, c40, c41);
    GF_STORE(5, c50, c51);
}

__attribute__((target("avx2,fma")))
void gradflow_sgemm_6x16_avx2(int64_t kc, const float *a, const float *b, float *c, int64_t ldc,
                              int loadC, const float *bias) {
    gf_sgemm_6x16_avx2(kc, a, b, GRADFLOW_SGEMM_NR, c, ldc, loadC, bias);
}

__attribute__((target("avx2,fma")))
void gradflow_sgemm_6x16_avx2_strided_b(int64_t kc, const float *a, const float *b, int64_t ldb, float *c, int64_t ldc,
                                        int loadC, const float *bias) {
    gf_sgemm_6x16_avx2(kc, a, b, ldb, c, ldc, loadC, bias);
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

#endif
