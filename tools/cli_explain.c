/* cli_explain.c — `qsplit split --explain`: for the first records of a log, which layout
 * and which recognizer the core used, and why a record was left alone. What a user reads
 * before reaching for --pattern, --sql-logger or --sql-regex. Writes no console and no
 * query.log. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define SAMPLE_BYTES (4u << 20) /* the records in the first 4 MiB are explained */
#define SHOWN_FIRST 8           /* records shown in full from the start */
#define SHOWN_MAX 40            /* and the first of each new layout / outcome, up to this */
#define KINDS_MAX 64            /* distinct layouts, recognizers and reasons tallied */

struct tally {
    char name[128];
    unsigned long count;
};

struct explain_run {
    struct qsp_buf ends; /* the end offset (uint64_t) of each record in the sample */
    size_t n;
    int failed;
};

static int on_record(void *user, const struct qs_output *o)
{
    struct explain_run *r = user;
    if (o->flags & QS_OUT_PARTIAL)
        return 0; /* an oversized record: its closing piece gives its end */
    if (qsp_buf_append(&r->ends, &o->end_offset, sizeof o->end_offset) != 0) {
        r->failed = 1;
        return 1;
    }
    r->n++;
    return 0;
}

static uint64_t end_of(const struct explain_run *r, size_t i)
{
    uint64_t e;
    memcpy(&e, r->ends.data + i * sizeof e, sizeof e);
    return e;
}

/* Count name in t; returns 1 the first time it is seen. */
static int count(struct tally *t, size_t *nt, const char *name)
{
    for (size_t i = 0; i < *nt; i++)
        if (strcmp(t[i].name, name) == 0) {
            t[i].count++;
            return 0;
        }
    if (*nt == KINDS_MAX) /* the last slot takes the rest */
        return 0;
    snprintf(t[*nt].name, sizeof t[*nt].name, "%s", name);
    t[(*nt)++].count = 1;
    return 1;
}

/* Print bytes as a quoted, escaped string, cut to at most max bytes. */
static void quoted(const char *s, size_t n, size_t max)
{
    putchar('"');
    for (size_t i = 0; i < n && i < max; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c == '\n')
            fputs("\\n", stdout);
        else if (c == '\r')
            fputs("\\r", stdout);
        else if (c == '\t')
            fputs("\\t", stdout);
        else if (c == 0x1b)
            fputs("\\e", stdout);
        else if (c < 0x20 || c == 0x7f)
            printf("\\x%02x", c);
        else
            putchar(c);
    }
    putchar('"');
    if (n > max)
        fputs("…", stdout);
}

static void field(const char *name, const char *rec, size_t off, size_t len)
{
    if (!len)
        return;
    printf(" %s=", name);
    quoted(rec + off, len, 60);
}

static void show(size_t index, uint64_t start, const char *rec, size_t len,
                 const struct qs_explain *x, int split)
{
    size_t lines = 0;
    for (const char *p = rec; (p = memchr(p, '\n', (size_t)(rec + len - p))) != NULL; p++)
        lines++;
    if (len && rec[len - 1] != '\n')
        lines++;
    printf("record %zu: bytes %llu-%llu, %zu line%s\n", index + 1, (unsigned long long)start,
           (unsigned long long)(start + len), lines, lines == 1 ? "" : "s");
    if (!x->layout[0]) {
        fputs("  layout     none: ", stdout);
        quoted(rec, len, 70);
        printf("\n  left alone %s\n", x->why);
        return;
    }
    printf("  layout     %s\n  fields    ", x->layout);
    field("ts", rec, x->ts_off, x->ts_len);
    field("level", rec, x->level_off, x->level_len);
    field("thread", rec, x->thread_off, x->thread_len);
    field("logger", rec, x->logger_off, x->logger_len);
    if (!x->ts_len && !x->level_len && !x->thread_len && !x->logger_len)
        fputs(" (none: the whole line is the message)", stdout);
    fputs("\n  message    ", stdout);
    size_t end = len;
    if (end && rec[end - 1] == '\n')
        end--;
    quoted(rec + x->msg_off, x->msg_off <= end ? end - x->msg_off : 0, 70);
    if (split) {
        printf("\n  split by   %s: SQL ", x->recognizer);
        quoted(rec + x->sql_off, x->sql_len, 70);
        printf(" (%zu bytes)\n", x->sql_len);
        if (x->line_comment)
            fputs(
                "  note       logged on one line with a -- comment: the comment swallows the "
                "rest of the statement, so statements that differ after it share a QHash "
                "(docs/qhash.md)\n",
                stdout);
    } else {
        printf("\n  left alone %s\n", x->why);
    }
}

static void print_tally(const char *title, const struct tally *t, size_t nt)
{
    if (!nt)
        return;
    printf("%s\n", title);
    for (size_t i = 0; i < nt; i++)
        printf("  %8lu  %s\n", t[i].count, t[i].name);
}

int cli_explain(const struct qs_config *cfg, int in, const char *in_name)
{
    char *buf = malloc(SAMPLE_BYTES);
    struct explain_run run = {0};
    struct qs_splitter *sp = NULL;
    struct qs_error err = QS_ERROR_INIT;
    int status = 1;
    size_t len = 0;
    if (!buf) {
        cli_error("out of memory");
        return 1;
    }
    while (len < SAMPLE_BYTES) {
        ssize_t got = read(in, buf + len, SAMPLE_BYTES - len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            cli_syserror(errno, "%s: read failed", in_name);
            goto done;
        }
        if (got == 0)
            break;
        len += (size_t)got;
    }
    int more = 0;
    if (len == SAMPLE_BYTES) { /* the sample ends at the last whole line */
        char one;
        more = read(in, &one, 1) == 1;
        const char *nl = memrchr(buf, '\n', len);
        if (more && nl)
            len = (size_t)(nl + 1 - buf);
    }
    if (qs_splitter_new(&sp, cfg, on_record, &run, &err) ||
        qs_splitter_feed(sp, buf, len, &err) || qs_splitter_finish(sp, &err)) {
        cli_error("%s: %s", in_name, run.failed ? "out of memory" : err.text);
        goto done;
    }
    struct tally layouts[KINDS_MAX], outcomes[KINDS_MAX];
    size_t nl = 0, no = 0, shown = 0, split = 0, comments = 0;
    uint64_t start = 0;
    for (size_t i = 0; i < run.n; i++) {
        const char *rec = buf + start;
        size_t rlen = (size_t)(end_of(&run, i) - start);
        struct qs_explain x;
        int rc = qs_config_explain(cfg, rec, rlen, &x, &err);
        if (rc < 0) {
            cli_error("%s: %s", in_name, err.text);
            goto done;
        }
        split += (size_t)rc;
        comments += rc > 0 && x.line_comment;
        char outcome[160];
        snprintf(outcome, sizeof outcome, "%s%s",
                 rc ? "split by " : "left alone: ", rc ? x.recognizer : x.why);
        int new_layout = count(layouts, &nl, x.layout[0] ? x.layout : "(no record prefix)");
        int new_outcome = count(outcomes, &no, outcome);
        if (shown < SHOWN_MAX && (i < SHOWN_FIRST || new_layout || new_outcome)) {
            show(i, start, rec, rlen, &x, rc);
            shown++;
        }
        start = end_of(&run, i);
    }
    printf("\n%s: %s%zu bytes, %zu records, %zu would be split\n", in_name,
           more ? "the first " : "", len, run.n, split);
    if (comments)
        printf("%zu of them logged on one line with a -- comment that swallows the rest of "
               "the statement (docs/qhash.md)\n",
               comments);
    print_tally("layouts (the first line of each record):", layouts, nl);
    print_tally("outcomes:", outcomes, no);
    if (fflush(stdout) != 0) {
        cli_syserror(errno, "(stdout): write failed");
        goto done;
    }
    status = 0;
done:
    qs_splitter_free(&sp);
    qsp_buf_free(&run.ends);
    free(buf);
    return status;
}
