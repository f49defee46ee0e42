/* json.c — JSON string literals, byte for byte as jansson writes them (the escape table is
 * generated from jansson at build time), after the U+FFFD policy of utf8.h. */
#include <stdint.h>
#include <string.h>

#include "json-table.h"
#include "qsplit.h"
#include "utf8.h"

size_t qs_json_quote_bound(size_t len)
{
    return len > (SIZE_MAX - 2) / 6 ? SIZE_MAX : 6 * len + 2; /* \u00XX per byte at most */
}

#ifndef QSP_JSON_ESCAPES_CONTROL_QUOTE_BACKSLASH
#error "this jansson escapes other bytes than controls, '\"' and '\\': update special_bytes()"
#endif

/* Eight bytes at once: a high bit in each byte that jansson does not write as it is (per
 * the generated table: controls, '"', '\\') or that is non-ASCII. The lowest flagged byte
 * is exact; flags above it may be spurious (borrows), so only the lowest is trusted. */
static uint64_t special_bytes(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
    uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');
    uint64_t control = (w - ones * 0x20) & ~w;
    uint64_t quote = (q - ones) & ~q;
    uint64_t bslash = (b - ones) & ~b;
    return (w | control | quote | bslash) & high;
}

/* Append n bytes if they fit; once something did not fit, only count. */
struct sink {
    char *out;
    size_t cap, len;
    int full;
};

static void put(struct sink *k, const void *p, size_t n)
{
    if (!k->full && n <= k->cap - k->len)
        memcpy(k->out + k->len, p, n);
    else
        k->full = 1;
    k->len += n;
}

int qs_json_quote(const char *s, size_t len, char *out, size_t cap, size_t *out_len,
                  size_t *replaced)
{
    if ((!s && len) || !out || !out_len)
        return QS_EINVAL;
    const unsigned char *u = (const unsigned char *)(s ? s : ""); /* memcpy(NULL) is UB */
    struct sink k = {out, cap, 0, 0};
    size_t bad = 0, i = 0, run = 0; /* u[run..i) is copied as it is */
    put(&k, "\"", 1);
    while (i < len) {
        if (len - i >= 8) {
            uint64_t w;
            memcpy(&w, u + i, 8);
            uint64_t m = special_bytes(w);
            if (!m) {
                i += 8;
                continue;
            }
            i += (size_t)__builtin_ctzll(m) >> 3; /* straight to the first flagged byte */
        }
        unsigned char c = u[i];
        if (c >= 0x80) {
            size_t n = qsp_utf8_seq_len(u + i, len - i);
            if (n) { /* valid multi-byte characters stay in the run */
                i += n;
                continue;
            }
        } else if (!qsp_json_escape[c]) {
            i++;
            continue;
        }
        put(&k, u + run, i - run);
        if (c < 0x80) {
            put(&k, qsp_json_escape[c], qsp_json_escape_len[c]);
        } else {
            put(&k, "\xef\xbf\xbd", 3); /* U+FFFD for each byte of an ill-formed sequence */
            bad++;
        }
        run = ++i;
    }
    put(&k, u + run, i - run);
    put(&k, "\"", 1);
    *out_len = k.len;
    if (replaced)
        *replaced = bad;
    return k.full ? QS_ERANGE : 0;
}
