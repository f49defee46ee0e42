/* encode.c — a batch as Loki's push JSON (jansson), gzip'd (zlib). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <zlib.h>

#include "push.h"

static int dump_cb(const char *buf, size_t size, void *data)
{
    return qsp_buf_append(data, buf, size);
}

#define PUTS(d, lit) qsp_buf_append((d), (lit), sizeof(lit) - 1)

/* Append line as a JSON string: qs_json_quote writes jansson's escapes and replaces each
 * byte of ill-formed UTF-8 by U+FFFD, the policy query.log follows too. Room for the worst
 * case is reserved, so one call does it (as lib/querylog.c's qsp_json_append): the buffer is
 * reused from batch to batch, and pages reserved but never written cost no memory. */
static int put_string(struct qsp_buf *d, const char *s, size_t len, uint64_t *repaired)
{
    size_t bound = qs_json_quote_bound(len), n = 0, bad = 0;
    if (bound == SIZE_MAX || qsp_buf_reserve(d, bound) ||
        qs_json_quote(s, len, d->data + d->len, d->cap - d->len, &n, &bad))
        return -1;
    d->len += n;
    *repaired += bad;
    return 0;
}

int push_json_entry(struct qsp_buf *out, int64_t ts_ns, const char *line, size_t len,
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
    if (qsp_buf_append(out, p, (size_t)(ts + sizeof ts - p)))
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
static int deflate_piece(z_stream *z, struct qsp_buf *out, const char *p, size_t len,
                         int flush)
{
    z->next_in = (Bytef *)(uintptr_t)p;
    z->avail_in = (uInt)len;
    for (;;) {
        if (qsp_buf_reserve(out, 65536))
            return -1;
        z->next_out = (Bytef *)out->data + out->len;
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
    struct qsp_buf frame[PUSH_NSTREAMS] = {{0}}, out = {0};
    int rc = -1, nstreams = 0;
    for (int s = 0; s < PUSH_NSTREAMS; s++) {
        if (p->from[s] >= p->to[s])
            continue;
        json_t *labels = stream_labels(c, s == PUSH_STREAM_QUERY);
        const char *open = nstreams++ ? ",{\"stream\":" : "{\"streams\":[{\"stream\":";
        int bad = !labels || qsp_buf_append(&frame[s], open, strlen(open)) ||
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
        piece[np] = frame[s].data;
        plen[np++] = frame[s].len;
        piece[np] = b->values[s].data + begin;
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
                                 : qsp_buf_append(&out, piece[i], plen[i]);
        if (bad) {
            if (gzip_level > 0)
                deflateEnd(&z);
            qsp_buf_free(&out);
            goto out;
        }
    }
    if (gzip_level > 0)
        deflateEnd(&z);
    *body = out.data;
    *body_len = out.len;
    rc = 0;
out:
    for (int s = 0; s < PUSH_NSTREAMS; s++)
        qsp_buf_free(&frame[s]);
    return rc;
}
