/* explain.c — what the splitter makes of one record, told for `qsplit split --explain`:
 * the layout its first line matched, the fields read from it, and which recognizer took
 * the message, or why none did. Slow path: it builds its own match state on each call. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "error.h"
#include "jsonevent.h"

/* As the splitter counts collapsed_comments: a statement logged on one line (its line
 * breaks collapsed) that holds a `--` comment, which swallows the rest of the statement. */
static int line_comment(const struct qsp_sql_span *sp, const char *msg)
{
    for (size_t i = 0; i < sp->n; i++) {
        const struct qsp_stmt *t = &sp->stmt[i];
        if (t->collapsed && qsp_sql_has_line_comment(msg + t->sql_off, t->sql_len))
            return 1;
    }
    return 0;
}

static int ws(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Does m[i..n) open with word (any case) followed by a blank? Then *i is past the blanks. */
static int word_at(const char *m, size_t n, size_t *i, const char *word)
{
    size_t l = strlen(word), j = *i;
    if (n - j <= l || strncasecmp(m + j, word, l) != 0 || !ws(m[j + l]))
        return 0;
    for (j += l; j < n && ws(m[j]);)
        j++;
    *i = j;
    return 1;
}

/* Does the message open like a statement ("select …", "insert into", "delete from",
 * "update … set")? Then a missing recognizer is the likely cause. HTTP's "DELETE /api"
 * is not. */
static int looks_like_sql(const char *m, size_t n)
{
    static const char *const verbs[] = {"select", "with", "merge", "call",
                                        "create", "drop", "alter"};
    size_t i = 0;
    while (i < n && ws(m[i]))
        i++;
    for (size_t v = 0; v < sizeof verbs / sizeof verbs[0]; v++)
        if (word_at(m, n, &i, verbs[v]))
            return 1;
    size_t j = i;
    if ((word_at(m, n, &j, "insert") && word_at(m, n, &j, "into")) ||
        (j = i, word_at(m, n, &j, "delete") && word_at(m, n, &j, "from")))
        return 1;
    j = i;
    if (!word_at(m, n, &j, "update"))
        return 0;
    while (j < n && !ws(m[j])) /* the table */
        j++;
    while (j < n && ws(m[j]))
        j++;
    return word_at(m, n, &j, "set");
}

/* A JSON event, as split.c's split_json takes it: the message decoded and given to the
 * recognizers with the event's logger. Offsets in *out are of the raw line. */
static int explain_json(const struct qs_config *cfg, struct qsp_detect_ctx *dc,
                        const char *record, size_t len, struct qs_explain *out,
                        struct qs_error *err)
{
    size_t term = 0;
    if (len > 0 && record[len - 1] == '\n')
        term = (len > 1 && record[len - 2] == '\r') ? 2 : 1;
    out->msg_off = len - term;
    struct qsp_json_event ev;
    if (!qsp_json_event_scan(record, qsp_json_first_line(record, len - term), &ev)) {
        out->why = "a JSON line that is not one JSON object with one string \"message\": "
                   "left as it is";
        return 0;
    }
    out->msg_off = ev.msg.off;
    out->logger_off = ev.logger.off;
    out->logger_len = ev.logger.len;
    out->thread_off = ev.thread.off;
    out->thread_len = ev.thread.len;
    out->ts_off = ev.ts.off;
    out->ts_len = ev.ts.len;
    char *msg = malloc(ev.msg.len + ev.logger.len + 1);
    if (!msg)
        return qsp_error(err, QS_ENOMEM, "qs_config_explain: out of memory");
    size_t mn = qsp_json_unescape(record + ev.msg.off, ev.msg.len, msg);
    char *logger = msg + mn;
    size_t ln = qsp_json_unescape(record + ev.logger.off, ev.logger.len, logger);
    struct qsp_sql_span sp;
    int rc = qsp_detect(cfg->detector, dc, logger, ln, msg, mn, &sp);
    if (rc < 0) {
        qsp_error(err, rc, "SQL detection failed");
    } else if (rc == 0) {
        out->why = looks_like_sql(msg, mn) ? "a JSON event whose message looks like SQL, but "
                                             "no recognizer knows it: --sql-logger LOGGER or "
                                             "--sql-regex"
                                           : "a JSON event: no recognizer found SQL in its "
                                             "message";
    } else {
        const char *m = record + ev.msg.off;
        size_t from = qsp_json_raw_offset(m, ev.msg.len, sp.sql_off);
        snprintf(out->recognizer, sizeof out->recognizer, "%s", qsp_sql_kind_name(sp.kind));
        out->keep_len = ev.msg.off + qsp_json_raw_offset(m, ev.msg.len, sp.keep_len);
        out->sql_off = ev.msg.off + from;
        out->sql_len = qsp_json_raw_offset(m, ev.msg.len, sp.sql_off + sp.sql_len) - from;
        out->line_comment = line_comment(&sp, msg);
    }
    free(msg);
    return rc;
}

int qs_config_explain(const struct qs_config *cfg, const char *record, size_t len,
                      struct qs_explain *out, struct qs_error *err)
{
    if (!cfg || !out || (!record && len))
        return qsp_error(err, QS_EINVAL, "qs_config_explain: NULL argument");
    memset(out, 0, sizeof *out);
    if (!record)
        record = "";
    struct qsp_recmatch *rm = NULL;
    struct qsp_detect_ctx *dc = NULL;
    int rc = qsp_recmatch_new(&rm, cfg->recpat, err);
    if (!rc)
        rc = qsp_detect_ctx_new(&dc, cfg->detector, err);
    if (rc)
        goto done;
    /* The first line as the splitter sees it: without '\n', cut at the record limit. */
    const char *nl = memchr(record, '\n', len);
    size_t first = nl ? (size_t)(nl - record) : len;
    if (first > cfg->max_record)
        first = cfg->max_record;
    struct qsp_prefix pf;
    rc = qsp_recpat_match_shape(cfg->recpat, rm, record, first, &pf, out->layout,
                                sizeof out->layout);
    if (rc < 0) {
        qsp_error(err, rc, "record pattern failed");
        goto done;
    }
    if (rc == 0) {
        out->layout[0] = '\0';
        out->why = "no record prefix: lines before the first record, or a layout the "
                   "grammar does not know (docs/layouts.md; --pattern)";
        goto done;
    }
    out->ts_off = pf.ts_off;
    out->ts_len = pf.ts_len;
    out->level_off = pf.level_off;
    out->level_len = pf.level_len;
    out->thread_off = pf.thread_off;
    out->thread_len = pf.thread_len;
    out->logger_off = pf.logger_off;
    out->logger_len = pf.logger_len;
    if (len > cfg->max_record) {
        out->msg_off = pf.msg_off;
        out->why = "over --max-record: passed through unsplit";
        rc = 0;
        goto done;
    }
    if (pf.layout == QSP_LAYOUT_JSON) {
        rc = explain_json(cfg, dc, record, len, out, err);
        goto done;
    }
    /* As the splitter does: the message runs to the record's final line terminator. */
    size_t term = 0;
    if (len > 0 && record[len - 1] == '\n')
        term = (len > 1 && record[len - 2] == '\r') ? 2 : 1;
    size_t msg_off = pf.msg_off <= len - term ? pf.msg_off : len - term;
    out->msg_off = msg_off;
    struct qsp_sql_span sp;
    rc = qsp_detect(cfg->detector, dc, record + pf.logger_off, pf.logger_len, record + msg_off,
                    len - term - msg_off, &sp);
    if (rc < 0) {
        qsp_error(err, rc, "SQL detection failed");
        goto done;
    }
    if (rc == 0) {
        out->why = looks_like_sql(record + msg_off, len - term - msg_off)
                       ? "the message looks like SQL, but no recognizer knows it: "
                         "--sql-logger LOGGER or --sql-regex"
                       : "no recognizer found SQL in the message";
        goto done;
    }
    snprintf(out->recognizer, sizeof out->recognizer, "%s", qsp_sql_kind_name(sp.kind));
    out->keep_len = msg_off + sp.keep_len;
    out->sql_off = msg_off + sp.sql_off;
    out->sql_len = sp.sql_len;
    out->line_comment = line_comment(&sp, record + msg_off);
    rc = 1;
done:
    qsp_recmatch_free(&rm);
    qsp_detect_ctx_free(&dc);
    return rc;
}
