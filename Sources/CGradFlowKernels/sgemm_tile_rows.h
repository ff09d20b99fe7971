// The 6×16 tiles' row-count switch, shared by the AVX2 and AVX-512 kernels.
#ifndef GRADFLOW_SGEMM_TILE_ROWS_H
#define GRADFLOW_SGEMM_TILE_ROWS_H

/// Runs `call(n)` with the tile's row count `rows` (1…6) as a constant, so that an inline tile's loops
/// over its rows unroll: the k loop of a 4-row edge (a batch of 64 = 10·6 + 4) issues only 4 rows' FMAs,
/// not 6 on the panel's zero padding.
#define GF_BY_ROWS(rows, call)                                                                    \
    switch (rows) {                                                                               \
    case 1: call(1); break;                                                                       \
    case 2: call(2); break;                                                                       \
    case 3: call(3); break;                                                                       \
    case 4: call(4); break;                                                                       \
    case 5: call(5); break;                                                                       \
    default: call(GRADFLOW_SGEMM_MR); break;                                                      \
    }

#endif
