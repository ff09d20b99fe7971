#ifndef GRADFLOW_CFUZZERDRIVER_H
#define GRADFLOW_CFUZZERDRIVER_H
// libFuzzer's driver, for fuzzers whose `main` is their own (each target defines its `<Target>_main` at the end of its main.swift).
#include <stddef.h>
#include <stdint.h>

/// libFuzzer's `main` as a function: parses the flags in argv and runs `callback` on each input.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

/// Runs libFuzzer with the process's arguments and `callback` as `LLVMFuzzerTestOneInput`.
static inline int gradflow_run_fuzzer(int argc, char **argv, int (*callback)(const uint8_t *data, size_t size)) {
    return LLVMFuzzerRunDriver(&argc, &argv, callback);
}
#endif
