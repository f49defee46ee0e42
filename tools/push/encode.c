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

static int utf8_valid(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < len;) {
        /* ASCII runs are the common case in logs. */
        if (u[i] < 0x80) {
            i++;
            continue;
        }
        size_t k = utf8_seq(u + i, len - i);
        if (!k)
            return 0;
        i += k;
    }
    return 1;
}

static json_t *line_string(const char *s, size_t len, uint64_t *repaired)
{
    if (utf8_valid(s, len))
        return json_stringn_nocheck(s, len);
    char *fixed;
    size_t flen;
    long bad = push_utf8_repair(s, len, &fixed, &flen);
    if (bad < 0)
        return NULL;
    *repaired += (uint64_t)bad;
    json_t *j = json_stringn_nocheck(fixed, flen);
    free(fixed);
    return j;
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

struct dumpbuf {
    char *p;
    size_t len, cap;
};

static int dump_cb(const char *buf, size_t size, void *data)
{
    struct dumpbuf *d = data;
    if (d->len + size > d->cap) {
        size_t n = d->cap ? d->cap : 65536;
        while (n < d->len + size)
            n *= 2;
        char *q = realloc(d->p, n);
        if (!q)
            return -1;
        d->p = q;
        d->cap = n;
    }
    memcpy(d->p + d->len, buf, size);
    d->len += size;
    return 0;
}

static int gzip(const char *in, size_t len, int level, char **out, size_t *out_len)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    /* windowBits 15 + 16: a gzip wrapper, which is what Content-Encoding: gzip means. */
    if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return -1;
    size_t cap = deflateBound(&z, (uLong)len) + 32;
    char *o = malloc(cap);
    if (!o) {
        deflateEnd(&z);
        return -1;
    }
    z.next_in = (Bytef *)(uintptr_t)in;
    z.avail_in = (uInt)len;
    z.next_out = (Bytef *)o;
    z.avail_out = (uInt)cap;
    int rc = deflate(&z, Z_FINISH);
    *out_len = z.total_out;
    deflateEnd(&z);
    if (rc != Z_STREAM_END) {
        free(o);
        return -1;
    }
    *out = o;
    return 0;
}

int push_encode(const struct push_batch *b, const struct push_config *c, int gzip_level,
                char **body, size_t *body_len, size_t *raw_len, uint64_t *repaired)
{
    json_t *root = json_object();
    json_t *streams = json_array();
    int rc = -1;
    if (!root || !streams || json_object_set(root, "streams", streams))
        goto out;
    for (int s = 0; s < PUSH_NSTREAMS; s++) {
        if (!b->n[s])
            continue;
        json_t *st = json_object();
        json_t *values = json_array();
        json_t *labels = stream_labels(c, s == PUSH_STREAM_QUERY);
        if (!st || !values || !labels || json_array_append_new(streams, st)) {
            json_decref(st);
            json_decref(values);
            json_decref(labels);
            goto out;
        }
        if (json_object_set_new(st, "stream", labels) ||
            json_object_set_new(st, "values", values))
            goto out;
        for (size_t i = 0; i < b->n[s]; i++) {
            const struct push_entry *e = &b->e[s][i];
            char ts[24];
            /* Loki wants the nanoseconds as a string: a JSON number is a 400. */
            snprintf(ts, sizeof ts, "%" PRId64, e->ts_ns);
            json_t *v = json_array();
            if (!v || json_array_append_new(values, v) ||
                json_array_append_new(v, json_string_nocheck(ts)) ||
                json_array_append_new(v, line_string(b->data + e->off, e->len, repaired)))
                goto out;
        }
    }
    struct dumpbuf d = {0};
    if (json_dump_callback(root, dump_cb, &d, JSON_COMPACT)) {
        free(d.p);
        goto out;
    }
    *raw_len = d.len;
    if (gzip_level > 0) {
        rc = gzip(d.p, d.len, gzip_level, body, body_len);
        free(d.p);
    } else {
        *body = d.p;
        *body_len = d.len;
        rc = 0;
    }
out:
    json_decref(streams);
    json_decref(root);
    return rc;
}
