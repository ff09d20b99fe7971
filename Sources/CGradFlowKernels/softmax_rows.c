// Row-wise softmax as an AVX2 loop (Swift's `SIMD8` compiles to SSE2 here, and the Swift loop took
// 50 µs for the MNIST MLP's 512×10 logits), alone and fused with the cross-entropy's row losses.
// It reproduces `Elementwise.softmaxRowsLoop` to the bit: rows in chunks of 8 lanes, the last one
// padded with −∞ (e^−∞ = 0 adds nothing), the chunk sums added lane by lane and then the 8 lanes in
// order, and `VectorMath.exp`'s exponential (Cody–Waite reduction, the Cephes degree-6 polynomial and
// the scaling by 2^n in two halves, with the same roundings: no fused multiply-adds; NaN stays NaN).
// So every CPU, with or without AVX2 (and AVX-512 CPUs run this loop too), gets the same bits.
// Short rows (the logits of a few classes) run eight at a time, one per lane, in the same steps.
#include "CGradFlowKernels.h"

/// Whether `label` is a class index of a row of `cols` logits.
static inline int gf_is_class_index(float label, int64_t cols) {
    return label >= 0.0f && label < (float)cols && label == __builtin_truncf(label);
}

/// SoftmaxCE's row loss, −log p[argmax] − (z[label] − z[argmax]), in its float steps.
static inline double gf_row_loss(float atMaximum, float atLabel, float maximum) {
    return (double)(-__builtin_logf(atMaximum) - (atLabel - maximum));
}

#if defined(__x86_64__)
#include <immintrin.h>
#include <math.h>
#include "lane_mask.h"

#pragma clang fp contract(off)

__attribute__((target("avx2"), always_inline))
static inline __m256 gf_exp_avx2(__m256 x) {
    // max/min return their second operand when one is NaN, so NaN survives the clamps.
    __m256 v = _mm256_max_ps(_mm256_set1_ps(-104.0f), x);
    v = _mm256_min_ps(_mm256_set1_ps(89.0f), v);
    const __m256 shifter = _mm256_set1_ps(12582912.0f);
    const __m256 t = _mm256_add_ps(_mm256_mul_ps(v, _mm256_set1_ps(1.44269504f)), shifter);
    const __m256 n = _mm256_sub_ps(t, shifter);
    const __m256 r = _mm256_sub_ps(_mm256_sub_ps(v, _mm256_mul_ps(n, _mm256_set1_ps(0.693359375f))),
                                   _mm256_mul_ps(n, _mm256_set1_ps(-2.1219444e-4f)));
    __m256 p = _mm256_set1_ps(1.98756915e-4f);
    p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(1.3981999507e-3f));
    p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(8.3334519073e-3f));
    p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(4.1665795894e-2f));
    p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(1.6666665459e-1f));
    p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(5.0000001201e-1f));
    p = _mm256_add_ps(_mm256_add_ps(_mm256_mul_ps(p, _mm256_mul_ps(r, r)), r), _mm256_set1_ps(1.0f));
    const __m256i ni = _mm256_sub_epi32(_mm256_castps_si256(t), _mm256_set1_epi32(0x4B400000));
    const __m256i half = _mm256_srai_epi32(ni, 1);
    const __m256i bias = _mm256_set1_epi32(127);
    const __m256 low = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(half, bias), 23));
    const __m256 high = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(_mm256_sub_epi32(ni, half), bias), 23));
    return _mm256_mul_ps(_mm256_mul_ps(p, low), high);
}

/// Lanes `c…c+7` of a row of `cols` floats, lanes past its end −∞; `mask` selects the real ones.
__attribute__((target("avx2"), always_inline))
static inline __m256 gf_row_chunk_avx2(const float *row, int64_t c, int64_t cols, __m256i *mask) {
    *mask = gf_lanes8(cols - c);
    return _mm256_blendv_ps(_mm256_set1_ps(-__builtin_inff()), _mm256_maskload_ps(row + c, *mask),
                            _mm256_castsi256_ps(*mask));
}

/// Softmax of one row of `cols` floats from `source` into `target`, in `softmaxRowsLoop`'s steps;
/// returns the row's probability at its maximum (e^0 = 1 times the inverse sum), and its maximum in
/// `maximumOut`.
__attribute__((target("avx2"), always_inline))
static inline float gf_softmax_row_avx2(const float *source, int64_t cols, float *target, float *maximumOut) {
    __m256i mask;
    __m256 best = _mm256_set1_ps(-__builtin_inff());
    for (int64_t c = 0; c < cols; c += 8) best = _mm256_max_ps(gf_row_chunk_avx2(source, c, cols, &mask), best);
    float lanes[8];
    _mm256_storeu_ps(lanes, best);
    float maximumValue = lanes[0];
    for (int i = 1; i < 8; ++i) maximumValue = lanes[i] > maximumValue ? lanes[i] : maximumValue;
    const __m256 maximum = _mm256_set1_ps(maximumValue);
    __m256 total = _mm256_setzero_ps();
    for (int64_t c = 0; c < cols; c += 8) {
        const __m256 e = gf_exp_avx2(_mm256_sub_ps(gf_row_chunk_avx2(source, c, cols, &mask), maximum));
        _mm256_maskstore_ps(target + c, mask, e);
        total = _mm256_add_ps(total, e);
    }
    _mm256_storeu_ps(lanes, total);
    float sum = -0.0f;
    for (int i = 0; i < 8; ++i) sum += lanes[i];
    const float inverseValue = 1.0f / sum;
    for (int64_t c = 0; c < cols; c++) target[c] *= inverseValue;
    *maximumOut = maximumValue;
    return inverseValue;
}

/// Rows at most this long run eight at a time (`gf_softmax_8rows_avx2`); longer ones one by one.
#define GF_SOFTMAX_LANES_MAX_COLS 64

/// `gf_softmax_row_avx2` for rows `0…7` of `x` at once, one row per lane (a row of 10 logits fills
/// only 10 of a chunk's 16 lanes, and its horizontal maximum and sum were serial chains of scalar
/// steps). Each lane repeats the row function's operations in its order: the chunk-lane maxima and
/// sums `i = 0…7` over columns `i, i+8, …` (−∞ past the row's end, as the row function pads), then
/// the eight in turn, so the bits are the row function's. `cols ≤ GF_SOFTMAX_LANES_MAX_COLS`; `y`
/// may alias `x` (every load precedes the first store). Returns the rows' maxima and inverse sums.
__attribute__((target("avx2"), always_inline))
static inline void gf_softmax_8rows_avx2(const float *x, int64_t cols, float *y, float maximaOut[8], float inversesOut[8]) {
    const __m256i rowStarts = _mm256_mullo_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), _mm256_set1_epi32((int32_t)cols));
    const __m256 negativeInfinity = _mm256_set1_ps(-__builtin_inff());
    __m256 maximum = negativeInfinity;
    for (int64_t i = 0; i < 8 && i < cols; i++) {
        __m256 best = negativeInfinity;
        for (int64_t c = i; c < cols; c += 8) best = _mm256_max_ps(_mm256_i32gather_ps(x + c, rowStarts, 4), best);
        maximum = i == 0 ? best : _mm256_max_ps(best, maximum);
    }
    __m256 e[GF_SOFTMAX_LANES_MAX_COLS];
    for (int64_t c = 0; c < cols; c++) e[c] = gf_exp_avx2(_mm256_sub_ps(_mm256_i32gather_ps(x + c, rowStarts, 4), maximum));
    const __m256 padding = gf_exp_avx2(_mm256_sub_ps(negativeInfinity, maximum));   // the lanes past a row's end
    const int64_t chunks = (cols + 7) / 8;
    __m256 sum = _mm256_set1_ps(-0.0f);
    for (int64_t i = 0; i < 8; i++) {
        __m256 total = _mm256_setzero_ps();
        for (int64_t k = 0; k < chunks; k++) total = _mm256_add_ps(total, 8 * k + i < cols ? e[8 * k + i] : padding);
        sum = _mm256_add_ps(sum, total);
    }
    const __m256 inverse = _mm256_div_ps(_mm256_set1_ps(1.0f), sum);
    float lanes[8];
    for (int64_t c = 0; c < cols; c++) {
        _mm256_storeu_ps(lanes, _mm256_mul_ps(e[c], inverse));
        for (int l = 0; l < 8; l++) y[l * cols + c] = lanes[l];
    }
    _mm256_storeu_ps(maximaOut, maximum);
    _mm256_storeu_ps(inversesOut, inverse);
}

__attribute__((target("avx2")))
void gradflow_softmax_rows_avx2(const float *x, int64_t rows, int64_t cols, float *y) {
    float maximum, maxima[8], inverses[8];
    int64_t r = 0;
    if (cols <= GF_SOFTMAX_LANES_MAX_COLS)
        for (; r + 8 <= rows; r += 8) gf_softmax_8rows_avx2(x + r * cols, cols, y + r * cols, maxima, inverses);
    for (; r < rows; r++) (void)gf_softmax_row_avx2(x + r * cols, cols, y + r * cols, &maximum);
}

__attribute__((target("avx2")))
int64_t gradflow_softmax_ce_rows_avx2(const float *z, const float *labels, int64_t rows, int64_t cols, float *p,
                                      double *total) {
    double sum = 0.0;
    float maxima[8], inverses[8];
    int64_t r = 0;
    // Eight rows at once while their labels are valid; a block with a bad one goes row by row below,
    // which stops at that row as before.
    while (cols <= GF_SOFTMAX_LANES_MAX_COLS && r + 8 <= rows) {
        int valid = 1;
        for (int l = 0; l < 8; l++) valid &= gf_is_class_index(labels[r + l], cols);
        if (!valid) break;
        gf_softmax_8rows_avx2(z + r * cols, cols, p + r * cols, maxima, inverses);
        for (int l = 0; l < 8; l++)   // rows in order, as below
            sum += gf_row_loss(inverses[l], z[(r + l) * cols + (int64_t)labels[r + l]], maxima[l]);
        r += 8;
    }
    for (; r < rows; r++) {
        const float label = labels[r];
        if (!gf_is_class_index(label, cols)) return r;
        float maximum;
        const float atMaximum = gf_softmax_row_avx2(z + r * cols, cols, p + r * cols, &maximum);
        sum += gf_row_loss(atMaximum, z[r * cols + (int64_t)label], maximum);
    }
    *total = sum;
    return -1;
}

#else

// Not x86-64: never called (`gradflow_cpu_has_avx2_fma()` returns 0); plain loops keep them correct.
void gradflow_softmax_rows_avx2(const float *x, int64_t rows, int64_t cols, float *y) {
    for (int64_t r = 0; r < rows; r++) {
        const float *source = x + r * cols;
        float *target = y + r * cols;
        float maximum = source[0], total = 0.0f;
        for (int64_t c = 1; c < cols; c++) maximum = source[c] > maximum ? source[c] : maximum;
        for (int64_t c = 0; c < cols; c++) { target[c] = __builtin_expf(source[c] - maximum); total += target[c]; }
        for (int64_t c = 0; c < cols; c++) target[c] *= 1.0f / total;
    }
}

int64_t gradflow_softmax_ce_rows_avx2(const float *z, const float *labels, int64_t rows, int64_t cols, float *p,
                                      double *total) {
    gradflow_softmax_rows_avx2(z, rows, cols, p);
    double sum = 0.0;
    for (int64_t r = 0; r < rows; r++) {
        const float label = labels[r];
        if (!gf_is_class_index(label, cols)) return r;
        const float *row = z + r * cols;
        int64_t top = 0;
        for (int64_t c = 1; c < cols; c++) top = row[c] > row[top] ? c : top;
        sum += gf_row_loss(p[r * cols + top], row[(int64_t)label], row[top]);
    }
    *total = sum;
    return -1;
}

#endif
