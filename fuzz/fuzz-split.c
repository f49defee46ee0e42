/* fuzz-split.c — libFuzzer target: the streaming splitter on arbitrary bytes, in arbitrary
 * chunks.
 *
 * Input layout: byte 0 picks the configuration (flags, dialect, a small record limit),
 * byte 1 the number n of chunk-size bytes that follow (0-15); the rest is the console log.
 * Properties checked on top of "no crash, no leak, no sanitizer report":
 *  - feeding the log in the chunks named by those bytes gives exactly the console and
 *    query.log bytes of feeding it at once;
 *  - every record without SQL is the input bytes from the previous record's end to its
 *    end_offset, unchanged, and records tile the input without gaps;
 *  - a SQL record ends in the input's line terminator and carries "QHash":"<hash>" once
 *    per query.log line (its first statement's hash first); with the QHash tokens and all
 *    blanks taken out, its console is a subsequence of the record's input bytes (only
 *    statements were replaced; line breaks may have become blanks) and, when it has a
 *    prefix, begins with the input's first bytes;
 *  - a record that is one JSON event (qsp_json_event_scan) and was split keeps every byte
 *    outside its message value; the new value is one JSON string whose decoded text holds
 *    the tokens and keeps the decoded input message's bytes in order (as above); and when
 *    jansson reads the input record, it reads the console record too;
 *  - every query.log line parses with qs_query_record_parse, carries the record's QHash
 *    (in order), and (unless redacted or repaired as invalid UTF-8) that QHash is
 *    qs_hasher_qhash of its sql;
 *  - the record reader (qs_records_*, the splitter's own assembly), in records and in lines
 *    mode: every record and piece is the input from the previous one's end to its
 *    end_offset, unchanged; its ts lies inside it; a lines-mode record holds one line; and
 *    the record boundaries and times are the same in the chunks as at once. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fuzz-check.h"
#include "jsonevent.h"
#include "layout.h"
#include "qsplit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct growbuf {
    char *data;
    size_t len, cap;
};

static void gb_add(struct growbuf *b, const void *p, size_t n)
{
    if (n == 0)
        return;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n)
            cap *= 2;
        char *d = realloc(b->data, cap);
        CHECK(d != NULL);
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

struct run {
    const uint8_t *in; /* the log */
    size_t in_len;
    unsigned flags;
    unsigned dialect;
    struct qs_splitter *s;
    struct qs_hasher *h;
    uint64_t prev_end;
    uint64_t prev_invalid;
    struct growbuf console, query;
    char *sql; /* scratch for decoded sql */
    size_t sql_cap;
};

static int blank(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

static int hex32(const char *p)
{
    for (int i = 0; i < QS_HASH_HEX_LEN; i++)
        if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
            return 0;
    return 1;
}

/* The QHash tokens of a console record, in order, into hashes (33 bytes each); their count. */
static size_t tokens(const char *c, size_t n, char *hashes, size_t max)
{
    static const char open[] = "\"QHash\":\"";
    size_t k = 0;
    for (size_t i = 0; i + 9 + QS_HASH_HEX_LEN + 1 <= n;) {
        const char *p = memmem(c + i, n - i, open, 9);
        if (!p || (size_t)(p - c) + 9 + QS_HASH_HEX_LEN + 1 > n)
            break;
        size_t at = (size_t)(p - c);
        if (c[at + 9 + QS_HASH_HEX_LEN] == '"' && hex32(p + 9) && k < max) {
            memcpy(hashes + k * (QS_HASH_HEX_LEN + 1), p + 9, QS_HASH_HEX_LEN);
            hashes[k * (QS_HASH_HEX_LEN + 1) + QS_HASH_HEX_LEN] = '\0';
            k++;
            i = at + 9 + QS_HASH_HEX_LEN + 1;
        } else {
            i = at + 1;
        }
    }
    return k;
}

/* Console bytes, tokens and blanks left out, are a subsequence of the source's. */
static int kept_in_order(const char *c, size_t cn, const uint8_t *src, size_t sn,
                         const char *hashes, size_t nh)
{
    size_t j = 0, t = 0;
    for (size_t i = 0; i < cn; i++) {
        if (t < nh && i + 9 + QS_HASH_HEX_LEN + 1 <= cn &&
            memcmp(c + i, "\"QHash\":\"", 9) == 0 &&
            memcmp(c + i + 9, hashes + t * (QS_HASH_HEX_LEN + 1), QS_HASH_HEX_LEN) == 0) {
            i += 9 + QS_HASH_HEX_LEN; /* the closing quote */
            t++;
            continue;
        }
        if (blank((unsigned char)c[i]))
            continue;
        if (c[i] == '|' && i + 2 + 9 <= cn && c[i + 1] == ' ' &&
            memcmp(c + i + 2, "\"QHash\":\"", 9) == 0)
            continue; /* the " | " p6spy's multi-line header gets before the QHash */
        while (j < sn && (unsigned char)src[j] != (unsigned char)c[i])
            j++;
        if (j == sn)
            return 0;
        j++;
    }
    return 1;
}

static void check_query(struct run *r, const struct qs_output *o, const char *hashes,
                        size_t nh)
{
    CHECK(o->query_len > 0 && o->query[o->query_len - 1] == '\n');
    if (r->sql_cap < o->query_len) {
        free(r->sql);
        r->sql_cap = o->query_len;
        r->sql = malloc(r->sql_cap);
        CHECK(r->sql != NULL);
    }
    struct qs_stats st = QS_STATS_INIT;
    qs_splitter_get_stats(r->s, &st);
    int repaired = st.invalid_utf8 != r->prev_invalid;
    r->prev_invalid = st.invalid_utf8;
    size_t line = 0, t = 0;
    for (size_t i = 0; i < o->query_len; line++) {
        const char *nl = memchr(o->query + i, '\n', o->query_len - i);
        CHECK(nl != NULL);
        size_t n = (size_t)(nl - o->query) + 1 - i;
        char qhash[QS_HASH_HEX_LEN + 1];
        size_t sql_len = 0;
        int rc = qs_query_record_parse(o->query + i, n, qhash, r->sql, r->sql_cap, &sql_len);
        CHECK(rc == 0);
        if (line == 0 && !(r->flags & QS_FLAG_DEDUPE))
            CHECK(strcmp(qhash, o->qhash) == 0);
        /* each line's QHash is one of the console's, in order */
        while (t < nh && strcmp(hashes + t * (QS_HASH_HEX_LEN + 1), qhash) != 0)
            t++;
        CHECK(t < nh);
        t++;
        if (!(r->flags & QS_FLAG_REDACT) && !repaired) {
            char again[QS_HASH_HEX_LEN + 1];
            CHECK(qs_hasher_qhash(r->h, r->sql, sql_len, r->dialect, again) == 0);
            CHECK(strcmp(again, qhash) == 0);
        }
        i += n;
    }
}

/* A JSON event's split console: only its message value changed, and to a valid JSON
 * string whose decoded text is the decoded input message with statements replaced. The
 * tokens found in the decoded message go to hashes; their count is returned. */
static size_t check_json(const uint8_t *src, size_t src_len, size_t term,
                         const struct qsp_json_event *ev, const struct qs_output *o,
                         char *hashes, size_t max)
{
    size_t tail = src_len - ev->msg_end; /* after the message value, terminator included */
    CHECK(o->console_len >= ev->msg_start + tail + 2);
    CHECK(memcmp(o->console, src, ev->msg_start) == 0);
    CHECK(memcmp(o->console + o->console_len - tail, src + ev->msg_end, tail) == 0);
    const char *v = o->console + ev->msg_start;
    size_t vn = o->console_len - tail - ev->msg_start;
    json_error_t je;
    json_t *str = json_loadb(v, vn, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
    CHECK(str != NULL && json_is_string(str));
    const char *m = json_string_value(str);
    size_t mn = json_string_length(str);
    size_t nh = tokens(m, mn, hashes, max);
    char *in_msg = malloc(ev->msg.len + 1);
    CHECK(in_msg != NULL);
    size_t in_n = qsp_json_unescape((const char *)src + ev->msg.off, ev->msg.len, in_msg);
    /* bytes of invalid UTF-8 became U+FFFD in the console: compare only when there are none */
    json_t *in_val = json_loadb((const char *)src + ev->msg_start, ev->msg_end - ev->msg_start,
                                JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
    if (in_val) {
        json_decref(in_val);
        size_t line = qsp_json_first_line((const char *)src, src_len - term);
        json_t *whole = json_loadb((const char *)src, line, 0, &je);
        if (whole) {
            json_decref(whole);
            whole =
                json_loadb(o->console, line + (o->console_len - tail) - ev->msg_end, 0, &je);
            CHECK(whole != NULL && json_is_object(whole));
            json_decref(whole);
        }
        CHECK(kept_in_order(m, mn, (const uint8_t *)in_msg, in_n, hashes, nh));
    }
    json_decref(str);
    free(in_msg);
    return nh;
}

static int on_record(void *user, const struct qs_output *o)
{
    struct run *r = user;
    CHECK(o->end_offset >= r->prev_end && o->end_offset <= r->in_len);
    const uint8_t *src = r->in + r->prev_end;
    size_t src_len = (size_t)(o->end_offset - r->prev_end);
    if (o->flags & QS_OUT_SQL) {
        CHECK(o->qhash != NULL && strlen(o->qhash) == QS_HASH_HEX_LEN);
        CHECK(!(o->flags & QS_OUT_PARTIAL));
        /* the console ends in the record's own terminator */
        size_t term = 0;
        if (src_len && src[src_len - 1] == '\n')
            term = (src_len > 1 && src[src_len - 2] == '\r') ? 2 : 1;
        CHECK(o->console_len >= term + QS_HASH_HEX_LEN + 10);
        CHECK(memcmp(o->console + o->console_len - term, src + src_len - term, term) == 0);
        static char hashes[4096 * (QS_HASH_HEX_LEN + 1)];
        struct qsp_json_event ev;
        /* as the splitter decides: a record whose first line the grammar takes for a JSON
         * event */
        size_t first = qsp_json_first_line((const char *)src, src_len - term);
        struct qsp_prefix pf;
        int json = src_len && src[0] == '{' &&
                   qsp_layout_match((const char *)src, first, &pf, NULL, 0) == 1 &&
                   pf.layout == QSP_LAYOUT_JSON &&
                   qsp_json_event_scan((const char *)src, first, &ev);
        size_t nh = json ? check_json(src, src_len, term, &ev, o, hashes, 4096)
                         : tokens(o->console, o->console_len, hashes, 4096);
        CHECK(nh >= 1);
        /* the first token is the record's QHash (a token-like text before it in the
         * input would be matched first, so look for it among them) */
        int found = 0;
        for (size_t t = 0; t < nh && !found; t++)
            found = strcmp(hashes + t * (QS_HASH_HEX_LEN + 1), o->qhash) == 0;
        CHECK(found);
        if (!json)
            CHECK(kept_in_order(o->console, o->console_len, src, src_len, hashes, nh));
        if (o->query)
            check_query(r, o, hashes, nh);
        else
            CHECK(r->flags & QS_FLAG_DEDUPE);
    } else {
        CHECK(o->qhash == NULL && o->query == NULL);
        CHECK(o->console_len == src_len);
        CHECK(src_len == 0 || memcmp(o->console, src, src_len) == 0);
    }
    r->prev_end = o->end_offset;
    gb_add(&r->console, o->console, o->console_len);
    if (o->query)
        gb_add(&r->query, o->query, o->query_len);
    return 0;
}

/* 120 bytes of b from `from`, non-printable bytes as \xNN. */
static void show(const char *label, const struct growbuf *b, size_t from)
{
    fputs(label, stderr);
    for (size_t i = from; i < b->len && i < from + 120; i++) {
        unsigned char c = (unsigned char)b->data[i];
        if (c >= 0x20 && c < 0x7f)
            fputc(c, stderr);
        else
            fprintf(stderr, "\\x%02x", c);
    }
    fputc('\n', stderr);
}

/* Abort, showing where, when a chunked run's output differs from the one-shot run's. */
static void same_bytes(const char *what, const struct growbuf *a, const struct growbuf *b)
{
    size_t n = a->len < b->len ? a->len : b->len, i = 0;
    while (i < n && a->data[i] == b->data[i])
        i++;
    if (i == n && a->len == b->len)
        return;
    size_t from = i > 40 ? i - 40 : 0;
    fprintf(stderr, "fuzz-split: %s differs at byte %zu (one-shot %zu bytes, chunked %zu)\n",
            what, i, a->len, b->len);
    show("  one-shot: ", a, from);
    show("  chunked:  ", b, from);
    CHECK(!"chunked output equals one-shot output");
}

/* Split the log, fed in the given chunk sizes (cycled; none = all at once). */
static void split(struct run *r, const struct qs_config *cfg, const uint8_t *sizes, size_t n)
{
    struct qs_error err = QS_ERROR_INIT;
    CHECK(qs_splitter_new(&r->s, cfg, on_record, r, &err) == 0);
    size_t off = 0, k = 0;
    while (off < r->in_len) {
        size_t chunk = r->in_len - off;
        if (n) {
            /* mostly tiny chunks (1-64 bytes) that cut lines, CRLF and UTF-8 sequences;
             * 0 stands for a large one */
            size_t want = sizes[k++ % n] & 0x3f;
            want = want ? want : 4096;
            chunk = chunk < want ? chunk : want;
        }
        int rc = qs_splitter_feed(r->s, r->in + off, chunk, &err);
        if (rc) {
            fprintf(stderr, "fuzz-split: feed: %s (%s)\n", qs_strerror(rc), err.text);
            abort();
        }
        off += chunk;
    }
    int rc = qs_splitter_finish(r->s, &err);
    if (rc) {
        fprintf(stderr, "fuzz-split: finish: %s (%s)\n", qs_strerror(rc), err.text);
        abort();
    }
    CHECK(r->prev_end == r->in_len); /* the records tile the whole input */
    struct qs_stats st = QS_STATS_INIT;
    qs_splitter_get_stats(r->s, &st);
    CHECK(st.bytes_in == r->in_len);
    CHECK(st.bytes_console == r->console.len);
    CHECK(st.bytes_query == r->query.len);
    qs_splitter_free(&r->s);
}

/* The record reader's run: the record boundaries it found, chunk-independent. */
struct recs_run {
    const uint8_t *in;
    size_t in_len;
    int lines;
    uint64_t prev_end;
    struct growbuf bounds; /* per whole record or closed piece run: end, kind, ts */
};

static int on_rec(void *user, const struct qs_record *rec)
{
    struct recs_run *r = user;
    CHECK(rec->struct_size == sizeof *rec);
    CHECK(rec->end_offset >= r->prev_end && rec->end_offset <= r->in_len);
    CHECK(rec->len == rec->end_offset - r->prev_end);
    CHECK(rec->len == 0 || memcmp(rec->data, r->in + r->prev_end, rec->len) == 0);
    CHECK(!rec->ts || (rec->ts >= rec->data && rec->ts + rec->ts_len <= rec->data + rec->len));
    r->prev_end = rec->end_offset;
    if (rec->flags & QS_REC_PARTIAL)
        return 0;
    if (r->lines &&
        rec->len) { /* one line: a newline at its end only (the last may lack it) */
        const char *nl = memchr(rec->data, '\n', rec->len);
        CHECK(nl == NULL ? rec->end_offset == r->in_len : nl == rec->data + rec->len - 1);
    }
    char line[96];
    int n =
        snprintf(line, sizeof line, "%llu %zu %zu %zu\n", (unsigned long long)rec->end_offset,
                 rec->len, rec->ts ? (size_t)(rec->ts - rec->data) : 0, rec->ts_len);
    gb_add(&r->bounds, line, (size_t)n);
    return 0;
}

/* Read the log's records (lines: every line one), fed in the given chunk sizes. */
static void read_records(struct recs_run *r, const struct qs_config *cfg, int lines,
                         const uint8_t *sizes, size_t n)
{
    struct qs_records *q = NULL;
    struct qs_error err = QS_ERROR_INIT;
    r->lines = lines;
    CHECK(qs_records_new(&q, cfg, lines ? QS_RECORDS_LINES : 0, on_rec, r, &err) == 0);
    size_t off = 0, k = 0;
    while (off < r->in_len) {
        size_t chunk = r->in_len - off, want = n ? sizes[k++ % n] & 0x3f : chunk;
        want = want ? want : 4096;
        chunk = chunk < want ? chunk : want;
        CHECK(qs_records_feed(q, r->in + off, chunk, &err) == 0);
        if (n && (sizes[k % n] & 0x40)) /* a tailer's idle flush, anywhere */
            CHECK(qs_records_flush(q, &err) == 0);
        off += chunk;
    }
    CHECK(qs_records_finish(q, &err) == 0);
    CHECK(r->prev_end == r->in_len);
    struct qs_stats st = QS_STATS_INIT;
    qs_records_get_stats(q, &st);
    CHECK(st.bytes_in == r->in_len);
    qs_records_free(&q);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    unsigned ctl = data[0];
    size_t nsizes = data[1] & 0x0f;
    if (size < 2 + nsizes)
        return 0;
    const uint8_t *sizes = data + 2;
    const uint8_t *log = data + 2 + nsizes;
    size_t log_len = size - 2 - nsizes;

    static const unsigned flag_sets[] = {
        0,
        QS_FLAG_DEDUPE,
        QS_FLAG_REDACT,
        QS_FIELD_TIMESTAMP | QS_FIELD_THREAD | QS_FIELD_LOGGER | QS_FIELD_FINGERPRINT,
    };
    struct run base = {.in = log, .in_len = log_len};
    base.flags = flag_sets[ctl & 3];
    base.dialect = (ctl >> 2) % 3;
    /* Compiling the patterns (PCRE2 JIT) costs more than a run: one config per control
     * byte, made once and kept for the process, like the hasher. */
    static struct qs_config *cfgs[256];
    static struct qs_hasher *h;
    struct qs_config *cfg = cfgs[ctl];
    if (!cfg) {
        CHECK(qs_config_new(&cfg, NULL) == 0);
        CHECK(qs_config_set_flags(cfg, base.flags) == 0);
        CHECK(qs_config_set_dialect(cfg, base.dialect) == 0);
        if (ctl & 0x10) /* the smallest record limit: pass-through of big records */
            CHECK(qs_config_set_limit(cfg, QS_LIMIT_RECORD_BYTES, 1024) == 0);
        /* a small dedupe table: the default one (65536 entries) is cleared for every
         * splitter, which would cost more than the run; 2 entries make it reset often */
        CHECK(qs_config_set_limit(cfg, QS_LIMIT_DEDUPE_ENTRIES, ctl & 0x20 ? 2 : 64) == 0);
        if (ctl & 0x40)
            CHECK(qs_config_add_sql_logger(cfg, "p6spy*", NULL) == 0);
        if (ctl & 0x80)
            CHECK(qs_config_add_sql_regex(cfg, "executing: (?<sql>.+)", NULL) == 0);
        cfgs[ctl] = cfg;
    }
    if (!h)
        CHECK(qs_hasher_new(&h, NULL) == 0);
    struct run whole = base, chunked = base;
    whole.h = chunked.h = h;
    split(&whole, cfg, NULL, 0);
    split(&chunked, cfg, sizes, nsizes);
    same_bytes("console", &whole.console, &chunked.console);
    same_bytes("query.log", &whole.query, &chunked.query);
    for (int lines = 0; lines < 2; lines++) {
        struct recs_run one = {.in = log, .in_len = log_len}, parts = one;
        read_records(&one, cfg, lines, NULL, 0);
        read_records(&parts, cfg, lines, sizes, nsizes);
        /* a flush ends a record where the input did not: only unflushed runs compare */
        int flushed = 0;
        for (size_t i = 0; i < nsizes; i++)
            flushed |= sizes[i] & 0x40;
        if (!flushed || lines)
            same_bytes(lines ? "lines" : "records", &one.bounds, &parts.bounds);
        free(one.bounds.data);
        free(parts.bounds.data);
    }

    free(whole.console.data);
    free(whole.query.data);
    free(whole.sql);
    free(chunked.console.data);
    free(chunked.query.data);
    free(chunked.sql);
    return 0;
}
