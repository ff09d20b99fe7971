#include "CGradFlowKernels.h"

#include <string.h>

// Plain C packing (any CPU). Gathers run stored-row-outer, so each stored row is read contiguously
// and the strided writes stay inside one micro-panel (MR·depth or NR·depth floats, cache-resident).

void gradflow_sgemm_pack_a_portable(const float *a, int64_t lda, int transposed, int64_t rows,
                                    int64_t depth, float *dst) {
    const int64_t mr = GRADFLOW_SGEMM_MR;
    if (transposed) {
        // op(A)[r, p] = a[p·lda + r]: stored row p holds k step p of every panel. Blocks of
        // `GF_PACK_STEPS` k steps, panels inner: each panel gets a 384-byte run of writes while the
        // block's rows (16 × rows floats) stay in L1. Measured (C microbenchmark, the MNIST MLP's
        // ∂W₁ at batch 512, Xᵀ read from L3): 43–67 µs, against 123–206 µs dealing one stored row
        // at a time to every panel (a write to a different page per panel per step) and 52–72 µs
        // panel by panel.
        enum { GF_PACK_STEPS = 16 };
        const int64_t full = rows / mr * mr;
        for (int64_t p0 = 0; p0 < depth; p0 += GF_PACK_STEPS) {
            const int64_t end = p0 + GF_PACK_STEPS < depth ? p0 + GF_PACK_STEPS : depth;
            float *out = dst;
            int64_t r = 0;
            for (; r < full; r += mr, out += mr * depth) {
                for (int64_t p = p0; p < end; ++p) memcpy(out + p * mr, a + p * lda + r, (size_t)mr * sizeof(float));
            }
            if (r < rows) {
                for (int64_t p = p0; p < end; ++p) {
                    for (int64_t i = 0; i < mr; ++i) out[p * mr + i] = r + i < rows ? a[p * lda + r + i] : 0.0f;
                }
            }
        }
        return;
    }
    for (int64_t r0 = 0; r0 < rows; r0 += mr, dst += mr * depth) {
        const int64_t height = rows - r0 < mr ? rows - r0 : mr;
        for (int64_t i = 0; i < mr; ++i) {
            const float *src = a + (r0 + i) * lda;
            if (i < height) {
                for (int64_t p = 0; p < depth; ++p) dst[p * mr + i] = src[p];
            } else {
                for (int64_t p = 0; p < depth; ++p) dst[p * mr + i] = 0.0f;
            }
        }
    }
}

void gradflow_sgemm_pack_b_portable(const float *b, int64_t ldb, int transposed, int64_t depth,
                                    int64_t cols, float *dst) {
    const int64_t nr = GRADFLOW_SGEMM_NR;
    for (int64_t c0 = 0; c0 < cols; c0 += nr, dst += nr * depth) {
        const int64_t width = cols - c0 < nr ? cols - c0 : nr;
        if (!transposed) {
            // op(B)[p, c0 + j] = b[p·ldb + c0 + j]: each k step is `width` contiguous floats.
            for (int64_t p = 0; p < depth; ++p) {
                const float *src = b + p * ldb + c0;
                for (int64_t j = 0; j < nr; ++j) dst[p * nr + j] = j < width ? src[j] : 0.0f;
            }
        } else {
            for (int64_t j = 0; j < nr; ++j) {
                const float *src = b + (c0 + j) * ldb;
                if (j < width) {
                    for (int64_t p = 0; p < depth; ++p) dst[p * nr + j] = src[p];
                } else {
                    for (int64_t p = 0; p < depth; ++p) dst[p * nr + j] = 0.0f;
                }
            }
        }
    }
}
