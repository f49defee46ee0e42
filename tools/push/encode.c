/* encode.c — a batch as Loki's push JSON (jansson), gzip'd (zlib). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <zlib.h>

#include "push.h"

int push_buf_reserve(struct push_buf *b, size_t extra)
{
    if (b->len + extra > b->cap) {
        size_t n = b->cap ? b->cap : 65536;
        while (n < b->len + extra)
            n *= 2;
        char *q = realloc(b->p, n);
        if (!q)
            return -1;
        b->p = q;
        b->cap = n;
    }
    return 0;
}

int push_buf_put(struct push_buf *b, const void *data, size_t len)
{
    if (push_buf_reserve(b, len))
        return -1;
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

/* Append line as a JSON string: qs_json_quote writes jansson's escapes and replaces each
 * byte of ill-formed UTF-8 by U+FFFD, the policy query.log follows too. */
static int put_string(struct push_buf *d, const char *s, size_t len, uint64_t *repaired)
{
    size_t need = len + len / 8 + 16, n = 0, bad = 0;
    for (int attempt = 0; attempt < 2; attempt++) {
        if (d->cap - d->len < need && push_buf_reserve(d, need))
            return -1;
        int rc = qs_json_quote(s, len, d->p + d->len, d->cap - d->len, &n, &bad);
        if (rc == 0) {
            d->len += n;
            *repaired += bad;
            return 0;
        }
        if (rc != QS_ERANGE)
            return -1;
        need = n;
    }
    return -1;
}

int push_json_entry(struct push_buf *out, int64_t ts_ns, const char *line, size_t len,
                    uint64_t *repaired)
{
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
    int rc = put_string(out, line, len, repaired);
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
int push_encode(const struct push_batch *b, const struct push_part *p,
                const struct push_config *c, int gzip_level, char **body, size_t *body_len,
                size_t *raw_len)
{
    if (b->proto)
        return push_encode_proto(b, p, c, body, body_len, raw_len);
    struct push_buf frame[PUSH_NSTREAMS] = {{0}}, out = {0};
    int rc = -1, nstreams = 0;
    for (int s = 0; s < PUSH_NSTREAMS; s++) {
        if (p->from[s] >= p->to[s])
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
        if (p->from[s] >= p->to[s])
            continue;
        /* Entries from..to-1: from the first one's start to the comma before entry to. */
        size_t begin = push_entry_start(b, s, p->from[s]);
        size_t end =
            p->to[s] < b->n[s] ? push_entry_start(b, s, p->to[s]) - 1 : b->values[s].len;
        piece[np] = frame[s].p;
        plen[np++] = frame[s].len;
        piece[np] = b->values[s].p + begin;
        plen[np++] = end - begin;
        piece[np] = "]}"; /* closes values and the stream */
        plen[np++] = 2;
    }
    piece[np] = "]}"; /* closes streams and the object */
    plen[np++] = 2;
    for (int i = 0; i < np; i++) {
        *raw_len += plen[i];
        int bad = gzip_level > 0 ? deflate_piece(&z, &out, piece[i], plen[i],
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
