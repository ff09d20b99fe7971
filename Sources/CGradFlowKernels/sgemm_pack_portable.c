#include "CGradFlowKernels.h"

#include <string.h>

// Plain C packing (any CPU). Gathers run stored-row-outer, so each stored row is read contiguously
// and the strided writes stay inside one micro-panel (MR·depth or NR·depth floats, cache-resident).

void gradflow_sgemm_pack_a_portable(const float *a, int64_t lda, int transposed, int64_t rows,
                                    int64_t depth, float *dst) {
    const int64_t mr = GRADFLOW_SGEMM_MR;
    if (transposed) {
        // op(A)[r, p] = a[p·lda + r]: stored row p holds k step p of every panel. Reading it once,
        // contiguously, and dealing MR-float pieces to the panels keeps the reads sequential (the
        // panel-outer order read MR floats per stored row, a stride the prefetchers follow poorly).
        const int64_t full = rows / mr * mr;
        for (int64_t p = 0; p < depth; ++p) {
            const float *src = a + p * lda;
            float *out = dst + p * mr;
            int64_t r = 0;
            for (; r < full; r += mr, out += mr * depth) memcpy(out, src + r, (size_t)mr * sizeof(float));
            if (r < rows) {
                for (int64_t i = 0; i < mr; ++i) out[i] = r + i < rows ? src[r + i] : 0.0f;
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
