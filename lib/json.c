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
#error "this jansson escapes other bytes than controls, '\"' and '\\': update plain_word()"
#endif

/* Eight bytes at once: all printable ASCII other than '"' and '\\' (the bytes jansson
 * writes as they are, per the generated table). Exact: no false "plain". */
static int plain_word(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
    uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');
    uint64_t control = (w - ones * 0x20) & ~w & high; /* a byte < 0x20 */
    uint64_t quote = (q - ones) & ~q & high;
    uint64_t bslash = (b - ones) & ~b & high;
    return ((w & high) | control | quote | bslash) == 0;
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
    const unsigned char *u = (const unsigned char *)s;
    struct sink k = {out, cap, 0, 0};
    size_t bad = 0, i = 0, run = 0; /* u[run..i) is copied as it is */
    put(&k, "\"", 1);
    while (i < len) {
        if (len - i >= 8) {
            uint64_t w;
            memcpy(&w, u + i, 8);
            if (plain_word(w)) {
                i += 8;
                continue;
            }
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
            const char *e = qsp_json_escape[c];
            put(&k, e, strlen(e));
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
