/* proto.c — a batch as Loki's native push body: the protobuf PushRequest of Loki 2.8's
 * pkg/push/push.proto, compressed with snappy's block format, which is what Promtail sends
 * (Content-Type: application/x-protobuf, no Content-Encoding). Written by hand: three small
 * messages, and the entries are encoded once, as they are added to the batch.
 *
 *   PushRequest   { repeated StreamAdapter streams = 1; }
 *   StreamAdapter { string labels = 1; repeated EntryAdapter entries = 2; uint64 hash = 3; }
 *   EntryAdapter  { google.protobuf.Timestamp timestamp = 1; string line = 2; }
 *   Timestamp     { int64 seconds = 1; int32 nanos = 2; }
 *
 * labels is the stream's selector text, {name="value", …}, parsed by Loki's label parser
 * (values quoted as Go quotes them); hash is not sent (Loki computes it). */
#include <stdlib.h>
#include <string.h>

#include <snappy-c.h>

#include "push.h"

#define TAG_LEN(field) ((char)((field) << 3 | 2)) /* wire type 2: length-delimited */
#define TAG_VARINT(field) ((char)((field) << 3))  /* wire type 0 */

static size_t varint(char *out, uint64_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        out[n++] = (char)(v | 0x80);
        v >>= 7;
    }
    out[n++] = (char)v;
    return n;
}

static size_t varint_len(uint64_t v)
{
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

int push_proto_entry(struct qsp_buf *out, int64_t ts_ns, const char *line, size_t len,
                     size_t dlen, uint64_t *repaired)
{
    if (ts_ns < 0)
        ts_ns = 0;
    uint64_t secs = (uint64_t)(ts_ns / 1000000000), nanos = (uint64_t)(ts_ns % 1000000000);
    /* Timestamp: fields equal to 0 are left out, as proto3 encoders do. */
    size_t tlen = (secs ? 1 + varint_len(secs) : 0) + (nanos ? 1 + varint_len(nanos) : 0);
    size_t elen = 1 + varint_len(tlen) + tlen + 1 + varint_len(dlen) + dlen;
    if (qsp_buf_reserve(out, 1 + varint_len(elen) + elen))
        return -1;
    char *p = out->data + out->len, *start = p;
    *p++ = TAG_LEN(2); /* StreamAdapter.entries */
    p += varint(p, elen);
    *p++ = TAG_LEN(1); /* EntryAdapter.timestamp */
    p += varint(p, tlen);
    if (secs) {
        *p++ = TAG_VARINT(1);
        p += varint(p, secs);
    }
    if (nanos) {
        *p++ = TAG_VARINT(2);
        p += varint(p, nanos);
    }
    *p++ = TAG_LEN(2); /* EntryAdapter.line: UTF-8, invalid bytes as U+FFFD like the JSON */
    p += varint(p, dlen);
    size_t bad = 0;
    if (dlen == len) {
        memcpy(p, line, len); /* nothing to repair: a repair always grows the line */
    } else {
        bad = push_utf8_repair(line, len, p);
    }
    p += dlen;
    *repaired += bad;
    out->len += (size_t)(p - start);
    return 0;
}

/* {env="prod", job="shop", query="true"}: a label value quoted as Go's strconv.Quote
 * would (Loki parses it back with strconv.Unquote). */
static int labels_text(struct qsp_buf *b, const struct push_config *c, int query)
{
    if (qsp_buf_append(b, "{", 1))
        return -1;
    for (int i = 0; i <= c->nlabels; i++) {
        const char *name = i < c->nlabels ? c->labels[i].name : "query";
        const char *v = i < c->nlabels ? c->labels[i].value : "true";
        if (i == c->nlabels && !query)
            break;
        if ((i && qsp_buf_append(b, ", ", 2)) || qsp_buf_append(b, name, strlen(name)) ||
            qsp_buf_append(b, "=\"", 2))
            return -1;
        for (const unsigned char *s = (const unsigned char *)v; *s; s++) {
            char esc[8];
            int n = 0;
            if (*s == '"' || *s == '\\') {
                esc[n++] = '\\';
                esc[n++] = (char)*s;
            } else if (*s == '\n') {
                esc[n++] = '\\';
                esc[n++] = 'n';
            } else if (*s < 0x20 || *s == 0x7f) {
                static const char hex[] = "0123456789abcdef";
                esc[n++] = '\\';
                esc[n++] = 'x';
                esc[n++] = hex[*s >> 4];
                esc[n++] = hex[*s & 15];
            } else {
                esc[n++] = (char)*s;
            }
            if (qsp_buf_append(b, esc, (size_t)n))
                return -1;
        }
        if (qsp_buf_append(b, "\"", 1))
            return -1;
    }
    return qsp_buf_append(b, "}", 1);
}

int push_encode_proto(const struct push_batch *b, const struct push_part *p,
                      const struct push_config *c, char **body, size_t *body_len,
                      size_t *raw_len)
{
    struct qsp_buf req = {0}, labels = {0};
    int rc = -1;
    for (int s = 0; s < PUSH_NSTREAMS; s++) {
        if (p->from[s] >= p->to[s])
            continue;
        size_t begin = push_entry_start(b, s, p->from[s]);
        size_t end = p->to[s] < b->n[s] ? push_entry_start(b, s, p->to[s]) : b->values[s].len;
        labels.len = 0;
        if (labels_text(&labels, c, s == PUSH_STREAM_QUERY))
            goto out;
        size_t slen = 1 + varint_len(labels.len) + labels.len + (end - begin);
        char head[24];
        size_t hn = 0;
        head[hn++] = TAG_LEN(1); /* PushRequest.streams */
        hn += varint(head + hn, slen);
        head[hn++] = TAG_LEN(1); /* StreamAdapter.labels */
        hn += varint(head + hn, labels.len);
        if (qsp_buf_append(&req, head, hn) || qsp_buf_append(&req, labels.data, labels.len) ||
            qsp_buf_append(&req, b->values[s].data + begin, end - begin))
            goto out;
    }
    size_t cap = snappy_max_compressed_length(req.len);
    char *z = malloc(cap ? cap : 1);
    if (!z)
        goto out;
    if (snappy_compress(req.data ? req.data : "", req.len, z, &cap) != SNAPPY_OK) {
        free(z);
        goto out;
    }
    *body = z;
    *body_len = cap;
    *raw_len = req.len;
    rc = 0;
out:
    qsp_buf_free(&req);
    qsp_buf_free(&labels);
    return rc;
}
