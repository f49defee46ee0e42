/* split.c — the streaming splitter: bytes in, one callback per record out.
 *
 * Lines are classified as they complete: a line matching the record-start pattern begins a
 * record, any other line continues the current one. A record is emitted when the next one
 * begins (or at finish/flush), so the output never depends on how the input was chunked.
 * A record that grows past the size limit is streamed out unsplit (QS_OUT_PARTIAL pieces)
 * so memory stays bounded whatever the input. */
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "buf.h"
#include "config.h"
#include "error.h"
#include "hash.h"
#include "querylog.h"
#include "seen.h"

struct qs_splitter {
    const struct qs_config *cfg;
    qs_output_fn fn;
    void *user;
    struct qsp_recmatch *rm;
    struct qsp_detect_ctx *dc;
    struct qs_hasher *hasher;
    struct qsp_seen seen;

    struct qsp_buf rec;   /* the current record: complete lines, once copied */
    const char *view;     /* ... or, until then, where it lies in the caller's chunk */
    size_t view_len;      /* (records inside one chunk are never copied) */
    struct qsp_prefix pf; /* its first line's fields, when prefixed */
    int has_rec;
    int prefixed;
    uint64_t rec_start; /* input offset of the current record */

    struct qsp_buf line; /* an incomplete line carried between feeds */
    int passthrough;     /* the current record is over the limit: streamed unsplit */
    int line_spill;      /* the current physical line is being streamed as it comes */
    uint64_t in_off;     /* input offset of the first byte not yet classified */

    struct qsp_buf console, query, fp;
    struct qs_stats st;
    int finished;
    int failed; /* sticky: the first error stops the splitter */
};

static int fail(struct qs_splitter *s, int rc)
{
    if (rc < 0 && !s->failed)
        s->failed = rc;
    return rc;
}

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
    int rc = qsp_recmatch_new(&s->rm, cfg->recpat, err);
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
    qsp_recmatch_free(&s->rm);
    qsp_detect_ctx_free(&s->dc);
    qs_hasher_free(&s->hasher);
    qsp_seen_destroy(&s->seen);
    qsp_buf_free(&s->rec);
    qsp_buf_free(&s->line);
    qsp_buf_free(&s->console);
    qsp_buf_free(&s->query);
    qsp_buf_free(&s->fp);
    free(s);
    *sp = NULL;
}

void qs_splitter_get_stats(const struct qs_splitter *s, struct qs_stats *st)
{
    if (s && st) {
        *st = s->st;
        st->dedupe_resets = s->seen.resets;
    }
}

/* Hash sql, and unless --dedupe has seen it, encode its query.log line into s->query.
 * *hex gets the QHash; *written is 1 when s->query holds a line. */
static int make_query(struct qs_splitter *s, const char *sql, size_t sql_len, const char *ts,
                      size_t ts_len, const char *thread, size_t thread_len, const char *logger,
                      size_t logger_len, char hex[QS_HASH_HEX_LEN + 1], int *written,
                      struct qs_error *err)
{
    const struct qs_config *c = s->cfg;
    unsigned char raw[16];
    *written = 0;
    int rc = qsp_hasher_qhash_raw(s->hasher, sql, sql_len, c->dialect, raw, hex);
    if (rc)
        return qsp_error(err, rc, "hashing a statement failed");
    int is_new = qsp_seen_insert(&s->seen, raw);
    s->st.distinct_qhash += (uint64_t)is_new;
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
    if ((c->flags & QS_FIELD_TIMESTAMP) && ts) {
        f.ts = ts;
        f.ts_len = ts_len;
    }
    if ((c->flags & QS_FIELD_THREAD) && thread) {
        f.thread = thread;
        f.thread_len = thread_len;
    }
    if ((c->flags & QS_FIELD_LOGGER) && logger) {
        f.logger = logger;
        f.logger_len = logger_len;
    }
    s->query.len = 0;
    rc = qsp_query_encode(&s->query, &f, &s->st.invalid_utf8, err);
    if (rc)
        return rc;
    *written = 1;
    s->st.query_records++;
    s->st.bytes_query += s->query.len;
    return 0;
}

/* console = kept text + sep + "QHash":"<hex>" + term */
static int make_console(struct qs_splitter *s, const char *keep, size_t keep_len,
                        const char *sep, const char *hex, const char *term, size_t term_len)
{
    static const char open[] = "\"QHash\":\"";
    s->console.len = 0;
    size_t sep_len = strlen(sep);
    if (qsp_buf_reserve(&s->console,
                        keep_len + sep_len + sizeof open + QS_HASH_HEX_LEN + 1 + term_len))
        return QS_ENOMEM;
    qsp_buf_append(&s->console, keep, keep_len);
    qsp_buf_append(&s->console, sep, sep_len);
    qsp_buf_append(&s->console, open, sizeof open - 1);
    qsp_buf_append(&s->console, hex, QS_HASH_HEX_LEN);
    qsp_buf_append(&s->console, "\"", 1);
    qsp_buf_append(&s->console, term, term_len);
    return 0;
}

static int call(struct qs_splitter *s, struct qs_output *o, struct qs_error *err)
{
    s->st.bytes_console += o->console_len;
    if (s->fn && s->fn(s->user, o) != 0)
        return fail(s, qsp_error(err, QS_ECALLBACK, "output callback stopped the splitter"));
    return 0;
}

/* The held record's bytes: in place in the caller's chunk, or copied into s->rec. */
static const char *held_record(const struct qs_splitter *s, size_t *n)
{
    *n = s->view ? s->view_len : s->rec.len;
    return s->view ? s->view : s->rec.data;
}

/* Emit the held record (split if it carries SQL) and forget it. */
static int emit_record(struct qs_splitter *s, struct qs_error *err)
{
    if (!s->has_rec)
        return 0;
    size_t n;
    const char *r = held_record(s, &n);
    char hex[QS_HASH_HEX_LEN + 1]; /* o.qhash points here until the callback returns */
    s->view = NULL;
    struct qs_output o = {.console = r, .console_len = n, .end_offset = s->rec_start + n};
    s->has_rec = 0;
    s->st.records++;
    if (s->prefixed || s->rec_start == 0) { /* a pasted log may begin mid-record */
        const struct qsp_prefix *pf = &s->pf;
        if (pf->ts_len) {
            o.ts = r + pf->ts_off;
            o.ts_len = pf->ts_len;
        }
        size_t term = 0; /* the record's final line terminator */
        if (n > 0 && r[n - 1] == '\n')
            term = (n > 1 && r[n - 2] == '\r') ? 2 : 1;
        size_t msg_off = pf->msg_off <= n - term ? pf->msg_off : n - term;
        struct qsp_sql_span sp;
        int rc = qsp_detect(s->cfg->detector, s->dc, r + pf->logger_off, pf->logger_len,
                            r + msg_off, n - term - msg_off, &sp);
        if (rc < 0)
            return fail(s, qsp_error(err, rc, "SQL detection failed at input offset %llu",
                                     (unsigned long long)s->rec_start));
        if (rc == 1) {
            int written = 0;
            const char *msg = r + msg_off;
            rc = make_query(s, msg + sp.sql_off, sp.sql_len, o.ts, o.ts_len,
                            r + pf->thread_off, pf->thread_len, r + pf->logger_off,
                            pf->logger_len, hex, &written, err);
            if (!rc)
                rc =
                    make_console(s, r, msg_off + sp.keep_len, sp.sep, hex, r + n - term, term);
            if (rc)
                return fail(s, qsp_error(err, rc, "splitting the record at offset %llu",
                                         (unsigned long long)s->rec_start));
            o.console = s->console.data;
            o.console_len = s->console.len;
            o.qhash = hex;
            o.flags = QS_OUT_SQL;
            if (written) {
                o.query = s->query.data;
                o.query_len = s->query.len;
            }
            s->st.sql_records++;
        }
    }
    return call(s, &o, err);
}

/* Stream bytes of an oversized record out unsplit. */
static int emit_partial(struct qs_splitter *s, const char *p, size_t n, uint64_t end,
                        struct qs_error *err)
{
    struct qs_output o = {
        .console = p, .console_len = n, .end_offset = end, .flags = QS_OUT_PARTIAL};
    return call(s, &o, err);
}

/* The oversized record is complete: a last empty piece without QS_OUT_PARTIAL closes it. */
static int end_passthrough(struct qs_splitter *s, struct qs_error *err)
{
    s->passthrough = 0;
    s->st.records++;
    s->st.oversized++;
    struct qs_output o = {.console = "", .end_offset = s->in_off};
    return call(s, &o, err);
}

static int is_start(struct qs_splitter *s, const char *line, size_t len, struct qsp_prefix *pf,
                    struct qs_error *err)
{
    size_t n = len;
    if (n && line[n - 1] == '\n')
        n--;
    /* The pattern sees at most the first max_record bytes of a line: a line that outgrows
     * the limit before its newline arrives is classified by that much (spill_line), so a
     * complete line must be too, or the output would depend on the chunking. */
    if (n > s->cfg->max_record)
        n = s->cfg->max_record;
    int rc = qsp_recpat_match(s->cfg->recpat, s->rm, line, n, pf);
    if (rc < 0)
        return fail(s, qsp_error(err, rc, "record pattern failed at input offset %llu",
                                 (unsigned long long)s->in_off));
    return rc;
}

/* Move the held record into pass-through mode: its bytes so far go out now. */
static int start_passthrough(struct qs_splitter *s, struct qs_error *err)
{
    s->passthrough = 1;
    s->has_rec = 0;
    size_t n;
    const char *r = held_record(s, &n);
    int rc = emit_partial(s, r, n, s->rec_start + n, err);
    s->view = NULL;
    s->rec.len = 0;
    return rc;
}

/* Copy a record that still lies in the caller's chunk into s->rec: before the chunk goes
 * away, or before a line from elsewhere is added to it. */
static int keep_record(struct qs_splitter *s, struct qs_error *err)
{
    if (s->has_rec && s->view) {
        s->rec.len = 0;
        if (qsp_buf_append(&s->rec, s->view, s->view_len))
            return fail(s, qsp_error(err, QS_ENOMEM, "out of memory holding a record"));
    }
    s->view = NULL;
    return 0;
}

/* One line, complete (ends in '\n') or final (at finish), classified and placed. in_chunk
 * says it lies in the caller's chunk (not in s->line), so it may be used in place. */
static int process_line(struct qs_splitter *s, const char *line, size_t len, int in_chunk,
                        struct qs_error *err)
{
    struct qsp_prefix pf;
    int start = is_start(s, line, len, &pf, err);
    if (start < 0)
        return start;
    int rc = 0;
    if (start) {
        rc = s->passthrough ? end_passthrough(s, err) : emit_record(s, err);
        if (rc)
            return rc;
        s->pf = pf;
    }
    if (s->passthrough) {
        rc = emit_partial(s, line, len, s->in_off + len, err);
        s->in_off += len;
        return rc;
    }
    size_t total;
    if (!s->has_rec) {
        s->has_rec = 1;
        s->prefixed = start;
        if (!start) { /* lines before the first record: all message, no logger */
            memset(&s->pf, 0, sizeof s->pf);
            if (line[0] == '{' || line[0] == '[') /* JSON: a marker is inside a field */
                s->pf.msg_off = len;
        }
        s->rec_start = s->in_off;
        s->rec.len = 0;
        s->view = in_chunk ? line : NULL;
        s->view_len = len;
        if (!in_chunk && qsp_buf_append(&s->rec, line, len))
            return fail(s, qsp_error(err, QS_ENOMEM, "out of memory holding a record"));
        total = len;
    } else if (s->view && in_chunk && line == s->view + s->view_len) {
        s->view_len += len;
        total = s->view_len;
    } else {
        if (keep_record(s, err) || qsp_buf_append(&s->rec, line, len))
            return fail(s, qsp_error(err, QS_ENOMEM, "out of memory holding a record"));
        total = s->rec.len;
    }
    s->in_off += len;
    if (total > s->cfg->max_record)
        return start_passthrough(s, err);
    return 0;
}

/* The carried line has outgrown the limit without a newline: classify it by what it has,
 * then stream it (and the rest of the physical line) out unsplit. */
static int spill_line(struct qs_splitter *s, struct qs_error *err)
{
    struct qsp_prefix pf;
    int start = is_start(s, s->line.data, s->line.len, &pf, err);
    if (start < 0)
        return start;
    int rc = 0;
    if (start)
        rc = s->passthrough ? end_passthrough(s, err) : emit_record(s, err);
    else if (!s->passthrough && s->has_rec)
        rc = start_passthrough(s, err);
    if (rc)
        return rc;
    s->passthrough = 1;
    s->line_spill = 1;
    rc = emit_partial(s, s->line.data, s->line.len, s->in_off + s->line.len, err);
    s->in_off += s->line.len;
    s->line.len = 0;
    return rc;
}

/* May the line at x (x < end) start a record? first[] (qsp_recpat_first_bytes) is 1 for a
 * byte that may open one, 2 for a blank that may only when no blank follows (log4j's
 * padded " INFO"): indented lines stay on the fast path. */
static int may_start(const unsigned char *first, const char *x, const char *end)
{
    unsigned f = first[(unsigned char)*x];
    return f == 1 || (f == 2 && (x + 1 == end || (x[1] != ' ' && x[1] != '\t')));
}

/* From p, a line start whose first byte cannot start a record, to the first line that may
 * (its first byte is in `first`), or to the end of the last complete line: every line in
 * between continues the current record. Sixteen bytes at a time where SSE2 is there. */
static const char *skip_continuations(const char *p, const char *end,
                                      const unsigned char *first)
{
    const char *line = p, *q = p;
#ifdef __SSE2__
    const __m128i nl = _mm_set1_epi8('\n');
    for (; end - q >= 16; q += 16) {
        unsigned m = (unsigned)_mm_movemask_epi8(
            _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)q), nl));
        for (; m; m &= m - 1) {
            const char *x = q + __builtin_ctz(m) + 1;
            if (x == end || may_start(first, x, end))
                return x;
            line = x;
        }
    }
#endif
    for (const char *x; q < end && (x = memchr(q, '\n', (size_t)(end - q))) != NULL; q = x) {
        x++;
        if (x == end || may_start(first, x, end))
            return x;
        line = x;
    }
    return line;
}

int qs_splitter_feed(struct qs_splitter *s, const void *data, size_t len, struct qs_error *err)
{
    if (!s || (!data && len))
        return qsp_error(err, QS_EINVAL, "qs_splitter_feed: NULL argument");
    if (s->failed)
        return qsp_error(err, s->failed, "splitter stopped after an earlier error");
    if (s->finished)
        return qsp_error(err, QS_ESTATE, "qs_splitter_feed after qs_splitter_finish");
    const char *p = data, *end = p + len;
    const unsigned char *first = qsp_recpat_first_bytes(s->cfg->recpat);
    s->st.bytes_in += len;
    int rc = 0;
    while (p < end && !rc) {
        if (s->view && !s->line.len && p == s->view + s->view_len &&
            !may_start(first, p, end)) {
            /* Continuation lines of a record in place: taken together, as process_line
             * would take them one by one, unless they would cross the record limit. */
            size_t n = (size_t)(skip_continuations(p, end, first) - p);
            if (n && s->view_len + n <= s->cfg->max_record) {
                s->view_len += n;
                s->in_off += n;
                p += n;
                continue;
            }
        }
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl + 1 - p) : (size_t)(end - p);
        if (s->line_spill) {
            rc = emit_partial(s, p, n, s->in_off + n, err);
            s->in_off += n;
            if (nl)
                s->line_spill = 0;
        } else if (s->line.len || !nl) {
            if (qsp_buf_append(&s->line, p, n))
                return fail(s, qsp_error(err, QS_ENOMEM, "out of memory holding a line"));
            if (nl) {
                rc = process_line(s, s->line.data, s->line.len, 0, err);
                s->line.len = 0;
            } else if (s->line.len > s->cfg->max_record) {
                /* Judged by the line alone, as a complete line would be: whether the
                 * held record is large must not depend on where a chunk ended. */
                rc = spill_line(s, err);
            }
        } else {
            rc = process_line(s, p, n, 1, err);
        }
        p += n;
    }
    /* The caller may reuse its buffer: a record still open must own its bytes. */
    if (!rc)
        rc = keep_record(s, err);
    return rc;
}

int qs_splitter_flush(struct qs_splitter *s, struct qs_error *err)
{
    if (!s)
        return qsp_error(err, QS_EINVAL, "qs_splitter_flush: NULL argument");
    if (s->failed)
        return qsp_error(err, s->failed, "splitter stopped after an earlier error");
    if (s->passthrough && !s->line_spill)
        return end_passthrough(s, err);
    return emit_record(s, err);
}

int qs_splitter_finish(struct qs_splitter *s, struct qs_error *err)
{
    if (!s)
        return qsp_error(err, QS_EINVAL, "qs_splitter_finish: NULL argument");
    if (s->failed)
        return qsp_error(err, s->failed, "splitter stopped after an earlier error");
    if (s->finished)
        return 0;
    int rc = 0;
    if (s->line.len) {
        rc = process_line(s, s->line.data, s->line.len, 0, err);
        s->line.len = 0;
    }
    s->line_spill = 0;
    if (!rc)
        rc = s->passthrough ? end_passthrough(s, err) : emit_record(s, err);
    s->finished = 1;
    return rc;
}

int qs_splitter_event(struct qs_splitter *s, const struct qs_event *ev, const char **console,
                      size_t *console_len, const char **query, size_t *query_len,
                      struct qs_error *err)
{
    if (!s || !ev || !console || !console_len || !query || !query_len ||
        (!ev->message && ev->message_len) || (!ev->logger && ev->logger_len))
        return qsp_error(err, QS_EINVAL, "qs_splitter_event: NULL argument");
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
    char hex[QS_HASH_HEX_LEN + 1];
    int written = 0;
    const char *msg = ev->message;
    rc = make_query(s, msg + sp.sql_off, sp.sql_len, ev->ts, ev->ts_len, ev->thread,
                    ev->thread_len, ev->logger, ev->logger_len, hex, &written, err);
    if (!rc)
        rc = make_console(s, msg, sp.keep_len, sp.sep, hex, "", 0);
    if (rc)
        return qsp_error(err, rc, "splitting the event failed");
    s->st.records++;
    s->st.sql_records++;
    *console = s->console.data;
    *console_len = s->console.len;
    if (written) {
        *query = s->query.data;
        *query_len = s->query.len;
    }
    return 1;
}
