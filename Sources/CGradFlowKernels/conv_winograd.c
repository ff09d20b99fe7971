// Winograd convolution F(2×2, 3×3) (Lavin & Gray, "Fast Algorithms for Convolutional Neural Networks",
// 2015): each 2×2 block of outputs ("tile") of a 3×3, stride-1 convolution is
// `Y = Aᵀ [Σ_c (G g_c Gᵀ) ⊙ (Bᵀ d_c B)] A`, where `d_c` is the tile's 4×4 input window in channel `c`.
// The 16 positions `ξ` of the elementwise product are 16 independent GEMMs over the channels,
// `M[ξ][k][t] = Σ_c U[ξ][k][c] · V[ξ][c][t]`: 16 multiplies per tile and channel pair instead of the
// direct 36 (4 outputs × 9 taps), so 2.25× fewer FLOPs, paid for with the transforms (additions only,
// O(tiles·(channels + outputs)), about a tenth of the GEMM time here) and a little rounding (the
// transforms' coefficients are ±1 and ½).
//
// Layout: tiles sit in the vector lanes (`t = ty·tilesX + tx`, row-major over the tile grid), so the
// input transform reads image rows as vectors (even/odd columns split with one permute) and the output
// transform writes NCHW rows directly (even/odd outputs interleaved with one permute) — no transposes.
// Tiles are processed in chunks of `GF_WINO_CHUNK` (V and M of a chunk stay in L2); `U` is packed as
// `[ξ][k/8][c][8]` so the GEMM's eight broadcasts per channel come from consecutive floats.
#include "CGradFlowKernels.h"

/// Tiles per chunk, rows of a GEMM tile (output channels), and floats per row of V and M: 16 more
/// than a chunk, so the input transform stores whole vectors (what spills past a row segment lands on
/// tiles written later or in the row's tail; masked stores measured 7 % slower on the 64-channel input
/// gradient below).
enum { GF_WINO_CHUNK = 48, GF_WINO_ROWS = 8, GF_WINO_STRIDE = 64 };

/// Floats between the planes of consecutive positions `ξ` in V (`channels` rows of a chunk) and M
/// (`k8` rows): one cache line more than the rows, so that the transforms' 16 streams, one per `ξ`,
/// do not fall into the same L1 set (plain multiples of 4 KiB did: the output transform took 21 % of
/// the time, the input transform 39 % for 64 channels; measured on one image, Zen 4).
static inline int64_t gf_wino_plane(int64_t rows) { return rows * GF_WINO_STRIDE + 16; }

int64_t gradflow_conv_winograd_weights_count(int64_t outputs, int64_t channels) {
    return 16 * ((outputs + GF_WINO_ROWS - 1) / GF_WINO_ROWS * GF_WINO_ROWS) * channels;
}

int64_t gradflow_conv_winograd_scratch_count(int64_t outputs, int64_t channels) {
    const int64_t k8 = (outputs + GF_WINO_ROWS - 1) / GF_WINO_ROWS * GF_WINO_ROWS;
    return 16 * gf_wino_plane(channels) + 16 * gf_wino_plane(k8);
}

void gradflow_conv_winograd_weights(const float *w, int64_t outputs, int64_t channels, float *u) {
    const int64_t blocks = (outputs + GF_WINO_ROWS - 1) / GF_WINO_ROWS;
    for (int64_t k = 0; k < blocks * GF_WINO_ROWS; k++)
        for (int64_t c = 0; c < channels; c++) {
            float g[3][3] = {{0}}, gg[4][3], ugg[4][4];
            if (k < outputs)
                for (int i = 0; i < 9; i++) g[i / 3][i % 3] = w[(k * channels + c) * 9 + i];
            for (int j = 0; j < 3; j++) {   // G g, G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1]
                gg[0][j] = g[0][j];
                gg[1][j] = 0.5f * (g[0][j] + g[1][j] + g[2][j]);
                gg[2][j] = 0.5f * (g[0][j] - g[1][j] + g[2][j]);
                gg[3][j] = g[2][j];
            }
            for (int i = 0; i < 4; i++) {   // (G g) Gᵀ
                ugg[i][0] = gg[i][0];
                ugg[i][1] = 0.5f * (gg[i][0] + gg[i][1] + gg[i][2]);
                ugg[i][2] = 0.5f * (gg[i][0] - gg[i][1] + gg[i][2]);
                ugg[i][3] = gg[i][2];
            }
            for (int xi = 0; xi < 16; xi++)
                u[((xi * blocks + k / GF_WINO_ROWS) * channels + c) * GF_WINO_ROWS + k % GF_WINO_ROWS] = ugg[xi / 4][xi % 4];
        }
}

#if defined(__x86_64__)
#include <immintrin.h>
#include "lane_mask.h"

/// The tiles from `t` that one vector covers: at most 16, within `t`'s row of tiles and before `end`.
static inline int64_t gf_wino_segment(int64_t t, int64_t end, int64_t tilesX) {
    const int64_t row = tilesX - t % tilesX, count = row < 16 ? row : 16;
    return count < end - t ? count : end - t;
}

/// `V[ξ][c][t − t0]` for the tiles `t0 ..< t0 + n`, row segments of at most 16 tiles at a time.
__attribute__((target("avx512f,avx2,fma")))
static void gf_wino_input(const float *xp, int64_t channels, int64_t ph, int64_t pw, int64_t tilesX, int64_t t0, int64_t n,
                          float *v) {
    const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const __m512i odd = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
    for (int64_t t = t0; t < t0 + n;) {
        const int64_t ty = t / tilesX, tx = t % tilesX, segment = gf_wino_segment(t, t0 + n, tilesX);
        const int64_t column = 2 * tx;
        // Columns column + 0 ..< column + 34 of each row, cut at the row's end (masked lanes read nothing).
        const __mmask16 m0 = gf_lanes16(pw - column), m1 = gf_lanes16(pw - column - 16);
        const __mmask16 m2 = gf_lanes16(pw - column - 2), m3 = gf_lanes16(pw - column - 18);
        for (int64_t c = 0; c < channels; c++) {
            __m512 w[4][4];
            for (int i = 0; i < 4; i++) {
                const float *row = xp + (c * ph + 2 * ty + i) * pw + column;
                const __m512 a = _mm512_maskz_loadu_ps(m0, row), b = _mm512_maskz_loadu_ps(m1, row + 16);
                const __m512 a2 = _mm512_maskz_loadu_ps(m2, row + 2), b2 = _mm512_maskz_loadu_ps(m3, row + 18);
                const __m512 d0 = _mm512_permutex2var_ps(a, even, b), d1 = _mm512_permutex2var_ps(a, odd, b);
                const __m512 d2 = _mm512_permutex2var_ps(a2, even, b2), d3 = _mm512_permutex2var_ps(a2, odd, b2);
                w[i][0] = _mm512_sub_ps(d0, d2);   // d B, Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1]
                w[i][1] = _mm512_add_ps(d1, d2);
                w[i][2] = _mm512_sub_ps(d2, d1);
                w[i][3] = _mm512_sub_ps(d1, d3);
            }
            float *out = v + c * GF_WINO_STRIDE + (t - t0);
            const int64_t plane = gf_wino_plane(channels);
            for (int j = 0; j < 4; j++) {   // Bᵀ (d B)
                _mm512_storeu_ps(out + (0 * 4 + j) * plane, _mm512_sub_ps(w[0][j], w[2][j]));
                _mm512_storeu_ps(out + (1 * 4 + j) * plane, _mm512_add_ps(w[1][j], w[2][j]));
                _mm512_storeu_ps(out + (2 * 4 + j) * plane, _mm512_sub_ps(w[2][j], w[1][j]));
                _mm512_storeu_ps(out + (3 * 4 + j) * plane, _mm512_sub_ps(w[1][j], w[3][j]));
            }
        }
        t += segment;
    }
}

/// `M[k0 + r][·] = Σ_c U[c][r] · V[c][·]` for 8 rows `r` × `vectors` × 16 tiles: 8·vectors
/// accumulators, `vectors` loads and 8 broadcasts (from consecutive floats) per channel.
__attribute__((target("avx512f,avx2,fma"), always_inline))
static inline void gf_wino_tile(const float *u, const float *v, int64_t channels, float *m, const int vectors) {
    __m512 acc[GF_WINO_ROWS][3];
    for (int r = 0; r < GF_WINO_ROWS; r++)
        for (int j = 0; j < vectors; j++) acc[r][j] = _mm512_setzero_ps();
    for (int64_t c = 0; c < channels; c++) {
        __m512 b[3];
        for (int j = 0; j < vectors; j++) b[j] = _mm512_loadu_ps(v + c * GF_WINO_STRIDE + 16 * j);
        for (int r = 0; r < GF_WINO_ROWS; r++) {
            const __m512 a = _mm512_set1_ps(u[c * GF_WINO_ROWS + r]);
            for (int j = 0; j < vectors; j++) acc[r][j] = _mm512_fmadd_ps(a, b[j], acc[r][j]);
        }
    }
    for (int r = 0; r < GF_WINO_ROWS; r++)
        for (int j = 0; j < vectors; j++) _mm512_storeu_ps(m + r * GF_WINO_STRIDE + 16 * j, acc[r][j]);
}

/// `y` (NCHW rows) from `M` for the tiles `t0 ..< t0 + n`: `Aᵀ M A`, Aᵀ = [1 1 1 0; 0 1 −1 −1], plus the bias.
__attribute__((target("avx512f,avx2,fma")))
static void gf_wino_output(const float *mm, int64_t k8, int64_t outputs, int64_t oh, int64_t ow, int64_t tilesX,
                           int64_t t0, int64_t n, const float *bias, float *y, int accumulate) {
    const __m512i low = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    const __m512i high = _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
    for (int64_t t = t0; t < t0 + n;) {
        const int64_t ty = t / tilesX, tx = t % tilesX, segment = gf_wino_segment(t, t0 + n, tilesX);
        const int64_t columns = ow - 2 * tx < 2 * segment ? ow - 2 * tx : 2 * segment;
        const __mmask16 m0 = gf_lanes16(columns), m1 = gf_lanes16(columns - 16);
        const int rows = 2 * ty + 1 < oh ? 2 : 1;
        for (int64_t k = 0; k < outputs; k++) {
            const float *m = mm + k * GF_WINO_STRIDE + (t - t0);
            const int64_t plane = gf_wino_plane(k8);
            __m512 s[2][4];
            for (int j = 0; j < 4; j++) {
                const __m512 m0j = _mm512_loadu_ps(m + (0 * 4 + j) * plane);
                const __m512 m1j = _mm512_loadu_ps(m + (1 * 4 + j) * plane);
                const __m512 m2j = _mm512_loadu_ps(m + (2 * 4 + j) * plane);
                const __m512 m3j = _mm512_loadu_ps(m + (3 * 4 + j) * plane);
                s[0][j] = _mm512_add_ps(_mm512_add_ps(m0j, m1j), m2j);
                s[1][j] = _mm512_sub_ps(_mm512_sub_ps(m1j, m2j), m3j);
            }
            const __m512 b = _mm512_set1_ps(bias ? bias[k] : 0.0f);
            for (int a = 0; a < rows; a++) {
                const __m512 y0 = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(s[a][0], s[a][1]), s[a][2]), b);
                const __m512 y1 = _mm512_add_ps(_mm512_sub_ps(_mm512_sub_ps(s[a][1], s[a][2]), s[a][3]), b);
                __m512 lo = _mm512_permutex2var_ps(y0, low, y1), hi = _mm512_permutex2var_ps(y0, high, y1);
                float *out = y + (k * oh + 2 * ty + a) * ow + 2 * tx;
                if (accumulate) {
                    lo = _mm512_add_ps(lo, _mm512_maskz_loadu_ps(m0, out));
                    hi = _mm512_add_ps(hi, _mm512_maskz_loadu_ps(m1, out + 16));
                }
                _mm512_mask_storeu_ps(out, m0, lo);
                _mm512_mask_storeu_ps(out + 16, m1, hi);
            }
        }
        t += segment;
    }
}

__attribute__((target("avx512f,avx2,fma")))
void gradflow_conv_winograd_forward_avx512(const float *xp, int64_t channels, int64_t ph, int64_t pw, const float *u,
                                           int64_t outputs, int64_t oh, int64_t ow, const float *bias, float *y,
                                           int accumulate, float *scratch) {
    const int64_t blocks = (outputs + GF_WINO_ROWS - 1) / GF_WINO_ROWS, k8 = blocks * GF_WINO_ROWS;
    const int64_t tilesX = (ow + 1) / 2, tiles = tilesX * ((oh + 1) / 2);
    float *v = scratch, *m = scratch + 16 * gf_wino_plane(channels);
    for (int64_t t0 = 0; t0 < tiles; t0 += GF_WINO_CHUNK) {
        const int64_t n = tiles - t0 < GF_WINO_CHUNK ? tiles - t0 : GF_WINO_CHUNK;
        gf_wino_input(xp, channels, ph, pw, tilesX, t0, n, v);
        for (int64_t xi = 0; xi < 16; xi++)
            for (int64_t kb = 0; kb < blocks; kb++) {
                const float *ub = u + (xi * blocks + kb) * channels * GF_WINO_ROWS;
                const float *vb = v + xi * gf_wino_plane(channels);
                float *mb = m + xi * gf_wino_plane(k8) + kb * GF_WINO_ROWS * GF_WINO_STRIDE;
                if (n > 32) gf_wino_tile(ub, vb, channels, mb, 3);
                else if (n > 16) gf_wino_tile(ub, vb, channels, mb, 2);
                else gf_wino_tile(ub, vb, channels, mb, 1);
            }
        gf_wino_output(m, k8, outputs, oh, ow, tilesX, t0, n, bias, y, accumulate);
    }
}

#else

// Not x86-64: never chosen (`gradflow_cpu_has_avx512f()` returns 0); the same transforms in plain loops
// keep it correct.
void gradflow_conv_winograd_forward_avx512(const float *xp, int64_t channels, int64_t ph, int64_t pw, const float *u,
                                           int64_t outputs, int64_t oh, int64_t ow, const float *bias, float *y,
                                           int accumulate, float *scratch) {
    (void)scratch;
    const int64_t blocks = (outputs + GF_WINO_ROWS - 1) / GF_WINO_ROWS;
    for (int64_t ty = 0; 2 * ty < oh; ty++)
        for (int64_t tx = 0; 2 * tx < ow; tx++)
            for (int64_t k = 0; k < outputs; k++) {
                float mm[16] = {0};
                for (int64_t c = 0; c < channels; c++) {
                    float d[4][4], w[4][4];
                    for (int i = 0; i < 4; i++)
                        for (int j = 0; j < 4; j++) d[i][j] = xp[(c * ph + 2 * ty + i) * pw + 2 * tx + j];
                    for (int i = 0; i < 4; i++) {
                        w[i][0] = d[i][0] - d[i][2]; w[i][1] = d[i][1] + d[i][2];
                        w[i][2] = d[i][2] - d[i][1]; w[i][3] = d[i][1] - d[i][3];
                    }
                    for (int j = 0; j < 4; j++) {
                        const float v[4] = {w[0][j] - w[2][j], w[1][j] + w[2][j], w[2][j] - w[1][j], w[1][j] - w[3][j]};
                        for (int i = 0; i < 4; i++)
                            mm[i * 4 + j] += u[(((i * 4 + j) * blocks + k / GF_WINO_ROWS) * channels + c) * GF_WINO_ROWS
                                               + k % GF_WINO_ROWS] * v[i];
                    }
                }
                for (int a = 0; a < 2 && 2 * ty + a < oh; a++) {
                    float s[4];
                    for (int j = 0; j < 4; j++)
                        s[j] = a == 0 ? mm[j] + mm[4 + j] + mm[8 + j] : mm[4 + j] - mm[8 + j] - mm[12 + j];
                    const float out[2] = {s[0] + s[1] + s[2], s[1] - s[2] - s[3]};
                    for (int b = 0; b < 2 && 2 * tx + b < ow; b++) {
                        float *p = y + (k * oh + 2 * ty + a) * ow + 2 * tx + b;
                        *p = (accumulate ? *p : 0.0f) + out[b] + (bias ? bias[k] : 0.0f);
                    }
                }
            }
}

#endif
