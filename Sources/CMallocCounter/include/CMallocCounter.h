#ifndef CMALLOCCOUNTER_H
#define CMALLOCCOUNTER_H

/// Heap allocations (malloc, calloc, realloc, posix_memalign, aligned_alloc, memalign) made by this
/// process so far, or -1 where counting is not supported (only glibc Linux is).
long long gradflow_allocation_count(void);

#endif
