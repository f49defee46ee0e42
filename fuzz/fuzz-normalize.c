/*
 * fuzz-normalize.c — libFuzzer target for N(sql) and the fingerprint (lib/normalize.c, lib/fingerprint.c).
 *
 * The first input byte picks the dialect, the rest is the statement. Checked: no crash
 * (with ASan/UBSan); outputs within their bounds; a too-small buffer gives QS_ERANGE, the
 * same length and a prefix of the same bytes; N(N(x)) == N(x); fp(fp(x)) == fp(x); and
 * fp(N(x)) == fp(x), since N only removes what the fingerprint removes anyway.
 *
 * Build (needs only lib/normalize.c, lib/fingerprint.c and lib/error.c):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Ilib/include -Ilib \
 *         fuzz/fuzz-normalize.c lib/normalize.c lib/fingerprint.c lib/error.c -o fuzz-normalize
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qsplit.h"
#include "fuzz-check.h"

typedef int (*transform_fn)(const char *, size_t, unsigned, char *, size_t, size_t *);

/* Run f into an exact-bound buffer, and into a buffer half the output's size; returns the
 * output (malloc'd) and its length in *n. */
static char *run(transform_fn f, size_t bound, const char *in, size_t len, unsigned d,
                 size_t *n)
{
    char *out = malloc(bound ? bound : 1);
    CHECK(out != NULL);
    CHECK(f(in, len, d, out, bound, n) == QS_OK);
    CHECK(*n <= bound);
    if (*n > 0) {
        size_t small = *n / 2, m = 0;
        char *part = malloc(small ? small : 1);
        CHECK(part != NULL);
        CHECK(f(in, len, d, part, small, &m) == QS_ERANGE);
        CHECK(m == *n);
        CHECK(memcmp(part, out, small) == 0);
        free(part);
    }
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    unsigned d = data[0] % 3u;
    const char *in = (const char *)data + 1;
    size_t len = size - 1;
    size_t n1, n2, f1, f2, f3;

    char *a = run(qs_normalize, qs_normalize_bound(len), in, len, d, &n1);
    char *b = run(qs_normalize, qs_normalize_bound(n1), a, n1, d, &n2);
    CHECK(n1 == n2 && memcmp(a, b, n1) == 0); /* N is idempotent */

    char *fa = run(qs_fingerprint, qs_fingerprint_bound(len), in, len, d, &f1);
    char *fb = run(qs_fingerprint, qs_fingerprint_bound(f1), fa, f1, d, &f2);
    CHECK(f1 == f2 && memcmp(fa, fb, f1) == 0); /* the fingerprint is idempotent */
    char *fc = run(qs_fingerprint, qs_fingerprint_bound(n1), a, n1, d, &f3);
    CHECK(f1 == f3 && memcmp(fa, fc, f1) == 0); /* fp(N(x)) == fp(x) */

    free(a);
    free(b);
    free(fa);
    free(fb);
    free(fc);
    return 0;
}
