/* test-split.c — the streaming splitter: chunking never changes the output, non-SQL bytes
 * pass unchanged, oversized records stream through, events split like records. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "qsplit.h"
#include "qstest.h"

#define P                                                                                     \
    "2021-05-25 18:32:35.710 DEBUG 10788 --- [http-nio-8081-exec-595] "                       \
    "c.e.mapper.UserMapper.selectById        : "

/* Everything a run produced, flattened so two runs compare with memcmp. */
struct capture {
    char *console, *query, *log; /* log: one line per callback: flags, offset, qhash */
    size_t console_len, query_len, log_len;
    size_t console_cap, query_cap, log_cap;
    int calls, stop_after;
};

static void grow_append(char **buf, size_t *len, size_t *cap, const char *p, size_t n)
{
    if (*len + n + 1 > *cap) {
        *cap = (*len + n + 1) * 2;
        *buf = realloc(*buf, *cap);
    }
    memcpy(*buf + *len, p, n);
    *len += n;
    (*buf)[*len] = '\0';
}

static int capture_fn(void *user, const struct qs_output *o)
{
    struct capture *c = user;
    c->calls++;
    grow_append(&c->console, &c->console_len, &c->console_cap, o->console, o->console_len);
    if (o->query)
        grow_append(&c->query, &c->query_len, &c->query_cap, o->query, o->query_len);
    char line[128];
    int n = snprintf(line, sizeof line, "%u %llu %s %.*s\n", o->flags,
                     (unsigned long long)o->end_offset, o->qhash ? o->qhash : "-",
                     (int)(o->ts ? (o->ts_len > 40 ? 40 : o->ts_len) : 0), o->ts ? o->ts : "");
    grow_append(&c->log, &c->log_len, &c->log_cap, line, (size_t)n);
    CHECK(!!(o->flags & QS_OUT_SQL) == (o->qhash != NULL));
    return c->stop_after && c->calls >= c->stop_after;
}

static void capture_free(struct capture *c)
{
    free(c->console);
    free(c->query);
    free(c->log);
    memset(c, 0, sizeof *c);
}

/* Split input fed in chunks of `chunk` bytes (0: one piece; SIZE_MAX: pseudo-random). */
static int run(const struct qs_config *cfg, const char *in, size_t len, size_t chunk,
               struct capture *c)
{
    struct qs_splitter *s = NULL;
    struct qs_error err = QS_ERROR_INIT;
    memset(c, 0, sizeof *c);
    grow_append(&c->console, &c->console_len, &c->console_cap, "", 0);
    grow_append(&c->query, &c->query_len, &c->query_cap, "", 0);
    grow_append(&c->log, &c->log_len, &c->log_cap, "", 0);
    int rc = qs_splitter_new(&s, cfg, capture_fn, c, &err);
    CHECK_INT(rc, 0);
    uint32_t seed = 12345;
    for (size_t off = 0; rc == 0 && off < len;) {
        size_t n = len - off;
        if (chunk == SIZE_MAX) {
            seed = seed * 1103515245u + 12345u;
            n = 1 + (seed >> 16) % 97;
        } else if (chunk) {
            n = chunk;
        }
        if (n > len - off)
            n = len - off;
        rc = qs_splitter_feed(s, in + off, n, &err);
        off += n;
    }
    if (rc == 0)
        rc = qs_splitter_finish(s, &err);
    qs_splitter_free(&s);
    return rc;
}

static void check_same(const struct capture *a, const struct capture *b, size_t chunk)
{
    if (a->log_len != b->log_len || memcmp(a->log, b->log, a->log_len) != 0)
        fprintf(stderr, "chunk size %zu changes the records\n", chunk);
    CHECK_MEM(a->console, a->console_len, b->console, b->console_len);
    CHECK_MEM(a->query, a->query_len, b->query, b->query_len);
    CHECK_MEM(a->log, a->log_len, b->log, b->log_len);
}

static const char sample[] =
    "  .   ____          _            __ _ _\n"
    " :: Spring Boot ::                (v2.7.18)\n" P "==>  Preparing: SELECT id,\n"
    "           name\n"
    "    FROM users\n"
    "    WHERE id = ?\n" P "==> Parameters: 42(Integer)\n" P "<==      Total: 1\n"
    "2021-05-25 18:32:35.711 ERROR 10788 --- [main] o.s.b.SpringApplication : failed\n"
    "java.lang.IllegalStateException: boom\n"
    "\tat com.example.App.main(App.java:10)\n"
    "2021-05-25 18:32:35.712  INFO 10788 --- [main] c.e.App : caf\xc3\xa9 \xff\xfe bytes\r\n" P
    "==>  Preparing: SELECT * FROM t WHERE a = 'x  y' -- note\r\n"
    "   AND b = ?\r\n" P "==>  Preparing: SELECT id, name FROM users WHERE id = ?\n"
    "2021-05-25 18:32:35.713 DEBUG 10788 --- [main] p6spy : "
    "1621939955710|3|statement|connection 5|"
    "url jdbc:h2:mem:test|SELECT name FROM t WHERE id = ?|SELECT name FROM t WHERE id = 7\n"
    "2021-05-25 18:32:35.714 DEBUG 10788 --- [main] c.e.Svc : boundSql : UPDATE t SET a = 1\n"
    "   WHERE id = 2\n"
    "trailing line without newline";

static void test_chunking(const struct qs_config *cfg, const char *in, size_t len)
{
    struct capture whole, part;
    CHECK_INT(run(cfg, in, len, 0, &whole), 0);
    size_t sizes[] = {1, 2, 3, 5, 7, 13, 64, 100, 4096, SIZE_MAX};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        CHECK_INT(run(cfg, in, len, sizes[i], &part), 0);
        check_same(&whole, &part, sizes[i]);
        capture_free(&part);
    }
    capture_free(&whole);
}

static void test_sample(const struct qs_config *cfg)
{
    struct capture c;
    CHECK_INT(run(cfg, sample, sizeof sample - 1, 0, &c), 0);
    struct qs_hasher *h = NULL;
    CHECK_INT(qs_hasher_new(&h, NULL), 0);
    char hex[33], want[512];

    /* The multi-line MyBatis statement: one console line, one query record. */
    const char *sql1 = "SELECT id,\n           name\n    FROM users\n    WHERE id = ?";
    CHECK_INT(qs_hasher_qhash(h, sql1, strlen(sql1), 0, hex), 0);
    snprintf(want, sizeof want, P "==>  Preparing: \"QHash\":\"%s\"\n", hex);
    CHECK(strstr(c.console, want) != NULL);
    /* The same statement on one line shares the QHash. */
    snprintf(want, sizeof want, "\n" P "==>  Preparing: \"QHash\":\"%s\"\n", hex);
    CHECK(strstr(c.console, want) != NULL);
    snprintf(want, sizeof want,
             "{\"QHash\":\"%s\",\"sql\":\"SELECT id,\\n           name\\n"
             "    FROM users\\n    WHERE id = ?\"}\n",
             hex);
    CHECK(strncmp(c.query, want, strlen(want)) == 0);

    /* Parameters, Total, the stack trace, the banner and bad bytes stay byte for byte. */
    CHECK(strstr(c.console, P "==> Parameters: 42(Integer)\n" P "<==      Total: 1\n") !=
          NULL);
    CHECK(strstr(c.console, "failed\njava.lang.IllegalStateException: boom\n\tat com.example."
                            "App.main(App.java:10)\n") != NULL);
    CHECK(strncmp(c.console, sample, 80) == 0);
    CHECK(memmem(c.console, c.console_len, "caf\xc3\xa9 \xff\xfe bytes\r\n", 15) != NULL);

    /* CRLF: the console line keeps the record's line ending; the SQL keeps inner ones. */
    const char *sql2 = "SELECT * FROM t WHERE a = 'x  y' -- note\r\n   AND b = ?";
    CHECK_INT(qs_hasher_qhash(h, sql2, strlen(sql2), 0, hex), 0);
    snprintf(want, sizeof want, P "==>  Preparing: \"QHash\":\"%s\"\r\n", hex);
    CHECK(strstr(c.console, want) != NULL);

    /* p6spy: metadata kept, the SQL with values is the statement. */
    const char *sql3 = "SELECT name FROM t WHERE id = 7";
    CHECK_INT(qs_hasher_qhash(h, sql3, strlen(sql3), 0, hex), 0);
    snprintf(want, sizeof want,
             "p6spy : 1621939955710|3|statement|connection 5|url "
             "jdbc:h2:mem:test|\"QHash\":\"%s\"\n",
             hex);
    CHECK(strstr(c.console, want) != NULL);

    /* boundSql, multi-line, followed by an unterminated last line of another record. */
    const char *sql4 = "UPDATE t SET a = 1\n   WHERE id = 2\ntrailing line without newline";
    CHECK_INT(qs_hasher_qhash(h, sql4, strlen(sql4), 0, hex), 0);
    snprintf(want, sizeof want, "c.e.Svc : boundSql : \"QHash\":\"%s\"", hex);
    CHECK(strstr(c.console, want) != NULL);
    CHECK(c.console[c.console_len - 1] == '"'); /* no newline invented at the end */

    /* Every query line parses and its QHash is the hash of its sql. */
    int lines = 0;
    for (char *p = c.query; *p;) {
        char *nl = strchr(p, '\n');
        CHECK(nl != NULL);
        if (!nl)
            break;
        char qh[33], sql[4096], again[33];
        size_t n = 0;
        CHECK_INT(qs_query_record_parse(p, (size_t)(nl - p), qh, sql, sizeof sql, &n), 0);
        CHECK_INT(qs_hasher_qhash(h, sql, n, 0, again), 0);
        CHECK_STR(qh, again);
        lines++;
        p = nl + 1;
    }
    CHECK_INT(lines, 5);
    qs_hasher_free(&h);
    capture_free(&c);
}

static void test_passthrough_exact(const struct qs_config *cfg)
{
    /* No SQL anywhere: the console output is the input, whatever the bytes. */
    size_t len = 1 << 20;
    char *junk = malloc(len);
    uint32_t x = 2463534242u;
    for (size_t i = 0; i < len; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        junk[i] = (char)(x % 7 == 0 ? '\n' : x >> 24);
    }
    struct capture c;
    CHECK_INT(run(cfg, junk, len, SIZE_MAX, &c), 0);
    if (c.query_len == 0)
        CHECK_MEM(c.console, c.console_len, junk, len);
    capture_free(&c);
    CHECK_INT(run(cfg, "", 0, 0, &c), 0);
    CHECK_INT(c.calls, 0);
    capture_free(&c);
    free(junk);
}

static void test_oversized(void)
{
    struct qs_config *cfg = NULL;
    CHECK_INT(qs_config_new(&cfg, NULL), 0);
    CHECK_INT(qs_config_set_limit(cfg, QS_LIMIT_RECORD_BYTES, 1024), 0);
    CHECK_INT(qs_config_set_limit(cfg, QS_LIMIT_RECORD_BYTES, 10), QS_EINVAL);
    /* A 10 KB statement over a 1 KB limit passes through unsplit; the next one splits. */
    size_t big = 10000;
    char *in = malloc(big + 512);
    size_t n = (size_t)sprintf(in, P "==>  Preparing: SELECT ");
    while (n < big) {
        memcpy(in + n, "a,\n", 3);
        n += 3;
    }
    n += (size_t)sprintf(in + n, "1\n" P "==>  Preparing: SELECT 2\n");
    struct capture whole, part;
    CHECK_INT(run(cfg, in, n, 0, &whole), 0);
    CHECK(whole.console_len > big);
    CHECK(memcmp(whole.console, in, big) == 0);
    CHECK_INT(whole.query_len > 0, 1);
    CHECK(strstr(whole.query, "SELECT 2") != NULL);
    CHECK(strstr(whole.query, "SELECT a") == NULL);
    CHECK(strstr(whole.log, "2 ") != NULL); /* QS_OUT_PARTIAL pieces */
    for (size_t chunk = 1; chunk < 2000; chunk = chunk * 3 + 1) {
        CHECK_INT(run(cfg, in, n, chunk, &part), 0);
        CHECK_MEM(part.console, part.console_len, whole.console, whole.console_len);
        CHECK_MEM(part.query, part.query_len, whole.query, whole.query_len);
        capture_free(&part);
    }
    capture_free(&whole);

    /* A record just under the limit, then a normal statement: however the chunks fall,
     * the statement is split (a carried line is judged by its own size). */
    n = (size_t)sprintf(in, P "just under the limit ");
    while (n < 900)
        in[n++] = 'z';
    n += (size_t)sprintf(in + n, "\n" P "==>  Preparing: SELECT name, email, phone, city "
                                 "FROM customers WHERE id = ? AND tenant = ? ORDER BY 1\n");
    CHECK_INT(run(cfg, in, n, 0, &whole), 0);
    CHECK(strstr(whole.query, "SELECT name") != NULL);
    for (size_t chunk = 1; chunk < 1200; chunk += 37) {
        CHECK_INT(run(cfg, in, n, chunk, &part), 0);
        check_same(&whole, &part, chunk);
        capture_free(&part);
    }
    capture_free(&whole);
    free(in);
    qs_config_free(&cfg);
}

static uint64_t huge_bytes;
static int count_fn(void *user, const struct qs_output *o)
{
    (void)user;
    huge_bytes += o->console_len;
    return 0;
}

static void test_huge_line(const struct qs_config *cfg)
{
    /* 100 MB in one line, fed in 1 MB chunks, streams through in bounded memory. */
    struct qs_splitter *s = NULL;
    CHECK_INT(qs_splitter_new(&s, cfg, count_fn, NULL, NULL), 0);
    size_t chunk = 1 << 20;
    char *buf = malloc(chunk);
    memset(buf, 'x', chunk);
    memcpy(buf, P "==>  Preparing: SELECT ", strlen(P) + 24);
    struct rusage before, after;
    getrusage(RUSAGE_SELF, &before);
    huge_bytes = 0;
    for (int i = 0; i < 100; i++) {
        CHECK_INT(qs_splitter_feed(s, buf, chunk, NULL), 0);
        memset(buf, 'y', chunk);
    }
    CHECK_INT(qs_splitter_feed(s, "\n" P "==>  Preparing: SELECT 1\n", strlen(P) + 27, NULL),
              0);
    CHECK_INT(qs_splitter_finish(s, NULL), 0);
    getrusage(RUSAGE_SELF, &after);
    struct qs_stats st = QS_STATS_INIT;
    qs_splitter_get_stats(s, &st);
    CHECK_INT(st.oversized, 1);
    CHECK_INT(st.sql_records, 1);
    CHECK_INT(st.bytes_in, 100 * chunk + strlen(P) + 27);
    CHECK(huge_bytes >= 100 * chunk);
    /* ru_maxrss is in KiB; the record limit is 8 MiB, so growth stays well under 100 MB. */
    CHECK(after.ru_maxrss - before.ru_maxrss < 40 * 1024);
    fprintf(stderr, "huge line: 100 MB streamed, max RSS grew %ld KiB\n",
            after.ru_maxrss - before.ru_maxrss);
    qs_splitter_free(&s);
    free(buf);
}

static void test_options(void)
{
    struct qs_config *cfg = NULL;
    struct qs_splitter *s = NULL;
    struct capture c;
    const char in[] =
        P "==>  Preparing: SELECT * FROM t WHERE name = 'Ann' AND id IN (1, 2)\n" P
          "==>  Preparing: SELECT * FROM t WHERE name = 'Ann' AND id IN (1, 2)\n";
    CHECK_INT(qs_config_new(&cfg, NULL), 0);
    CHECK_INT(qs_config_set_flags(cfg, QS_FLAG_DEDUPE | QS_FLAG_REDACT | QS_FIELD_TIMESTAMP |
                                           QS_FIELD_THREAD | QS_FIELD_LOGGER |
                                           QS_FIELD_FINGERPRINT),
              0);
    CHECK_INT(qs_config_set_flags(cfg, 0x8000u), QS_EINVAL);
    CHECK_INT(run(cfg, in, sizeof in - 1, 0, &c), 0);
    CHECK_INT(c.calls, 2);
    /* dedupe: one query line for two identical statements; redact: no literal left. */
    CHECK(strchr(c.query, '\n') == c.query + c.query_len - 1);
    CHECK(strstr(c.query, "Ann") == NULL);
    CHECK(strstr(c.query, "\"ts\":\"2021-05-25 18:32:35.710\"") != NULL);
    CHECK(strstr(c.query, "\"thread\":\"http-nio-8081-exec-595\"") != NULL);
    CHECK(strstr(c.query, "\"logger\":\"c.e.mapper.UserMapper.selectById\"") != NULL);
    CHECK(strstr(c.query, "\"FHash\":\"") != NULL);
    capture_free(&c);

    /* A callback that stops the splitter: QS_ECALLBACK, then every call refuses. */
    struct capture stop = {.stop_after = 1};
    CHECK_INT(qs_splitter_new(&s, cfg, capture_fn, &stop, NULL), 0);
    struct qs_error err = QS_ERROR_INIT;
    CHECK_INT(qs_splitter_feed(s, in, sizeof in - 1, &err), QS_ECALLBACK);
    CHECK_INT(err.code, QS_ECALLBACK);
    CHECK(qs_splitter_feed(s, "x\n", 2, NULL) < 0);
    CHECK(qs_splitter_finish(s, NULL) < 0);
    qs_splitter_free(&s);
    capture_free(&stop);

    /* Feed after finish is out of order. */
    CHECK_INT(qs_splitter_new(&s, cfg, NULL, NULL, NULL), 0);
    CHECK_INT(qs_splitter_finish(s, NULL), 0);
    CHECK_INT(qs_splitter_feed(s, "x", 1, NULL), QS_ESTATE);
    qs_splitter_free(&s);
    CHECK(s == NULL);
    qs_config_free(&cfg);
}

static void test_flush(const struct qs_config *cfg)
{
    struct capture c = {0};
    struct qs_splitter *s = NULL;
    grow_append(&c.console, &c.console_len, &c.console_cap, "", 0);
    grow_append(&c.log, &c.log_len, &c.log_cap, "", 0);
    CHECK_INT(qs_splitter_new(&s, cfg, capture_fn, &c, NULL), 0);
    CHECK_INT(qs_splitter_feed(s, P "hello\n" P "held", strlen(P) * 2 + 10, NULL), 0);
    CHECK_INT(c.calls, 0);
    /* flush emits the held record, not the incomplete line */
    CHECK_INT(qs_splitter_flush(s, NULL), 0);
    CHECK_INT(c.calls, 1);
    CHECK_MEM(c.console, c.console_len, P "hello\n", strlen(P) + 6);
    CHECK_INT(qs_splitter_feed(s, " on\n", 4, NULL), 0);
    CHECK_INT(qs_splitter_finish(s, NULL), 0);
    CHECK_INT(c.calls, 2);
    CHECK(strstr(c.console, P "held on\n") != NULL);
    qs_splitter_free(&s);
    capture_free(&c);
}

static void test_event(const struct qs_config *cfg)
{
    struct qs_splitter *s = NULL;
    CHECK_INT(qs_splitter_new(&s, cfg, NULL, NULL, NULL), 0);
    const char *msg = "==>  Preparing: SELECT id\n  FROM users WHERE id = ?";
    struct qs_event ev = {.struct_size = sizeof(struct qs_event),
                          .logger = "com.example.mapper.UserMapper.selectById",
                          .logger_len = 40,
                          .message = msg,
                          .message_len = strlen(msg),
                          .thread = "main",
                          .thread_len = 4};
    const char *console, *query;
    size_t clen, qlen;
    CHECK_INT(qs_splitter_event(s, &ev, &console, &clen, &query, &qlen, NULL), 1);
    char hex[33], want[128];
    struct qs_hasher *h = NULL;
    qs_hasher_new(&h, NULL);
    qs_hasher_qhash(h, msg + 16, strlen(msg) - 16, 0, hex);
    snprintf(want, sizeof want, "==>  Preparing: \"QHash\":\"%s\"", hex);
    CHECK_MEM(console, clen, want, strlen(want));
    CHECK(query && qlen > 0 && query[qlen - 1] == '\n');
    char qh[33], sql[256];
    size_t n = 0;
    CHECK_INT(qs_query_record_parse(query, qlen, qh, sql, sizeof sql, &n), 0);
    CHECK_STR(qh, hex);
    CHECK_MEM(sql, n, msg + 16, strlen(msg) - 16);

    struct qs_event plain = {.struct_size = sizeof(struct qs_event),
                             .logger = "x",
                             .logger_len = 1,
                             .message = "hello",
                             .message_len = 5};
    CHECK_INT(qs_splitter_event(s, &plain, &console, &clen, &query, &qlen, NULL), 0);
    CHECK(console == NULL && query == NULL);
    CHECK_INT(qs_splitter_event(s, NULL, &console, &clen, &query, &qlen, NULL), QS_EINVAL);
    qs_splitter_free(&s);

    /* Over the record limit an event passes unsplit, as a record in a stream would. */
    struct qs_config *small = NULL;
    CHECK_INT(qs_config_new(&small, NULL), 0);
    CHECK_INT(qs_config_set_limit(small, QS_LIMIT_RECORD_BYTES, 1024), 0);
    CHECK_INT(qs_splitter_new(&s, small, NULL, NULL, NULL), 0);
    char big[2048] = "==>  Preparing: SELECT ";
    memset(big + 23, 'x', sizeof big - 23);
    struct qs_event over = {.struct_size = sizeof(struct qs_event),
                            .logger = "m",
                            .logger_len = 1,
                            .message = big,
                            .message_len = sizeof big};
    CHECK_INT(qs_splitter_event(s, &over, &console, &clen, &query, &qlen, NULL), 0);
    CHECK(console == NULL && query == NULL);
    over.message_len = 1000;
    CHECK_INT(qs_splitter_event(s, &over, &console, &clen, &query, &qlen, NULL), 1);
    struct qs_stats st = QS_STATS_INIT;
    qs_splitter_get_stats(s, &st);
    CHECK_INT(st.oversized, 1);
    qs_hasher_free(&h);
    qs_splitter_free(&s); /* before the configuration it borrows */
    qs_config_free(&small);
}

#define PFX "2024-01-01 10:00:00.001  INFO 1 --- [main] "

/* Records of every family, in the default layout: what the console keeps around each
 * statement, one QHash per statement of a batch, took_ms in query.log. */
static const char families[] = PFX
    "c.e.UserMapper.select : "
    "==>  Preparing: SELECT id FROM t WHERE id = ?   (BaseJdbcLogger.java:145)\n" PFX
    "jdbc.sqltiming : "
    " com.zaxxer.hikari.pool.ProxyStatement.executeQuery(ProxyStatement.java:52)\n"
    "1. select * from board where bno = 1 \n"
    " {executed in 13 msec}\n" PFX "jdbc.sqlonly : "
    "batching 2 statements:\n"
    "1:  insert into t values (1)\n"
    "2:  insert into t values (2)\n" PFX "jdbc.sqltiming : "
    "5. PreparedStatement.executeQuery() FAILED! select * from nope {FAILED after 2 msec}\n"
    "java.sql.SQLSyntaxErrorException: Table \"NOPE\" not found\n"
    "\tat org.h2.message.DbException.get(DbException.java:2)\n" PFX
    "n.t.d.l.l.SLF4JQueryLoggingListener : "
    "Name:ds, Connection:3, Time:1, Success:True, Type:Prepared, Batch:True, QuerySize:2, "
    "BatchSize:2, Query:[\"insert into a values (?)\",\"insert into b values (?)\"], "
    "Params:[(1),(2)]\n" PFX "org.hibernate.SQL : "
    "\n"
    "    select\n"
    "        u1_0.id \n"
    "    from\n"
    "        users u1_0\n" PFX "c.e.Mapper : "
    "==>  Preparing: UPDATE t SET a = ?, -- note b = ? WHERE id = ?\n";

/* What the console of families must be, the QHashes filled in. */
static const char families_console[] = PFX
    "c.e.UserMapper.select : "
    "==>  Preparing: \"QHash\":\"%s\"   (BaseJdbcLogger.java:145)\n" PFX "jdbc.sqltiming : "
    " com.zaxxer.hikari.pool.ProxyStatement.executeQuery(ProxyStatement.java:52) "
    "1. \"QHash\":\"%s\" {executed in 13 msec}\n" PFX "jdbc.sqlonly : "
    "batching 2 statements: 1:  \"QHash\":\"%s\" 2:  \"QHash\":\"%s\"\n" PFX
    "jdbc.sqltiming : "
    "5. PreparedStatement.executeQuery() FAILED! \"QHash\":\"%s\" {FAILED after 2 msec}\n"
    "java.sql.SQLSyntaxErrorException: Table \"NOPE\" not found\n"
    "\tat org.h2.message.DbException.get(DbException.java:2)\n" PFX
    "n.t.d.l.l.SLF4JQueryLoggingListener : "
    "Name:ds, Connection:3, Time:1, Success:True, Type:Prepared, Batch:True, QuerySize:2, "
    "BatchSize:2, Query:[\"\"QHash\":\"%s\"\",\"\"QHash\":\"%s\"\"], Params:[(1),(2)]\n" PFX
    "org.hibernate.SQL : "
    "\"QHash\":\"%s\"\n" PFX "c.e.Mapper : "
    "==>  Preparing: \"QHash\":\"%s\"\n";

static void hex_of(const char *sql, char hex[33])
{
    struct qs_hasher *h = NULL;
    qs_hasher_new(&h, NULL);
    qs_hasher_qhash(h, sql, strlen(sql), 0, hex);
    qs_hasher_free(&h);
}

static void test_families(void)
{
    struct qs_config *cfg = NULL;
    CHECK_INT(qs_config_new(&cfg, NULL), 0);
    CHECK_INT(qs_config_set_flags(cfg, QS_FIELD_TOOK_MS), 0);
    struct capture c;
    CHECK_INT(run(cfg, families, sizeof families - 1, 0, &c), 0);
    static const char *const sqls[] = {
        "SELECT id FROM t WHERE id = ?",
        "select * from board where bno = 1",
        "insert into t values (1)",
        "insert into t values (2)",
        "select * from nope",
        "insert into a values (?)",
        "insert into b values (?)",
        "select\n        u1_0.id \n    from\n        users u1_0",
        "UPDATE t SET a = ?, -- note b = ? WHERE id = ?"};
    char h[9][33];
    for (int i = 0; i < 9; i++)
        hex_of(sqls[i], h[i]);
    char want[4096];
    snprintf(want, sizeof want, families_console, h[0], h[1], h[2], h[3], h[4], h[5], h[6],
             h[7], h[8]);
    CHECK_STR(c.console, want);
    if (strcmp(c.console, want) != 0)
        fprintf(stderr, "console:\n%s\nwanted:\n%s\n", c.console, want);
    /* query.log: one line per statement, in order, the duration where the log states it */
    static const long long took[] = {-1, 13, -1, -1, 2, 1, 1, -1, -1};
    const char *q = c.query;
    for (int i = 0; i < 9; i++) {
        const char *nl = strchr(q, '\n');
        CHECK(nl != NULL);
        if (!nl)
            break;
        char qh[33], sql[256];
        size_t n = 0;
        CHECK_INT(qs_query_record_parse(q, (size_t)(nl - q + 1), qh, sql, sizeof sql, &n), 0);
        CHECK_STR(qh, h[i]);
        CHECK_MEM(sql, n, sqls[i], strlen(sqls[i]));
        char key[40];
        snprintf(key, sizeof key, ",\"took_ms\":%lld}", took[i]);
        const char *k = strstr(q, "\"took_ms\"");
        CHECK(took[i] < 0 ? (k == NULL || k > nl) : strstr(q, key) == nl - strlen(key));
        q = nl + 1;
    }
    CHECK_INT(*q, 0);
    /* the batch record's qhash is its first statement's */
    CHECK(strstr(c.log, h[2]) != NULL && strstr(c.log, h[3]) == NULL);
    struct qs_splitter *sp = NULL;
    CHECK_INT(qs_splitter_new(&sp, cfg, NULL, NULL, NULL), 0);
    CHECK_INT(qs_splitter_feed(sp, families, sizeof families - 1, NULL), 0);
    CHECK_INT(qs_splitter_finish(sp, NULL), 0);
    struct qs_stats st = QS_STATS_INIT;
    qs_splitter_get_stats(sp, &st);
    CHECK_INT(st.sql_records, 7);
    CHECK_INT(st.statements, 9);
    CHECK_INT(st.query_records, 9);
    CHECK_INT(st.collapsed_comments, 1);
    qs_splitter_free(&sp);
    capture_free(&c);
    test_chunking(cfg, families, sizeof families - 1);

    /* --sql-regex replaces its group only: what follows stays */
    CHECK_INT(qs_config_add_sql_regex(cfg, "Executing SQL \\[(?<sql>[^\\]]*)\\]", NULL), 0);
    static const char rx[] = PFX "o.s.j.c.JdbcTemplate : Executing SQL [select 1] took 3 ms\n";
    CHECK_INT(run(cfg, rx, sizeof rx - 1, 0, &c), 0);
    hex_of("select 1", h[0]);
    snprintf(want, sizeof want,
             PFX "o.s.j.c.JdbcTemplate : Executing SQL [\"QHash\":\"%s\"] took 3 ms\n", h[0]);
    CHECK_STR(c.console, want);
    capture_free(&c);

    /* events carry batches too */
    CHECK_INT(qs_splitter_new(&sp, cfg, NULL, NULL, NULL), 0);
    const char *msg =
        "batching 2 statements:\n1:  insert into t values (1)\n2:  insert into t values (2)";
    struct qs_event ev = {.struct_size = sizeof(struct qs_event),
                          .logger = "jdbc.sqlonly",
                          .logger_len = 12,
                          .message = msg,
                          .message_len = strlen(msg)};
    const char *console, *query;
    size_t clen, qlen;
    CHECK_INT(qs_splitter_event(sp, &ev, &console, &clen, &query, &qlen, NULL), 1);
    hex_of("insert into t values (1)", h[0]);
    hex_of("insert into t values (2)", h[1]);
    snprintf(want, sizeof want,
             "batching 2 statements: 1:  \"QHash\":\"%s\" 2:  \"QHash\":\"%s\"", h[0], h[1]);
    CHECK_MEM(console, clen, want, strlen(want));
    CHECK(query && memchr(query, '\n', qlen) != query + qlen - 1); /* two lines */
    /* datasource-proxy's JSON entries: the statement is hashed decoded */
    const char *js = "{\"name\":\"\", \"time\":2, \"query\":[\"select \\\"a\\u00e9\\\" from "
                     "t\\nwhere b = '\\\\'\"], \"params\":[]}";
    struct qs_event jev = {.struct_size = sizeof(struct qs_event),
                           .logger = "x",
                           .logger_len = 1,
                           .message = js,
                           .message_len = strlen(js)};
    CHECK_INT(qs_splitter_event(sp, &jev, &console, &clen, &query, &qlen, NULL), 1);
    hex_of("select \"a\xc3\xa9\" from t\nwhere b = '\\'", h[0]);
    snprintf(want, sizeof want,
             "{\"name\":\"\", \"time\":2, \"query\":[\"\"QHash\":\"%s\"\"], \"params\":[]}",
             h[0]);
    CHECK_MEM(console, clen, want, strlen(want));
    CHECK(query && strstr(query, h[0]) != NULL);
    /* highlight_sql's colours are no part of the statement */
    const char *hl = "\x1b[35m[Hibernate]\x1b[0m \x1b[34mselect\x1b[0m 1";
    struct qs_event hev = {.struct_size = sizeof(struct qs_event),
                           .logger = "",
                           .message = hl,
                           .message_len = strlen(hl)};
    CHECK_INT(qs_splitter_event(sp, &hev, &console, &clen, &query, &qlen, NULL), 1);
    hex_of("select 1", h[0]);
    snprintf(want, sizeof want, "\x1b[35m[Hibernate]\x1b[0m \"QHash\":\"%s\"", h[0]);
    CHECK_MEM(console, clen, want, strlen(want));
    CHECK(query && strstr(query, "\"sql\":\"select 1\"") != NULL);
    qs_splitter_free(&sp);
    qs_config_free(&cfg);
}

/* The option table: every option by name, its bounds enforced, errors naming it. */
static void test_option_table(void)
{
    struct qs_config *cfg = NULL;
    struct qs_error err = QS_ERROR_INIT;
    CHECK_INT(qs_config_new(&cfg, NULL), 0);
    struct qs_option_info info;
    size_t n = 0;
    while (qs_option_info(n, &info) == 0) {
        CHECK(info.name != NULL && info.help != NULL);
        CHECK(info.type >= QS_OPT_BOOL && info.type <= QS_OPT_LIST);
        CHECK((info.values != NULL) == (info.type == QS_OPT_ENUM || info.type == QS_OPT_LIST));
        n++;
    }
    CHECK_INT(n, 11);
    CHECK_INT(qs_option_info(n, &info), QS_ENOTFOUND);
    CHECK_INT(qs_option_info(0, NULL), QS_EINVAL);

    CHECK_INT(qs_config_set_option(cfg, "redact", "true", &err), 0);
    CHECK_INT(qs_config_set_option(cfg, "dedupe", "on", &err), 0);
    CHECK_INT(qs_config_set_option(cfg, "fields", "timestamp,took_ms", &err), 0);
    CHECK_INT(qs_config_get_flags(cfg),
              QS_FLAG_REDACT | QS_FLAG_DEDUPE | QS_FIELD_TIMESTAMP | QS_FIELD_TOOK_MS);
    CHECK_INT(qs_config_set_option(cfg, "fields", "thread", &err), 0); /* replaces */
    CHECK_INT(qs_config_set_option(cfg, "redact", "0", &err), 0);
    CHECK_INT(qs_config_get_flags(cfg), QS_FLAG_DEDUPE | QS_FIELD_THREAD);
    CHECK_INT(qs_config_set_option(cfg, "max-record", "8M", &err), 0);
    CHECK_INT(qs_config_set_option(cfg, "dialect", "PostgreSQL", &err), 0);
    CHECK_INT(qs_config_set_option(cfg, "sql-logger", "org.jooq*", &err), 0);
    CHECK_INT(qs_config_set_option(cfg, "builtin", "no", &err), 0);
    CHECK_INT(err.code, QS_OK);
    /* refusals name the option */
    static const char *const bad[][3] = {
        {"max-record", "1000", "max-record: '1000'"},
        {"max-record", "-5", "max-record"},
        {"max-record", "2T", "max-record"},
        {"dedupe-size", "0", "dedupe-size"},
        {"dedupe", "maybe", "dedupe: 'maybe' is not true or false"},
        {"dialect", "oracle", "dialect: unknown value 'oracle'"},
        {"fields", "ts,nope", "fields: unknown value 'nope'"},
        {"fields", "ts,,thread", "fields: unknown value ''"},
        {"pattern", "(unclosed", "pattern: "},
        {"sql-regex", "x(?<other>y)", "sql-regex: "},
        {"p6spy-format", "%(nope)|%(sql)", "p6spy-format: p6spy format: unknown placeholder"},
        {"no-such-option", "1", "unknown option 'no-such-option'"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        qs_error_clear(&err);
        CHECK_INT(qs_config_set_option(cfg, bad[i][0], bad[i][1], &err) < 0, 1);
        if (strncmp(err.text, bad[i][2], strlen(bad[i][2])) != 0)
            fprintf(stderr, "option %s=%s: message [%s]\n", bad[i][0], bad[i][1], err.text);
        CHECK(strncmp(err.text, bad[i][2], strlen(bad[i][2])) == 0);
    }
    CHECK_INT(qs_config_set_option(NULL, "redact", "1", NULL), QS_EINVAL);
    CHECK_INT(qs_config_set_option(cfg, "redact", NULL, NULL), QS_EINVAL);
    qs_config_free(&cfg);
}

/* One-line JSON events: the message is split inside, decoded; every other byte stays, and
 * anything that is not one JSON object with one string message passes as it is. */
static const char json_in[] =
    "{\"@timestamp\":\"2025-12-26T11:55:43.8+01:00\",\"message\":\"\\r\\n    select\\r\\n"
    "        u.id \\r\\n    from\\r\\n        users u \\r\\n    where\\r\\n        "
    "u.name='\\ud83d\\ude00\\ud800\\u0041\\/x'\",\"logger_name\":\"org.hibernate.SQL\","
    "\"thread_name\":\"main\",\"level\":\"DEBUG\"}\n"
    "{\"sequenceNumber\":2,\"timestamp\":1780665436218,\"level\":\"DEBUG\",\"threadName\":"
    "\"main\",\"loggerName\":\"c.e.UserMapper.selectById\",\"mdc\": {},\"message\":\"==>  "
    "Preparing: SELECT \\\"a\\\" FROM t WHERE x = ?\",\"throwable\":null}\r\n"
    "{\"@timestamp\":\"2024-07-30T08:41:10Z\",\"log\":{\"level\":\"DEBUG\",\"logger\":"
    "\"org.hibernate.SQL\"},\"message\":\"select 1 from dual\",\"ecs.version\":\"8.11\"}\n"
    "{\"log.level\":\"DEBUG\",\"log.logger\":\"c.e.M\",\"message\":\"==>  Preparing: "
    "select ? \\u00e9 \xff\" , \"n\": [1, -2.5e3, true, {\"a\": null}] }\n"
    "{\"level\":\"DEBUG\",\"message\":\"==>  Preparing: select 2\",}\n"
    "{\"level\":\"DEBUG\",\"message\":{\"m\":\"==>  Preparing: select 3\"}}\n"
    "{\"level\":\"DEBUG\",\"message\":\"==>  Preparing: select 4\",\"message\":\"x\"}\n"
    "{\"level\":\"ERROR\",\"message\":\"boom\",\"stack_trace\":\"==>  Preparing: select 5\"}\n"
    "{\"level\":\"DEBUG\",\"message\":\"==>  Preparing: select 6\\q\"}\n"
    "{\"level\":\"DEBUG\",\"message\":\"==>  Preparing: select 7\"}\n  at x\n";

static const char json_out[] =
    "{\"@timestamp\":\"2025-12-26T11:55:43.8+01:00\",\"message\":\"\\\"QHash\\\":\\\"%s\\\"\","
    "\"logger_name\":\"org.hibernate.SQL\",\"thread_name\":\"main\",\"level\":\"DEBUG\"}\n"
    "{\"sequenceNumber\":2,\"timestamp\":1780665436218,\"level\":\"DEBUG\",\"threadName\":"
    "\"main\",\"loggerName\":\"c.e.UserMapper.selectById\",\"mdc\": {},\"message\":\"==>  "
    "Preparing: \\\"QHash\\\":\\\"%s\\\"\",\"throwable\":null}\r\n"
    "{\"@timestamp\":\"2024-07-30T08:41:10Z\",\"log\":{\"level\":\"DEBUG\",\"logger\":"
    "\"org.hibernate.SQL\"},\"message\":\"\\\"QHash\\\":\\\"%s\\\"\",\"ecs.version\":\"8.11\"}"
    "\n"
    "{\"log.level\":\"DEBUG\",\"log.logger\":\"c.e.M\",\"message\":\"==>  Preparing: "
    "\\\"QHash\\\":\\\"%s\\\"\" , \"n\": [1, -2.5e3, true, {\"a\": null}] }\n";

static void test_json(void)
{
    struct qs_config *cfg = NULL;
    CHECK_INT(qs_config_new(&cfg, NULL), 0);
    CHECK_INT(qs_config_set_flags(cfg, QS_FIELD_LOGGER | QS_FIELD_THREAD), 0);
    struct capture c;
    CHECK_INT(run(cfg, json_in, sizeof json_in - 1, 0, &c), 0);
    /* decoded: a surrogate pair is one character, a lone one U+FFFD, invalid UTF-8 as in
     * a text log (query.log repairs it) */
    static const char *const sqls[] = {
        "select\r\n        u.id \r\n    from\r\n        users u \r\n    where\r\n        "
        "u.name='\xf0\x9f\x98\x80\xef\xbf\xbd"
        "A/x'",
        "SELECT \"a\" FROM t WHERE x = ?", "select 1 from dual", "select ? \xc3\xa9 \xff"};
    char h[4][33];
    for (int i = 0; i < 4; i++)
        hex_of(sqls[i], h[i]);
    char want[4096];
    int wn = snprintf(want, sizeof want, json_out, h[0], h[1], h[2], h[3]);
    /* the rest passes as it is: a trailing comma, a message that is an object or given
     * twice, SQL outside the message, a bad escape */
    const char *rest =
        strstr(json_in, "{\"level\":\"DEBUG\",\"message\":\"==>  Preparing: select 2");
    const char *last =
        strstr(json_in, "{\"level\":\"DEBUG\",\"message\":\"==>  Preparing: select 7");
    char h7[33];
    hex_of("select 7", h7);
    /* ... and the lines glued to an event stay after it */
    snprintf(want + wn, sizeof want - (size_t)wn,
             "%.*s{\"level\":\"DEBUG\",\"message\":\"==>  Preparing: "
             "\\\"QHash\\\":\\\"%s\\\"\"}\n  at x\n",
             (int)(last - rest), rest, h7);
    CHECK_STR(c.console, want);
    if (strcmp(c.console, want) != 0)
        fprintf(stderr, "console:\n%s\nwanted:\n%s\n", c.console, want);
    const char *q = c.query;
    for (int i = 0; i < 4 && q; i++) {
        const char *nl = strchr(q, '\n');
        CHECK(nl != NULL);
        if (!nl)
            break;
        char qh[33], sql[256];
        size_t n = 0;
        CHECK_INT(qs_query_record_parse(q, (size_t)(nl - q + 1), qh, sql, sizeof sql, &n), 0);
        CHECK_STR(qh, h[i]);
        if (i < 3)
            CHECK_MEM(sql, n, sqls[i], strlen(sqls[i]));
        q = nl + 1;
    }
    CHECK(strstr(c.query, "\"thread\":\"main\",\"logger\":\"org.hibernate.SQL\"}") != NULL);
    CHECK(strstr(c.query, "\"logger\":\"c.e.UserMapper.selectById\"}") != NULL);
    capture_free(&c);
    test_chunking(cfg, json_in, sizeof json_in - 1);
    /* over --max-record, a JSON event passes unsplit like any record */
    CHECK_INT(qs_config_set_limit(cfg, QS_LIMIT_RECORD_BYTES, 1024), 0);
    char big[3000];
    int bn = snprintf(big, sizeof big,
                      "{\"level\":\"DEBUG\",\"logger\":\"c.e.M\",\"message\":"
                      "\"==>  Preparing: select '%01500d'\"}\n%s",
                      0, json_in);
    CHECK_INT(run(cfg, big, (size_t)bn, 0, &c), 0);
    CHECK_MEM(c.console, 1560, big, 1560);
    CHECK(strstr(c.console, "\\\"QHash\\\":") != NULL); /* the next records still split */
    /* the pieces an oversized record is streamed in depend on the chunks; the bytes not */
    for (size_t chunk = 1; chunk < 3000; chunk = chunk * 3 + 1) {
        struct capture part;
        CHECK_INT(run(cfg, big, (size_t)bn, chunk, &part), 0);
        CHECK_STR(part.console, c.console);
        CHECK_STR(part.query, c.query);
        capture_free(&part);
    }
    capture_free(&c);
    qs_config_free(&cfg);
}

/* The ABI's sized structs (docs/abi.md): the library sets qs_output's struct_size, copies
 * qs_stats only up to the caller's struct_size, refuses a qs_event smaller than the 0.1
 * layout, and writes no qs_error too small to hold its fields; 0 is the 0.1 layout. */
static int size_cb(void *user, const struct qs_output *o)
{
    size_t *seen = user;
    CHECK_INT(o->struct_size, sizeof(struct qs_output));
    CHECK(QS_HAS_FIELD(o, struct qs_output, flags));
    (*seen)++;
    return 0;
}

static void test_struct_size(const struct qs_config *cfg)
{
    size_t seen = 0;
    struct qs_splitter *s = NULL;
    CHECK_INT(qs_splitter_new(&s, cfg, size_cb, &seen, NULL), 0);
    CHECK_INT(qs_splitter_feed(s, "hello\nworld\n", 12, NULL), 0);
    CHECK_INT(qs_splitter_finish(s, NULL), 0);
    CHECK(seen >= 1);

    /* A caller built when qs_stats ended after bytes_in: nothing past it is written. */
    struct qs_stats old;
    memset(&old, 0xab, sizeof old);
    old.struct_size = offsetof(struct qs_stats, bytes_console);
    qs_splitter_get_stats(s, &old);
    CHECK_INT(old.struct_size, offsetof(struct qs_stats, bytes_console));
    CHECK_INT(old.bytes_in, 12);
    CHECK(old.bytes_console == UINT64_C(0xabababababababab));
    struct qs_stats zero = {0}, full = QS_STATS_INIT;
    qs_splitter_get_stats(s, &zero);
    qs_splitter_get_stats(s, &full);
    CHECK_INT(zero.struct_size, 0);
    CHECK_INT(zero.bytes_console, 12);
    CHECK_INT(full.bytes_console, 12);
    CHECK_INT(full.struct_size, sizeof(struct qs_stats));
    qs_splitter_free(&s);

    CHECK_INT(qs_splitter_new(&s, cfg, NULL, NULL, NULL), 0);
    const char *console, *query;
    size_t clen, qlen;
    struct qs_event ev = {
        .struct_size = 4, .logger = "x", .logger_len = 1, .message = "hi", .message_len = 2};
    struct qs_error err = QS_ERROR_INIT;
    CHECK_INT(qs_splitter_event(s, &ev, &console, &clen, &query, &qlen, &err), QS_EINVAL);
    CHECK(strstr(err.text, "QS_EVENT_INIT") != NULL);
    ev.struct_size = 0; /* the 0.1 layout */
    CHECK_INT(qs_splitter_event(s, &ev, &console, &clen, &query, &qlen, NULL), 0);

    /* An error struct too small for its fields is not written; the code is still returned. */
    struct qs_error tiny = {.struct_size = 2};
    CHECK_INT(qs_splitter_event(s, NULL, &console, &clen, &query, &qlen, &tiny), QS_EINVAL);
    CHECK_INT(tiny.code, QS_OK);
    CHECK_INT(tiny.struct_size, 2);
    struct qs_error z = {0};
    CHECK_INT(qs_splitter_event(s, NULL, &console, &clen, &query, &qlen, &z), QS_EINVAL);
    CHECK_INT(z.code, QS_EINVAL);
    qs_error_clear(&z);
    CHECK_INT(z.code, QS_OK);
    CHECK_INT(z.struct_size, 0);
    qs_splitter_free(&s);
}

int main(void)
{
    struct qs_config *cfg = NULL;
    struct qs_error err = QS_ERROR_INIT;
    CHECK_INT(qs_config_new(&cfg, &err), 0);
    test_sample(cfg);
    test_chunking(cfg, sample, sizeof sample - 1);
    test_families();
    test_json();
    test_option_table();
    test_struct_size(cfg);
    const char *src = getenv("QS_SOURCE_ROOT");
    char path[4096];
    snprintf(path, sizeof path, "%s/examples/logs/console.log", src ? src : ".");
    FILE *f = fopen(path, "rb");
    if (f) {
        fclose(f);
        size_t len;
        char *ex = qst_slurp(path, &len);
        test_chunking(cfg, ex, len);
        free(ex);
    }
    /* A custom pattern with a fixed first byte: continuation lines are taken together
     * (they cannot start with '@'), and chunking still changes nothing. */
    struct qs_config *at = NULL;
    CHECK_INT(qs_config_new(&at, NULL), 0);
    CHECK_INT(qs_config_set_record_pattern(at, "@(?<ts>\\d+) (?<logger>\\S+) : ", NULL), 0);
    static const char custom[] =
        "@1 a.Mapper : ==>  Preparing: SELECT a,\n  b\n@x not a start\n"
        "@2 b : hello\n\n\n@3 c : ==>  Preparing: SELECT 1\n  @ FROM t\n";
    struct capture c1;
    CHECK_INT(run(at, custom, sizeof custom - 1, 0, &c1), 0);
    CHECK_INT(c1.calls, 3);
    CHECK(strstr(c1.query, "SELECT a,\\n  b\\n@x not a start") != NULL);
    CHECK(strstr(c1.query, "SELECT 1\\n  @ FROM t") != NULL);
    capture_free(&c1);
    test_chunking(at, custom, sizeof custom - 1);
    qs_config_free(&at);
    test_passthrough_exact(cfg);
    test_oversized();
    test_huge_line(cfg);
    test_options();
    test_flush(cfg);
    test_event(cfg);
    qs_config_free(&cfg);
    return qst_done("test-split");
}
