#include "CGradFlowRegistry.h"

#if defined(__APPLE__)
#include <stdint.h>
#include <mach-o/dyld.h>
#include <mach-o/getsect.h>
#include <dlfcn.h>

const void *gradflow_operation_entries(size_t *count) {
    Dl_info info;
    *count = 0;
    if (!dladdr((const void *)&gradflow_operation_entries, &info) || !info.dli_fbase) return NULL;
    unsigned long size = 0;
    const uint8_t *start = getsectiondata((const struct mach_header_64 *)info.dli_fbase, "__DATA", "gradflow_ops", &size);
    if (!start) return NULL;
    *count = size / sizeof(void *);
    return start;
}
#else
// Weak, so an image without any entry still links (the symbols are then NULL).
extern const char __start_gradflow_ops[] __attribute__((weak, visibility("hidden")));
extern const char __stop_gradflow_ops[] __attribute__((weak, visibility("hidden")));

const void *gradflow_operation_entries(size_t *count) {
    if (!__start_gradflow_ops || !__stop_gradflow_ops) { *count = 0; return NULL; }
    *count = (size_t)(__stop_gradflow_ops - __start_gradflow_ops) / sizeof(void *);
    return __start_gradflow_ops;
}
#endif
