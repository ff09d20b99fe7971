#include "CGradFlowKernels.h"

// Plain C: accumulators in a local 6×16 array that the optimiser keeps in vector registers where it
// can. Multiply and add are separate source operations; clang contracts them to FMA only on targets
// that have it (arm64), never to a libm `fmaf` call.
void gradflow_sgemm_6x16_portable(int64_t kc, const float *a, const float *b, float *c, int64_t ldc,
                                  int loadC, const float *bias) {
    float acc[GRADFLOW_SGEMM_MR][GRADFLOW_SGEMM_NR] = {{0}};
    for (int64_t p = 0; p < kc; ++p) {
        const float *ap = a + p * GRADFLOW_SGEMM_MR;
        const float *bp = b + p * GRADFLOW_SGEMM_NR;
        for (int i = 0; i < GRADFLOW_SGEMM_MR; ++i) {
            const float ai = ap[i];
            for (int j = 0; j < GRADFLOW_SGEMM_NR; ++j) acc[i][j] += ai * bp[j];
        }
    }
    for (int i = 0; i < GRADFLOW_SGEMM_MR; ++i) {
        float *ci = c + i * ldc;
        for (int j = 0; j < GRADFLOW_SGEMM_NR; ++j) {
            float v = acc[i][j];
            if (bias) v += bias[j];
            if (loadC) v += ci[j];
            ci[j] = v;
        }
    }
}

void gradflow_sgemm_tile_plain(int64_t kc, const float *a, int64_t aRow, int64_t aStep, const float *b, int64_t ldb,
                               float *c, int64_t ldc, int loadC, const float *bias, int64_t rows, int64_t cols) {
    for (int64_t i = 0; i < rows; i++)
        for (int64_t j = 0; j < cols; j++) {
            float sum = 0.0f;
            for (int64_t p = 0; p < kc; p++) sum += a[i * aRow + p * aStep] * b[p * ldb + j];
            float *out = c + i * ldc + j;
            *out = sum + (bias ? bias[j] : 0.0f) + (loadC ? *out : 0.0f);
        }
}
