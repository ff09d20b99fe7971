// Direct 2-D convolution (stride 1, dilation 1, one group) for images with few input channels, where
// im2col + GEMM is a poor fit: LeNet-5's first layer is a GEMM of depth 25 with 6 rows, so its time
// goes into writing 25 shifted copies of each image, packing them again and loading and storing C
// tiles every 25 steps. Here each output row is computed straight from a zero-padded copy of the
// image (`xp`, planes `channels × ph × pw`, see `gradflow_conv_direct_padded_width`) with the weights
// broadcast from memory: a register tile of 6 output channels × one row segment (16 floats with AVX2,
// 32 with AVX-512) sums all `channels·kh·kw` taps, then adds the bias and is stored once.
// The weight gradient is the same sum the other way round: for a block of output channels and up to
// 5 neighbouring taps of one kernel row, every output row's `∂L/∂y` segment times the matching
// segment of `xp` accumulates in registers, and each accumulator is reduced once per image.
#include "CGradFlowKernels.h"

int64_t gradflow_conv_direct_padded_width(int64_t outputWidth, int64_t kernelWidth) {
    // Row segments are read up to the next multiple of 32 outputs, and the weight gradient reads a
    // block of 5 taps even when fewer are left (those sums are dropped).
    return (outputWidth + 31) / 32 * 32 + kernelWidth - 1 + 4;
}

void gradflow_conv_direct_forward_portable(const float *xp, int64_t channels, int64_t ph, int64_t pw, const float *w,
                                           int64_t outputs, int64_t kh, int64_t kw, const float *bias, float *y,
                                           int64_t oh, int64_t ow, int accumulate, int64_t rowBegin, int64_t rowEnd) {
    const int64_t taps = channels * kh * kw;
    for (int64_t o = 0; o < outputs; o++) {
        for (int64_t oy = 0; oy < oh; oy++) {
            // Kernel rows over padding rows only add zeros: skip them (the input gradient's padding is wide).
            const int64_t kiBegin = rowBegin - oy > 0 ? rowBegin - oy : 0, kiEnd = rowEnd - oy < kh ? rowEnd - oy : kh;
            for (int64_t ox = 0; ox < ow; ox++) {
                float sum = 0.0f;
                const float *wo = w + o * taps;
                for (int64_t c = 0; c < channels; c++)
                    for (int64_t ki = kiBegin; ki < kiEnd; ki++)
                        for (int64_t kj = 0; kj < kw; kj++)
                            sum += wo[(c * kh + ki) * kw + kj] * xp[(c * ph + oy + ki) * pw + ox + kj];
                float *out = y + (o * oh + oy) * ow + ox;
                *out = sum + (bias ? bias[o] : 0.0f) + (accumulate ? *out : 0.0f);
            }
        }
    }
}

void gradflow_conv_direct_weight_gradient_portable(const float *xp, int64_t channels, int64_t ph, int64_t pw,
                                                   const float *dy, int64_t outputs, int64_t kh, int64_t kw,
                                                   int64_t oh, int64_t ow, float *dw, int64_t rowBegin, int64_t rowEnd) {
    for (int64_t o = 0; o < outputs; o++)
        for (int64_t c = 0; c < channels; c++)
            for (int64_t ki = 0; ki < kh; ki++)
                for (int64_t kj = 0; kj < kw; kj++) {
                    float sum = 0.0f;
                    for (int64_t oy = rowBegin - ki > 0 ? rowBegin - ki : 0; oy < oh && oy + ki < rowEnd; oy++) {
                        const float *d = dy + (o * oh + oy) * ow, *x = xp + (c * ph + oy + ki) * pw + kj;
                        for (int64_t ox = 0; ox < ow; ox++) sum += d[ox] * x[ox];
                    }
                    dw[((o * channels + c) * kh + ki) * kw + kj] += sum;
                }
}

#if defined(__x86_64__)
#include <immintrin.h>
#include "lane_mask.h"

/// Output channels per register tile (forward): 6 × 2 vectors = 12 accumulators, as in the GEMM.
#define GF_FORWARD_CHANNELS 6
/// Taps of one kernel row per weight-gradient block.
#define GF_TAP_BLOCK 5

/// `w + o·taps` for the `count` channels from `o0`, the last valid one repeated past `outputs`
/// (those rows are computed and never stored, so the tile needs no branch per channel).
static inline void gf_channel_rows(const float *base, int64_t taps, int64_t o0, int64_t outputs, int64_t count,
                                   const float **rows) {
    for (int64_t i = 0; i < count; i++) rows[i] = base + (o0 + i < outputs ? o0 + i : outputs - 1) * taps;
}

__attribute__((target("avx2,fma")))
static inline __m256 gf_tail_mask_avx2(int64_t count) {
    return _mm256_castsi256_ps(_mm256_cmpgt_epi32(_mm256_set1_epi32((int)count), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)));
}

__attribute__((target("avx2,fma")))
void gradflow_conv_direct_forward_avx2(const float *xp, int64_t channels, int64_t ph, int64_t pw, const float *w,
                                       int64_t outputs, int64_t kh, int64_t kw, const float *bias, float *y,
                                       int64_t oh, int64_t ow, int accumulate, int64_t rowBegin, int64_t rowEnd) {
    const int64_t taps = channels * kh * kw;
    for (int64_t o0 = 0; o0 < outputs; o0 += GF_FORWARD_CHANNELS) {
        const float *wr[GF_FORWARD_CHANNELS];
        gf_channel_rows(w, taps, o0, outputs, GF_FORWARD_CHANNELS, wr);
        const int64_t valid = outputs - o0 < GF_FORWARD_CHANNELS ? outputs - o0 : GF_FORWARD_CHANNELS;
        for (int64_t oy = 0; oy < oh; oy++) {
            // Kernel rows over padding rows only add zeros: skip them (the input gradient's padding is wide).
            const int64_t kiBegin = rowBegin - oy > 0 ? rowBegin - oy : 0, kiEnd = rowEnd - oy < kh ? rowEnd - oy : kh;
            for (int64_t x0 = 0; x0 < ow; x0 += 16) {
                __m256 acc[GF_FORWARD_CHANNELS][2];
                for (int i = 0; i < GF_FORWARD_CHANNELS; i++) acc[i][0] = acc[i][1] = _mm256_setzero_ps();
                int64_t t = 0;
                for (int64_t c = 0; c < channels; c++) {
                    t += kiBegin * kw;
                    for (int64_t ki = kiBegin; ki < kiEnd; ki++) {
                        const float *row = xp + (c * ph + oy + ki) * pw + x0;
                        for (int64_t kj = 0; kj < kw; kj++, t++) {
                            const __m256 v0 = _mm256_loadu_ps(row + kj), v1 = _mm256_loadu_ps(row + kj + 8);
                            for (int i = 0; i < GF_FORWARD_CHANNELS; i++) {
                                const __m256 wi = _mm256_broadcast_ss(wr[i] + t);
                                acc[i][0] = _mm256_fmadd_ps(wi, v0, acc[i][0]);
                                acc[i][1] = _mm256_fmadd_ps(wi, v1, acc[i][1]);
                            }
                        }
                    }
                    t += (kh - kiEnd) * kw;
                }
                const int64_t n = ow - x0;
                const __m256 m0 = gf_tail_mask_avx2(n), m1 = gf_tail_mask_avx2(n - 8);
                for (int i = 0; i < valid; i++) {
                    float *out = y + ((o0 + i) * oh + oy) * ow + x0;
                    const __m256 b = _mm256_set1_ps(bias ? bias[o0 + i] : 0.0f);
                    __m256 r0 = _mm256_add_ps(acc[i][0], b), r1 = _mm256_add_ps(acc[i][1], b);
                    if (accumulate) {
                        r0 = _mm256_add_ps(r0, _mm256_maskload_ps(out, _mm256_castps_si256(m0)));
                        r1 = _mm256_add_ps(r1, _mm256_maskload_ps(out + 8, _mm256_castps_si256(m1)));
                    }
                    if (n >= 16) {
                        _mm256_storeu_ps(out, r0);
                        _mm256_storeu_ps(out + 8, r1);
                    } else {
                        _mm256_maskstore_ps(out, _mm256_castps_si256(m0), r0);
                        _mm256_maskstore_ps(out + 8, _mm256_castps_si256(m1), r1);
                    }
                }
            }
        }
    }
}

__attribute__((target("avx2,fma")))
static inline float gf_horizontal_sum_avx2(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/// Output channels per weight-gradient block with AVX2: 1 × 5 taps = 5 accumulators. Measured on one
/// image (Zen 4): LeNet-5's first layer 4.5–4.8 µs with 1, 6.5–6.8 with 2, 7.8–8.9 with 3 channels;
/// the Keras CNN's first 13–14 µs with 1, 21 with 2 (more accumulators lose to the extra loads of `xp`
/// per channel block and the register spills).
#define GF_GRADIENT_CHANNELS_AVX2 1

__attribute__((target("avx2,fma")))
void gradflow_conv_direct_weight_gradient_avx2(const float *xp, int64_t channels, int64_t ph, int64_t pw,
                                               const float *dy, int64_t outputs, int64_t kh, int64_t kw,
                                               int64_t oh, int64_t ow, float *dw, int64_t rowBegin, int64_t rowEnd) {
    enum { CH = GF_GRADIENT_CHANNELS_AVX2 };
    const int64_t full = ow / 8, vectors = (ow + 7) / 8;
    const __m256i tail = _mm256_castps_si256(gf_tail_mask_avx2(ow - full * 8));
    const int64_t plane = oh * ow;
    for (int64_t o0 = 0; o0 < outputs; o0 += CH) {
        const float *dr[CH];
        gf_channel_rows(dy, plane, o0, outputs, CH, dr);
        const int64_t valid = outputs - o0 < CH ? outputs - o0 : CH;
        for (int64_t c = 0; c < channels; c++) {
            for (int64_t ki = 0; ki < kh; ki++) {
                for (int64_t kj0 = 0; kj0 < kw; kj0 += GF_TAP_BLOCK) {
                    __m256 acc[CH][GF_TAP_BLOCK];
                    for (int i = 0; i < CH; i++)
                        for (int j = 0; j < GF_TAP_BLOCK; j++) acc[i][j] = _mm256_setzero_ps();
                    for (int64_t oy = rowBegin - ki > 0 ? rowBegin - ki : 0; oy < oh && oy + ki < rowEnd; oy++) {
                        const float *xr = xp + (c * ph + oy + ki) * pw + kj0;
                        for (int64_t v = 0; v < vectors; v++) {
                            __m256 d[CH];
                            for (int i = 0; i < CH; i++) {
                                const float *at = dr[i] + oy * ow + v * 8;
                                d[i] = v < full ? _mm256_loadu_ps(at) : _mm256_maskload_ps(at, tail);
                            }
                            for (int j = 0; j < GF_TAP_BLOCK; j++) {
                                const __m256 x = _mm256_loadu_ps(xr + v * 8 + j);
                                for (int i = 0; i < CH; i++) acc[i][j] = _mm256_fmadd_ps(d[i], x, acc[i][j]);
                            }
                        }
                    }
                    const int64_t taps = kw - kj0 < GF_TAP_BLOCK ? kw - kj0 : GF_TAP_BLOCK;
                    for (int i = 0; i < valid; i++)
                        for (int j = 0; j < taps; j++)
                            dw[(((o0 + i) * channels + c) * kh + ki) * kw + kj0 + j] += gf_horizontal_sum_avx2(acc[i][j]);
                }
            }
        }
    }
}

__attribute__((target("avx512f,avx2,fma")))
void gradflow_conv_direct_forward_avx512(const float *xp, int64_t channels, int64_t ph, int64_t pw, const float *w,
                                         int64_t outputs, int64_t kh, int64_t kw, const float *bias, float *y,
                                         int64_t oh, int64_t ow, int accumulate, int64_t rowBegin, int64_t rowEnd) {
    const int64_t taps = channels * kh * kw;
    for (int64_t o0 = 0; o0 < outputs; o0 += GF_FORWARD_CHANNELS) {
        const float *wr[GF_FORWARD_CHANNELS];
        gf_channel_rows(w, taps, o0, outputs, GF_FORWARD_CHANNELS, wr);
        const int64_t valid = outputs - o0 < GF_FORWARD_CHANNELS ? outputs - o0 : GF_FORWARD_CHANNELS;
        for (int64_t oy = 0; oy < oh; oy++) {
            // Kernel rows over padding rows only add zeros: skip them (the input gradient's padding is wide).
            const int64_t kiBegin = rowBegin - oy > 0 ? rowBegin - oy : 0, kiEnd = rowEnd - oy < kh ? rowEnd - oy : kh;
            for (int64_t x0 = 0; x0 < ow; x0 += 32) {
                __m512 acc[GF_FORWARD_CHANNELS][2];
                for (int i = 0; i < GF_FORWARD_CHANNELS; i++) acc[i][0] = acc[i][1] = _mm512_setzero_ps();
                int64_t t = 0;
                for (int64_t c = 0; c < channels; c++) {
                    t += kiBegin * kw;
                    for (int64_t ki = kiBegin; ki < kiEnd; ki++) {
                        const float *row = xp + (c * ph + oy + ki) * pw + x0;
                        for (int64_t kj = 0; kj < kw; kj++, t++) {
                            const __m512 v0 = _mm512_loadu_ps(row + kj), v1 = _mm512_loadu_ps(row + kj + 16);
                            for (int i = 0; i < GF_FORWARD_CHANNELS; i++) {
                                const __m512 wi = _mm512_set1_ps(wr[i][t]);
                                acc[i][0] = _mm512_fmadd_ps(wi, v0, acc[i][0]);
                                acc[i][1] = _mm512_fmadd_ps(wi, v1, acc[i][1]);
                            }
                        }
                    }
                    t += (kh - kiEnd) * kw;
                }
                const int64_t n = ow - x0;
                const __mmask16 m0 = gf_lanes16(n), m1 = gf_lanes16(n - 16);
                for (int i = 0; i < valid; i++) {
                    float *out = y + ((o0 + i) * oh + oy) * ow + x0;
                    const __m512 b = _mm512_set1_ps(bias ? bias[o0 + i] : 0.0f);
                    __m512 r0 = _mm512_add_ps(acc[i][0], b), r1 = _mm512_add_ps(acc[i][1], b);
                    if (accumulate) {
                        r0 = _mm512_add_ps(r0, _mm512_maskz_loadu_ps(m0, out));
                        r1 = _mm512_add_ps(r1, _mm512_maskz_loadu_ps(m1, out + 16));
                    }
                    _mm512_mask_storeu_ps(out, m0, r0);
                    _mm512_mask_storeu_ps(out + 16, m1, r1);
                }
            }
        }
    }
}

/// Output channels per weight-gradient block with AVX-512: 3 × 5 taps = 15 accumulators. Measured on
/// one image (Zen 4): LeNet-5's first layer 2.7–3.4 µs with 3, 4.5–6.4 with 4, 6.0–6.1 with 6 channels;
/// the Keras CNN's first 8.6–10.4 µs with 3, 13–15 with 4.
#define GF_GRADIENT_CHANNELS_AVX512 3

__attribute__((target("avx512f,avx2,fma")))
void gradflow_conv_direct_weight_gradient_avx512(const float *xp, int64_t channels, int64_t ph, int64_t pw,
                                                 const float *dy, int64_t outputs, int64_t kh, int64_t kw,
                                                 int64_t oh, int64_t ow, float *dw, int64_t rowBegin, int64_t rowEnd) {
    enum { CH = GF_GRADIENT_CHANNELS_AVX512 };
    const int64_t vectors = (ow + 15) / 16;
    const int64_t plane = oh * ow;
    for (int64_t o0 = 0; o0 < outputs; o0 += CH) {
        const float *dr[CH];
        gf_channel_rows(dy, plane, o0, outputs, CH, dr);
        const int64_t valid = outputs - o0 < CH ? outputs - o0 : CH;
        for (int64_t c = 0; c < channels; c++) {
            for (int64_t ki = 0; ki < kh; ki++) {
                for (int64_t kj0 = 0; kj0 < kw; kj0 += GF_TAP_BLOCK) {
                    __m512 acc[CH][GF_TAP_BLOCK];
                    for (int i = 0; i < CH; i++)
                        for (int j = 0; j < GF_TAP_BLOCK; j++) acc[i][j] = _mm512_setzero_ps();
                    for (int64_t oy = rowBegin - ki > 0 ? rowBegin - ki : 0; oy < oh && oy + ki < rowEnd; oy++) {
                        const float *xr = xp + (c * ph + oy + ki) * pw + kj0;
                        for (int64_t v = 0; v < vectors; v++) {
                            const __mmask16 m = gf_lanes16(ow - v * 16);
                            __m512 d[CH];
                            for (int i = 0; i < CH; i++) d[i] = _mm512_maskz_loadu_ps(m, dr[i] + oy * ow + v * 16);
                            for (int j = 0; j < GF_TAP_BLOCK; j++) {
                                const __m512 x = _mm512_loadu_ps(xr + v * 16 + j);
                                for (int i = 0; i < CH; i++) acc[i][j] = _mm512_fmadd_ps(d[i], x, acc[i][j]);
                            }
                        }
                    }
                    const int64_t taps = kw - kj0 < GF_TAP_BLOCK ? kw - kj0 : GF_TAP_BLOCK;
                    for (int i = 0; i < valid; i++)
                        for (int j = 0; j < taps; j++)
                            dw[(((o0 + i) * channels + c) * kh + ki) * kw + kj0 + j] += _mm512_reduce_add_ps(acc[i][j]);
                }
            }
        }
    }
}

#else

// Not x86-64: never chosen (see `gradflow_cpu_has_avx2_fma()`); the entry points run the portable loops.
void gradflow_conv_direct_forward_avx2(const float *xp, int64_t channels, int64_t ph, int64_t pw, const float *w,
                                       int64_t outputs, int64_t kh, int64_t kw, const float *bias, float *y,
                                       int64_t oh, int64_t ow, int accumulate, int64_t rowBegin, int64_t rowEnd) {
    gradflow_conv_direct_forward_portable(xp, channels, ph, pw, w, outputs, kh, kw, bias, y, oh, ow, accumulate, rowBegin, rowEnd);
}

void gradflow_conv_direct_weight_gradient_avx2(const float *xp, int64_t channels, int64_t ph, int64_t pw,
                                               const float *dy, int64_t outputs, int64_t kh, int64_t kw,
                                               int64_t oh, int64_t ow, float *dw, int64_t rowBegin, int64_t rowEnd) {
    gradflow_conv_direct_weight_gradient_portable(xp, channels, ph, pw, dy, outputs, kh, kw, oh, ow, dw, rowBegin, rowEnd);
}

void gradflow_conv_direct_forward_avx512(const float *xp, int64_t channels, int64_t ph, int64_t pw, const float *w,
                                         int64_t outputs, int64_t kh, int64_t kw, const float *bias, float *y,
                                         int64_t oh, int64_t ow, int accumulate, int64_t rowBegin, int64_t rowEnd) {
    gradflow_conv_direct_forward_portable(xp, channels, ph, pw, w, outputs, kh, kw, bias, y, oh, ow, accumulate, rowBegin, rowEnd);
}

void gradflow_conv_direct_weight_gradient_avx512(const float *xp, int64_t channels, int64_t ph, int64_t pw,
                                                 const float *dy, int64_t outputs, int64_t kh, int64_t kw,
                                                 int64_t oh, int64_t ow, float *dw, int64_t rowBegin, int64_t rowEnd) {
    gradflow_conv_direct_weight_gradient_portable(xp, channels, ph, pw, dy, outputs, kh, kw, oh, ow, dw, rowBegin, rowEnd);
}

#endif
