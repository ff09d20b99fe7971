// GEMM for a few rows of C without packing (`C = op(A)·B`, A and B row-major, not transposed): for
// batches of 1–4 examples the packed kernel's cost is copying B into panels (all of W for every
// call), while one pass over B's rows with a broadcast of A's element does the same work. Measured
// on the MNIST MLP at batch 1: 26 µs per prediction with packing, 6.5 µs without (AVX2).
//
// The arithmetic is the packed path's, element for element, so a row's result never depends on how
// many rows share its batch: the depth is cut into the same blocks of `kc`; each block's sum starts
// at 0 and adds `a·b` in depth order (one FMA per step in the AVX kernels, multiply then add in the
// portable one, as in the micro-kernels); then the bias is added (first block only), then C
// (later blocks, or with `accumulate`).
//
// One driver walks the rows and depth blocks; each instruction set supplies only the block of one
// row (`BlockFunction`), compiled for its own target.
#include "CGradFlowKernels.h"

/// One row `ai` and depth block `pc..<pc+len`: columns `0..<n` of `ci` (see the file's comment for
/// the order of the sums; `first` adds the bias, `load` adds C).
typedef void (*BlockFunction)(const float *ai, const float *b, int64_t ldb, float *ci, int64_t n, int64_t pc,
                              int64_t len, int first, int load, const float *bias);

static void gf_small_m(BlockFunction block, int64_t m, int64_t n, int64_t k, int64_t kc, const float *a, int64_t lda,
                       const float *b, int64_t ldb, float *c, int64_t ldc, int accumulate, const float *bias) {
    for (int64_t i = 0; i < m; i++) {
        for (int64_t pc = 0; pc < k; pc += kc) {
            const int64_t len = pc + kc <= k ? kc : k - pc;
            block(a + i * lda, b, ldb, c + i * ldc, n, pc, len, pc == 0, pc > 0 || accumulate, bias);
        }
    }
}

static void gf_block_portable(const float *ai, const float *b, int64_t ldb, float *ci, int64_t n, int64_t pc,
                              int64_t len, int first, int load, const float *bias) {
    for (int64_t j = 0; j < n; j++) {
        float v = 0.0f;
        for (int64_t p = pc; p < pc + len; p++) v += ai[p] * b[p * ldb + j];
        if (first && bias) v += bias[j];
        if (load) v += ci[j];
        ci[j] = v;
    }
}

void gradflow_sgemm_small_m_portable(int64_t m, int64_t n, int64_t k, int64_t kc, const float *a, int64_t lda,
                                     const float *b, int64_t ldb, float *c, int64_t ldc, int accumulate,
                                     const float *bias) {
    gf_small_m(gf_block_portable, m, n, k, kc, a, lda, b, ldb, c, ldc, accumulate, bias);
}

#if defined(__x86_64__)
#include <immintrin.h>

/// Eight 8-float accumulators (64 columns) per pass, so eight independent FMA chains hide the
/// 4-cycle latency; then one accumulator at a time, then scalar FMAs for the last n % 8 columns.
__attribute__((target("avx2,fma")))
static void gf_block_avx2(const float *ai, const float *b, int64_t ldb, float *ci, int64_t n, int64_t pc,
                          int64_t len, int first, int load, const float *bias) {
    int64_t j = 0;
    for (; j + 64 <= n; j += 64) {
        __m256 acc[8];
        for (int v = 0; v < 8; v++) acc[v] = _mm256_setzero_ps();
        for (int64_t p = pc; p < pc + len; p++) {
            const __m256 x = _mm256_broadcast_ss(ai + p);
            const float *bp = b + p * ldb + j;
            for (int v = 0; v < 8; v++) acc[v] = _mm256_fmadd_ps(x, _mm256_loadu_ps(bp + 8 * v), acc[v]);
        }
        for (int v = 0; v < 8; v++) {
            if (first && bias) acc[v] = _mm256_add_ps(acc[v], _mm256_loadu_ps(bias + j + 8 * v));
            if (load) acc[v] = _mm256_add_ps(acc[v], _mm256_loadu_ps(ci + j + 8 * v));
            _mm256_storeu_ps(ci + j + 8 * v, acc[v]);
        }
    }
    for (; j + 8 <= n; j += 8) {
        __m256 acc = _mm256_setzero_ps();
        for (int64_t p = pc; p < pc + len; p++) acc = _mm256_fmadd_ps(_mm256_broadcast_ss(ai + p), _mm256_loadu_ps(b + p * ldb + j), acc);
        if (first && bias) acc = _mm256_add_ps(acc, _mm256_loadu_ps(bias + j));
        if (load) acc = _mm256_add_ps(acc, _mm256_loadu_ps(ci + j));
        _mm256_storeu_ps(ci + j, acc);
    }
    for (; j < n; j++) {
        __m128 sum = _mm_setzero_ps();
        for (int64_t p = pc; p < pc + len; p++) sum = _mm_fmadd_ss(_mm_set_ss(ai[p]), _mm_set_ss(b[p * ldb + j]), sum);
        float v = _mm_cvtss_f32(sum);
        if (first && bias) v += bias[j];
        if (load) v += ci[j];
        ci[j] = v;
    }
}

/// 128 columns per pass in 8 zmm accumulators; the narrower rest goes to the AVX2 block.
__attribute__((target("avx512f,avx2,fma")))
static void gf_block_avx512(const float *ai, const float *b, int64_t ldb, float *ci, int64_t n, int64_t pc,
                            int64_t len, int first, int load, const float *bias) {
    const int64_t wide = n / 128 * 128;
    for (int64_t j = 0; j < wide; j += 128) {
        __m512 acc[8];
        for (int v = 0; v < 8; v++) acc[v] = _mm512_setzero_ps();
        for (int64_t p = pc; p < pc + len; p++) {
            const __m512 x = _mm512_set1_ps(ai[p]);
            const float *bp = b + p * ldb + j;
            for (int v = 0; v < 8; v++) acc[v] = _mm512_fmadd_ps(x, _mm512_loadu_ps(bp + 16 * v), acc[v]);
        }
        for (int v = 0; v < 8; v++) {
            if (first && bias) acc[v] = _mm512_add_ps(acc[v], _mm512_loadu_ps(bias + j + 16 * v));
            if (load) acc[v] = _mm512_add_ps(acc[v], _mm512_loadu_ps(ci + j + 16 * v));
            _mm512_storeu_ps(ci + j + 16 * v, acc[v]);
        }
    }
    if (wide < n) gf_block_avx2(ai, b + wide, ldb, ci + wide, n - wide, pc, len, first, load, bias ? bias + wide : bias);
}

#else
// Not x86-64: never chosen (see sgemm_kernel_avx2.c); both entry points run the portable block.
#define gf_block_avx2 gf_block_portable
#define gf_block_avx512 gf_block_portable
#endif

void gradflow_sgemm_small_m_avx2(int64_t m, int64_t n, int64_t k, int64_t kc, const float *a, int64_t lda,
                                 const float *b, int64_t ldb, float *c, int64_t ldc, int accumulate,
                                 const float *bias) {
    gf_small_m(gf_block_avx2, m, n, k, kc, a, lda, b, ldb, c, ldc, accumulate, bias);
}

void gradflow_sgemm_small_m_avx512(int64_t m, int64_t n, int64_t k, int64_t kc, const float *a, int64_t lda,
                                   const float *b, int64_t ldb, float *c, int64_t ldc, int accumulate,
                                   const float *bias) {
    gf_small_m(gf_block_avx512, m, n, k, kc, a, lda, b, ldb, c, ldc, accumulate, bias);
}
