/* cut.c — where to cut a record that is too long for one Loki entry. Loki limits the line
 * it decodes (max_line_size, in bytes, inclusive), not the bytes read: every byte of
 * ill-formed UTF-8 reaches it as a 3-byte U+FFFD (qs_json_quote's policy), so a piece of a
 * Latin-1 record cut at the limit on its raw bytes can decode to three times the limit. */
#include <string.h>

#include "push.h"

/* Length of the well-formed UTF-8 sequence at s (RFC 3629, Unicode table 3-7: no
 * overlongs, no surrogates, nothing above U+10FFFF), or 0 when the byte at s starts none:
 * the same rule as libqsplit's U+FFFD policy, which decides what the encoder writes. */
static size_t seq_len(const unsigned char *s, size_t avail)
{
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    size_t n;
    unsigned lo = 0x80, hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        if (c == 0xe0)
            lo = 0xa0;
        else if (c == 0xed)
            hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        if (c == 0xf0)
            lo = 0x90;
        else if (c == 0xf4)
            hi = 0x8f;
    } else {
        return 0;
    }
    if (avail < n || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (s[i] < 0x80 || s[i] > 0xbf)
            return 0;
    return n;
}

size_t push_decoded_len(const char *p, size_t len)
{
    const unsigned char *u = (const unsigned char *)p;
    size_t out = 0;
    for (size_t i = 0; i < len;) {
        /* Eight ASCII bytes at once: most of a log is ASCII. */
        if (len - i >= 8) {
            uint64_t w;
            memcpy(&w, u + i, 8);
            if (!(w & 0x8080808080808080ull)) {
                out += 8;
                i += 8;
                continue;
            }
        }
        size_t n = u[i] < 0x80 ? 1 : seq_len(u + i, len - i);
        out += n ? n : 3;
        i += n ? n : 1;
    }
    return out;
}

size_t push_cut(const char *p, size_t len, size_t max, size_t *decoded)
{
    /* Even if every byte became U+FFFD it would fit: no need to look. */
    if (len <= max / 3) {
        *decoded = push_decoded_len(p, len);
        return len;
    }
    const unsigned char *u = (const unsigned char *)p;
    size_t i = 0, out = 0;
    while (i < len) {
        size_t n = u[i] < 0x80 ? 1 : seq_len(u + i, len - i);
        size_t grow = n ? n : 3;
        if (out + grow > max)
            break;
        out += grow;
        i += n ? n : 1;
    }
    *decoded = out;
    return i;
}

size_t push_utf8_repair(const char *p, size_t len, char *out)
{
    const unsigned char *u = (const unsigned char *)p;
    size_t bad = 0;
    for (size_t i = 0; i < len;) {
        size_t n = u[i] < 0x80 ? 1 : seq_len(u + i, len - i);
        if (n) {
            memcpy(out, u + i, n);
            out += n;
            i += n;
        } else {
            memcpy(out, "\xef\xbf\xbd", 3);
            out += 3;
            bad++;
            i++;
        }
    }
    return bad;
}
