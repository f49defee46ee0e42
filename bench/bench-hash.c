/* bench-hash.c — normalize+hash (the QHash) throughput against plain MD5 of the same bytes.
 *
 * For each statement size it builds a set of realistic multi-line statements (indentation,
 * comments, quoted strings with Unicode) and times qs_hasher_qhash and qs_hasher_md5_hex
 * over the same bytes, best of several rounds, in CPU time. MD5 is the floor: the QHash cannot be cheaper
 * than hashing its input, so the ratio says what normalization costs on top.
 *
 *   bench-hash [SECONDS_PER_ROUND]     (default 0.3)
 *
 * Output: one line per size, "size qhash_MBps md5_MBps ratio", after a header. A benchmark,
 * not a test: it fails only when the library does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "qsplit.h"

#define VARIANTS 64 /* distinct statements per size: no single branch pattern to learn */
#define ROUNDS 3

static const char *const frags[] = {
    "SELECT\n        u.id,\n        u.username,\n        u.email",
    ",\n        o.total_amount",
    "\n    FROM users u\n    LEFT JOIN orders o ON o.user_id = u.id",
    "\n    WHERE u.status = 'ACTIVE'",
    "\n      AND u.city = 'Zürich'",
    "\n      AND u.name <> 'O''Brien'",
    "\n      -- hot path: keep the index on created_at\n      AND o.created_at >= ?",
    "\n      /* tenant filter */ AND u.tenant_id = ?",
    "\n      AND o.id IN\n         (\n          ?\n         ,\n          ?\n         )",
    "\n    ORDER BY o.created_at DESC",
    ",\n        `o`.`currency`",
    "\n      AND u.display_name LIKE CONCAT('%', ?, '%')",
    "\n      AND \"u\".\"locale\" = '東京都'",
    "\n    LIMIT ?, ?",
};

/* CPU time of this process, as `openssl speed` counts by default (its -elapsed is off):
 * figures stay comparable on a machine shared with other work. */
static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A statement of exactly size bytes: fragments in a seeded order, then identifier bytes. */
static void build(char *out, size_t size, unsigned seed)
{
    size_t n = 0;
    unsigned x = seed * 2654435761u + 1u;
    size_t nfr = sizeof frags / sizeof frags[0];
    for (;;) {
        x = x * 1103515245u + 12345u;
        const char *f = n == 0 ? frags[0] : frags[1 + (x >> 16) % (nfr - 1)];
        size_t fl = strlen(f);
        if (n + fl > size)
            break;
        memcpy(out + n, f, fl);
        n += fl;
    }
    while (n < size)
        out[n++] = 'x';
}

typedef int (*hash_fn)(struct qs_hasher *h, const char *s, size_t len);

static int do_qhash(struct qs_hasher *h, const char *s, size_t len)
{
    char hex[QS_HASH_HEX_LEN + 1];
    return qs_hasher_qhash(h, s, len, QS_DIALECT_DEFAULT, hex);
}

static int do_md5(struct qs_hasher *h, const char *s, size_t len)
{
    char hex[QS_HASH_HEX_LEN + 1];
    return qs_hasher_md5_hex(h, s, len, hex);
}

/* Best MB/s (10^6 bytes) over ROUNDS rounds of at least secs each; negative on error. */
static double measure(struct qs_hasher *h, hash_fn fn, char *const *stmts, size_t size,
                      double secs)
{
    double best = 0;
    for (int r = 0; r < ROUNDS; r++) {
        size_t calls = 0;
        double t0 = now(), t;
        do {
            for (int i = 0; i < VARIANTS; i++) {
                int rc = fn(h, stmts[i], size);
                if (rc < 0) {
                    fprintf(stderr, "bench-hash: error: %s\n", qs_strerror(rc));
                    return -1;
                }
            }
            calls += VARIANTS;
            t = now() - t0;
        } while (t < secs);
        double mbps = (double)calls * (double)size / t / 1e6;
        if (mbps > best)
            best = mbps;
    }
    return best;
}

int main(int argc, char **argv)
{
    double secs = argc > 1 ? atof(argv[1]) : 0.3;
    if (!(secs > 0) || secs > 60) {
        fprintf(stderr, "usage: bench-hash [SECONDS_PER_ROUND]   (0 < seconds <= 60)\n");
        return 2;
    }
    static const size_t sizes[] = {64, 256, 1024, 8192};
    struct qs_error err = QS_ERROR_INIT;
    struct qs_hasher *h = NULL;
    if (qs_hasher_new(&h, &err) < 0) {
        fprintf(stderr, "bench-hash: error: %s\n", err.text);
        return 1;
    }
    printf("%-8s %14s %14s %8s\n", "bytes", "qhash MB/s", "md5 MB/s", "ratio");
    int status = 0;
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0] && !status; k++) {
        size_t size = sizes[k];
        char *stmts[VARIANTS];
        for (int i = 0; i < VARIANTS; i++) {
            stmts[i] = malloc(size);
            if (!stmts[i]) {
                fprintf(stderr, "bench-hash: error: out of memory\n");
                return 1;
            }
            build(stmts[i], size, (unsigned)(i + 1));
        }
        double q = measure(h, do_qhash, stmts, size, secs);
        double m = measure(h, do_md5, stmts, size, secs);
        if (q < 0 || m < 0)
            status = 1;
        else
            printf("%-8zu %14.1f %14.1f %8.2f\n", size, q, m, q / m);
        for (int i = 0; i < VARIANTS; i++)
            free(stmts[i]);
    }
    qs_hasher_free(&h);
    return status;
}
