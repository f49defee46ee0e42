/* test-encode.c — the push body is exactly what jansson writes for the same document, for
 * any bytes (control characters, quotes, NUL, invalid UTF-8), and its gzip inflates to it. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <snappy-c.h>
#include <zlib.h>

#include "../qstest.h"
#include "push.h"

void push_log(const char *fmt, ...)
{
    (void)fmt;
}

void push_err(const char *fmt, ...)
{
    (void)fmt;
}

static uint32_t rng = 12345;
static uint32_t rnd(void)
{
    rng = rng * 1103515245u + 12345u;
    return rng >> 8;
}

/* A line mixing what logs contain and what they should not. */
static size_t random_line(char *buf, size_t cap)
{
    static const char *parts[] = {
        "plain text ", "\"quoted\"",   "back\\slash", "\t",   "\n", "\r",
        "\x01",        "\x1f",         "ünï ",        "✓",    "😀",  "\xff",
        "\xc3",        "\xed\xa0\x80", "\xe2\x82",    "\x7f", "/",  "\xc0\xaf"};
    size_t n = 0, k = rnd() % 12;
    for (size_t i = 0; i < k; i++) {
        const char *p = parts[rnd() % (sizeof parts / sizeof *parts)];
        size_t l = strlen(p);
        if (rnd() % 17 == 0 && n < cap)
            buf[n++] = '\0';
        if (n + l > cap)
            break;
        memcpy(buf + n, p, l);
        n += l;
    }
    return n;
}

static char *inflate_all(const char *p, size_t len, size_t *out_len)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, 15 + 16) != Z_OK)
        return NULL;
    size_t cap = len * 20 + 1024;
    char *o = malloc(cap);
    z.next_in = (Bytef *)(uintptr_t)p;
    z.avail_in = (uInt)len;
    z.next_out = (Bytef *)o;
    z.avail_out = (uInt)cap;
    int rc = inflate(&z, Z_FINISH);
    *out_len = z.total_out;
    inflateEnd(&z);
    if (rc != Z_STREAM_END) {
        free(o);
        return NULL;
    }
    return o;
}

/* What a line should read in Loki: the value of its JSON string as the library quotes it
 * (each ill-formed UTF-8 byte one U+FFFD, test-json checks that against jansson). */
static char *repaired(const char *s, size_t len, size_t *out_len, size_t *bad)
{
    size_t cap = qs_json_quote_bound(len), n = 0, nbad = 0;
    char *q = malloc(cap);
    if (!q || qs_json_quote(s, len, q, cap, &n, &nbad) != 0)
        abort();
    json_t *v = json_loadb(q, n, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
    free(q);
    if (!v)
        abort();
    *out_len = json_string_length(v);
    char *out = malloc(*out_len + 1);
    memcpy(out, json_string_value(v), *out_len);
    json_decref(v);
    if (bad)
        *bad = nbad;
    return out;
}

/* The values of stream s (0 console, 1 query) in a push body, or NULL when it has none. */
static json_t *stream_values(json_t *doc, int s)
{
    json_t *streams = json_object_get(doc, "streams");
    for (size_t i = 0; i < json_array_size(streams); i++) {
        json_t *st = json_array_get(streams, i);
        int q = json_object_get(json_object_get(st, "stream"), "query") != NULL;
        if (q == s)
            return json_object_get(st, "values");
    }
    return NULL;
}

/* Split part p in halves down to single entries; the leaves' values, in order, must add
 * up to the whole body's. Returns the entries the leaves held. */
static size_t check_halves(const struct push_batch *b, const struct push_part *p,
                           const struct push_config *c, json_t *want[2], size_t next[2])
{
    struct push_part lo, hi;
    if (push_part_halve(p, &lo, &hi) == 0) {
        CHECK_INT(push_part_entries(&lo) + push_part_entries(&hi), push_part_entries(p));
        CHECK(push_part_entries(&lo) >= 1 && push_part_entries(&hi) >= 1);
        return check_halves(b, &lo, c, want, next) + check_halves(b, &hi, c, want, next);
    }
    char *body;
    size_t blen, raw;
    CHECK_INT(push_encode(b, p, c, 0, &body, &blen, &raw), 0);
    json_t *doc = json_loadb(body, blen, JSON_ALLOW_NUL, NULL);
    CHECK(doc != NULL);
    size_t n = 0;
    for (int s = 0; s < 2 && doc; s++) {
        json_t *v = stream_values(doc, s);
        for (size_t i = 0; i < json_array_size(v); i++, n++)
            CHECK(json_equal(json_array_get(v, i), json_array_get(want[s], next[s]++)));
    }
    CHECK_INT(n, push_part_entries(p));
    json_decref(doc);
    free(body);
    return n;
}

/* ---- a protobuf reader for the check (wire format only) ---- */
static uint64_t pb_varint(const unsigned char **p, const unsigned char *end)
{
    uint64_t v = 0;
    for (int shift = 0; *p < end && shift < 64; shift += 7) {
        unsigned char c = *(*p)++;
        v |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80))
            return v;
    }
    CHECK(0 && "truncated varint");
    return v;
}

/* Next field: its number; a varint in *varint_value, else the bytes in *f, *flen. 0 at the
 * end. */
static int pb_field(const unsigned char **p, const unsigned char *end, const unsigned char **f,
                    size_t *flen, uint64_t *varint_value)
{
    if (*p >= end)
        return 0;
    uint64_t key = pb_varint(p, end);
    if ((key & 7) == 0) {
        *varint_value = pb_varint(p, end);
        *f = NULL;
        *flen = 0;
    } else {
        CHECK_INT(key & 7, 2);
        *flen = (size_t)pb_varint(p, end);
        CHECK(*flen <= (size_t)(end - *p));
        *f = *p;
        *p += *flen;
    }
    return (int)(key >> 3);
}

/* The protobuf push of part p: its entries, per stream, must be the JSON push's (same
 * times, same lines), with the labels in selector form. */
static void check_proto(const struct push_batch *pb, const struct push_part *p,
                        const struct push_config *c, json_t *want[2], size_t next[2])
{
    char *body;
    size_t blen, raw, plen;
    CHECK_INT(push_encode(pb, p, c, 0, &body, &blen, &raw), 0);
    CHECK(snappy_uncompressed_length(body, blen, &plen) == SNAPPY_OK);
    CHECK_INT(plen, raw);
    char *msg = malloc(plen + 1);
    CHECK(snappy_uncompress(body, blen, msg, &plen) == SNAPPY_OK);
    const unsigned char *q = (const unsigned char *)msg, *end = q + plen, *st, *f;
    size_t stlen, flen;
    uint64_t v;
    while (pb_field(&q, end, &st, &stlen, &v) == 1) {
        const unsigned char *sq = st, *send = st + stlen;
        int s = -1;
        int k;
        while ((k = pb_field(&sq, send, &f, &flen, &v))) {
            if (k == 1) {
                const char *l1 = "{env=\"prod\", job=\"shop \\\"x\\\"\"}";
                const char *l2 = "{env=\"prod\", job=\"shop \\\"x\\\"\", query=\"true\"}";
                s = flen == strlen(l1) && !memcmp(f, l1, flen)   ? 0
                    : flen == strlen(l2) && !memcmp(f, l2, flen) ? 1
                                                                 : -1;
                CHECK(s >= 0);
                continue;
            }
            CHECK_INT(k, 2);
            CHECK(s >= 0);
            if (s < 0)
                break;
            const unsigned char *eq = f, *eend = f + flen, *g;
            size_t glen;
            uint64_t secs = 0, nanos = 0;
            const unsigned char *line = NULL;
            size_t line_len = 0;
            int e;
            while ((e = pb_field(&eq, eend, &g, &glen, &v))) {
                if (e == 1) {
                    const unsigned char *tq = g, *tend = g + glen, *h;
                    size_t hlen;
                    int t;
                    while ((t = pb_field(&tq, tend, &h, &hlen, &v)))
                        *(t == 1 ? &secs : &nanos) = v;
                } else {
                    line = g;
                    line_len = glen;
                }
            }
            json_t *w = json_array_get(want[s], next[s]++);
            char ts[32];
            snprintf(ts, sizeof ts, "%llu",
                     (unsigned long long)(secs * 1000000000ull + nanos));
            CHECK_STR(ts, json_string_value(json_array_get(w, 0)));
            json_t *wl = json_array_get(w, 1);
            CHECK_MEM((const char *)line, line_len, json_string_value(wl),
                      json_string_length(wl));
        }
    }
    CHECK(q == end);
    free(msg);
    free(body);
}

int main(void)
{
    struct push_config c;
    memset(&c, 0, sizeof c);
    c.labels[0].name = "env";
    c.labels[0].value = "prod";
    c.labels[1].name = "job";
    c.labels[1].value = "shop \"x\"";
    c.nlabels = 2;

    for (int round = 0; round < 200; round++) {
        struct push_batch b;
        memset(&b, 0, sizeof b);
        char lines[40][256];
        size_t lens[40];
        int stream_of[40];
        int n = (int)(rnd() % 40);
        for (int i = 0; i < n; i++) {
            lens[i] = random_line(lines[i], sizeof lines[i]);
            stream_of[i] = (int)(rnd() % 2);
            /* Equal stamps: the batch must make them distinct and increasing. */
            CHECK_INT(push_batch_add(&b, (enum push_stream)stream_of[i], 1000 + i / 3,
                                     lines[i], lens[i]),
                      0);
        }
        char *body;
        size_t blen, raw;
        struct push_part all;
        push_part_all(&b, &all);
        CHECK_INT(push_encode(&b, &all, &c, 0, &body, &blen, &raw), 0);
        CHECK_INT(raw, blen);
        json_error_t jerr;
        json_t *doc = json_loadb(body, blen, JSON_ALLOW_NUL, &jerr);
        CHECK(doc != NULL);
        if (!doc) {
            fprintf(stderr, "round %d: %s\n%.*s\n", round, jerr.text, (int)blen, body);
            free(body);
            push_batch_free(&b);
            continue;
        }
        /* Byte for byte what jansson writes for the document it reads back. */
        char *again = json_dumps(doc, JSON_COMPACT);
        CHECK(again && strlen(again) == blen && !memcmp(again, body, blen));
        free(again);

        json_t *streams = json_object_get(doc, "streams");
        size_t k = 0;
        for (int s = 0; s < 2; s++) {
            int count = 0;
            for (int i = 0; i < n; i++)
                count += stream_of[i] == s;
            if (!count)
                continue;
            json_t *st = json_array_get(streams, k++);
            json_t *labels = json_object_get(st, "stream");
            const char *job = json_string_value(json_object_get(labels, "job"));
            CHECK(job && !strcmp(job, "shop \"x\""));
            CHECK_INT(json_object_size(labels), 2 + (s == 1));
            CHECK_INT(json_object_get(labels, "query") != NULL, s == 1);
            json_t *values = json_object_get(st, "values");
            CHECK_INT(json_array_size(values), count);
            long long last = 0;
            size_t v = 0;
            for (int i = 0; i < n; i++) {
                if (stream_of[i] != s)
                    continue;
                json_t *e = json_array_get(values, v++);
                const char *ts = json_string_value(json_array_get(e, 0));
                CHECK(ts != NULL);
                long long t = ts ? atoll(ts) : 0;
                CHECK(t > last);
                last = t;
                size_t flen;
                char *fixed = repaired(lines[i], lens[i], &flen, NULL);
                json_t *line = json_array_get(e, 1);
                CHECK_INT(json_string_length(line), flen);
                CHECK(!memcmp(json_string_value(line), fixed, flen));
                /* Valid input passes unchanged. */
                json_t *as_is = json_stringn(lines[i], lens[i]);
                if (as_is)
                    CHECK(json_equal(as_is, line));
                json_decref(as_is);
                free(fixed);
            }
        }
        CHECK_INT(json_array_size(streams), k);

        /* The same entries in Loki's protobuf push: the same times and lines, whole and in
         * halves. */
        struct push_batch pb;
        memset(&pb, 0, sizeof pb);
        pb.proto = 1;
        for (int i = 0; i < n; i++)
            CHECK_INT(push_batch_add(&pb, (enum push_stream)stream_of[i], 1000 + i / 3,
                                     lines[i], lens[i]),
                      0);
        CHECK_INT(pb.bytes, b.bytes);
        CHECK_INT(pb.repaired, b.repaired);
        {
            json_t *want[2] = {stream_values(doc, 0), stream_values(doc, 1)};
            size_t next[2] = {0, 0};
            struct push_part pall, lo, hi;
            push_part_all(&pb, &pall);
            check_proto(&pb, &pall, &c, want, next);
            CHECK_INT(next[0] + next[1], n);
            if (push_part_halve(&pall, &lo, &hi) == 0) {
                next[0] = next[1] = 0;
                check_proto(&pb, &lo, &c, want, next);
                check_proto(&pb, &hi, &c, want, next);
                CHECK_INT(next[0] + next[1], n);
            }
        }
        push_batch_free(&pb);

        /* A push refused as too large goes again in halves: every entry once, in order. */
        json_t *want[2] = {stream_values(doc, 0), stream_values(doc, 1)};
        size_t next[2] = {0, 0};
        CHECK_INT(check_halves(&b, &all, &c, want, next), n);
        CHECK_INT(next[0] + next[1], n);

        /* batch_size counts what Loki decodes: repaired line bytes and a fixed overhead. */
        size_t decoded = 0;
        for (int i = 0; i < n; i++) {
            size_t flen;
            free(repaired(lines[i], lens[i], &flen, NULL));
            decoded += flen + PUSH_ENTRY_OVERHEAD;
        }
        CHECK_INT(b.bytes, decoded);
        json_decref(doc);

        char *gz;
        size_t gzlen, raw2, ilen;
        CHECK_INT(push_encode(&b, &all, &c, 1, &gz, &gzlen, &raw2), 0);
        CHECK_INT(raw2, blen);
        char *plain = inflate_all(gz, gzlen, &ilen);
        CHECK(plain && ilen == blen && !memcmp(plain, body, blen));
        free(plain);
        free(gz);
        free(body);
        push_batch_free(&b);
    }

    /* Repair: each bad byte one U+FFFD, nothing dropped. */
    size_t flen, nbad = 0;
    char *fixed = repaired("a\xff"
                           "b\xe2\x82"
                           "c",
                           6, &flen, &nbad);
    CHECK_INT(nbad, 3);
    CHECK(flen == 12 && !memcmp(fixed,
                                "a\xef\xbf\xbd"
                                "b\xef\xbf\xbd\xef\xbf\xbd"
                                "c",
                                12));
    free(fixed);

    /* Cutting a record for Loki's line limit: Loki's decoded size is what the oracle
     * (jansson decoding our JSON) says, and pieces cut at any limit repair, one after the
     * other, into exactly the repaired whole: no character is split, nothing is lost. */
    for (int t = 0; t < 3000; t++) {
        char line[4096];
        size_t len = 0;
        for (int k = rnd() % 6; k >= 0; k--)
            len += random_line(line + len, sizeof line - len);
        size_t wlen, dl = push_decoded_len(line, len);
        char *want = repaired(line, len, &wlen, NULL);
        CHECK_INT(dl, wlen);
        char *rep = malloc(dl + 1);
        push_utf8_repair(line, len, rep);
        CHECK_MEM(rep, dl, want, wlen);
        free(rep);
        size_t max = 4 + rnd() % 60, off = 0, got = 0;
        char *joined = malloc(wlen + 1);
        while (off < len) {
            size_t dec, k = push_cut(line + off, len - off, max, &dec);
            CHECK(k > 0 && dec <= max);
            CHECK_INT(dec, push_decoded_len(line + off, k));
            size_t plen;
            char *piece = repaired(line + off, k, &plen, NULL);
            if (got + plen <= wlen)
                memcpy(joined + got, piece, plen);
            got += plen;
            free(piece);
            off += k;
        }
        CHECK_MEM(joined, got, want, wlen);
        free(joined);
        free(want);
    }

    /* Loki 2.8's answers, as its distributor and ingester word them. */
    int64_t param;
    CHECK_INT(push_refusal_reason("Max entry size '262144' bytes exceeded for stream "
                                  "'{job=\"t\"}' while adding an entry with length '262145' "
                                  "bytes",
                                  &param),
              PUSH_REFUSED_LINE_TOO_LONG);
    CHECK_INT(param, 262144);
    CHECK_INT(push_refusal_reason("entry for stream '{job=\"t\"}' has timestamp too old: "
                                  "2026-11-18T06:11:38Z, oldest acceptable timestamp is: "
                                  "2026-11-21T06:11:38Z",
                                  &param),
              PUSH_REFUSED_TOO_OLD);
    CHECK_INT(param, 1795241498LL * 1000000000);
    CHECK_INT(push_refusal_reason("entry with timestamp 2026-11-18 06:11:38.615276145 +0000 "
                                  "UTC ignored, reason: 'entry too far behind, oldest "
                                  "acceptable timestamp is: 2026-11-28T05:11:38Z' for stream: "
                                  "{job=\"t\"}, user 'fake', total ignored: 1 out of 5",
                                  &param),
              PUSH_REFUSED_TOO_FAR_BEHIND);
    CHECK_INT(
        push_refusal_reason("error at least one label pair is required per stream", &param),
        PUSH_REFUSED_OTHER);

    /* Durations and sizes of the config file. */
    CHECK_INT(push_parse_duration("500ms"), 500);
    CHECK_INT(push_parse_duration("1.5s"), 1500);
    CHECK_INT(push_parse_duration("5m"), 300000);
    CHECK_INT(push_parse_duration("7d"), 604800000);
    CHECK_INT(push_parse_duration("2"), 2000);
    CHECK_INT(push_parse_duration("x"), -1);
    CHECK_INT(push_parse_duration("1y"), -1);
    /* strtod's extras: fuzz-pushconfig found "nan" reaching (long)NaN */
    CHECK_INT(push_parse_duration("nan"), -1);
    CHECK_INT(push_parse_duration("nans"), -1);
    CHECK_INT(push_parse_duration("inf"), -1);
    CHECK_INT(push_parse_duration("0x10s"), -1);
    CHECK_INT(push_parse_duration("-1s"), -1);
    CHECK_INT(push_parse_duration(" 5s"), -1);
    CHECK_INT(push_parse_duration(".5s"), 500);
    size_t sz = 0;
    CHECK(push_parse_size("1MiB", &sz) == 0 && sz == 1048576);
    CHECK(push_parse_size("512k", &sz) == 0 && sz == 524288);
    CHECK(push_parse_size("1000", &sz) == 0 && sz == 1000);
    CHECK(push_parse_size("1MB", &sz) == 0 && sz == 1048576);
    CHECK(push_parse_size("1Q", &sz) != 0);
    CHECK(push_parse_size("nan", &sz) != 0);
    CHECK(push_parse_size("NaNKiB", &sz) != 0);
    CHECK(push_parse_size("infinity", &sz) != 0);
    CHECK(push_parse_size("0x1p4", &sz) != 0);
    return qst_done("encode");
}
