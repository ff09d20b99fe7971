#include "CBenchMachine.h"

long gradflow_add_chain(long rounds) {
    long x = 0;
    for (long i = 0; i < rounds; i++) {
#if defined(__x86_64__)
        // Eight dependent adds; the loop counter's own work runs beside them on other ports.
        __asm__ volatile("add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\t"
                         "add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0" : "+r"(x));
#else
        x += 8;
        __asm__ volatile("" : "+r"(x));
#endif
    }
    return x;
}
