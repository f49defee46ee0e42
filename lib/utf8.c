/* utf8.c — validation and U+FFFD replacement (see utf8.h for the policy). */
#include "utf8.h"

#include <stdint.h>
#include <string.h>

/* Length of the well-formed sequence starting at s (1..4), or 0 if it is ill-formed. */
size_t qsp_utf8_seq_len(const unsigned char *s, size_t avail)
{
    unsigned char c = s[0];
    if (c < 0x80)
        return 1;
    if (c < 0xC2 || c > 0xF4)
        return 0;
    if (c < 0xE0) {
        return (avail >= 2 && (s[1] & 0xC0) == 0x80) ? 2 : 0;
    }
    if (c < 0xF0) {
        if (avail < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
            return 0;
        if (c == 0xE0 && s[1] < 0xA0)
            return 0; /* overlong */
        if (c == 0xED && s[1] > 0x9F)
            return 0; /* surrogate */
        return 3;
    }
    if (avail < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
        return 0;
    if (c == 0xF0 && s[1] < 0x90)
        return 0; /* overlong */
    if (c == 0xF4 && s[1] > 0x8F)
        return 0; /* above U+10FFFF */
    return 4;
}

size_t qsp_utf8_valid_prefix(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < len) {
        /* ASCII fast path, eight bytes at a time: SQL is mostly ASCII. */
        while (i + 8 <= len) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (w & 0x8080808080808080ull)
                break;
            i += 8;
        }
        if (i >= len)
            break;
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        size_t n = qsp_utf8_seq_len(s + i, len - i);
        if (n == 0)
            return i;
        i += n;
    }
    return len;
}

size_t qsp_utf8_sanitize(const char *str, size_t len, char *out, size_t *replaced)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0, o = 0, bad = 0;
    while (i < len) {
        size_t good = qsp_utf8_valid_prefix(str + i, len - i);
        memcpy(out + o, s + i, good);
        o += good;
        i += good;
        if (i < len) {
            out[o++] = (char)0xEF;
            out[o++] = (char)0xBF;
            out[o++] = (char)0xBD;
            i++;
            bad++;
        }
    }
    if (replaced)
        *replaced = bad;
    return o;
}
