/* test-json.c — qs_json_quote writes exactly what jansson writes, for every byte and for
 * random text; ill-formed UTF-8 becomes U+FFFD; short buffers are reported, never overrun. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "qsplit.h"
#include "qstest.h"
#include "utf8.h"

static uint32_t rng = 88172645u;
static uint32_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

/* jansson's literal for s (valid UTF-8 assumed) into a malloc'd buffer. */
static char *jansson_quote(const char *s, size_t len, size_t *n)
{
    json_t *v = json_stringn(s, len);
    CHECK(v != NULL);
    *n = json_dumpb(v, NULL, 0, JSON_ENCODE_ANY);
    char *out = malloc(*n + 1);
    json_dumpb(v, out, *n, JSON_ENCODE_ANY);
    json_decref(v);
    return out;
}

static void same_as_jansson(const char *s, size_t len)
{
    size_t cap = qs_json_quote_bound(len), n = 0, bad = 99, jn = 0;
    char *out = malloc(cap + 1);
    CHECK_INT(qs_json_quote(s, len, out, cap, &n, &bad), 0);
    CHECK_INT(bad, 0);
    char *want = jansson_quote(s, len, &jn);
    CHECK_MEM(out, n, want, jn);
    free(want);
    free(out);
}

int main(void)
{
    /* Every single byte that is valid UTF-8 on its own. */
    for (int b = 0; b < 128; b++) {
        char c = (char)b;
        same_as_jansson(&c, 1);
    }
    /* Random valid UTF-8 (ASCII-heavy, controls, quotes, multi-byte) against jansson. */
    char buf[4096], clean[3 * 4096];
    for (int round = 0; round < 3000; round++) {
        size_t len = next() % sizeof buf;
        for (size_t i = 0; i < len; i++) {
            uint32_t r = next();
            static const char special[] = "\"\\\n\t\x01\x7f";
            if (r % 4 == 0)
                buf[i] = (char)(r >> 8);
            else if (r % 3 == 0)
                buf[i] = special[r % 6];
            else
                buf[i] = (char)('a' + r % 26);
        }
        size_t bad = 0, n = qsp_utf8_sanitize(buf, len, clean, &bad);
        same_as_jansson(clean, n);
        /* The raw bytes: same as jansson on the sanitized text, with the count. */
        size_t cap = qs_json_quote_bound(len), on = 0, obad = 0, jn = 0;
        char *out = malloc(cap);
        CHECK_INT(qs_json_quote(buf, len, out, cap, &on, &obad), 0);
        CHECK_INT(obad, bad);
        char *want = jansson_quote(clean, n, &jn);
        CHECK_MEM(out, on, want, jn);
        /* Every shorter buffer: QS_ERANGE with the size needed, no byte past cap. */
        if (round % 50 == 0) {
            for (size_t c = 0; c < on; c += 1 + on / 37) {
                char *small = malloc(c + 8);
                memset(small + c, 0x5a, 8);
                size_t need = 0;
                CHECK_INT(qs_json_quote(buf, len, small, c, &need, NULL), QS_ERANGE);
                CHECK_INT(need, on);
                CHECK(memcmp(small + c, "ZZZZZZZZ", 8) == 0);
                free(small);
            }
        }
        free(want);
        free(out);
    }
    /* Specific cases: NUL, a lone continuation byte, a truncated sequence, a surrogate. */
    char out[64];
    size_t n, bad;
    CHECK_INT(qs_json_quote("a\0b", 3, out, sizeof out, &n, &bad), 0);
    CHECK_MEM(out, n, "\"a\\u0000b\"", 10);
    CHECK_INT(qs_json_quote("\x80x\xe2\x82", 4, out, sizeof out, &n, &bad), 0);
    CHECK_MEM(out, n, "\"\xef\xbf\xbdx\xef\xbf\xbd\xef\xbf\xbd\"", 12);
    CHECK_INT(bad, 3);
    CHECK_INT(qs_json_quote("\xed\xa0\x80", 3, out, sizeof out, &n, &bad), 0);
    CHECK_INT(bad, 3);
    CHECK_INT(qs_json_quote(NULL, 0, out, sizeof out, &n, NULL), 0);
    CHECK_MEM(out, n, "\"\"", 2);
    CHECK_INT(qs_json_quote(NULL, 1, out, sizeof out, &n, NULL), QS_EINVAL);
    CHECK(qs_json_quote_bound(10) >= 62);
    return qst_done("test-json");
}
