#ifndef CGRADFLOWKERNELS_H
#define CGRADFLOWKERNELS_H

/// Returns 1 when this CPU can run the AVX2 + FMA micro-kernels, 0 otherwise.
int gradflow_cpu_has_avx2_fma(void);

#endif
