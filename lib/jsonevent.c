/* jsonevent.c — reading one JSON log event: a strict RFC 8259 scan of the whole line that
 * notes where the fields the splitter needs lie, without building the document (the
 * console keeps every byte outside the message value, so offsets are what is needed). */
#include <string.h>

#include "jsonevent.h"

#define MAX_DEPTH 64

struct scan {
    const char *s;
    size_t n, i;
    struct qsp_json_event *ev;
    struct { /* the top-level "message" [0] and "msg" [1] keys */
        int count, is_string;
        size_t start, end;
        struct qsp_json_field f;
    } cand[2];
};

static void skip_ws(struct scan *c)
{
    while (c->i < c->n && (c->s[c->i] == ' ' || c->s[c->i] == '\t' || c->s[c->i] == '\n' ||
                           c->s[c->i] == '\r'))
        c->i++;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9'                     ? c - '0'
           : (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ? (c | 0x20) - 'a' + 10
                                                    : -1;
}

static int hex4(const char *p, size_t n, size_t i, unsigned *v)
{
    if (i + 4 > n)
        return 0;
    unsigned x = 0;
    for (int k = 0; k < 4; k++) {
        int h = hexval(p[i + (size_t)k]);
        if (h < 0)
            return 0;
        x = x * 16 + (unsigned)h;
    }
    *v = x;
    return 1;
}

/* A string whose opening quote is at s[i]: *f gets its contents; 0 when malformed (a raw
 * control byte, a bad escape, no closing quote). */
static int string(struct scan *c, struct qsp_json_field *f)
{
    size_t i = ++c->i;
    int esc = 0;
    while (i < c->n) {
        unsigned char b = (unsigned char)c->s[i];
        if (b == '"')
            break;
        if (b < 0x20)
            return 0;
        if (b == '\\') {
            esc = 1;
            if (++i >= c->n)
                return 0;
            unsigned u;
            switch (c->s[i]) {
            case '"':
            case '\\':
            case '/':
            case 'b':
            case 'f':
            case 'n':
            case 'r':
            case 't': break;
            case 'u':
                if (!hex4(c->s, c->n, i + 1, &u))
                    return 0;
                i += 4;
                break;
            default: return 0;
            }
        }
        i++;
    }
    if (i >= c->n)
        return 0;
    if (f) {
        f->off = c->i;
        f->len = i - c->i;
        f->escaped = esc;
    }
    c->i = i + 1;
    return 1;
}

static int digits(struct scan *c)
{
    size_t b = c->i;
    while (c->i < c->n && c->s[c->i] >= '0' && c->s[c->i] <= '9')
        c->i++;
    return c->i > b;
}

static int number(struct scan *c, struct qsp_json_field *f)
{
    size_t b = c->i;
    if (c->s[c->i] == '-')
        c->i++;
    if (c->i < c->n && c->s[c->i] == '0')
        c->i++;
    else if (!digits(c))
        return 0;
    if (c->i < c->n && c->s[c->i] == '.') {
        c->i++;
        if (!digits(c))
            return 0;
    }
    if (c->i < c->n && (c->s[c->i] | 0x20) == 'e') {
        c->i++;
        if (c->i < c->n && (c->s[c->i] == '+' || c->s[c->i] == '-'))
            c->i++;
        if (!digits(c))
            return 0;
    }
    if (f) {
        f->off = b;
        f->len = c->i - b;
        f->escaped = 0;
    }
    return 1;
}

static int literal(struct scan *c, const char *w)
{
    size_t l = strlen(w);
    if (c->n - c->i < l || memcmp(c->s + c->i, w, l) != 0)
        return 0;
    c->i += l;
    return 1;
}

static int value(struct scan *c, int depth, struct qsp_json_field *f, int *is_string);

/* Is the key k[0..len) (raw contents) the literal name? */
static int key_is(const char *s, const struct qsp_json_field *k, const char *name)
{
    size_t l = strlen(name);
    return !k->escaped && k->len == l && memcmp(s + k->off, name, l) == 0;
}

/* The field of the event a key names, or NULL. where: 0 at the top, 1 inside a top-level
 * "log" object (ECS nested: {"log":{"logger":…}}). */
static struct qsp_json_field *slot(struct scan *c, const struct qsp_json_field *k, int where)
{
    struct qsp_json_event *ev = c->ev;
    const char *s = c->s;
    if (where == 1)
        return key_is(s, k, "logger") && !ev->logger.len ? &ev->logger : NULL;
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

/* An object whose '{' is at s[i]. top: the event itself (its keys are read); log: the
 * top-level "log" object. */
/* After a member or element: 1 at the closing bracket (consumed), 0 after a comma (and the
 * blanks after it), -1 on anything else or at the end of the line. */
static int list_next(struct scan *c, char close)
{
    skip_ws(c);
    if (c->i >= c->n)
        return -1;
    if (c->s[c->i] == close) {
        c->i++;
        return 1;
    }
    if (c->s[c->i] != ',')
        return -1;
    c->i++;
    skip_ws(c);
    return 0;
}

static int object(struct scan *c, int depth, int where)
{
    c->i++;
    skip_ws(c);
    if (c->i < c->n && c->s[c->i] == '}') {
        c->i++;
        return 1;
    }
    for (;;) {
        struct qsp_json_field k;
        if (c->i >= c->n || c->s[c->i] != '"' || !string(c, &k))
            return 0;
        skip_ws(c);
        if (c->i >= c->n || c->s[c->i] != ':')
            return 0;
        c->i++;
        skip_ws(c);
        if (c->i >= c->n)
            return 0;
        size_t vstart = c->i;
        struct qsp_json_field v = {0, 0, 0};
        int is_string = 0;
        if (where == 0 && key_is(c->s, &k, "log") && c->s[c->i] == '{') {
            if (depth + 1 > MAX_DEPTH || !object(c, depth + 1, 1))
                return 0;
        } else if (!value(c, depth, &v, &is_string)) {
            return 0;
        }
        int which = where != 0                    ? -1
                    : key_is(c->s, &k, "message") ? 0
                    : key_is(c->s, &k, "msg")     ? 1
                                                  : -1;
        if (which >= 0) {
            /* "message" wins over "msg"; either given twice is ambiguous (readers differ
             * on which one counts), and so is a message that is not a string */
            c->cand[which].count++;
            c->cand[which].start = vstart;
            c->cand[which].end = c->i;
            c->cand[which].f = v;
            c->cand[which].is_string = is_string;
        } else if (is_string || (v.len && c->s[vstart] != '"')) {
            struct qsp_json_field *f = slot(c, &k, where);
            /* a number only as a timestamp (JsonEncoder's epoch milliseconds); the first
             * key of a kind wins */
            if (f && !f->len && (is_string || f == &c->ev->ts))
                *f = v;
        }
        int r = list_next(c, '}');
        if (r)
            return r > 0;
    }
}

static int array(struct scan *c, int depth)
{
    c->i++;
    skip_ws(c);
    if (c->i < c->n && c->s[c->i] == ']') {
        c->i++;
        return 1;
    }
    for (;;) {
        int is_string;
        if (!value(c, depth, NULL, &is_string))
            return 0;
        int r = list_next(c, ']');
        if (r)
            return r > 0;
    }
}

/* Any value at s[i] (no blanks before it). Nested objects are not read for fields. */
static int value(struct scan *c, int depth, struct qsp_json_field *f, int *is_string)
{
    *is_string = 0;
    if (c->i >= c->n)
        return 0;
    switch (c->s[c->i]) {
    case '"': *is_string = 1; return string(c, f);
    case '{': return depth + 1 <= MAX_DEPTH && object(c, depth + 1, 2);
    case '[': return depth + 1 <= MAX_DEPTH && array(c, depth + 1);
    case 't': return literal(c, "true");
    case 'f': return literal(c, "false");
    case 'n': return literal(c, "null");
    default:
        return (c->s[c->i] == '-' || (c->s[c->i] >= '0' && c->s[c->i] <= '9')) && number(c, f);
    }
}

int qsp_json_event_scan(const char *line, size_t n, struct qsp_json_event *ev)
{
    memset(ev, 0, sizeof *ev);
    struct scan c = {.s = line, .n = n, .ev = ev};
    if (!line || !n || line[0] != '{' || !object(&c, 1, 0))
        goto no;
    skip_ws(&c);
    if (c.i != n)
        goto no;
    int w = c.cand[0].count ? 0 : 1;
    if (c.cand[w].count != 1 || !c.cand[w].is_string)
        goto no;
    ev->msg_start = c.cand[w].start;
    ev->msg_end = c.cand[w].end;
    ev->msg = c.cand[w].f;
    return 1;
no:
    memset(ev, 0, sizeof *ev);
    return 0;
}

/* One character of escaped contents at p[i]: its decoded bytes into o (at most 4, never
 * more than the raw bytes taken), their count into *k; returns the raw bytes taken. */
static size_t step(const char *p, size_t n, size_t i, char *o, size_t *k)
{
    if (p[i] != '\\' || i + 1 >= n) {
        o[0] = p[i];
        *k = 1;
        return 1;
    }
    char e = p[i + 1];
    unsigned u, lo;
    *k = 1;
    switch (e) {
    case 'b': o[0] = '\b'; return 2;
    case 'f': o[0] = '\f'; return 2;
    case 'n': o[0] = '\n'; return 2;
    case 'r': o[0] = '\r'; return 2;
    case 't': o[0] = '\t'; return 2;
    case '"':
    case '\\':
    case '/': o[0] = e; return 2;
    case 'u': break;
    default:
        o[0] = '\\';
        o[1] = e;
        *k = 2;
        return 2;
    }
    if (!hex4(p, n, i + 2, &u)) {
        o[0] = '\\';
        o[1] = 'u';
        *k = 2;
        return 2;
    }
    size_t took = 6;
    if (u >= 0xd800 && u < 0xdc00 && i + 7 < n && p[i + 6] == '\\' && p[i + 7] == 'u' &&
        hex4(p, n, i + 8, &lo) && lo >= 0xdc00 && lo < 0xe000) {
        u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
        took = 12;
    } else if (u >= 0xd800 && u < 0xe000) {
        u = 0xfffd; /* a lone surrogate: no character, the U+FFFD policy */
    }
    if (u < 0x80) {
        o[0] = (char)u;
    } else if (u < 0x800) {
        o[0] = (char)(0xc0 | u >> 6);
        o[1] = (char)(0x80 | (u & 0x3f));
        *k = 2;
    } else if (u < 0x10000) {
        o[0] = (char)(0xe0 | u >> 12);
        o[1] = (char)(0x80 | ((u >> 6) & 0x3f));
        o[2] = (char)(0x80 | (u & 0x3f));
        *k = 3;
    } else {
        o[0] = (char)(0xf0 | u >> 18);
        o[1] = (char)(0x80 | ((u >> 12) & 0x3f));
        o[2] = (char)(0x80 | ((u >> 6) & 0x3f));
        o[3] = (char)(0x80 | (u & 0x3f));
        *k = 4;
    }
    return took;
}

size_t qsp_json_unescape(const char *p, size_t n, char *out)
{
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        const char *bs = memchr(p + i, '\\', n - i);
        size_t run = bs ? (size_t)(bs - (p + i)) : n - i;
        memmove(out + k, p + i, run);
        k += run;
        i += run;
        if (i < n) {
            size_t m;
            i += step(p, n, i, out + k, &m);
            k += m;
        }
    }
    return k;
}

size_t qsp_json_raw_offset(const char *p, size_t n, size_t dec_off)
{
    size_t i = 0, k = 0;
    char o[4];
    while (i < n && k < dec_off) {
        size_t m;
        i += step(p, n, i, o, &m);
        k += m;
    }
    return i;
}

size_t qsp_json_first_line(const char *r, size_t n)
{
    const char *nl = memchr(r, '\n', n);
    if (!nl)
        return n;
    size_t k = (size_t)(nl - r);
    return k && r[k - 1] == '\r' ? k - 1 : k;
}
