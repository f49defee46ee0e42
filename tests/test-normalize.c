/*
 * test-normalize.c — N(sql) and the fingerprint against tests/data/qhash-vectors.tsv and
 * tests/data/fingerprint-vectors.tsv, plus dialects, bounds, QS_ERANGE, bad arguments and
 * 50 MB inputs. QS_TEST_DATA names the data folder.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "qsplit.h"
#include "qstest.h"
#include "tsv.h"

typedef int (*transform_fn)(const char *, size_t, unsigned, char *, size_t, size_t *);

/* Run f with a buffer of exactly the bound; returns the malloc'd output. Checks the
 * bound, QS_ERANGE with every smaller buffer size at the edges, and NULL/0 size queries. */
static char *run(transform_fn f, size_t (*bound)(size_t), const char *in, size_t len,
                 unsigned d, size_t *n)
{
    size_t cap = bound(len);
    char *out = malloc(cap ? cap : 1);
    CHECK(out != NULL);
    CHECK_INT(f(in, len, d, out, cap, n), QS_OK);
    CHECK(*n <= cap);

    size_t m = 12345;
    CHECK_INT(f(in, len, d, NULL, 0, &m), *n ? QS_ERANGE : QS_OK);
    CHECK_INT(m, *n);
    if (*n > 0) {
        /* one byte short: QS_ERANGE, the size needed, and the bytes that fit */
        char *part = malloc(*n);
        CHECK(part != NULL);
        m = 0;
        CHECK_INT(f(in, len, d, part, *n - 1, &m), QS_ERANGE);
        CHECK_INT(m, *n);
        CHECK(memcmp(part, out, *n - 1) == 0);
        /* exactly the output size (less than the bound) is enough */
        CHECK_INT(f(in, len, d, part, *n, &m), QS_OK);
        CHECK_MEM(part, m, out, *n);
        free(part);
    }
    return out;
}

static void check_idempotent(transform_fn f, size_t (*bound)(size_t), const char *once,
                             size_t n, unsigned d, const char *name)
{
    size_t n2;
    char *twice = run(f, bound, once, n, d, &n2);
    if (n2 != n || memcmp(once, twice, n) != 0)
        fprintf(stderr, "not idempotent: %s\n", name);
    CHECK_MEM(twice, n2, once, n);
    free(twice);
}

static int qhash_rows, fp_rows;

static void qhash_row(const struct tsv_row *row, void *ud)
{
    (void)ud;
    CHECK(row->nfields == 4);
    if (row->nfields != 4)
        return;
    qhash_rows++;
    size_t n;
    char *out = run(qs_normalize, qs_normalize_bound, row->field[1], row->len[1],
                    QS_DIALECT_DEFAULT, &n);
    if (n != row->len[2] || memcmp(out, row->field[2], n) != 0)
        fprintf(stderr, "qhash-vectors.tsv:%d: %s\n", row->lineno, row->field[0]);
    CHECK_MEM(out, n, row->field[2], row->len[2]);
    CHECK(n <= row->len[1]);
    check_idempotent(qs_normalize, qs_normalize_bound, out, n, QS_DIALECT_DEFAULT,
                     row->field[0]);
    CHECK_INT(row->len[3], 32);

    /* The fingerprint does not care whether it is given the statement or N of it. */
    size_t f1, f2;
    char *fa = run(qs_fingerprint, qs_fingerprint_bound, row->field[1], row->len[1],
                   QS_DIALECT_DEFAULT, &f1);
    char *fb = run(qs_fingerprint, qs_fingerprint_bound, out, n, QS_DIALECT_DEFAULT, &f2);
    CHECK_MEM(fb, f2, fa, f1);
    check_idempotent(qs_fingerprint, qs_fingerprint_bound, fa, f1, QS_DIALECT_DEFAULT,
                     row->field[0]);
    free(fa);
    free(fb);
    free(out);
}

/* "mysql:name" and "pg:name" select a dialect; anything else is the default. */
static unsigned dialect_of(const char *name)
{
    if (strncmp(name, "mysql:", 6) == 0)
        return QS_DIALECT_MYSQL;
    if (strncmp(name, "pg:", 3) == 0)
        return QS_DIALECT_POSTGRES;
    return QS_DIALECT_DEFAULT;
}

static void fp_row(const struct tsv_row *row, void *ud)
{
    (void)ud;
    CHECK(row->nfields == 3);
    if (row->nfields != 3)
        return;
    fp_rows++;
    unsigned d = dialect_of(row->field[0]);
    size_t n;
    char *out = run(qs_fingerprint, qs_fingerprint_bound, row->field[1], row->len[1], d, &n);
    if (n != row->len[2] || memcmp(out, row->field[2], n) != 0)
        fprintf(stderr, "fingerprint-vectors.tsv:%d: %s\n", row->lineno, row->field[0]);
    CHECK_MEM(out, n, row->field[2], row->len[2]);
    check_idempotent(qs_fingerprint, qs_fingerprint_bound, out, n, d, row->field[0]);

    size_t nn, f2;
    char *norm = run(qs_normalize, qs_normalize_bound, row->field[1], row->len[1], d, &nn);
    char *fb = run(qs_fingerprint, qs_fingerprint_bound, norm, nn, d, &f2);
    CHECK_MEM(fb, f2, out, n);
    free(fb);
    free(norm);
    free(out);
}

/* N in a dialect; the default must not be affected by what the dialects add. */
static void check_n(unsigned d, const char *in, const char *want)
{
    size_t n;
    char *out = run(qs_normalize, qs_normalize_bound, in, strlen(in), d, &n);
    CHECK_MEM(out, n, want, strlen(want));
    check_idempotent(qs_normalize, qs_normalize_bound, out, n, d, in);
    free(out);
}

static void dialects(void)
{
    /* MySQL: # comments; everything else as the default. */
    check_n(QS_DIALECT_MYSQL, "SELECT a # hash comment\nFROM t", "SELECT a FROM t");
    check_n(QS_DIALECT_DEFAULT, "SELECT a # hash comment\nFROM t",
            "SELECT a # hash comment FROM t");
    check_n(QS_DIALECT_MYSQL, "SELECT '#1',  \"#2\",  `#3` # x", "SELECT '#1', \"#2\", `#3`");
    check_n(QS_DIALECT_MYSQL, "SELECT 1;# done", "SELECT 1");
    check_n(QS_DIALECT_MYSQL, "SELECT 'a\\'  b'  x", "SELECT 'a\\'  b' x");

    /* PostgreSQL: dollar quotes, standard strings, E'' escapes, nested comments. */
    check_n(QS_DIALECT_POSTGRES, "SELECT $$it's  -- fine /* x */$$ AS s,  1",
            "SELECT $$it's  -- fine /* x */$$ AS s, 1");
    check_n(QS_DIALECT_POSTGRES, "SELECT $tag$a $$  b$tag$   AS s",
            "SELECT $tag$a $$  b$tag$ AS s");
    check_n(QS_DIALECT_POSTGRES, "SELECT $1,  $2", "SELECT $1, $2");
    check_n(QS_DIALECT_POSTGRES, "SELECT a$b$  ,  1", "SELECT a$b$ , 1");
    check_n(QS_DIALECT_POSTGRES, "SELECT $a$ x  ", "SELECT $a$ x");
    check_n(QS_DIALECT_POSTGRES, "SELECT $$a$$$$b  c$$  x", "SELECT $$a$$$$b  c$$ x");
    check_n(QS_DIALECT_POSTGRES, "SELECT 'C:\\'  AS p", "SELECT 'C:\\' AS p");
    check_n(QS_DIALECT_DEFAULT, "SELECT 'C:\\'  AS p", "SELECT 'C:\\'  AS p");
    check_n(QS_DIALECT_POSTGRES, "SELECT E'a\\'  b'  x, e'\\\\'  y",
            "SELECT E'a\\'  b' x, e'\\\\' y");
    check_n(QS_DIALECT_POSTGRES, "SELECT ne'a\\'  x'  y", "SELECT ne'a\\' x'  y");
    check_n(QS_DIALECT_POSTGRES, "SELECT $$x$$E'\\'  '  y", "SELECT $$x$$E'\\'  ' y");
    check_n(QS_DIALECT_POSTGRES, "SELECT /* a /* b */ c */ 1", "SELECT 1");
    check_n(QS_DIALECT_DEFAULT, "SELECT /* a /* b */ c */ 1", "SELECT c */ 1");
    check_n(QS_DIALECT_POSTGRES, "SELECT /*+ a /* b */ c */  1",
            "SELECT /*+ a /* b */ c */ 1");
    check_n(QS_DIALECT_POSTGRES, "SELECT 1 # 2", "SELECT 1 # 2");
    check_n(QS_DIALECT_MYSQL, "SELECT $$a  b$$", "SELECT $$a b$$");
}

static void bad_arguments(void)
{
    char out[16];
    size_t n = 99;
    CHECK_INT(qs_normalize(NULL, 0, QS_DIALECT_DEFAULT, out, sizeof out, &n), QS_OK);
    CHECK_INT(n, 0);
    n = 99;
    CHECK_INT(qs_normalize(NULL, 0, QS_DIALECT_DEFAULT, NULL, 0, &n), QS_OK);
    CHECK_INT(n, 0);
    n = 99;
    CHECK_INT(qs_fingerprint(NULL, 0, QS_DIALECT_DEFAULT, NULL, 0, &n), QS_OK);
    CHECK_INT(n, 0);
    CHECK_INT(qs_normalize(NULL, 3, QS_DIALECT_DEFAULT, out, sizeof out, &n), QS_EINVAL);
    CHECK_INT(qs_fingerprint(NULL, 3, QS_DIALECT_DEFAULT, out, sizeof out, &n), QS_EINVAL);
    CHECK_INT(qs_normalize("x", 1, 3, out, sizeof out, &n), QS_EINVAL);
    CHECK_INT(qs_fingerprint("x", 1, 99, out, sizeof out, &n), QS_EINVAL);
    CHECK_INT(qs_normalize("x", 1, QS_DIALECT_DEFAULT, out, sizeof out, NULL), QS_EINVAL);
    CHECK_INT(qs_fingerprint("x", 1, QS_DIALECT_DEFAULT, NULL, 4, &n), QS_EINVAL);

    CHECK_INT(qs_normalize_bound(0), 0);
    CHECK_INT(qs_normalize_bound(100), 100);
    CHECK(qs_fingerprint_bound(5) >= 6); /* in(5) -> in(?+) */
    CHECK(qs_fingerprint_bound(SIZE_MAX) == SIZE_MAX);
    CHECK(qs_fingerprint_bound(SIZE_MAX - 3) == SIZE_MAX);

    /* the growing cases stay within the bound */
    const char *grow[] = {"in(5)", "IN(?)", "value(1)", "in(1)in(2)in(3)", "x in(1)"};
    for (size_t i = 0; i < sizeof grow / sizeof grow[0]; i++) {
        size_t len = strlen(grow[i]);
        char *o = run(qs_fingerprint, qs_fingerprint_bound, grow[i], len, 0, &n);
        CHECK(n > len);
        free(o);
    }
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* in = prefix + unit * count; checks f(in) == want_prefix + want_unit * count minus the
 * last want_trim bytes. */
static void big(transform_fn f, size_t (*bound)(size_t), unsigned d, const char *prefix,
                const char *unit, size_t count, const char *want_prefix, const char *want_unit,
                size_t want_trim, const char *what)
{
    size_t pl = strlen(prefix), ul = strlen(unit), wpl = strlen(want_prefix),
           wul = strlen(want_unit);
    size_t len = pl + ul * count, wlen = wpl + wul * count - want_trim;
    char *in = malloc(len), *want = malloc(wlen + want_trim);
    CHECK(in && want);
    memcpy(in, prefix, pl);
    memcpy(want, want_prefix, wpl);
    for (size_t i = 0; i < count; i++) {
        memcpy(in + pl + i * ul, unit, ul);
        memcpy(want + wpl + i * wul, want_unit, wul);
    }
    size_t cap = bound(len), n = 0;
    char *out = malloc(cap ? cap : 1);
    CHECK(out != NULL);
    double t0 = now();
    CHECK_INT(f(in, len, d, out, cap, &n), QS_OK);
    double t = now() - t0;
    CHECK_INT(n, wlen);
    CHECK(n == wlen && memcmp(out, want, wlen) == 0);
    fprintf(stderr, "  %-34s %6.1f MB in %6.3f s: %7.0f MB/s\n", what, (double)len / 1e6, t,
            (double)len / 1e6 / (t > 0 ? t : 1e-9));
    free(in);
    free(want);
    free(out);
}

static void large_inputs(void)
{
    const size_t mb50 = qst_light(50u * 1000 * 1000);
    fprintf(stderr, "large inputs:\n");
    const char *unit = "a1 ,\t'x  y' /* c */\n -- z\n";
    size_t count = mb50 / strlen(unit);
    big(qs_normalize, qs_normalize_bound, 0, "SELECT ", unit, count, "SELECT ", "a1 , 'x  y' ",
        1, "N, mixed SQL");
    big(qs_fingerprint, qs_fingerprint_bound, 0, "SELECT ", unit, count, "select ", "a? , ? ",
        1, "fingerprint, mixed SQL");
    const char *typical = "SELECT u.id, u.name, u.email FROM users u WHERE u.id = ?\n    AND ";
    big(qs_normalize, qs_normalize_bound, 0, "", typical, mb50 / strlen(typical), "",
        "SELECT u.id, u.name, u.email FROM users u WHERE u.id = ? AND ", 1,
        "N, typical statement text");
    /* one huge token of each kind */
    big(qs_normalize, qs_normalize_bound, 0, "SELECT '", "ab  ", mb50 / 4, "SELECT '", "ab  ",
        2, "N, unterminated string");
    big(qs_normalize, qs_normalize_bound, 0, "SELECT 1 ", "/* c */--x\n", mb50 / 11,
        "SELECT 1 ", "", 1, "N, comments");
    big(qs_normalize, qs_normalize_bound, 0, "SELECT 1", " \t\r\n", mb50 / 4, "SELECT 1", "",
        0, "N, whitespace");
    big(qs_normalize, qs_normalize_bound, 0, "x", "-", mb50, "x", "", 0, "N, dashes");
    big(qs_normalize, qs_normalize_bound, QS_DIALECT_POSTGRES, "", "$a$", mb50 / 3, "", "$a$",
        0, "N, dollar quotes");
    big(qs_fingerprint, qs_fingerprint_bound, 0, "x in (", "1,", mb50 / 2, "x in (", "?,", 0,
        "fingerprint, unclosed IN list");
    big(qs_fingerprint, qs_fingerprint_bound, 0, "insert into t values (1)", ",(1)", mb50 / 4,
        "insert into t values(?+)", "", 0, "fingerprint, VALUES rows");
    big(qs_fingerprint, qs_fingerprint_bound, 0, "x ", "(", mb50, "x ", "(", 0,
        "fingerprint, open parentheses");
    big(qs_fingerprint, qs_fingerprint_bound, 0, "", "a1_", mb50 / 3, "", "a?_", 0,
        "fingerprint, one long name");
    big(qs_fingerprint, qs_fingerprint_bound, 0, "", "in(5)", mb50 / 5, "", "in(?+)", 0,
        "fingerprint, growing");
}

int main(void)
{
    const char *data = getenv("QS_TEST_DATA");
    char path[4096];
    snprintf(path, sizeof path, "%s/qhash-vectors.tsv", data ? data : "tests/data");
    tsv_each(path, qhash_row, NULL);
    CHECK(qhash_rows >= 60);
    snprintf(path, sizeof path, "%s/fingerprint-vectors.tsv", data ? data : "tests/data");
    tsv_each(path, fp_row, NULL);
    CHECK(fp_rows >= 60);
    dialects();
    bad_arguments();
    large_inputs();
    return qst_done("test-normalize");
}
