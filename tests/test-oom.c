/* test-oom.c — every allocation the core makes (its own and those of jansson, PCRE2 and
 * libcrypto on its behalf) is made to fail in turn: each failure must come back as an
 * error code, leak nothing, and leave nothing corrupted (the next run is exact).
 *
 * malloc & co. are interposed in this executable, so calls from the shared libraries land
 * here too; glibc's __libc_* functions do the real work. Under ASan (which owns malloc)
 * the test is skipped. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qsplit.h"
#include "qstest.h"

#if defined(__SANITIZE_ADDRESS__)
#define QS_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define QS_UNDER_ASAN 1
#endif
#endif

#ifndef QS_UNDER_ASAN
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);

static long fail_at = -1; /* fail the Nth allocation from now; -1: never */
static long calls;
static long live; /* allocations not yet freed */

static int should_fail(void)
{
    if (fail_at < 0)
        return 0;
    return ++calls == fail_at;
}

void *malloc(size_t n)
{
    if (should_fail())
        return NULL;
    void *p = __libc_malloc(n);
    live += p != NULL;
    return p;
}

void *calloc(size_t a, size_t b)
{
    if (should_fail())
        return NULL;
    void *p = __libc_calloc(a, b);
    live += p != NULL;
    return p;
}

void *realloc(void *old, size_t n)
{
    if (n && should_fail())
        return NULL;
    void *p = __libc_realloc(old, n);
    if (!old && p)
        live++;
    else if (old && !n)
        live--;
    return p;
}

void free(void *p)
{
    live -= p != NULL;
    __libc_free(p);
}

static const char input[] =
    "2021-05-25 18:32:35.710 DEBUG 10788 --- [exec-1] c.e.mapper.UserMapper.selectById : "
    "==>  Preparing: SELECT id,\n    name FROM users WHERE id = ? AND n = 'x\xff'\n"
    "2021-05-25 18:32:35.711 ERROR 10788 --- [exec-1] c.e.App : boom\n\tat x.y(Z.java:1)\n"
    "2021-05-25 18:32:35.712 DEBUG 10788 --- [exec-1] p6spy : 1|2|statement|connection 3|url "
    "jdbc:h2:mem:|SELECT 1 FROM t WHERE a IN (?, ?)|SELECT 1 FROM t WHERE a IN (1, 2)\n";

static size_t out_bytes;
static int on_output(void *user, const struct qs_output *o)
{
    (void)user;
    out_bytes += o->console_len + o->query_len;
    return 0;
}

static int on_record(void *user, const struct qs_record *r)
{
    (void)user;
    out_bytes += r->len;
    return 0;
}

/* One full use of the API. Returns 0 on success or the first error code. */
static int scenario(void)
{
    struct qs_error err = QS_ERROR_INIT;
    struct qs_config *cfg = NULL;
    struct qs_splitter *s = NULL;
    struct qs_hasher *h = NULL;
    struct qs_records *r = NULL;
    char hex[QS_HASH_HEX_LEN + 1];
    out_bytes = 0;
    int rc = qs_config_new(&cfg, &err);
    if (!rc)
        rc = qs_config_add_sql_logger(cfg, "com.example.sql*", &err);
    if (!rc)
        rc = qs_config_add_sql_regex(cfg, "SQL: (?<sql>.+)", &err);
    if (!rc)
        rc = qs_config_set_flags(cfg, QS_FLAG_DEDUPE | QS_FIELD_FINGERPRINT | QS_FIELD_THREAD);
    if (!rc)
        rc = qs_splitter_new(&s, cfg, on_output, NULL, &err);
    if (!rc)
        rc = qs_splitter_feed(s, input, sizeof input - 1, &err);
    if (!rc)
        rc = qs_splitter_finish(s, &err);
    /* The record reader, fed in two chunks so that a record is copied across them. */
    if (!rc)
        rc = qs_records_new(&r, cfg, 0, on_record, NULL, &err);
    if (!rc)
        rc = qs_records_feed(r, input, 100, &err);
    if (!rc)
        rc = qs_records_feed(r, input + 100, sizeof input - 101, &err);
    if (!rc)
        rc = qs_records_finish(r, &err);
    const char *c, *q;
    size_t cl, ql;
    struct qs_event ev = {.struct_size = sizeof(struct qs_event),
                          .logger = "com.example.sql.Q",
                          .logger_len = 17,
                          .message = "UPDATE t SET a = 1",
                          .message_len = 18};
    if (!rc && qs_splitter_event(s, &ev, &c, &cl, &q, &ql, &err) < 0)
        rc = err.code ? err.code : QS_ENOMEM;
    if (!rc)
        rc = qs_hasher_new(&h, &err);
    if (!rc)
        rc = qs_hasher_qhash(h, "SELECT 1", 8, 0, hex);
    char sql[64];
    size_t n;
    const char *line = "{\"QHash\":\"8c6b7778672a4222bf18d91a035cd86e\",\"sql\":\"x\"}";
    if (!rc) {
        int prc = qs_query_record_parse(line, strlen(line), hex, sql, sizeof sql, &n);
        /* jansson reports its own allocation failure as a parse failure */
        if (prc != 0 && prc != QS_ENOTFOUND)
            rc = prc;
        else if (prc == QS_ENOTFOUND)
            rc = QS_ENOMEM;
    }
    if (rc && err.code == QS_OK && rc != QS_ENOMEM && rc != QS_ECRYPTO && rc != QS_EJSON)
        fprintf(stderr, "unexpected code %d without a message\n", rc);
    qs_hasher_free(&h);
    qs_records_free(&r);
    qs_splitter_free(&s);
    qs_config_free(&cfg);
    return rc;
}

int main(void)
{
    /* valgrind replaces malloc too: the interposed one never sees the calls there. */
    if (getenv("QS_TEST_VALGRIND")) {
        fprintf(stderr, "test-oom: skipped under valgrind (it owns malloc)\n");
        return 77;
    }
    /* Warm up libraries' one-time global state (OpenSSL provider caches, PCRE2 JIT). */
    CHECK_INT(scenario(), 0);
    CHECK_INT(scenario(), 0);
    size_t want = out_bytes;
    long failures = 0, n;
    for (n = 1; n < 100000; n++) {
        long before = live;
        calls = 0;
        fail_at = n;
        int rc = scenario();
        fail_at = -1;
        if (calls < n) {
            CHECK_INT(rc, 0); /* ran to the end without reaching allocation n */
            break;
        }
        failures++;
        /* A failure is an error code, or a documented fallback that still produced the
         * whole output (PCRE2 JIT failing falls back to the interpreter). */
        if (rc == 0)
            CHECK_INT(out_bytes, want);
        else
            CHECK(rc < 0);
        if (live != before)
            fprintf(stderr, "allocation %ld: %ld allocations leaked\n", n, live - before);
        CHECK_INT(live, before);
        /* Nothing corrupted: the next full run is exact. */
        CHECK_INT(scenario(), 0);
        CHECK_INT(out_bytes, want);
    }
    fprintf(stderr, "test-oom: failed each of %ld allocations in turn\n", failures);
    CHECK(failures > 20);
    return qst_done("test-oom");
}
#else
int main(void)
{
    fprintf(stderr, "test-oom: skipped under AddressSanitizer (it owns malloc)\n");
    return 77;
}
#endif
