// Implicit-GEMM convolution with AVX-512: the im2col matrix is never written. A convolution is the
// product `yᵀ[pixel, o] = Σ_t cols[t, pixel] · wᵀ[t, o]`, and `cols[t, pixel]` is one float of the
// zero-padded image, `xp[pixel_offset[pixel] + tap_offset[t]]` (the offsets are planned once). So the
// micro-kernel broadcasts its A operand straight from the image (which stays in L1/L2) and loads its
// B operand from `wᵀ`, with the output channels in the vector lanes (`o16` = outputs rounded up to 16,
// the padding columns of `wᵀ` zero). The weight gradient is the same product with the roles swapped:
// `∂wᵀ[t, o] += Σ_pixel cols[t, pixel] · ∂yᵀ[pixel, o]`, a register tile of taps × channels summed over
// all pixels. Measured on LeNet-5's second layer (6 channels of 14×14, 5×5, 16 outputs; one image,
// Zen 4): see `ConvolutionAlgorithm`.
#include "CGradFlowKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

/// A tile of `rows` pixels (forward) or taps (weight gradient) × `vectors` × 16 output channels.
/// `rows · vectors` accumulators, `vectors` B loads and one broadcast: at most 29 of 32 registers.
/// Tiles chosen by measurement (one image, Zen 4; forward / weight gradient GFLOP/s): 64 channels
/// 6 × 4 (104 / 106 on the Keras CNN's second layer); 32 channels 8 × 2 (114 / 114; 12 × 2 ran at
/// 42 / 46: 24 accumulators and 12 row pointers spill); 16 channels 8 × 1 (109 / 115 on LeNet-5's
/// second layer; 12 × 1 83 / 85).
__attribute__((target("avx512f,avx2,fma"), always_inline))
static inline void gf_implicit_forward_tile(const float *xp, const int32_t *pixel, int64_t count, const int32_t *tap,
                                            int64_t taps, const float *wt, int64_t o16, float *yt, int load,
                                            const int rows, const int vectors) {
    __m512 acc[24];
    const float *base[24];
    for (int i = 0; i < rows; i++) base[i] = xp + pixel[i < count ? i : count - 1];
    for (int i = 0; i < rows; i++)
        for (int v = 0; v < vectors; v++)
            acc[i * vectors + v] = load && i < count ? _mm512_loadu_ps(yt + i * o16 + 16 * v) : _mm512_setzero_ps();
    for (int64_t t = 0; t < taps; t++) {
        const int32_t offset = tap[t];
        const float *w = wt + t * o16;
        __m512 b[4];
        for (int v = 0; v < vectors; v++) b[v] = _mm512_loadu_ps(w + 16 * v);
        for (int i = 0; i < rows; i++) {
            const __m512 a = _mm512_set1_ps(base[i][offset]);
            for (int v = 0; v < vectors; v++) acc[i * vectors + v] = _mm512_fmadd_ps(a, b[v], acc[i * vectors + v]);
        }
    }
    for (int i = 0; i < rows && i < count; i++)
        for (int v = 0; v < vectors; v++) _mm512_storeu_ps(yt + i * o16 + 16 * v, acc[i * vectors + v]);
}

__attribute__((target("avx512f,avx2,fma"), always_inline))
static inline void gf_implicit_forward(const float *xp, const int32_t *pixel, int64_t pixels, const int32_t *tap,
                                       int64_t taps, int64_t block, const float *wt, int64_t o16, float *yt,
                                       const int rows, const int vectors) {
    for (int64_t t0 = 0; t0 < taps; t0 += block) {
        const int64_t count = taps - t0 < block ? taps - t0 : block;
        for (int64_t o0 = 0; o0 < o16; o0 += 16 * vectors)
            for (int64_t p0 = 0; p0 < pixels; p0 += rows)
                gf_implicit_forward_tile(xp, pixel + p0, pixels - p0, tap + t0, count, wt + t0 * o16 + o0, o16,
                                         yt + p0 * o16 + o0, t0 > 0, rows, vectors);
    }
}

__attribute__((target("avx512f,avx2,fma")))
void gradflow_conv_implicit_forward_avx512(const float *xp, const int32_t *pixel, int64_t pixels, const int32_t *tap,
                                           int64_t taps, int64_t block, const float *wt, int64_t o16, float *yt) {
    if (o16 % 64 == 0) gf_implicit_forward(xp, pixel, pixels, tap, taps, block, wt, o16, yt, 6, 4);
    else if (o16 % 32 == 0) gf_implicit_forward(xp, pixel, pixels, tap, taps, block, wt, o16, yt, 8, 2);
    else gf_implicit_forward(xp, pixel, pixels, tap, taps, block, wt, o16, yt, 8, 1);
}

__attribute__((target("avx512f,avx2,fma"), always_inline))
static inline void gf_implicit_gradient_tile(const float *xp, const int32_t *pixel, int64_t pixels, const int32_t *tap,
                                             int64_t count, const float *dyt, int64_t o16, float *dwt, const int rows,
                                             const int vectors) {
    __m512 acc[24];
    int32_t offset[24];
    for (int i = 0; i < rows; i++) offset[i] = tap[i < count ? i : count - 1];
    for (int i = 0; i < rows * vectors; i++) acc[i] = _mm512_setzero_ps();
    for (int64_t p = 0; p < pixels; p++) {
        const float *x = xp + pixel[p];
        const float *d = dyt + p * o16;
        __m512 b[4];
        for (int v = 0; v < vectors; v++) b[v] = _mm512_loadu_ps(d + 16 * v);
        for (int i = 0; i < rows; i++) {
            const __m512 a = _mm512_set1_ps(x[offset[i]]);
            for (int v = 0; v < vectors; v++) acc[i * vectors + v] = _mm512_fmadd_ps(a, b[v], acc[i * vectors + v]);
        }
    }
    for (int i = 0; i < rows && i < count; i++)
        for (int v = 0; v < vectors; v++) {
            float *out = dwt + i * o16 + 16 * v;
            _mm512_storeu_ps(out, _mm512_add_ps(_mm512_loadu_ps(out), acc[i * vectors + v]));
        }
}

__attribute__((target("avx512f,avx2,fma"), always_inline))
static inline void gf_implicit_gradient(const float *xp, const int32_t *pixel, int64_t pixels, const int32_t *tap,
                                        int64_t taps, const float *dyt, int64_t o16, float *dwt, const int rows,
                                        const int vectors) {
    for (int64_t o0 = 0; o0 < o16; o0 += 16 * vectors)
        for (int64_t t0 = 0; t0 < taps; t0 += rows)
            gf_implicit_gradient_tile(xp, pixel, pixels, tap + t0, taps - t0, dyt + o0, o16, dwt + t0 * o16 + o0, rows, vectors);
}

__attribute__((target("avx512f,avx2,fma")))
void gradflow_conv_implicit_weight_gradient_avx512(const float *xp, const int32_t *pixel, int64_t pixels,
                                                   const int32_t *tap, int64_t taps, const float *dyt, int64_t o16,
                                                   float *dwt) {
    if (o16 % 64 == 0) gf_implicit_gradient(xp, pixel, pixels, tap, taps, dyt, o16, dwt, 6, 4);
    else if (o16 % 32 == 0) gf_implicit_gradient(xp, pixel, pixels, tap, taps, dyt, o16, dwt, 8, 2);
    else gf_implicit_gradient(xp, pixel, pixels, tap, taps, dyt, o16, dwt, 8, 1);
}

#else

// Not x86-64: never chosen (`gradflow_cpu_has_avx512f()` returns 0); plain loops keep it correct.
void gradflow_conv_implicit_forward_avx512(const float *xp, const int32_t *pixel, int64_t pixels, const int32_t *tap,
                                           int64_t taps, int64_t block, const float *wt, int64_t o16, float *yt) {
    (void)block;
    for (int64_t p = 0; p < pixels; p++)
        for (int64_t o = 0; o < o16; o++) {
            float sum = 0.0f;
            for (int64_t t = 0; t < taps; t++) sum += xp[pixel[p] + tap[t]] * wt[t * o16 + o];
            yt[p * o16 + o] = sum;
        }
}

void gradflow_conv_implicit_weight_gradient_avx512(const float *xp, const int32_t *pixel, int64_t pixels,
                                                   const int32_t *tap, int64_t taps, const float *dyt, int64_t o16,
                                                   float *dwt) {
    for (int64_t t = 0; t < taps; t++)
        for (int64_t o = 0; o < o16; o++) {
            float sum = 0.0f;
            for (int64_t p = 0; p < pixels; p++) sum += xp[pixel[p] + tap[t]] * dyt[p * o16 + o];
            dwt[t * o16 + o] += sum;
        }
}

#endif
