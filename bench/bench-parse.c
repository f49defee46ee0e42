/* bench-parse.c — how fast qs_query_record_parse reads a query.log: every line parsed, as
 * `qsplit lookup` parses each line that mentions the hash it looks for. Prints the best of
 * RUNS passes over the file (in memory) in ns per line and MB/s.
 *
 *   bench-parse QUERY_LOG [RUNS]
 *
 * Old against new in one run: the same binary with LD_LIBRARY_PATH pointing at another
 * build's lib/ (the ABI is the same). A benchmark, not a test. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "qsplit.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs("usage: bench-parse QUERY_LOG [RUNS]\n", stderr);
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    rewind(f);
    char *data = malloc((size_t)size + 1);
    if (!data || fread(data, 1, (size_t)size, f) != (size_t)size) {
        fputs("bench-parse: cannot read the file\n", stderr);
        return 1;
    }
    fclose(f);
    int runs = argc > 2 ? atoi(argv[2]) : 3;
    char *sql = malloc((size_t)size + 1);
    double best = 1e30;
    size_t lines = 0, records = 0, bytes = 0;
    for (int r = 0; r < runs; r++) {
        lines = records = bytes = 0;
        double t0 = now();
        for (size_t at = 0; at < (size_t)size;) {
            const char *nl = memchr(data + at, '\n', (size_t)size - at);
            size_t n = nl ? (size_t)(nl - (data + at)) + 1 : (size_t)size - at;
            char qh[QS_HASH_HEX_LEN + 1];
            size_t len = 0;
            if (qs_query_record_parse(data + at, n, qh, sql, n, &len) == 0) {
                records++;
                bytes += len;
            }
            lines++;
            at += n;
        }
        double t = now() - t0;
        if (t < best)
            best = t;
    }
    printf("%zu lines (%zu records, %zu sql bytes), %ld bytes; best of %d: %.3f s, "
           "%.0f ns/line, %.0f MB/s\n",
           lines, records, bytes, size, runs, best, best * 1e9 / (double)lines,
           (double)size / best / 1e6);
    free(sql);
    free(data);
    return 0;
}
