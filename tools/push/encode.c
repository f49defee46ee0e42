/* encode.c — a batch as Loki's push JSON (jansson), gzip'd (zlib). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <zlib.h>

#include "push.h"

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when the byte at s starts none. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    size_t need;
    unsigned min;
    if (c >= 0xc2 && c <= 0xdf)
        need = 2, min = 0x80;
    else if (c >= 0xe0 && c <= 0xef)
        need = 3, min = 0x800;
    else if (c >= 0xf0 && c <= 0xf4)
        need = 4, min = 0x10000;
    else
        return 0;
    if (n < need)
        return 0;
    unsigned cp = c & (0x7f >> need);
    for (size_t i = 1; i < need; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return need;
}

long push_utf8_repair(const char *s, size_t len, char **out, size_t *out_len)
{
    const unsigned char *u = (const unsigned char *)s;
    /* Each bad byte grows by at most 2 (1 byte -> EF BF BD). */
    char *o = malloc(len * 3 + 1);
    if (!o)
        return -1;
    size_t j = 0;
    long bad = 0;
    for (size_t i = 0; i < len;) {
        size_t k = utf8_seq(u + i, len - i);
        if (k) {
            memcpy(o + j, u + i, k);
            j += k;
            i += k;
        } else {
            memcpy(o + j, "\xef\xbf\xbd", 3);
            j += 3;
            i++;
            bad++;
        }
    }
    o[j] = '\0';
    *out = o;
    *out_len = j;
    return bad;
}

/* Bytes that need a look before being copied into a JSON string: control characters, '"',
 * '\\' (jansson escapes them) and non-ASCII (checked as UTF-8). */
static const unsigned char special[256] = {
    ['\0'] = 1, [1] = 1, [2] = 1, [3] = 1, [4] = 1, [5] = 1, [6] = 1, [7] = 1, [8] = 1,
    [9] = 1, [10] = 1, [11] = 1, [12] = 1, [13] = 1, [14] = 1, [15] = 1, [16] = 1, [17] = 1,
    [18] = 1, [19] = 1, [20] = 1, [21] = 1, [22] = 1, [23] = 1, [24] = 1, [25] = 1, [26] = 1,
    [27] = 1, [28] = 1, [29] = 1, [30] = 1, [31] = 1, ['"'] = 1, ['\\'] = 1,
#define HI8(b) [b] = 2, [b + 1] = 2, [b + 2] = 2, [b + 3] = 2, [b + 4] = 2, [b + 5] = 2, \
               [b + 6] = 2, [b + 7] = 2
#define HI32(b) HI8(b), HI8(b + 8), HI8(b + 16), HI8(b + 24)
    HI32(0x80), HI32(0xa0), HI32(0xc0), HI32(0xe0)
#undef HI8
#undef HI32
};

int push_buf_put(struct push_buf *b, const void *data, size_t len)
{
    if (b->len + len > b->cap) {
        size_t n = b->cap ? b->cap : 65536;
        while (n < b->len + len)
            n *= 2;
        char *q = realloc(b->p, n);
        if (!q)
            return -1;
        b->p = q;
        b->cap = n;
    }
    if (len)
        memcpy(b->p + b->len, data, len);
    b->len += len;
    return 0;
}

void push_buf_free(struct push_buf *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

static int dump_cb(const char *buf, size_t size, void *data)
{
    return push_buf_put(data, buf, size);
}

#define PUTS(d, lit) push_buf_put((d), (lit), sizeof(lit) - 1)

/* jansson's escape sequence for each byte that needs one, asked of jansson once: runs of
 * bytes that need none are copied as they are, which is what jansson itself writes for
 * them, without its per-character encoder (else the pusher's largest cost). */
struct escapes {
    int ready;
    unsigned char len[256];
    char seq[256][8];
};

static struct escapes escapes; /* written once, before the first entry; then only read */

static int escapes_init(struct escapes *e)
{
    for (int c = 0; c < 256; c++) {
        if (special[c] != 1)
            continue;
        char ch = (char)c, buf[16];
        json_t *j = json_stringn_nocheck(&ch, 1);
        size_t n = j ? json_dumpb(j, buf, sizeof buf, JSON_ENCODE_ANY) : 0;
        json_decref(j);
        if (n < 3 || n - 2 > sizeof e->seq[c])
            return -1;
        memcpy(e->seq[c], buf + 1, n - 2); /* without the quotes */
        e->len[c] = (unsigned char)(n - 2);
    }
    e->ready = 1;
    return 0;
}

/* 1 when none of the 8 bytes needs a look: no control character, '"', '\\' or non-ASCII
 * (the usual bit tricks: a byte below n, a byte equal to c, over a 64-bit word). */
static inline int plain8(const unsigned char *p)
{
    const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
    uint64_t x;
    memcpy(&x, p, 8);
    uint64_t q = x ^ (ones * '"'), b = x ^ (ones * '\\');
    uint64_t hit = ((x - ones * 0x20) & ~x) | ((q - ones) & ~q) | ((b - ones) & ~b) | x;
    return !(hit & high);
}

/* The JSON string of valid UTF-8 s; 1 (nothing written past out's old length) when s turns
 * out not to be valid UTF-8. */
static int put_valid_string(struct push_buf *d, const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t start = d->len, run = 0;
    if (PUTS(d, "\""))
        return -1;
    for (size_t i = 0; i < len;) {
        while (i + 8 <= len && plain8(u + i))
            i += 8;
        if (i >= len)
            break;
        unsigned char c = special[u[i]];
        if (!c) {
            i++;
        } else if (c == 1) {
            if (push_buf_put(d, s + run, i - run) ||
                push_buf_put(d, escapes.seq[u[i]], escapes.len[u[i]]))
                return -1;
            run = ++i;
        } else {
            size_t k = utf8_seq(u + i, len - i);
            if (!k) {
                d->len = start;
                return 1;
            }
            i += k;
        }
    }
    return push_buf_put(d, s + run, len - run) || PUTS(d, "\"") ? -1 : 0;
}

int push_json_entry(struct push_buf *out, int64_t ts_ns, const char *line, size_t len,
                    uint64_t *repaired)
{
    if (!escapes.ready && escapes_init(&escapes))
        return -1;
    /* Loki wants the nanoseconds as a string: a JSON number is a 400. Written by hand
     * because printf was a visible share of the cost per entry. */
    char ts[32], *p = ts + sizeof ts;
    uint64_t v = ts_ns > 0 ? (uint64_t)ts_ns : 0;
    *--p = ',';
    *--p = '"';
    do
        *--p = (char)('0' + v % 10);
    while (v /= 10);
    *--p = '"';
    *--p = '[';
    if (out->len)
        *--p = ',';
    size_t start = out->len;
    if (push_buf_put(out, p, (size_t)(ts + sizeof ts - p)))
        return -1;
    int rc = put_valid_string(out, line, len);
    if (rc == 1) {
        char *fixed;
        size_t flen;
        long bad = push_utf8_repair(line, len, &fixed, &flen);
        if (bad < 0)
            rc = -1;
        else {
            *repaired += (uint64_t)bad;
            rc = put_valid_string(out, fixed, flen) ? -1 : 0;
            free(fixed);
        }
    }
    if (rc || PUTS(out, "]")) {
        out->len = start;
        return -1;
    }
    return 0;
}

static json_t *stream_labels(const struct push_config *c, int query)
{
    json_t *l = json_object();
    if (!l)
        return NULL;
    for (int i = 0; i < c->nlabels; i++)
        if (json_object_set_new(l, c->labels[i].name, json_string(c->labels[i].value))) {
            json_decref(l);
            return NULL;
        }
    /* The console stream carries no query label: {query!="true"} selects it all the same. */
    if (query && json_object_set_new(l, "query", json_string("true"))) {
        json_decref(l);
        return NULL;
    }
    return l;
}

/* Deflate one piece of the body into out (gzip wrapper, level set at init). */
static int deflate_piece(z_stream *z, struct push_buf *out, const char *p, size_t len,
                         int flush)
{
    z->next_in = (Bytef *)(uintptr_t)p;
    z->avail_in = (uInt)len;
    for (;;) {
        if (out->cap - out->len < 65536) {
            size_t need = out->cap ? out->cap * 2 : 262144;
            char *q = realloc(out->p, need);
            if (!q)
                return -1;
            out->p = q;
            out->cap = need;
        }
        z->next_out = (Bytef *)out->p + out->len;
        z->avail_out = (uInt)(out->cap - out->len);
        int rc = deflate(z, flush);
        out->len = out->cap - z->avail_out;
        if (rc == Z_STREAM_END)
            return 0;
        if (rc != Z_OK && rc != Z_BUF_ERROR)
            return -1;
        if (!z->avail_in && flush == Z_NO_FLUSH)
            return 0;
    }
}

/* {"streams":[{"stream":{labels},"values":[…]},…]}: jansson encodes the labels; the
 * entries were encoded as they were added; the frame around them is fixed text. The
 * pieces go to the compressor one by one rather than being joined first. */
int push_encode(const struct push_batch *b, const struct push_config *c, int gzip_level,
                char **body, size_t *body_len, size_t *raw_len)
{
    struct push_buf frame[PUSH_NSTREAMS] = {{0}}, out = {0};
    int rc = -1, nstreams = 0;
    for (int s = 0; s < PUSH_NSTREAMS; s++) {
        if (!b->n[s])
            continue;
        json_t *labels = stream_labels(c, s == PUSH_STREAM_QUERY);
        const char *open = nstreams++ ? ",{\"stream\":" : "{\"streams\":[{\"stream\":";
        int bad = !labels || push_buf_put(&frame[s], open, strlen(open)) ||
                  json_dump_callback(labels, dump_cb, &frame[s], JSON_COMPACT) ||
                  PUTS(&frame[s], ",\"values\":[");
        json_decref(labels);
        if (bad)
            goto out;
    }
    const char *empty = "{\"streams\":[";
    *raw_len = 0;
    z_stream z;
    memset(&z, 0, sizeof z);
    /* windowBits 15 + 16: a gzip wrapper, which is what Content-Encoding: gzip means. */
    if (gzip_level > 0 &&
        deflateInit2(&z, gzip_level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        goto out;
    /* The pieces in order; an empty batch still makes a valid body. */
    const char *piece[3 * PUSH_NSTREAMS + 2];
    size_t plen[3 * PUSH_NSTREAMS + 2];
    int np = 0;
    if (!nstreams) {
        piece[np] = empty;
        plen[np++] = strlen(empty);
    }
    for (int s = 0; s < PUSH_NSTREAMS; s++) {
        if (!b->n[s])
            continue;
        piece[np] = frame[s].p;
        plen[np++] = frame[s].len;
        piece[np] = b->values[s].p;
        plen[np++] = b->values[s].len;
        piece[np] = "]}"; /* closes values and the stream */
        plen[np++] = 2;
    }
    piece[np] = "]}"; /* closes streams and the object */
    plen[np++] = 2;
    for (int i = 0; i < np; i++) {
        *raw_len += plen[i];
        int bad = gzip_level > 0
                      ? deflate_piece(&z, &out, piece[i], plen[i],
                                      i == np - 1 ? Z_FINISH : Z_NO_FLUSH)
                      : push_buf_put(&out, piece[i], plen[i]);
        if (bad) {
            if (gzip_level > 0)
                deflateEnd(&z);
            push_buf_free(&out);
            goto out;
        }
    }
    if (gzip_level > 0)
        deflateEnd(&z);
    *body = out.p;
    *body_len = out.len;
    rc = 0;
out:
    for (int s = 0; s < PUSH_NSTREAMS; s++)
        push_buf_free(&frame[s]);
    return rc;
}
