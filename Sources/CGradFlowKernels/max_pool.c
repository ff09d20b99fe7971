// 2×2 max pooling with stride 2 and no padding, the common case of `MaxPool2D`: each output is the
// largest of its window's four inputs, and `won` records where it was (the offset in its plane) for the
// backward pass. Ties go to the first candidate in window order (row 0 then row 1, left then right)
// and a NaN wins only as the first candidate, as in the general loop (`>` comparisons, false for NaN).
// The AVX-512 loop does 16 outputs at a time with the row tails masked: LeNet-5's and the Keras CNN's
// rows of 14 and 12 outputs are one vector each, where Swift's 8-lane loop (SSE2) left 6 and 4 to a
// scalar tail.
#include "CGradFlowKernels.h"

static void gf_pool2x2_row_portable(const float *top, int64_t width, int64_t origin, int64_t count, float *y, int32_t *won) {
    for (int64_t ox = 0; ox < count; ox++) {
        const float *p = top + 2 * ox;
        float best = p[0];
        int64_t at = 0;
        if (p[1] > best) { best = p[1]; at = 1; }
        if (p[width] > best) { best = p[width]; at = width; }
        if (p[width + 1] > best) { best = p[width + 1]; at = width + 1; }
        y[ox] = best;
        won[ox] = (int32_t)(origin + 2 * ox + at);
    }
}

#if defined(__x86_64__)
#include <immintrin.h>
#include "lane_mask.h"

__attribute__((target("avx512f")))
static void gf_pool2x2_row_avx512(const float *top, int64_t width, int64_t origin, int64_t count, float *y, int32_t *won) {
    const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const __m512i odd = _mm512_add_epi32(even, _mm512_set1_epi32(1));
    const __m512i rowBelow = _mm512_set1_epi32((int32_t)width);
    for (int64_t ox = 0; ox < count; ox += 16) {
        const int64_t n = count - ox < 16 ? count - ox : 16;
        const __mmask16 out = gf_lanes16(n), low = gf_lanes16(2 * n), high = gf_lanes16(2 * n - 16);
        const float *p = top + 2 * ox;
        const __m512 a0 = _mm512_maskz_loadu_ps(low, p), a1 = _mm512_maskz_loadu_ps(high, p + 16);
        const __m512 b0 = _mm512_maskz_loadu_ps(low, p + width), b1 = _mm512_maskz_loadu_ps(high, p + width + 16);
        const __m512i first = _mm512_add_epi32(_mm512_set1_epi32((int32_t)(origin + 2 * ox)), even);
        __m512 best = _mm512_permutex2var_ps(a0, even, a1);
        __m512i at = first;
        __m512 candidate = _mm512_permutex2var_ps(a0, odd, a1);
        __mmask16 wins = _mm512_cmp_ps_mask(candidate, best, _CMP_GT_OQ);
        best = _mm512_mask_mov_ps(best, wins, candidate);
        at = _mm512_mask_add_epi32(at, wins, first, _mm512_set1_epi32(1));
        candidate = _mm512_permutex2var_ps(b0, even, b1);
        wins = _mm512_cmp_ps_mask(candidate, best, _CMP_GT_OQ);
        best = _mm512_mask_mov_ps(best, wins, candidate);
        at = _mm512_mask_add_epi32(at, wins, first, rowBelow);
        candidate = _mm512_permutex2var_ps(b0, odd, b1);
        wins = _mm512_cmp_ps_mask(candidate, best, _CMP_GT_OQ);
        best = _mm512_mask_mov_ps(best, wins, candidate);
        at = _mm512_mask_add_epi32(at, wins, first, _mm512_add_epi32(rowBelow, _mm512_set1_epi32(1)));
        _mm512_mask_storeu_ps(y + ox, out, best);
        _mm512_mask_storeu_epi32(won + ox, out, at);
    }
}
#endif

void gradflow_max_pool2x2(const float *x, int64_t planes, int64_t height, int64_t width, int64_t oh, int64_t ow, float *y,
                          int32_t *won) {
#if defined(__x86_64__)
    const int vector = gradflow_cpu_has_avx512f();
#endif
    for (int64_t c = 0; c < planes; c++)
        for (int64_t oy = 0; oy < oh; oy++) {
            const float *top = x + (c * height + 2 * oy) * width;
            float *out = y + (c * oh + oy) * ow;
            int32_t *at = won + (c * oh + oy) * ow;
#if defined(__x86_64__)
            if (vector) { gf_pool2x2_row_avx512(top, width, 2 * oy * width, ow, out, at); continue; }
#endif
            gf_pool2x2_row_portable(top, width, 2 * oy * width, ow, out, at);
        }
}
