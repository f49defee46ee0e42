/* fuzz-check.h — the property check every fuzz target uses: abort (libFuzzer then keeps
 * the input) with the file, line and property that failed. */
#ifndef QS_FUZZ_CHECK_H
#define QS_FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#define CHECK(cond)                                                                           \
    do {                                                                                      \
        if (!(cond)) {                                                                        \
            fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, #cond);       \
            abort();                                                                          \
        }                                                                                     \
    } while (0)

#endif
