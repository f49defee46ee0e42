/* record.c — bytes in, one callback per log record out: lines assembled into records.
 *
 * Lines are classified (recpat.c) as they complete: a line matching the record-start
 * pattern begins a record, any other line continues the current one. A record is handed
 * on when the next one begins (or at finish/flush), so the output never depends on how the
 * input was chunked. A record that grows past the size limit is streamed out unsplit
 * (QS_REC_PARTIAL pieces) so memory stays bounded whatever the input. Records that lie
 * whole in the caller's chunk are handed on in place, never copied.
 *
 * The splitter (split.c) reads its records here; qs_records_* gives the same records to
 * faces that want no SQL work (the pusher's already split console.log and its query.log,
 * in lines mode). */
#include "record.h"

#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "config.h"
#include "error.h"
#include "jsonevent.h"

/* Every byte may start a line-mode record: the continuation fast path never applies. */
static const unsigned char all_first[256] = {
#define ONE8 1, 1, 1, 1, 1, 1, 1, 1
#define ONE64 ONE8, ONE8, ONE8, ONE8, ONE8, ONE8, ONE8, ONE8
    ONE64,
    ONE64,
    ONE64,
    ONE64,
#undef ONE64
#undef ONE8
};

static int fail(struct qsp_records *r, int rc)
{
    if (rc < 0 && !r->failed)
        r->failed = rc;
    return rc;
}

int qsp_records_init(struct qsp_records *r, const struct qsp_recpat *pat, size_t max_record,
                     unsigned flags, qsp_rec_fn fn, void *user, struct qs_error *err)
{
    memset(r, 0, sizeof *r);
    r->pat = pat;
    r->max_record = max_record;
    r->lines = (flags & QS_RECORDS_LINES) != 0;
    r->fn = fn;
    r->user = user;
    if (r->lines) {
        r->first = all_first;
        return 0;
    }
    r->first = qsp_recpat_first_bytes(pat);
    return qsp_recmatch_new(&r->rm, pat, err);
}

void qsp_records_destroy(struct qsp_records *r)
{
    qsp_recmatch_free(&r->rm);
    qsp_buf_free(&r->rec);
    qsp_buf_free(&r->line);
}

static int hand_on(struct qsp_records *r, const char *p, size_t n, uint64_t start,
                   unsigned flags, struct qs_error *err)
{
    struct qsp_rec rec = {p, n, start, start + n, flags, &r->pf};
    return fail(r, r->fn(r->user, &rec, err));
}

/* The held record's bytes: in place in the caller's chunk, or copied into r->rec. */
static const char *held_record(const struct qsp_records *r, size_t *n)
{
    *n = r->view ? r->view_len : r->rec.len;
    return r->view ? r->view : r->rec.data;
}

/* Hand on the held record and forget it. */
static int emit_record(struct qsp_records *r, struct qs_error *err)
{
    if (!r->has_rec)
        return 0;
    size_t n;
    const char *p = held_record(r, &n);
    r->view = NULL;
    r->has_rec = 0;
    r->records++;
    return hand_on(r, p, n, r->rec_start, r->prefixed ? QSP_REC_PREFIXED : 0, err);
}

/* Stream bytes of an oversized record out unsplit; end is the input offset past them. */
static int emit_partial(struct qsp_records *r, const char *p, size_t n, uint64_t end,
                        struct qs_error *err)
{
    return hand_on(r, p, n, end - n, QS_REC_PARTIAL, err);
}

/* The oversized record is complete: a last empty piece closes it. */
static int end_passthrough(struct qsp_records *r, struct qs_error *err)
{
    r->passthrough = 0;
    r->records++;
    r->oversized++;
    return hand_on(r, "", 0, r->in_off, QSP_REC_CLOSE, err);
}

static int is_start(struct qsp_records *r, const char *line, size_t len, struct qsp_prefix *pf,
                    struct qs_error *err)
{
    if (r->lines) {
        memset(pf, 0, sizeof *pf);
        return 1;
    }
    size_t n = len;
    if (n && line[n - 1] == '\n')
        n--;
    /* The pattern sees at most the first max_record bytes of a line: a line that outgrows
     * the limit before its newline arrives is classified by that much (spill_line), so a
     * complete line must be too, or the output would depend on the chunking. */
    if (n > r->max_record)
        n = r->max_record;
    int rc = qsp_recpat_match(r->pat, r->rm, line, n, pf);
    if (rc < 0)
        return fail(r, qsp_error(err, rc, "record pattern failed at input offset %llu",
                                 (unsigned long long)r->in_off));
    return rc;
}

/* Move the held record into pass-through mode: its bytes so far go out now. */
static int start_passthrough(struct qsp_records *r, struct qs_error *err)
{
    r->passthrough = 1;
    r->has_rec = 0;
    size_t n;
    const char *p = held_record(r, &n);
    int rc = emit_partial(r, p, n, r->rec_start + n, err);
    r->view = NULL;
    r->rec.len = 0;
    return rc;
}

/* Copy a record that still lies in the caller's chunk into r->rec: before the chunk goes
 * away, or before a line from elsewhere is added to it. */
static int keep_record(struct qsp_records *r, struct qs_error *err)
{
    if (r->has_rec && r->view) {
        r->rec.len = 0;
        if (qsp_buf_append(&r->rec, r->view, r->view_len))
            return fail(r, qsp_error(err, QS_ENOMEM, "out of memory holding a record"));
    }
    r->view = NULL;
    return 0;
}

/* The current record is complete: hand it on, or close its pass-through pieces. Called
 * when the next record starts, at finish, and in lines mode at each newline (a query.log
 * line must not wait for the next statement). */
static int end_record(struct qsp_records *r, struct qs_error *err)
{
    return r->passthrough ? end_passthrough(r, err) : emit_record(r, err);
}

/* One line, complete (ends in '\n') or final (at finish), classified and placed. in_chunk
 * says it lies in the caller's chunk (not in r->line), so it may be used in place. */
static int process_line(struct qsp_records *r, const char *line, size_t len, int in_chunk,
                        struct qs_error *err)
{
    struct qsp_prefix pf;
    int start = is_start(r, line, len, &pf, err);
    if (start < 0)
        return start;
    int rc = 0;
    if (start) {
        rc = end_record(r, err);
        if (rc)
            return rc;
        r->pf = pf;
    }
    if (r->passthrough) {
        rc = emit_partial(r, line, len, r->in_off + len, err);
        r->in_off += len;
        return rc;
    }
    size_t total;
    if (!r->has_rec) {
        r->has_rec = 1;
        r->prefixed = start;
        if (!start) { /* lines before the first record: all message, no logger */
            memset(&r->pf, 0, sizeof r->pf);
            if (line[0] == '{' || line[0] == '[') /* JSON: a marker is inside a field */
                r->pf.msg_off = len;
        }
        r->rec_start = r->in_off;
        r->rec.len = 0;
        r->view = in_chunk ? line : NULL;
        r->view_len = len;
        if (!in_chunk && qsp_buf_append(&r->rec, line, len))
            return fail(r, qsp_error(err, QS_ENOMEM, "out of memory holding a record"));
        total = len;
    } else if (r->view && in_chunk && line == r->view + r->view_len) {
        r->view_len += len;
        total = r->view_len;
    } else {
        if (keep_record(r, err) || qsp_buf_append(&r->rec, line, len))
            return fail(r, qsp_error(err, QS_ENOMEM, "out of memory holding a record"));
        total = r->rec.len;
    }
    r->in_off += len;
    if (total > r->max_record)
        rc = start_passthrough(r, err);
    if (!rc && r->lines && line[len - 1] == '\n')
        rc = end_record(r, err);
    return rc;
}

/* The carried line has outgrown the limit without a newline: classify it by what it has,
 * then stream it (and the rest of the physical line) out unsplit. */
static int spill_line(struct qsp_records *r, struct qs_error *err)
{
    struct qsp_prefix pf;
    int start = is_start(r, r->line.data, r->line.len, &pf, err);
    if (start < 0)
        return start;
    int rc = 0;
    if (start)
        rc = end_record(r, err);
    else if (!r->passthrough && r->has_rec)
        rc = start_passthrough(r, err);
    if (rc)
        return rc;
    r->passthrough = 1;
    r->line_spill = 1;
    rc = emit_partial(r, r->line.data, r->line.len, r->in_off + r->line.len, err);
    r->in_off += r->line.len;
    r->line.len = 0;
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

int qsp_records_feed(struct qsp_records *r, const char *data, size_t len, struct qs_error *err)
{
    const char *p = data, *end = p + len;
    const unsigned char *first = r->first;
    r->bytes_in += len;
    int rc = 0;
    while (p < end && !rc) {
        if (r->view && !r->line.len && p == r->view + r->view_len &&
            !may_start(first, p, end)) {
            /* Continuation lines of a record in place: taken together, as process_line
             * would take them one by one, unless they would cross the record limit. */
            size_t n = (size_t)(skip_continuations(p, end, first) - p);
            if (n && r->view_len + n <= r->max_record) {
                r->view_len += n;
                r->in_off += n;
                p += n;
                continue;
            }
        }
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl + 1 - p) : (size_t)(end - p);
        if (r->line_spill) {
            rc = emit_partial(r, p, n, r->in_off + n, err);
            r->in_off += n;
            if (nl) {
                r->line_spill = 0;
                if (!rc && r->lines)
                    rc = end_record(r, err);
            }
        } else if (r->line.len || !nl) {
            if (qsp_buf_append(&r->line, p, n))
                return fail(r, qsp_error(err, QS_ENOMEM, "out of memory holding a line"));
            if (nl) {
                rc = process_line(r, r->line.data, r->line.len, 0, err);
                r->line.len = 0;
            } else if (r->line.len > r->max_record) {
                /* Judged by the line alone, as a complete line would be: whether the
                 * held record is large must not depend on where a chunk ended. */
                rc = spill_line(r, err);
            }
        } else {
            rc = process_line(r, p, n, 1, err);
        }
        p += n;
    }
    /* The caller may reuse its buffer: a record still open must own its bytes. */
    if (!rc)
        rc = keep_record(r, err);
    return rc;
}

int qsp_records_flush(struct qsp_records *r, struct qs_error *err)
{
    if (r->passthrough && !r->line_spill)
        return end_passthrough(r, err);
    return emit_record(r, err);
}

int qsp_records_finish(struct qsp_records *r, struct qs_error *err)
{
    int rc = 0;
    if (r->line.len) {
        rc = process_line(r, r->line.data, r->line.len, 0, err);
        r->line.len = 0;
    }
    r->line_spill = 0;
    if (!rc)
        rc = end_record(r, err);
    return rc;
}

/* The size of struct qs_stats as QSPLIT_0.1 defined it: struct_size 0 means this.
 * Frozen: when a field is appended, write the 0.1 size here as a number (docs/abi.md). */
#define STATS_V01_SIZE sizeof(struct qs_stats)

void qsp_stats_copy(const struct qs_stats *all, struct qs_stats *st)
{
    struct qs_stats c = *all;
    c.struct_size = st->struct_size;
    size_t n = st->struct_size ? st->struct_size : STATS_V01_SIZE;
    memcpy(st, &c, n < sizeof c ? n : sizeof c);
}

/* ---- the public record reader ------------------------------------------------------ */

struct qs_records {
    struct qsp_records r;
    qs_record_fn fn;
    void *user;
    int finished;
};

/* A JSON event's time field in place (the splitter's split_json gives the same), read
 * only for records the JSON layout started: a text record costs nothing more. An escaped
 * value would need a copy; it is left NULL (no logger writes one). */
static void json_ts(const struct qsp_rec *rec, struct qs_record *out)
{
    struct qsp_json_event ev;
    if (qsp_json_event_scan(rec->data, qsp_json_first_line(rec->data, rec->len), &ev) &&
        ev.ts.len && !ev.ts.escaped) {
        out->ts = rec->data + ev.ts.off;
        out->ts_len = ev.ts.len;
    }
}

/* The public view of a record: its timestamp from the first line's fields. */
static int on_rec(void *user, const struct qsp_rec *rec, struct qs_error *err)
{
    struct qs_records *q = user;
    struct qs_record out = {.struct_size = sizeof out,
                            .data = rec->data,
                            .len = rec->len,
                            .end_offset = rec->end,
                            .flags = rec->flags & QS_REC_PARTIAL};
    if ((rec->flags & QSP_REC_PREFIXED) && rec->pf->layout == QSP_LAYOUT_JSON) {
        json_ts(rec, &out);
    } else if ((rec->flags & QSP_REC_PREFIXED) && rec->pf->ts_len) {
        out.ts = rec->data + rec->pf->ts_off;
        out.ts_len = rec->pf->ts_len;
    }
    if (q->fn && q->fn(q->user, &out) != 0)
        return qsp_error(err, QS_ECALLBACK, "record callback stopped the record reader");
    return 0;
}

int qs_records_new(struct qs_records **out, const struct qs_config *cfg, unsigned flags,
                   qs_record_fn fn, void *user, struct qs_error *err)
{
    if (out)
        *out = NULL;
    if (!out || !cfg)
        return qsp_error(err, QS_EINVAL, "qs_records_new: NULL argument");
    if (flags & ~QS_RECORDS_LINES)
        return qsp_error(err, QS_EINVAL, "qs_records_new: unknown flags 0x%x",
                         flags & ~QS_RECORDS_LINES);
    struct qs_records *q = calloc(1, sizeof *q);
    if (!q)
        return qsp_error(err, QS_ENOMEM, "qs_records_new: out of memory");
    int rc = qsp_records_init(&q->r, cfg->recpat, cfg->max_record, flags, on_rec, q, err);
    if (rc) {
        qs_records_free(&q);
        return rc;
    }
    q->fn = fn;
    q->user = user;
    *out = q;
    return 0;
}

void qs_records_free(struct qs_records **qp)
{
    if (!qp || !*qp)
        return;
    qsp_records_destroy(&(*qp)->r);
    free(*qp);
    *qp = NULL;
}

/* The checks every call makes: the reader stops at its first error, and finish ends it. */
static int usable(struct qs_records *q, const char *fn, int after_finish, struct qs_error *err)
{
    if (!q)
        return qsp_error(err, QS_EINVAL, "%s: NULL argument", fn);
    if (q->r.failed)
        return qsp_error(err, q->r.failed, "record reader stopped after an earlier error");
    if (q->finished && !after_finish)
        return qsp_error(err, QS_ESTATE, "%s after qs_records_finish", fn);
    return 0;
}

int qs_records_feed(struct qs_records *q, const void *data, size_t len, struct qs_error *err)
{
    int rc = usable(q, "qs_records_feed", 0, err);
    if (!rc && !data && len)
        rc = qsp_error(err, QS_EINVAL, "qs_records_feed: NULL argument");
    return rc ? rc : qsp_records_feed(&q->r, data, len, err);
}

int qs_records_flush(struct qs_records *q, struct qs_error *err)
{
    int rc = usable(q, "qs_records_flush", 1, err);
    return rc ? rc : qsp_records_flush(&q->r, err);
}

int qs_records_finish(struct qs_records *q, struct qs_error *err)
{
    int rc = usable(q, "qs_records_finish", 1, err);
    if (rc || q->finished)
        return rc;
    q->finished = 1;
    return qsp_records_finish(&q->r, err);
}

void qs_records_get_stats(const struct qs_records *q, struct qs_stats *st)
{
    if (q && st) {
        struct qs_stats all = {
            .bytes_in = q->r.bytes_in, .records = q->r.records, .oversized = q->r.oversized};
        qsp_stats_copy(&all, st);
    }
}
