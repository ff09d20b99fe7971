#ifndef CGRADFLOWREGISTRY_H
#define CGRADFLOWREGISTRY_H

#include <stddef.h>

/// The operation registry's linker section: every operation's source file places one entry (a
/// function pointer) in the section `gradflow_ops` with Swift's `@used @section`; the linker gathers
/// them, so adding an operation touches no list. This returns the entries of the image that holds
/// this file (on ELF from the linker's `__start_`/`__stop_` symbols, on Mach-O from `getsectiondata`):
/// `*count` function pointers starting at the result (NULL and 0 when there are none).
const void *gradflow_operation_entries(size_t *count);

#endif
