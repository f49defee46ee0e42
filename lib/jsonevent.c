/* jsonevent.c — reading one JSON log event: the scanner (jsonscan.c) checks the whole line
 * and reports its members; this file knows which keys name the fields the splitter needs
 * and notes where they lie (the console keeps every byte outside the message value, so
 * offsets are what is needed). */
#include <string.h>

#include "jsonevent.h"

/* 64 levels of nesting, each value counted as jansson counts it (the event object is 1). */
#define MAX_DEPTH 64

/* An event's keys are read as written: an escaped key ("mess\u0061ge") names no field. */
static int key_is(const char *s, const struct qsp_json_field *k, const char *name)
{
    return !k->escaped && qsp_json_key_is(s, k, name);
}

struct event_scan {
    struct qsp_json_event *ev;
    struct { /* the top-level "message" [0] and "msg" [1] keys */
        int count, is_string;
        size_t start, end;
        struct qsp_json_field f;
    } cand[2];
};

/* The field of the event a key names, or NULL. level 1: inside a top-level "log" object
 * (ECS nested: {"log":{"logger":…}}). */
static struct qsp_json_field *slot(struct qsp_json_event *ev, const char *s,
                                   const struct qsp_json_member *m)
{
    const struct qsp_json_field *k = &m->key;
    if (m->level == 1)
        return key_is(s, m->parent, "log") && key_is(s, k, "logger") && !ev->logger.len
                   ? &ev->logger
                   : NULL;
    /* logstash-logback-encoder, its renamed fields, logback's JsonEncoder, ECS (dotted) */
    if (key_is(s, k, "logger_name") || key_is(s, k, "logger") || key_is(s, k, "loggerName") ||
        key_is(s, k, "log.logger"))
        return &ev->logger;
    if (key_is(s, k, "thread_name") || key_is(s, k, "thread") || key_is(s, k, "threadName") ||
        key_is(s, k, "process.thread.name"))
        return &ev->thread;
    if (key_is(s, k, "@timestamp") || key_is(s, k, "timestamp") || key_is(s, k, "time"))
        return &ev->ts;
    return NULL;
}

/* The scanner's report of one member: the message candidates and the other fields. */
static void member(void *ctx, const char *s, const struct qsp_json_member *m)
{
    struct event_scan *e = ctx;
    int which = m->level != 0                   ? -1
                : key_is(s, &m->key, "message") ? 0
                : key_is(s, &m->key, "msg")     ? 1
                                                : -1;
    if (which >= 0) {
        /* "message" wins over "msg"; either given twice is ambiguous (readers differ on
         * which one counts), and so is a message that is not a string */
        e->cand[which].count++;
        e->cand[which].start = m->start;
        e->cand[which].end = m->end;
        e->cand[which].f = m->val;
        e->cand[which].is_string = m->type == QSP_JSON_STRING;
    } else if (m->type == QSP_JSON_STRING || m->type == QSP_JSON_NUMBER) {
        struct qsp_json_field *f = slot(e->ev, s, m);
        /* a number only as a timestamp (JsonEncoder's epoch milliseconds); the first key
         * of a kind wins */
        if (f && !f->len && (m->type == QSP_JSON_STRING || f == &e->ev->ts))
            *f = m->val;
    }
}

int qsp_json_event_scan(const char *line, size_t n, struct qsp_json_event *ev)
{
    memset(ev, 0, sizeof *ev);
    struct event_scan e = {.ev = ev};
    /* members of the top-level "log" object too (level 1), for ECS's nested logger */
    const struct qsp_json_scanner sc = {
        .max_depth = MAX_DEPTH, .levels = 2, .member = member, .ctx = &e};
    if (!qsp_json_scan(&sc, line, n))
        goto no;
    int w = e.cand[0].count ? 0 : 1;
    if (e.cand[w].count != 1 || !e.cand[w].is_string)
        goto no;
    ev->msg_start = e.cand[w].start;
    ev->msg_end = e.cand[w].end;
    ev->msg = e.cand[w].f;
    return 1;
no:
    memset(ev, 0, sizeof *ev);
    return 0;
}

size_t qsp_json_first_line(const char *r, size_t n)
{
    const char *nl = memchr(r, '\n', n);
    if (!nl)
        return n;
    size_t k = (size_t)(nl - r);
    return k && r[k - 1] == '\r' ? k - 1 : k;
}
