// A malloc counter for the benchmarks: this target defines the C allocation functions, counts each
// call and forwards it to glibc's own implementation (__libc_malloc and friends, which glibc exports
// for exactly this purpose, so no dlsym and no recursion). Linked only into GradFlowBench, never into
// the library: the benchmark reads the count before and after N training steps.
#include "CMallocCounter.h"

#include <errno.h>      // also brings in <features.h>, which defines __GLIBC__
#include <stddef.h>
#include <stdatomic.h>

#if defined(__linux__) && defined(__GLIBC__)

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *pointer, size_t size);
extern void __libc_free(void *pointer);
extern void *__libc_memalign(size_t alignment, size_t size);

static _Atomic long long allocations;

static inline void count_one(void) { atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed); }

void *malloc(size_t size) { count_one(); return __libc_malloc(size); }
void *calloc(size_t count, size_t size) { count_one(); return __libc_calloc(count, size); }
void *realloc(void *pointer, size_t size) { count_one(); return __libc_realloc(pointer, size); }
void free(void *pointer) { __libc_free(pointer); }
void *memalign(size_t alignment, size_t size) { count_one(); return __libc_memalign(alignment, size); }
void *aligned_alloc(size_t alignment, size_t size) { count_one(); return __libc_memalign(alignment, size); }

int posix_memalign(void **result, size_t alignment, size_t size) {
    count_one();
    void *pointer = __libc_memalign(alignment, size);
    if (pointer == NULL) return ENOMEM;
    *result = pointer;
    return 0;
}

long long gradflow_allocation_count(void) { return atomic_load_explicit(&allocations, memory_order_relaxed); }
#else
long long gradflow_allocation_count(void) { return -1; }
#endif
