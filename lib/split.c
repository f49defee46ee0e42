/* split.c — the streaming splitter: record → detect → hash → encode → the caller.
 *
 * record.c assembles the bytes into records (in place in the caller's chunk when they lie
 * there; oversized ones streamed through in pieces); each whole record's message goes to
 * the recognizers, each statement found is hashed and encoded as a query.log line, and the
 * console line is rewritten around the statements. Every output leaves through call(). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "detect-int.h"
#include "error.h"
#include "hash.h"
#include "jsonevent.h"
#include "layout.h"
#include "querylog.h"
#include "record.h"
#include "seen.h"

struct qs_splitter {
    const struct qs_config *cfg;
    qs_output_fn fn;
    void *user;
    struct qsp_records recs; /* the input's records (record.c) */
    struct qsp_detect_ctx *dc;
    struct qs_hasher *hasher;
    struct qsp_seen seen;

    struct qsp_buf console, query, fp;
    struct qsp_buf hexes; /* the QHashes of the current record, 33 bytes each */
    struct qsp_buf clean; /* a statement without its ANSI colours (Hibernate highlight_sql) */
    struct qsp_buf jdec;  /* a JSON event's message, logger, thread, ts: decoded */
    struct qsp_buf jline; /* a JSON event's console line */
    struct qsp_qlsink sink; /* query.log, when the splitter writes it (querylog.c) */
    struct qs_stats st;     /* bytes_in, and records and oversized of the stream: s->recs */
    int finished;
    int failed; /* sticky: the first error stops the splitter */
};

static int fail(struct qs_splitter *s, int rc)
{
    if (rc < 0 && !s->failed)
        s->failed = rc;
    return rc;
}

static int on_rec(void *user, const struct qsp_rec *rec, struct qs_error *err);

int qs_splitter_new(struct qs_splitter **out, const struct qs_config *cfg, qs_output_fn fn,
                    void *user, struct qs_error *err)
{
    if (!out || !cfg)
        return qsp_error(err, QS_EINVAL, "qs_splitter_new: NULL argument");
    *out = NULL;
    struct qs_splitter *s = calloc(1, sizeof *s);
    if (!s)
        return qsp_error(err, QS_ENOMEM, "qs_splitter_new: out of memory");
    s->cfg = cfg;
    s->fn = fn;
    s->user = user;
    int rc = qsp_records_init(&s->recs, cfg->recpat, cfg->max_record, 0, on_rec, s, err);
    if (!rc)
        rc = qsp_detect_ctx_new(&s->dc, cfg->detector, err);
    if (!rc)
        rc = qs_hasher_new(&s->hasher, err);
    /* Always on: the distinct count is part of every summary; --dedupe only acts on it. */
    if (!rc) {
        rc = qsp_seen_init(&s->seen, cfg->dedupe_entries);
        if (rc)
            qsp_error(err, rc, "qs_splitter_new: no memory for %zu dedupe entries",
                      cfg->dedupe_entries);
    }
    if (rc) {
        qs_splitter_free(&s);
        return rc;
    }
    *out = s;
    return 0;
}

void qs_splitter_free(struct qs_splitter **sp)
{
    if (!sp || !*sp)
        return;
    struct qs_splitter *s = *sp;
    /* Records already split are not dropped with the splitter; a failure here can no
     * longer be reported (qs_splitter_finish or _flush first sees it). */
    qsp_qlsink_flush(&s->sink, NULL);
    qsp_qlsink_free(&s->sink);
    qsp_records_destroy(&s->recs);
    qsp_detect_ctx_free(&s->dc);
    qs_hasher_free(&s->hasher);
    qsp_seen_destroy(&s->seen);
    qsp_buf_free(&s->console);
    qsp_buf_free(&s->query);
    qsp_buf_free(&s->fp);
    qsp_buf_free(&s->hexes);
    qsp_buf_free(&s->clean);
    qsp_buf_free(&s->jdec);
    qsp_buf_free(&s->jline);
    free(s);
    *sp = NULL;
}

/* The size of struct qs_event as QSPLIT_0.1 defined it: struct_size 0 means this (qs_stats'
 * is in record.c). Frozen: when a field is appended, write the 0.1 size here as a number
 * (docs/abi.md). */
#define EVENT_V01_SIZE sizeof(struct qs_event)

/* Copy no more than the caller's struct holds (its struct_size), nor more than ours. */
void qs_splitter_get_stats(const struct qs_splitter *s, struct qs_stats *st)
{
    if (s && st) {
        struct qs_stats all = s->st;
        all.dedupe_resets = s->seen.resets;
        all.bytes_in = s->recs.bytes_in;
        all.records += s->recs.records;
        all.oversized += s->recs.oversized;
        qsp_stats_copy(&all, st);
    }
}

#define SGR_MAX 21 /* ESC [, at most 18 digits and semicolons, m */

/* sql without ANSI SGR sequences (ESC [ digits ; m): Hibernate's highlight_sql colours
 * keywords, and the colours are no part of the statement. Points *out at the clean copy. */
static int strip_sgr(struct qs_splitter *s, const char **sql, size_t *len)
{
    const char *p = *sql;
    size_t n = *len;
    if (!memchr(p, 0x1b, n))
        return 0;
    s->clean.len = 0;
    if (qsp_buf_reserve(&s->clean, n))
        return QS_ENOMEM;
    for (size_t i = 0; i < n;) {
        /* layout.c's reader, held to the 21 bytes this strip has always taken */
        size_t k = qsp_sgr_len(p + i, n - i < SGR_MAX ? n - i : SGR_MAX);
        if (k)
            i += k;
        else
            s->clean.data[s->clean.len++] = p[i++];
    }
    *sql = s->clean.data;
    *len = s->clean.len;
    return 0;
}

/* A JSON-escaped statement decoded into s->clean (see qsp_json_unescape). */
static int json_decode(struct qs_splitter *s, const char **sql, size_t *len)
{
    if (!memchr(*sql, '\\', *len))
        return 0;
    s->clean.len = 0;
    if (qsp_buf_reserve(&s->clean, *len))
        return QS_ENOMEM;
    s->clean.len = qsp_json_unescape(*sql, *len, s->clean.data);
    *sql = s->clean.data;
    *len = s->clean.len;
    return 0;
}

/* The record's context for its query.log lines. */
struct rec_ctx {
    const char *ts, *thread, *logger;
    size_t ts_len, thread_len, logger_len;
    int64_t took_ms;
};

/* Hash sql, and unless --dedupe has seen it, append its query.log line to s->query.
 * hex gets the QHash. */
static int make_query(struct qs_splitter *s, const char *sql, size_t sql_len,
                      const struct qsp_stmt *t, const struct rec_ctx *rc_,
                      char hex[QS_HASH_HEX_LEN + 1], struct qs_error *err)
{
    const struct qs_config *c = s->cfg;
    unsigned char raw[16];
    int rc = t->colored ? strip_sgr(s, &sql, &sql_len)
             : t->json  ? json_decode(s, &sql, &sql_len)
                        : 0;
    if (rc)
        return qsp_error(err, rc, "out of memory for a statement");
    rc = qsp_hasher_qhash_raw(s->hasher, sql, sql_len, c->dialect, raw, hex);
    if (rc)
        return qsp_error(err, rc, "hashing a statement failed");
    int is_new = qsp_seen_insert(&s->seen, raw);
    s->st.distinct_qhash += (uint64_t)is_new;
    s->st.statements++;
    if ((c->flags & QS_FLAG_DEDUPE) && !is_new)
        return 0;
    struct qsp_query_fields f = {.qhash = hex, .sql = sql, .sql_len = sql_len};
    char fhash[QS_HASH_HEX_LEN + 1];
    if (c->flags & (QS_FLAG_REDACT | QS_FIELD_FINGERPRINT)) {
        s->fp.len = 0;
        size_t n = 0;
        rc = qsp_buf_reserve(&s->fp, qs_fingerprint_bound(sql_len) + 1);
        if (!rc)
            rc = qs_fingerprint(sql, sql_len, c->dialect, s->fp.data, s->fp.cap, &n);
        if (rc)
            return qsp_error(err, rc, "fingerprinting a statement failed");
        s->fp.len = n;
        if (c->flags & QS_FLAG_REDACT) {
            f.sql = s->fp.data;
            f.sql_len = n;
        }
        if (c->flags & QS_FIELD_FINGERPRINT) {
            rc = qs_hasher_md5_hex(s->hasher, s->fp.data, n, fhash);
            if (rc)
                return qsp_error(err, rc, "hashing a fingerprint failed");
            f.fingerprint = s->fp.data;
            f.fingerprint_len = n;
            f.fhash = fhash;
        }
    }
    if ((c->flags & QS_FIELD_TIMESTAMP) && rc_->ts) {
        f.ts = rc_->ts;
        f.ts_len = rc_->ts_len;
    }
    if ((c->flags & QS_FIELD_THREAD) && rc_->thread) {
        f.thread = rc_->thread;
        f.thread_len = rc_->thread_len;
    }
    if ((c->flags & QS_FIELD_LOGGER) && rc_->logger) {
        f.logger = rc_->logger;
        f.logger_len = rc_->logger_len;
    }
    if ((c->flags & QS_FIELD_TOOK_MS) && rc_->took_ms >= 0)
        f.took_ms = &rc_->took_ms;
    size_t before = s->query.len;
    rc = qsp_query_encode(&s->query, &f, &s->st.invalid_utf8, err);
    if (rc)
        return rc;
    s->st.query_records++;
    s->st.bytes_query += s->query.len - before;
    return 0;
}

/* Append text, each run of blanks that holds a line break made one blank: the text around
 * a record's statements joins their console line. */
static int append_joined(struct qsp_buf *b, const char *t, size_t n)
{
    if (!memchr(t, '\n', n) && !memchr(t, '\r', n))
        return qsp_buf_append(b, t, n);
    for (size_t i = 0; i < n;) {
        if (t[i] == ' ' || t[i] == '\t' || t[i] == '\r' || t[i] == '\n') {
            size_t j = i;
            int brk = 0;
            while (j < n && (t[j] == ' ' || t[j] == '\t' || t[j] == '\r' || t[j] == '\n')) {
                brk |= t[j] == '\r' || t[j] == '\n';
                j++;
            }
            int rc = brk ? qsp_buf_append(b, " ", 1) : qsp_buf_append(b, t + i, j - i);
            if (rc)
                return rc;
            i = j;
        } else {
            size_t j = i;
            while (j < n && t[j] != ' ' && t[j] != '\t' && t[j] != '\r' && t[j] != '\n')
                j++;
            if (qsp_buf_append(b, t + i, j - i))
                return QS_ENOMEM;
            i = j;
        }
    }
    return 0;
}

/*
 * console = head + the message with each statement's [from, to) replaced by its sep and
 * "QHash":"<hex>" + term. The text before and between the statements stays on the one
 * console line (line breaks in it become blanks), and so does the text after the last one
 * as far as its first line goes; blanks ending the message go.
 */
static int make_console(struct qs_splitter *s, const char *head, size_t head_len,
                        const char *msg, size_t msg_len, const struct qsp_sql_span *sp,
                        const char *term, size_t term_len)
{
    static const char open[] = "\"QHash\":\"";
    struct qsp_buf *b = &s->console;
    b->len = 0;
    if (qsp_buf_reserve(b, head_len + msg_len + sp->n * (sizeof open + QS_HASH_HEX_LEN + 4) +
                               term_len))
        return QS_ENOMEM;
    int rc = qsp_buf_append(b, head, head_len);
    size_t at = 0;
    for (size_t i = 0; i < sp->n && !rc; i++) {
        const struct qsp_stmt *t = &sp->stmt[i];
        rc = append_joined(b, msg + at, t->from - at);
        if (!rc)
            rc = qsp_buf_append(b, t->sep, strlen(t->sep));
        if (!rc)
            rc = qsp_buf_append(b, open, sizeof open - 1);
        if (!rc)
            rc = qsp_buf_append(b, s->hexes.data + i * (QS_HASH_HEX_LEN + 1), QS_HASH_HEX_LEN);
        if (!rc)
            rc = qsp_buf_append(b, "\"", 1);
        at = t->to;
    }
    size_t end = msg_len;
    while (end > at && (msg[end - 1] == ' ' || msg[end - 1] == '\t' || msg[end - 1] == '\r' ||
                        msg[end - 1] == '\n'))
        end--;
    if (!rc && end > at) {
        /* The blanks right after the statement join what follows to its line (a timing
         * on the next line, a location suffix); further lines, and a stack trace, keep
         * their line breaks. */
        size_t k = at;
        int brk = 0;
        while (k < end &&
               (msg[k] == ' ' || msg[k] == '\t' || msg[k] == '\r' || msg[k] == '\n'))
            brk |= msg[k++] == '\n';
        if (brk && !sp->stmt[sp->n - 1].own_lines && qsp_stack_start(msg, end, at) > k)
            rc = qsp_buf_append(b, " ", 1);
        else
            k = at;
        if (!rc)
            rc = qsp_buf_append(b, msg + k, end - k);
    }
    if (!rc)
        rc = qsp_buf_append(b, term, term_len);
    return rc ? QS_ENOMEM : 0;
}

/* Hash every statement of sp (QHashes into s->hexes, query.log lines into s->query) and
 * build the console. */
static int split_statements(struct qs_splitter *s, const char *head, size_t head_len,
                            const char *msg, size_t msg_len, const struct qsp_sql_span *sp,
                            const struct rec_ctx *rctx, const char *term, size_t term_len,
                            struct qs_error *err)
{
    s->query.len = 0;
    s->hexes.len = 0;
    if (qsp_buf_reserve(&s->hexes, sp->n * (QS_HASH_HEX_LEN + 1)))
        return qsp_error(err, QS_ENOMEM, "out of memory for QHashes");
    for (size_t i = 0; i < sp->n; i++) {
        const struct qsp_stmt *t = &sp->stmt[i];
        char *hex = s->hexes.data + i * (QS_HASH_HEX_LEN + 1);
        int rc = make_query(s, msg + t->sql_off, t->sql_len, t, rctx, hex, err);
        if (rc)
            return rc;
        s->hexes.len += QS_HASH_HEX_LEN + 1;
        if (t->collapsed && qsp_sql_has_line_comment(msg + t->sql_off, t->sql_len))
            s->st.collapsed_comments++;
    }
    int rc = make_console(s, head, head_len, msg, msg_len, sp, term, term_len);
    return rc ? qsp_error(err, rc, "out of memory for a console line") : 0;
}

/* The one way out of a record: its query.log lines to the sink (when set) before the
 * callback sees it, so a record the callback is told of is queued or written. */
static int call(struct qs_splitter *s, struct qs_output *o, struct qs_error *err)
{
    o->struct_size = sizeof *o; /* one store per record: the callback learns our layout */
    s->st.bytes_console += o->console_len;
    if (o->query && s->sink.ql) {
        int rc = qsp_qlsink_add(&s->sink, o->query, o->query_len, err);
        if (rc)
            return fail(s, rc);
    }
    if (s->fn && s->fn(s->user, o) != 0)
        return fail(s, qsp_error(err, QS_ECALLBACK, "output callback stopped the splitter"));
    return 0;
}

/* A field of a JSON event as text: in place, or decoded into s->jdec (reserved by the
 * caller, so earlier fields stay where they are). */
static void json_field(struct qs_splitter *s, const char *r, const struct qsp_json_field *f,
                       const char **p, size_t *n)
{
    *p = f->len ? r + f->off : NULL;
    *n = f->len;
    if (f->escaped) {
        char *o = s->jdec.data + s->jdec.len;
        *n = qsp_json_unescape(r + f->off, f->len, o);
        *p = o;
        s->jdec.len += *n;
    }
}

/*
 * A record whose first line is one JSON event (r[0..n), without its final terminator of
 * term bytes): its message is decoded, given to the recognizers with the event's logger,
 * and replaced by its console form, JSON-quoted; every other byte stays, and so do the
 * lines glued after it (a JSON value that is not an event, a stray stack trace). 1 when
 * split (o filled), 0 when the record is left as it is (the line is not one JSON object
 * with one string message, or the message holds no SQL); o->ts is the event's time either
 * way.
 */
static int split_json(struct qs_splitter *s, const char *r, size_t n, size_t term,
                      struct qs_output *o, struct qs_error *err)
{
    struct qsp_json_event ev;
    if (!qsp_json_event_scan(r, qsp_json_first_line(r, n), &ev))
        return 0;
    if (ev.ts.len && !ev.ts.escaped) { /* the entry time, SQL or not (as qs_records has it) */
        o->ts = r + ev.ts.off;
        o->ts_len = ev.ts.len;
    }
    s->jdec.len = 0;
    if (qsp_buf_reserve(&s->jdec, ev.msg.len + ev.logger.len + ev.thread.len + ev.ts.len + 1))
        return qsp_error(err, QS_ENOMEM, "out of memory decoding a JSON event");
    struct rec_ctx rctx = {.took_ms = -1};
    const char *msg;
    size_t msg_len;
    json_field(s, r, &ev.msg, &msg, &msg_len);
    json_field(s, r, &ev.logger, &rctx.logger, &rctx.logger_len);
    json_field(s, r, &ev.thread, &rctx.thread, &rctx.thread_len);
    json_field(s, r, &ev.ts, &rctx.ts, &rctx.ts_len);
    struct qsp_sql_span sp;
    int rc = qsp_detect(s->cfg->detector, s->dc, rctx.logger ? rctx.logger : "",
                        rctx.logger_len, msg ? msg : "", msg_len, &sp);
    if (rc <= 0)
        return rc < 0 ? qsp_error(err, rc, "SQL detection failed") : 0;
    rctx.took_ms = sp.took_ms;
    rc = split_statements(s, "", 0, msg ? msg : "", msg_len, &sp, &rctx, "", 0, err);
    if (rc)
        return rc;
    /* the console form of the message, quoted as jansson would (U+FFFD for bad bytes) */
    struct qsp_buf *b = &s->jline;
    b->len = 0;
    rc = qsp_buf_append(b, r, ev.msg_start);
    if (!rc)
        rc = qsp_json_append(b, s->console.data, s->console.len, NULL);
    if (!rc)
        rc = qsp_buf_append(b, r + ev.msg_end, n + term - ev.msg_end);
    if (rc)
        return qsp_error(err, rc,
                         rc == QS_ENOMEM ? "out of memory for a console line"
                                         : "quoting a JSON message failed");
    o->console = b->data;
    o->console_len = b->len;
    return 1;
}

/* A split record's output: its first QHash (NUL-terminated), and its query.log lines
 * unless --dedupe left none. */
static void mark_split(struct qs_splitter *s, struct qs_output *o)
{
    o->qhash = s->hexes.data;
    o->flags = QS_OUT_SQL;
    if (s->query.len) {
        o->query = s->query.data;
        o->query_len = s->query.len;
    }
    s->st.sql_records++;
}

/* Split a whole record if it carries SQL, and pass it on. */
static int emit_record(struct qs_splitter *s, const struct qsp_rec *rec, struct qs_error *err)
{
    const char *r = rec->data;
    size_t n = rec->len;
    int prefixed = (rec->flags & QSP_REC_PREFIXED) != 0;
    /* the record's final line terminator */
    size_t term = n > 0 && r[n - 1] == '\n' ? (n > 1 && r[n - 2] == '\r' ? 2 : 1) : 0;
    struct qs_output o = {.console = r, .console_len = n, .end_offset = rec->end};
    if (prefixed && rec->pf->layout == QSP_LAYOUT_JSON) {
        int rc = split_json(s, r, n - term, term, &o, err);
        if (rc < 0)
            return fail(s, qsp_error(err, rc, "splitting the JSON event at offset %llu",
                                     (unsigned long long)rec->start));
        if (rc == 1)
            mark_split(s, &o);
    } else if (prefixed || rec->start == 0) { /* a pasted log may begin mid-record */
        const struct qsp_prefix *pf = rec->pf;
        if (pf->ts_len) {
            o.ts = r + pf->ts_off;
            o.ts_len = pf->ts_len;
        }
        size_t msg_off = pf->msg_off <= n - term ? pf->msg_off : n - term;
        struct qsp_sql_span sp;
        int rc = qsp_detect(s->cfg->detector, s->dc, r + pf->logger_off, pf->logger_len,
                            r + msg_off, n - term - msg_off, &sp);
        if (rc < 0)
            return fail(s, qsp_error(err, rc, "SQL detection failed at input offset %llu",
                                     (unsigned long long)rec->start));
        if (rc == 1) {
            struct rec_ctx rctx = {o.ts,      r + pf->thread_off, r + pf->logger_off,
                                   o.ts_len,  pf->thread_len,     pf->logger_len,
                                   sp.took_ms};
            rc = split_statements(s, r, msg_off, r + msg_off, n - term - msg_off, &sp, &rctx,
                                  r + n - term, term, err);
            if (rc)
                return fail(s, qsp_error(err, rc, "splitting the record at offset %llu",
                                         (unsigned long long)rec->start));
            o.console = s->console.data;
            o.console_len = s->console.len;
            mark_split(s, &o);
        }
    }
    return call(s, &o, err);
}

/* Each record from record.c. The pieces of an oversized record pass unsplit
 * (QS_OUT_PARTIAL), and the empty piece closing it goes out without the flag. */
static int on_rec(void *user, const struct qsp_rec *rec, struct qs_error *err)
{
    struct qs_splitter *s = user;
    if (rec->flags & (QS_REC_PARTIAL | QSP_REC_CLOSE)) {
        struct qs_output o = {.console = rec->data,
                              .console_len = rec->len,
                              .end_offset = rec->end,
                              .flags = rec->flags & QS_REC_PARTIAL ? QS_OUT_PARTIAL : 0};
        return call(s, &o, err);
    }
    return emit_record(s, rec, err);
}

int qs_splitter_feed(struct qs_splitter *s, const void *data, size_t len, struct qs_error *err)
{
    if (!s || (!data && len))
        return qsp_error(err, QS_EINVAL, "qs_splitter_feed: NULL argument");
    if (s->failed)
        return qsp_error(err, s->failed, "splitter stopped after an earlier error");
    if (s->finished)
        return qsp_error(err, QS_ESTATE, "qs_splitter_feed after qs_splitter_finish");
    return fail(s, qsp_records_feed(&s->recs, data, len, err));
}

int qs_splitter_flush(struct qs_splitter *s, struct qs_error *err)
{
    if (!s)
        return qsp_error(err, QS_EINVAL, "qs_splitter_flush: NULL argument");
    int rc = s->failed ? qsp_error(err, s->failed, "splitter stopped after an earlier error")
                       : fail(s, qsp_records_flush(&s->recs, err));
    /* Records split before a failure are still written. */
    int wrc = qsp_qlsink_flush(&s->sink, err);
    return rc ? rc : fail(s, wrc);
}

int qs_splitter_finish(struct qs_splitter *s, struct qs_error *err)
{
    if (!s)
        return qsp_error(err, QS_EINVAL, "qs_splitter_finish: NULL argument");
    if (s->failed) {
        qsp_error(err, s->failed, "splitter stopped after an earlier error");
        qsp_qlsink_flush(&s->sink, NULL); /* records split before it are still written */
        return s->failed;
    }
    if (s->finished)
        return 0;
    int rc = qsp_records_finish(&s->recs, err);
    s->finished = 1;
    int wrc = qsp_qlsink_flush(&s->sink, err);
    return rc ? fail(s, rc) : fail(s, wrc);
}

int qs_splitter_event(struct qs_splitter *s, const struct qs_event *ev, const char **console,
                      size_t *console_len, const char **query, size_t *query_len,
                      struct qs_error *err)
{
    if (!s || !ev || !console || !console_len || !query || !query_len ||
        (!ev->message && ev->message_len) || (!ev->logger && ev->logger_len))
        return qsp_error(err, QS_EINVAL, "qs_splitter_event: NULL argument");
    /* Every field of the 0.1 layout is read; fields appended later are read only when
     * ev->struct_size holds them. */
    if (ev->struct_size && ev->struct_size < EVENT_V01_SIZE)
        return qsp_error(err, QS_EINVAL,
                         "qs_splitter_event: struct_size %zu is smaller than qs_event's "
                         "QSPLIT_0.1 layout (%zu); use QS_EVENT_INIT",
                         ev->struct_size, (size_t)EVENT_V01_SIZE);
    *console = *query = NULL;
    *console_len = *query_len = 0;
    if (ev->message_len > s->cfg->max_record) {
        /* As in a stream: a record over the limit passes unsplit. */
        s->st.records++;
        s->st.oversized++;
        return 0;
    }
    struct qsp_sql_span sp;
    int rc = qsp_detect(s->cfg->detector, s->dc, ev->logger ? ev->logger : "", ev->logger_len,
                        ev->message ? ev->message : "", ev->message_len, &sp);
    if (rc <= 0)
        return rc < 0 ? qsp_error(err, rc, "SQL detection failed") : 0;
    struct rec_ctx rctx = {ev->ts,         ev->thread,     ev->logger, ev->ts_len,
                           ev->thread_len, ev->logger_len, sp.took_ms};
    rc = split_statements(s, "", 0, ev->message, ev->message_len, &sp, &rctx, "", 0, err);
    if (rc)
        return qsp_error(err, rc, "splitting the event failed");
    /* An event is split on its own: a failed write is this event's error, not sticky. */
    if (s->query.len && s->sink.ql) {
        rc = qsp_qlsink_add(&s->sink, s->query.data, s->query.len, err);
        if (rc)
            return rc;
    }
    s->st.records++;
    s->st.sql_records++;
    *console = s->console.data;
    *console_len = s->console.len;
    if (s->query.len) {
        *query = s->query.data;
        *query_len = s->query.len;
    }
    return 1;
}

int qs_splitter_set_querylog(struct qs_splitter *s, struct qs_querylog *ql, size_t batch,
                             struct qs_error *err)
{
    if (!s)
        return qsp_error(err, QS_EINVAL, "qs_splitter_set_querylog: NULL argument");
    return qsp_qlsink_set(&s->sink, ql, batch, err);
}
