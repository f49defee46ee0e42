/* qstest.h — the tiny check helper every C test uses: failures name file:line, the test
 * exits non-zero when any check failed. */
#ifndef QSTEST_H
#define QSTEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int qst_failures;
static int qst_checks;

#define CHECK(cond)                                                                           \
    do {                                                                                      \
        qst_checks++;                                                                         \
        if (!(cond)) {                                                                        \
            qst_failures++;                                                                   \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);          \
        }                                                                                     \
    } while (0)

#define CHECK_INT(a, b)                                                                       \
    do {                                                                                      \
        long long qst_a = (long long)(a), qst_b = (long long)(b);                             \
        qst_checks++;                                                                         \
        if (qst_a != qst_b) {                                                                 \
            qst_failures++;                                                                   \
            fprintf(stderr, "%s:%d: %s == %lld, expected %s == %lld\n", __FILE__, __LINE__,   \
                    #a, qst_a, #b, qst_b);                                                    \
        }                                                                                     \
    } while (0)

#define CHECK_MEM(a, alen, b, blen)                                                           \
    do {                                                                                      \
        size_t qst_al = (alen), qst_bl = (blen);                                              \
        qst_checks++;                                                                         \
        if (qst_al != qst_bl || memcmp((a), (b), qst_al) != 0) {                              \
            qst_failures++;                                                                   \
            fprintf(stderr, "%s:%d: got [%.*s] (%zu bytes), expected [%.*s] (%zu bytes)\n",   \
                    __FILE__, __LINE__, (int)(qst_al > 400 ? 400 : qst_al),                   \
                    (const char *)(a), qst_al, (int)(qst_bl > 400 ? 400 : qst_bl),            \
                    (const char *)(b), qst_bl);                                               \
        }                                                                                     \
    } while (0)

#define CHECK_STR(a, b) CHECK_MEM((a), strlen(a), (b), strlen(b))

/* QS_TEST_LIGHT=1 (the valgrind setup, ~30x slower): huge inputs and timing loops shrink
 * tenfold; they still take the same paths, and linear time is measured in the normal run. */
static inline size_t qst_light(size_t n)
{
    return getenv("QS_TEST_LIGHT") ? n / 10 : n;
}

/* Print a one-line verdict and return the exit status. */
static inline int qst_done(const char *name)
{
    fprintf(stderr, "%s: %d checks, %d failed\n", name, qst_checks, qst_failures);
    return qst_failures ? 1 : 0;
}

/* Read a whole file (test data); exits on failure. */
static inline char *qst_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        exit(2);
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap + 1);
        }
    }
    fclose(f);
    if (!buf)
        exit(2);
    buf[n] = '\0';
    *len = n;
    return buf;
}

#endif
