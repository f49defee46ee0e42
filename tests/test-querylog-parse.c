/* test-querylog-parse.c — qs_query_record_parse against jansson, which it replaced: every
 * input gives the same return code, QHash and sql bytes, with room for the statement, none,
 * and one byte too little. Inputs: hand-picked edges (numbers at int64 and double limits,
 * surrogates, \u0000, ill-formed UTF-8, duplicate and escaped keys, nesting at jansson's
 * 2048, blanks and garbage around), mutations of the real query.log lines in
 * tests/cli/golden/example.query.log, and random documents. jansson is a test dependency
 * only. */
#include <jansson.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qsplit.h"
#include "qstest.h"

/* The function as it was, on jansson (json_loadb, JSON_ALLOW_NUL). */
static int jansson_parse(const char *line, size_t len, char qhash[QS_HASH_HEX_LEN + 1],
                         char *sql, size_t cap, size_t *sql_len)
{
    json_error_t jerr;
    json_t *root = json_loadb(line, len, JSON_ALLOW_NUL, &jerr);
    if (!root)
        return QS_ENOTFOUND;
    int rc = QS_ENOTFOUND;
    json_t *h = json_object_get(root, "QHash");
    json_t *s = json_object_get(root, "sql");
    if (json_is_string(h) && json_string_length(h) == QS_HASH_HEX_LEN && json_is_string(s)) {
        const char *hv = json_string_value(h);
        rc = 0;
        for (int i = 0; i < QS_HASH_HEX_LEN; i++)
            if (!((hv[i] >= '0' && hv[i] <= '9') || (hv[i] >= 'a' && hv[i] <= 'f')))
                rc = QS_ENOTFOUND;
        if (rc == 0) {
            memcpy(qhash, hv, QS_HASH_HEX_LEN + 1);
            size_t n = json_string_length(s);
            if (sql_len)
                *sql_len = n;
            if (sql) {
                if (n > cap)
                    rc = QS_ERANGE;
                else
                    memcpy(sql, json_string_value(s), n);
            }
        }
    }
    json_decref(root);
    return rc;
}

static long compared, accepted;

/* One call of each with the same arguments: the same outcome, byte for byte. */
static void same_call(const char *in, size_t n, int with_sql, size_t cap)
{
    char h1[QS_HASH_HEX_LEN + 1] = "", h2[QS_HASH_HEX_LEN + 1] = "";
    char *s1 = malloc(cap + 1), *s2 = malloc(cap + 1);
    size_t l1 = 7, l2 = 7;
    int r1 = qs_query_record_parse(in, n, h1, with_sql ? s1 : NULL, cap, &l1);
    int r2 = jansson_parse(in, n, h2, with_sql ? s2 : NULL, cap, &l2);
    CHECK_INT(r1, r2);
    CHECK_INT(l1, l2);
    CHECK_STR(h1, h2);
    if (r1 == 0 && r2 == 0 && with_sql && l1 == l2)
        CHECK_MEM(s1, l1, s2, l2);
    if (r1 != r2 || l1 != l2 || strcmp(h1, h2) != 0)
        fprintf(stderr, "  input (%zu bytes): %.*s\n", n, (int)(n > 300 ? 300 : n), in);
    free(s1);
    free(s2);
}

static void same(const char *in, size_t n)
{
    compared++;
    char h[QS_HASH_HEX_LEN + 1];
    size_t need = 0;
    int rc = jansson_parse(in, n, h, NULL, 0, &need);
    same_call(in, n, 0, 0);
    same_call(in, n, 1, n + 1);
    if (rc == 0) {
        accepted++;
        same_call(in, n, 1, need);
        if (need > 0)
            same_call(in, n, 1, need - 1); /* QS_ERANGE, the length still reported */
        same_call(in, n, 1, 0);
    }
}

static void same_str(const char *s)
{
    same(s, strlen(s));
}

#define H "8c6b7778672a4222bf18d91a035cd86e"

/* (2^54-1)*2^970: the least decimal that overflows a double (see lib/jsonscan.c). */
static const char overflow_at[] =
    "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649"
    "017977587207096330286416692887910946555547851940402630657488671505820681908902000708383"
    "676273854845817711531764475730270069855571366959622842914819860834936475292719074168444"
    "365510704342711559699508093042880177904174497792";

static void test_edges(void)
{
    static const char *const cases[] = {
        "{\"QHash\":\"" H "\",\"sql\":\"x\"}",
        " \t\r\n{\"QHash\":\"" H "\",\"sql\":\"x\"} \t\r\n",
        "{\"QHash\":\"" H "\",\"sql\":\"x\"}\n\n",
        "{\"QHash\":\"" H "\",\"sql\":\"x\"}x",
        "{\"QHash\":\"" H "\",\"sql\":\"x\"}{}",
        "{\"QHash\":\"" H "\",\"sql\":\"x\"}\x00",
        "{\"QHash\":\"" H "\",\"sql\":\"x\",\"QHash\":1}",
        "{\"QHash\":1,\"QHash\":\"" H "\",\"sql\":\"x\"}",
        "{\"QHash\":\"" H "\",\"sql\":\"x\",\"sql\":\"y\"}",
        "{\"QHash\":\"" H "\",\"sql\":\"x\",\"sql\":null}",
        "{\"QH\\u0061sh\":\"" H "\",\"sql\":\"x\"}",
        "{\"QHash\":\"" H "\",\"s\\u0071l\":\"x\"}",
        "{\"QHash\":\"\\u0038c6b7778672a4222bf18d91a035cd86e\",\"sql\":\"x\"}",
        "{\"QHash\":\"" H "\",\"sql\":\"a\\u0000b\"}",
        "{\"QHash\":\"" H "\",\"sql\":\"x\",\"k\\u0000\":1}",
        "{\"QHash\":\"" H "\",\"sql\":\"x\",\"\\\\u0000\":1}",
        "{\"QHash\":\"" H "\",\"sql\":\"\\ud83d\\ude00\"}",
        "{\"QHash\":\"" H "\",\"sql\":\"\\ud83d\"}",
        "{\"QHash\":\"" H "\",\"sql\":\"\\ude00\"}",
        "{\"QHash\":\"" H "\",\"sql\":\"\\ud83dx\"}",
        "{\"QHash\":\"" H "\",\"sql\":\"\\ud83d\\u0041\"}",
        "{\"QHash\":\"" H "\",\"sql\":\"\\ud83d\\ud83d\"}",
        "{\"QHash\":\"" H "\",\"sql\":\"\\ude00\\ud83d\"}",
        "{\"QHash\":\"" H "\",\"sql\":\"x\",\"o\":\"\\udbff\\udfff\"}",
        "{\"QHash\":\"" H "\",\"sql\":\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"}",
        "{\"QHash\":\"" H "\",\"sql\":\"\xff\"}",
        "{\"QHash\":\"" H "\",\"sql\":\"\xc0\xaf\"}",
        "{\"QHash\":\"" H "\",\"sql\":\"\xe0\x80\xaf\"}",
        "{\"QHash\":\"" H "\",\"sql\":\"\xed\xa0\x80\"}",
        "{\"QHash\":\"" H "\",\"sql\":\"\xf4\x90\x80\x80\"}",
        "{\"QHash\":\"" H "\",\"sql\":\"\xc3\"}",
        "{\"QHash\":\"" H "\",\"sql\":\"x\",\"\xff\":1}",
        "{\"QHash\":\"" H "\",\"sql\":\"x\"}\xc3\xa9",
        "{\"QHash\":\"" H "\",\"sql\":\"\x7f\"}",
        "{\"QHash\":\"" H "\",\"sql\":\"\x1f\"}",
        "{\"QHash\":\"" H "\",\"sql\":\"\\x\"}",
        "{\"QHash\":\"" H "\",\"sql\":\"\\u12g4\"}",
        "{\"QHash\":\"8C6B7778672A4222BF18D91A035CD86E\",\"sql\":\"x\"}",
        "{\"QHash\":\"" H "0\",\"sql\":\"x\"}",
        "{\"QHash\":\"" H "\",\"sql\":\"\"}",
        "[{\"QHash\":\"" H "\",\"sql\":\"x\"}]",
        "\"QHash\"",
        "",
        " ",
        "{}",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        same_str(cases[i]);
    same("{\"QHash\":\"" H "\",\"sql\":\"x\"}\x00", 46);
    same("{\"QHash\":\"" H "\",\"sql\":\"a\x00 b\"}", 46);

    /* numbers: every form, at int64's and double's limits */
    static const char *const nums[] = {
        "0",
        "-0",
        "1",
        "-1",
        "01",
        "-",
        "1.",
        ".5",
        "1e",
        "1e+",
        "+1",
        "1.5e-3",
        "1E5",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775808",
        "-9223372036854775809",
        "99999999999999999999",
        "00",
        "0.0",
        "-0.0e-0",
        "1e308",
        "1e309",
        "-1e309",
        "1.7976931348623157e308",
        "1.7976931348623158e308",
        "1.79769313486231580793728971405303e308",
        "1.79769313486231580793728971405302e308",
        "0.179769313486231580793728971405304e309",
        "17976931348623158079e289",
        "1e-400",
        "4.9e-324",
        "2e-324",
        "0e999999999999999999999",
        "1e999999999999999999999",
        "1e-999999999999999999999",
        "123456789012345678901234567890e-20",
        "0.000000000000000000000000000000000001e344",
        "1.0",
        "-1.5E+10",
    };
    char buf[1024];
    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
        snprintf(buf, sizeof buf, "{\"QHash\":\"" H "\",\"n\":%s,\"sql\":\"x\"}", nums[i]);
        same_str(buf);
        snprintf(buf, sizeof buf, "{\"QHash\":\"" H "\",\"sql\":\"x\",\"a\":[%s]}", nums[i]);
        same_str(buf);
    }
    /* the exact overflow threshold, one unit below and above, as reals */
    const char *forms[] = {"%s.0", "%s.0000000000000000000000000001", "%se0", "0.%se309",
                           "-%s.0"};
    for (size_t f = 0; f < sizeof forms / sizeof forms[0]; f++) {
        char num[400], below[400];
        snprintf(num, sizeof num, forms[f], overflow_at);
        snprintf(buf, sizeof buf, "{\"QHash\":\"" H "\",\"sql\":\"x\",\"n\":%s}", num);
        same_str(buf);
        strcpy(below, overflow_at);
        below[strlen(below) - 1]--; /* ...791 */
        snprintf(num, sizeof num, forms[f], below);
        snprintf(buf, sizeof buf, "{\"QHash\":\"" H "\",\"sql\":\"x\",\"n\":%s}", num);
        same_str(buf);
    }

    /* nesting around jansson's 2048 levels, with and without a scalar at the bottom */
    size_t cap = 6 * 2100 + 128;
    char *deep = malloc(cap);
    for (int d = 2044; d <= 2051; d++)
        for (int kind = 0; kind < 4; kind++) {
            size_t k =
                (size_t)snprintf(deep, cap, "{\"QHash\":\"" H "\",\"sql\":\"x\",\"a\":");
            for (int i = 0; i < d; i++)
                k += (size_t)snprintf(deep + k, cap - k, "%s", kind & 1 ? "{\"k\":" : "[");
            k += (size_t)snprintf(deep + k, cap - k, "%s",
                                  kind & 2   ? "1"
                                  : kind & 1 ? "{}"
                                             : "[]");
            for (int i = 0; i < d; i++)
                deep[k++] = kind & 1 ? '}' : ']';
            deep[k++] = '}';
            same(deep, k);
        }
    free(deep);
}

/* Deep nesting is read without a call frame per level: 2048 levels of objects parse on a
 * thread with a 256 KiB stack (jansson's recursion needs about 192 KiB of it at -O2, the
 * recursive scan this replaced twice that). */
static void *deep_parse(void *arg)
{
    int *rc = arg;
    size_t cap = 6 * 2048 + 128, k;
    char *deep = malloc(cap);
    k = (size_t)snprintf(deep, cap, "{\"QHash\":\"" H "\",\"sql\":\"x\",\"a\":");
    for (int i = 0; i < 2046; i++)
        k += (size_t)snprintf(deep + k, cap - k, "%s", i % 2 ? "[" : "{\"k\":");
    deep[k++] = '1';
    for (int i = 2045; i >= 0; i--)
        deep[k++] = i % 2 ? ']' : '}';
    deep[k++] = '}';
    char h[QS_HASH_HEX_LEN + 1], sql[4];
    size_t n;
    *rc = qs_query_record_parse(deep, k, h, sql, sizeof sql, &n);
    free(deep);
    return NULL;
}

static void test_small_stack(void)
{
    pthread_attr_t a;
    pthread_t t;
    int rc = -1;
    CHECK_INT(pthread_attr_init(&a), 0);
    CHECK_INT(pthread_attr_setstacksize(&a, 256 * 1024), 0);
    CHECK_INT(pthread_create(&t, &a, deep_parse, &rc), 0);
    CHECK_INT(pthread_join(t, NULL), 0);
    CHECK_INT(rc, 0);
    pthread_attr_destroy(&a);
}

static uint64_t rng = 0x9e3779b97f4a7c15u;
static unsigned next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng >> 32);
}

/* What mutations insert: JSON's delimiters, escapes of every kind, UTF-8 good and bad. */
static const char *const pieces[] = {
    "\"",
    "\\",
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    " ",
    "\n",
    "\r",
    "\t",
    "\x01",
    "\x00",
    "0",
    "-",
    ".",
    "e",
    "E+",
    "1e400",
    "9223372036854775808",
    "true",
    "null",
    "fals",
    "\\u0000",
    "\\ud800",
    "\\udc00",
    "\\ud83d\\ude00",
    "\\u00e9",
    "\\u0061",
    "\\n",
    "\\/",
    "\\x",
    "\\u12",
    "\xc3\xa9",
    "\xff",
    "\xc3",
    "\xed\xa0\x80",
    "\xf0\x9f\x98\x80",
    "\xc0\x80",
    "\"QHash\":",
    "\"sql\":",
    ",\"sql\":\"dup\"",
    ",\"QHash\":\"" H "\"",
    "\"QH\\u0061sh\"",
    "\"" H "\"",
    "1.7976931348623159e308",
    "-0.0",
    "[[[[",
    "]]]]",
};

static size_t mutate(char *b, size_t n, size_t cap)
{
    unsigned op = next() % 6;
    size_t at = n ? next() % (n + 1) : 0;
    if (op == 0 && n) { /* replace a byte */
        b[at % n] = next() & 1 ? (char)(next() % 256) : " \"\\{}[],:0e"[next() % 11];
        return n;
    }
    if (op == 1 && n) { /* delete a run */
        size_t len = 1 + next() % 8;
        if (at + len > n)
            len = n - at;
        memmove(b + at, b + at + len, n - at - len);
        return n - len;
    }
    if (op == 2) { /* truncate */
        return at;
    }
    if (op == 3 && n) { /* copy a run elsewhere */
        size_t from = next() % n, len = 1 + next() % 40;
        if (from + len > n)
            len = n - from;
        if (n + len > cap)
            return n;
        char tmp[64];
        memcpy(tmp, b + from, len);
        memmove(b + at + len, b + at, n - at);
        memcpy(b + at, tmp, len);
        return n + len;
    }
    /* insert a piece */
    unsigned p = next() % (sizeof pieces / sizeof pieces[0]);
    size_t len = pieces[p][0] ? strlen(pieces[p]) : 1;
    if (n + len > cap)
        return n;
    memmove(b + at + len, b + at, n - at);
    memcpy(b + at, pieces[p], len);
    return n + len;
}

static void test_mutations(void)
{
    const char *root = getenv("QS_SOURCE_ROOT");
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/cli/golden/example.query.log", root ? root : "..");
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    if (!f)
        return;
    char line[16384], b[20000];
    int lines = 0;
    size_t rounds = qst_light(1000);
    while (fgets(line, sizeof line, f)) {
        size_t len = strlen(line);
        lines++;
        same(line, len);
        for (size_t r = 0; r < rounds; r++) {
            memcpy(b, line, len);
            size_t n = len;
            unsigned times = 1 + next() % 4;
            for (unsigned t = 0; t < times; t++)
                n = mutate(b, n, sizeof b);
            same(b, n);
        }
    }
    fclose(f);
    CHECK(lines >= 50);
}

/* Random documents from a small grammar with the record's keys in it. */
static void put(char *b, size_t *k, size_t cap, const char *s)
{
    size_t l = strlen(s);
    if (*k + l < cap) {
        memcpy(b + *k, s, l);
        *k += l;
    }
}

static void gen_string(char *b, size_t *k, size_t cap)
{
    put(b, k, cap, "\"");
    unsigned n = next() % 8;
    for (unsigned i = 0; i < n; i++) {
        unsigned r = next() % 10;
        if (r < 5) {
            char c[2] = {(char)('a' + next() % 26), 0};
            put(b, k, cap, c);
        } else {
            put(b, k, cap, pieces[20 + next() % 20]);
        }
    }
    put(b, k, cap, "\"");
}

static void gen_number(char *b, size_t *k, size_t cap)
{
    char num[80];
    unsigned r = next() % 4;
    if (r == 0)
        snprintf(num, sizeof num, "%d", (int)next());
    else if (r == 1)
        snprintf(num, sizeof num, "%s922337203685477580%u", next() & 1 ? "-" : "",
                 next() % 10);
    else if (r == 2)
        snprintf(num, sizeof num, "%s%u.%ue%s%u", next() & 1 ? "-" : "", next() % 20,
                 next() % 1000, next() & 1 ? "-" : "", 300 + next() % 30);
    else
        snprintf(num, sizeof num, "1.797693134862315%ue308", next() % 100000);
    put(b, k, cap, num);
}

static void gen_value(char *b, size_t *k, size_t cap, int depth)
{
    unsigned r = next() % (depth > 4 ? 10 : 13);
    if (r < 4) {
        gen_string(b, k, cap);
    } else if (r < 7) {
        gen_number(b, k, cap);
    } else if (r < 10) {
        put(b, k, cap, (const char *[]){"true", "false", "null"}[r - 7]);
    } else if (r < 12) {
        put(b, k, cap, "{");
        unsigned n = next() % 5;
        for (unsigned i = 0; i < n; i++) {
            if (i)
                put(b, k, cap, ",");
            unsigned kk = next() % 6;
            if (kk == 0)
                put(b, k, cap, "\"QHash\"");
            else if (kk == 1)
                put(b, k, cap, "\"sql\"");
            else
                gen_string(b, k, cap);
            put(b, k, cap, ":");
            if (kk == 0 && next() % 3)
                put(b, k, cap, "\"" H "\"");
            else
                gen_value(b, k, cap, depth + 1);
        }
        put(b, k, cap, "}");
    } else {
        put(b, k, cap, "[");
        unsigned n = next() % 4;
        for (unsigned i = 0; i < n; i++) {
            if (i)
                put(b, k, cap, ",");
            gen_value(b, k, cap, depth + 1);
        }
        put(b, k, cap, "]");
    }
}

static void test_random(void)
{
    char b[8192];
    size_t docs = qst_light(50000);
    for (size_t i = 0; i < docs; i++) {
        size_t k = 0;
        put(b, &k, sizeof b, "{\"QHash\":\"" H "\",");
        if (next() % 2)
            put(b, &k, sizeof b, "\"sql\":");
        else
            put(b, &k, sizeof b, "\"x\":");
        gen_value(b, &k, sizeof b, 1);
        unsigned more = next() % 3;
        for (unsigned m = 0; m < more; m++) {
            put(b, &k, sizeof b, ",");
            gen_string(b, &k, sizeof b);
            put(b, &k, sizeof b, ":");
            gen_value(b, &k, sizeof b, 1);
        }
        put(b, &k, sizeof b, next() % 4 ? "}\n" : "} x");
        same(b, k);
        if (next() % 2) { /* damaged once */
            k = mutate(b, k, sizeof b);
            same(b, k);
        }
    }
}

int main(void)
{
    test_edges();
    test_small_stack();
    test_mutations();
    test_random();
    fprintf(stderr, "differential: %ld inputs, %ld of them records\n", compared, accepted);
    return qst_done("test-querylog-parse");
}
