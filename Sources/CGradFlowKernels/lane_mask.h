// The kernels' tail masks (AVX-512 mask registers, AVX2 lane masks): one helper each instead of a copy
// per file. Include after <immintrin.h>.
#ifndef GRADFLOW_LANE_MASK_H
#define GRADFLOW_LANE_MASK_H

#include <stdint.h>

/// The mask of the first `count` of 16 lanes (none for `count ≤ 0`, all for `count ≥ 16`).
static inline __mmask16 gf_lanes16(int64_t count) {
    return count >= 16 ? (__mmask16)0xFFFF : count <= 0 ? (__mmask16)0 : (__mmask16)((1u << count) - 1);
}

/// The mask of the first `count` of 8 lanes (none for `count ≤ 0`, all for `count ≥ 8`), for
/// `_mm256_maskload_ps` / `_mm256_maskstore_ps`.
__attribute__((target("avx2"), always_inline))
static inline __m256i gf_lanes8(int64_t count) {
    const int32_t n = count <= 0 ? 0 : count >= 8 ? 8 : (int32_t)count;
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

#endif
