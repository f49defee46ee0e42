/* test-records.c — the record reader (qs_records_*, lib/record.c): the records never depend
 * on the chunking, they are the splitter's records, oversized ones stream through in
 * pieces, lines mode hands each line on at its newline, and the sized structs hold. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qsplit.h"
#include "qstest.h"

#define P "2021-05-25 18:32:35.710 DEBUG 10788 --- [main] c.e.mapper.UserMapper.selectById : "

/* Lines before the first record (one looks like JSON), Spring Boot and logback records,
 * a stack trace, CRLF, a NUL, invalid UTF-8, a log4j " INFO" line, a JSON event, and an
 * unterminated last line. */
static const char sample[] =
    "orphan line before any record\n"
    "{\"not\":\"an event\"}\n" P "==>  Preparing: SELECT * FROM t WHERE id = ?\n" P
    "==> Parameters: 1(Integer)\n"
    "java.lang.IllegalStateException: boom\n"
    "\tat com.example.A.b(A.java:10)\n"
    "\tat com.example.C.d(C.java:20)\n"
    "2023-11-20T14:03:01.123+01:00  INFO 1 --- [app] [main] c.e.Svc : crlf\r\n"
    "  continued with a NUL \0 and bad \xff\xfe bytes\r\n"
    "14:03:01.123 [main] INFO  c.e.Other - logback default\n"
    " INFO [main] padded log4j level\n"
    "{\"@timestamp\":\"2024-01-02T03:04:05Z\",\"level\":\"INFO\",\"message\":\"json "
    "event\"}\n"
    "  indented continuation\n" P "last record without a newline";

/* What a reader handed on, flattened so two runs compare with memcmp. An oversized
 * record's pieces are joined (their boundaries follow the chunking, the bytes do not);
 * raw keeps every callback as it came. */
struct capture {
    char *log, *piece;
    size_t log_len, log_cap, piece_len, piece_cap;
    int calls, partials, closes, stop_after;
    int pieces_open;
    uint64_t last_end;
};

static void grow(char **buf, size_t *len, size_t *cap, const char *p, size_t n)
{
    if (*len + n + 1 > *cap) {
        *cap = (*len + n + 1) * 2;
        *buf = realloc(*buf, *cap);
    }
    memcpy(*buf + *len, p, n);
    *len += n;
    (*buf)[*len] = '\0';
}

static void entry(struct capture *c, const char *kind, const struct qs_record *r,
                  const char *data, size_t len)
{
    char head[160];
    int n = snprintf(head, sizeof head, "%s %llu %zu [%.*s] ", kind,
                     (unsigned long long)r->end_offset, len, (int)(r->ts ? r->ts_len : 0),
                     r->ts ? r->ts : "");
    grow(&c->log, &c->log_len, &c->log_cap, head, (size_t)n);
    grow(&c->log, &c->log_len, &c->log_cap, data, len);
    grow(&c->log, &c->log_len, &c->log_cap, "\n", 1);
}

static int capture_fn(void *user, const struct qs_record *r)
{
    struct capture *c = user;
    c->calls++;
    CHECK_INT(r->struct_size, sizeof(struct qs_record));
    CHECK(r->data != NULL);
    CHECK(r->end_offset >= c->last_end); /* offsets never go back */
    c->last_end = r->end_offset;
    CHECK(!r->ts || (r->ts >= r->data && r->ts + r->ts_len <= r->data + r->len));
    if (r->flags & QS_REC_PARTIAL) {
        CHECK(r->ts == NULL);
        c->partials++;
        c->pieces_open = 1;
        grow(&c->piece, &c->piece_len, &c->piece_cap, r->data, r->len);
    } else if (c->pieces_open) {
        CHECK_INT(r->len, 0); /* the empty piece that closes an oversized record */
        c->closes++;
        c->pieces_open = 0;
        entry(c, "O", r, c->piece, c->piece_len);
        c->piece_len = 0;
    } else {
        CHECK(r->len > 0); /* a record is at least one line */
        entry(c, "R", r, r->data, r->len);
    }
    return c->stop_after && c->calls >= c->stop_after;
}

/* Does the capture hold text? (memmem: records may hold NUL bytes) */
static int has(const struct capture *c, const char *text)
{
    return memmem(c->log, c->log_len, text, strlen(text)) != NULL;
}

static void capture_free(struct capture *c)
{
    free(c->log);
    free(c->piece);
    memset(c, 0, sizeof *c);
}

static uint64_t rng = 88172645463325252ull;
static size_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (size_t)rng;
}

/* Read input through a reader: chunk 0 = one piece, SIZE_MAX = random sizes (1..max_chunk),
 * else fixed. cut (if < len) feeds [0, cut) then the rest instead. Flush after each chunk
 * when flush_each (a tailer's idle flush may fall anywhere). */
static void run(struct capture *c, const struct qs_config *cfg, unsigned flags, const char *in,
                size_t len, size_t chunk, size_t cut, size_t max_chunk)
{
    struct qs_records *r = NULL;
    struct qs_error err = QS_ERROR_INIT;
    memset(c, 0, sizeof *c);
    CHECK_INT(qs_records_new(&r, cfg, flags, capture_fn, c, &err), 0);
    size_t at = 0;
    while (at < len) {
        size_t n = cut < len           ? (at < cut ? cut : len - at)
                   : !chunk            ? len
                   : chunk == SIZE_MAX ? 1 + next_rand() % max_chunk
                                       : chunk;
        if (n > len - at)
            n = len - at;
        /* A fresh copy per chunk, freed after: nothing may keep pointing into it. */
        char *copy = malloc(n ? n : 1);
        memcpy(copy, in + at, n);
        CHECK_INT(qs_records_feed(r, copy, n, &err), 0);
        memset(copy, 'Z', n);
        free(copy);
        at += n;
    }
    CHECK_INT(qs_records_finish(r, &err), 0);
    CHECK_INT(qs_records_finish(r, &err), 0); /* a second finish is a no-op */
    CHECK_INT(c->partials > 0, c->closes > 0);
    struct qs_stats st = QS_STATS_INIT;
    qs_records_get_stats(r, &st);
    CHECK_INT(st.bytes_in, len);
    CHECK_INT(st.statements, 0);
    CHECK_INT(st.oversized, c->closes);
    CHECK_INT(st.records, c->calls - c->partials);
    qs_records_free(&r);
    CHECK(r == NULL);
}

static struct qs_config *config(size_t max_record)
{
    struct qs_config *cfg = NULL;
    CHECK_INT(qs_config_new(&cfg, NULL), 0);
    if (max_record)
        CHECK_INT(qs_config_set_limit(cfg, QS_LIMIT_RECORD_BYTES, max_record), 0);
    return cfg;
}

/* Every chunking gives the whole input's records: every single cut, fixed sizes, random. */
static void test_chunking(unsigned flags, size_t max_record, const char *in, size_t len)
{
    struct qs_config *cfg = config(max_record);
    struct capture whole, c;
    run(&whole, cfg, flags, in, len, 0, SIZE_MAX, 0);
    CHECK(whole.calls > 0);
    /* Under valgrind (QS_TEST_LIGHT) every 10th cut of a long input and fewer random
     * runs: the same paths, a tenth of the time. */
    size_t step = len > 2048 && qst_light(10) == 1 ? 10 : 1;
    for (size_t cut = 1; cut < len; cut += step) {
        run(&c, cfg, flags, in, len, 0, cut, 0);
        CHECK_MEM(c.log, c.log_len, whole.log, whole.log_len);
        capture_free(&c);
    }
    static const size_t fixed[] = {1, 2, 3, 7, 16, 64, 1000};
    for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++) {
        run(&c, cfg, flags, in, len, fixed[i], SIZE_MAX, 0);
        CHECK_MEM(c.log, c.log_len, whole.log, whole.log_len);
        capture_free(&c);
    }
    for (size_t i = 0; i < qst_light(300); i++) {
        run(&c, cfg, flags, in, len, SIZE_MAX, SIZE_MAX, 1 + i % 97);
        CHECK_MEM(c.log, c.log_len, whole.log, whole.log_len);
        capture_free(&c);
    }
    capture_free(&whole);
    qs_config_free(&cfg);
}

/* The records are the splitter's: with the recognizers off a splitter hands on exactly
 * these bytes, offsets, times and pieces (it reads its records through the same code). */
static int splitter_fn(void *user, const struct qs_output *o)
{
    struct qs_record r = {sizeof r,
                          o->console,
                          o->console_len,
                          o->ts,
                          o->ts_len,
                          o->end_offset,
                          o->flags & QS_OUT_PARTIAL ? QS_REC_PARTIAL : 0};
    CHECK(!(o->flags & QS_OUT_SQL));
    return capture_fn(user, &r);
}

static void test_same_as_splitter(size_t max_record, const char *in, size_t len)
{
    struct qs_config *cfg = config(max_record);
    CHECK_INT(qs_config_set_builtin_detectors(cfg, 0), 0);
    struct capture rc, sc;
    memset(&sc, 0, sizeof sc);
    run(&rc, cfg, 0, in, len, 5, SIZE_MAX, 0);
    struct qs_splitter *s = NULL;
    CHECK_INT(qs_splitter_new(&s, cfg, splitter_fn, &sc, NULL), 0);
    for (size_t at = 0; at < len; at += 5)
        CHECK_INT(qs_splitter_feed(s, in + at, len - at < 5 ? len - at : 5, NULL), 0);
    CHECK_INT(qs_splitter_finish(s, NULL), 0);
    CHECK_MEM(rc.log, rc.log_len, sc.log, sc.log_len);
    struct qs_stats st = QS_STATS_INIT;
    qs_splitter_get_stats(s, &st);
    CHECK_INT(st.records, sc.calls - sc.partials);
    CHECK_INT(st.oversized, sc.closes);
    qs_splitter_free(&s);
    capture_free(&rc);
    capture_free(&sc);
    qs_config_free(&cfg);
}

static void test_sample(void)
{
    size_t len = sizeof sample - 1;
    struct qs_config *cfg = config(0);
    struct capture c;
    run(&c, cfg, 0, sample, len, 0, SIZE_MAX, 0);
    /* orphan + JSON-looking line, 2 Spring records, crlf, logback, log4j, JSON, last */
    CHECK_INT(c.calls, 8);
    CHECK(strncmp(c.log, "R 49 49 [] orphan line before any record\n{", 42) == 0);
    CHECK(has(&c, "[2021-05-25 18:32:35.710] " P "==> Parameters"));
    CHECK(has(&c, "[2023-11-20T14:03:01.123+01:00] "));
    CHECK(has(&c, "[14:03:01.123] 14:03:01.123 [main]"));
    char last[160];
    snprintf(last, sizeof last, "R %zu %zu [2021-05-25 18:32:35.710] " P "last record", len,
             strlen(P "last record without a newline"));
    CHECK(has(&c, last));
    capture_free(&c);
    qs_config_free(&cfg);
    test_chunking(0, 0, sample, len);
    test_same_as_splitter(0, sample, len);
}

/* A record over the limit streams through: pieces, then the closing empty piece; the same
 * bytes, and the records around it untouched, whatever the chunking. */
static void test_oversized(void)
{
    size_t big = 5000;
    char *in = malloc(3 * big + 1024);
    size_t n = 0;
    n += (size_t)sprintf(in + n, "%sbefore\n", P);
    n += (size_t)sprintf(in + n, "%sbig record, many lines\n", P);
    for (size_t i = 0; i < big / 50; i++)
        n +=
            (size_t)sprintf(in + n, "\tat com.example.Frame%04zu.call(Frame.java:1)....\n", i);
    n += (size_t)sprintf(in + n, "%sone long line ", P);
    memset(in + n, 'x', big);
    n += big;
    in[n++] = '\n';
    n += (size_t)sprintf(in + n, "%safter\n", P);
    struct qs_config *cfg = config(1024);
    struct capture c;
    run(&c, cfg, 0, in, n, 300, SIZE_MAX, 0);
    CHECK_INT(c.closes, 2);
    CHECK(c.partials >= 2);
    CHECK(has(&c, "O "));
    capture_free(&c);
    /* the pieces and records tile the input */
    run(&c, cfg, 0, in, n, 1, SIZE_MAX, 0);
    CHECK_INT(c.closes, 2);
    capture_free(&c);
    qs_config_free(&cfg);
    test_chunking(0, 1024, in, n);
    test_same_as_splitter(1024, in, n);
    free(in);
}

/* Lines mode: every line is a record, handed on at its newline (not when the next line
 * comes); flush leaves a line without its newline; an endless line streams in pieces. */
static void test_lines(void)
{
    struct qs_config *cfg = config(1024);
    struct qs_records *r = NULL;
    struct capture c;
    memset(&c, 0, sizeof c);
    CHECK_INT(qs_records_new(&r, cfg, QS_RECORDS_LINES, capture_fn, &c, NULL), 0);
    const char *two = P "one\n  indented is a record too\nunfini";
    CHECK_INT(qs_records_feed(r, two, strlen(two), NULL), 0);
    CHECK_INT(c.calls, 2);
    CHECK(strncmp(c.log, "R 86 86 [] " P "one\n", 11 + strlen(P) + 4) ==
          0); /* no ts in lines mode */
    CHECK_INT(qs_records_flush(r, NULL), 0);
    CHECK_INT(c.calls, 2);
    CHECK_INT(qs_records_feed(r, "shed\n", 5, NULL), 0);
    CHECK_INT(c.calls, 3);
    CHECK(has(&c, "R 124 11 [] unfinished\n"));
    CHECK_INT(qs_records_feed(r, "tail", 4, NULL), 0);
    CHECK_INT(qs_records_finish(r, NULL), 0);
    CHECK_INT(c.calls, 4);
    CHECK(has(&c, "R 128 4 [] tail\n"));
    qs_records_free(&r);
    capture_free(&c);

    /* An endless line: memory stays within the limit, the bytes all come through. */
    memset(&c, 0, sizeof c);
    CHECK_INT(qs_records_new(&r, cfg, QS_RECORDS_LINES, capture_fn, &c, NULL), 0);
    char chunk[700];
    memset(chunk, 'q', sizeof chunk);
    for (int i = 0; i < 10; i++)
        CHECK_INT(qs_records_feed(r, chunk, sizeof chunk, NULL), 0);
    CHECK(c.partials >= 5);
    CHECK_INT(c.closes, 0);
    CHECK_INT(qs_records_flush(r, NULL), 0); /* still the same line: not closed */
    CHECK_INT(c.closes, 0);
    CHECK_INT(qs_records_feed(r, "end\n{\"QHash\":\"x\"}\n", 18, NULL), 0);
    CHECK_INT(c.closes, 1); /* closed at its newline, not at the next line */
    CHECK_INT(c.piece_len, 0);
    CHECK(strncmp(c.log, "O 7004 7004 [] qqqq", 19) == 0);
    CHECK(has(&c, "R 7018 14 [] {\"QHash\":\"x\"}\n"));
    CHECK_INT(qs_records_finish(r, NULL), 0);
    struct qs_stats st = QS_STATS_INIT;
    qs_records_get_stats(r, &st);
    CHECK_INT(st.records, 2);
    CHECK_INT(st.oversized, 1);
    CHECK_INT(st.bytes_in, 7018);
    qs_records_free(&r);
    capture_free(&c);
    qs_config_free(&cfg);

    size_t len = sizeof sample - 1;
    test_chunking(QS_RECORDS_LINES, 0, sample, len);
    test_chunking(QS_RECORDS_LINES, 1024, sample, len);
    char *in = malloc(4000);
    memset(in, 'L', 4000);
    in[1500] = in[3999] = '\n';
    test_chunking(QS_RECORDS_LINES, 1024, in, 4000);
    free(in);
}

/* struct_size 0 is the first layout; a smaller caller struct gets no more than it holds. */
static void test_stats_size(void)
{
    struct qs_config *cfg = config(0);
    struct qs_records *r = NULL;
    CHECK_INT(qs_records_new(&r, cfg, 0, NULL, NULL, NULL), 0); /* no callback: counted */
    CHECK_INT(qs_records_feed(r, sample, sizeof sample - 1, NULL), 0);
    CHECK_INT(qs_records_finish(r, NULL), 0);
    struct qs_stats st;
    memset(&st, 0xAB, sizeof st);
    st.struct_size = 0;
    qs_records_get_stats(r, &st);
    CHECK_INT(st.struct_size, 0);
    CHECK_INT(st.records, 8);
    CHECK_INT(st.collapsed_comments, 0);
    memset(&st, 0xAB, sizeof st);
    st.struct_size = offsetof(struct qs_stats, records) + sizeof st.records;
    qs_records_get_stats(r, &st);
    CHECK_INT(st.bytes_in, sizeof sample - 1);
    CHECK_INT(st.records, 8);
    CHECK(st.sql_records == 0xABABABABABABABABull); /* past the caller's size: untouched */
    qs_records_get_stats(NULL, &st);
    qs_records_get_stats(r, NULL);
    qs_records_free(&r);
    qs_config_free(&cfg);
}

/* Errors: bad arguments, a callback that stops the reader (for good), feed after finish. */
static void test_errors(void)
{
    struct qs_config *cfg = config(0);
    struct qs_records *r = (struct qs_records *)&r;
    struct qs_error err = QS_ERROR_INIT;
    CHECK_INT(qs_records_new(&r, NULL, 0, NULL, NULL, &err), QS_EINVAL);
    CHECK(r == NULL);
    CHECK_INT(qs_records_new(NULL, cfg, 0, NULL, NULL, NULL), QS_EINVAL);
    qs_error_clear(&err);
    CHECK_INT(qs_records_new(&r, cfg, 0x80, NULL, NULL, &err), QS_EINVAL);
    CHECK(strstr(err.text, "unknown flags"));
    CHECK_INT(qs_records_feed(NULL, "x", 1, NULL), QS_EINVAL);
    CHECK_INT(qs_records_flush(NULL, NULL), QS_EINVAL);
    CHECK_INT(qs_records_finish(NULL, NULL), QS_EINVAL);
    qs_records_free(NULL);
    qs_records_free(&r); /* r is NULL: a no-op */

    struct capture c;
    memset(&c, 0, sizeof c);
    c.stop_after = 2;
    CHECK_INT(qs_records_new(&r, cfg, 0, capture_fn, &c, NULL), 0);
    CHECK_INT(qs_records_feed(r, NULL, 1, NULL), QS_EINVAL);
    CHECK_INT(qs_records_feed(r, NULL, 0, NULL), 0);
    qs_error_clear(&err);
    CHECK_INT(qs_records_feed(r, sample, sizeof sample - 1, &err), QS_ECALLBACK);
    CHECK(strstr(err.text, "callback"));
    CHECK_INT(c.calls, 2);
    CHECK_INT(qs_records_feed(r, "x\n", 2, NULL), QS_ECALLBACK);
    CHECK_INT(qs_records_finish(r, NULL), QS_ECALLBACK);
    CHECK_INT(c.calls, 2);
    qs_records_free(&r);
    capture_free(&c);

    CHECK_INT(qs_records_new(&r, cfg, 0, NULL, NULL, NULL), 0);
    CHECK_INT(qs_records_finish(r, NULL), 0);
    qs_error_clear(&err);
    CHECK_INT(qs_records_feed(r, "x\n", 2, &err), QS_ESTATE);
    CHECK_INT(qs_records_flush(r, NULL), 0);
    qs_records_free(&r);
    qs_config_free(&cfg);
}

int main(void)
{
    test_sample();
    test_oversized();
    test_lines();
    test_stats_size();
    test_errors();
    return qst_done("test-records");
}
