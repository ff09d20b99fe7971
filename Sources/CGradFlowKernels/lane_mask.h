// The AVX-512 kernels' tail masks: one helper instead of a copy per file. Include after <immintrin.h>.
#ifndef GRADFLOW_LANE_MASK_H
#define GRADFLOW_LANE_MASK_H

#include <stdint.h>

/// The mask of the first `count` of 16 lanes (none for `count ≤ 0`, all for `count ≥ 16`).
static inline __mmask16 gf_lanes16(int64_t count) {
    return count >= 16 ? (__mmask16)0xFFFF : count <= 0 ? (__mmask16)0 : (__mmask16)((1u << count) - 1);
}

#endif
