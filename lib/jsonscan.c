/* jsonscan.c — one JSON object read without building it: a strict RFC 8259 scan that
 * reports each member's value span to its caller, and the string decoder. One scanner for
 * the JSON events the splitter reads and the query.log lines lookup reads, so the two
 * cannot drift apart; QSP_JSON_STRICT adds what jansson refuses on top of the grammar. */
#include "jsonscan.h"

#include <stdint.h>
#include <string.h>

#include "utf8.h"

struct scan {
    const struct qsp_json_scanner *sc;
    const char *s;
    size_t n, i;
    int strict;
    int nul; /* the last string read decodes to a NUL somewhere (\u0000) */
};

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void skip_ws(struct scan *c)
{
    while (c->i < c->n && is_blank(c->s[c->i]))
        c->i++;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9'                     ? c - '0'
           : (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ? (c | 0x20) - 'a' + 10
                                                    : -1;
}

static int hex4(const char *p, size_t n, size_t i, unsigned *v)
{
    if (i + 4 > n)
        return 0;
    unsigned x = 0;
    for (int k = 0; k < 4; k++) {
        int h = hexval(p[i + (size_t)k]);
        if (h < 0)
            return 0;
        x = x * 16 + (unsigned)h;
    }
    *v = x;
    return 1;
}

/* The \u escape whose 'u' is at s[i], with four hex digits checked: strictly, a high
 * surrogate must be followed at once by an escaped low one, and a low one must not stand
 * alone (jansson's rule). Returns the raw bytes after the 'u' it takes (4 or 10), 0 if
 * refused. */
static size_t unicode_escape(struct scan *c, size_t i, unsigned u)
{
    if (u == 0)
        c->nul = 1;
    if (!c->strict || u < 0xd800 || u >= 0xe000)
        return 4;
    unsigned lo;
    if (u >= 0xdc00 || i + 6 >= c->n || c->s[i + 5] != '\\' || c->s[i + 6] != 'u' ||
        !hex4(c->s, c->n, i + 7, &lo) || lo < 0xdc00 || lo >= 0xe000)
        return 0;
    return 10;
}

/* Does any of the eight bytes at p need a look inside a string: a quote, a backslash, a
 * control byte, or (top 0x80: UTF-8 is checked) a byte >= 0x80? The "has less than"
 * and "has zero byte" tests of Bit Twiddling Hacks: exact about whether any byte does. */
static int needs_look(const char *p, unsigned top)
{
    const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
    uint64_t v;
    memcpy(&v, p, 8);
    uint64_t q = v ^ (ones * '"'), b = v ^ (ones * '\\');
    uint64_t hit = ((v - ones * 0x20) & ~v) | ((q - ones) & ~q) | ((b - ones) & ~b);
    if (top == 0x80)
        hit |= v;
    return (hit & high) != 0;
}

/* A string whose opening quote is at s[i]: *f gets its contents; 0 when malformed (a raw
 * control byte, a bad escape, no closing quote; strictly, also ill-formed UTF-8 and the
 * surrogates unicode_escape refuses). */
static int string(struct scan *c, struct qsp_json_field *f)
{
    const char *s = c->s;
    size_t n = c->n, i = ++c->i;
    /* bytes from top up need a look: >= 0x80 only when UTF-8 is checked */
    unsigned top = c->strict ? 0x80 : 0x100;
    int esc = 0;
    c->nul = 0;
    for (;;) {
        /* the hot loop: plain bytes, the whole of most strings, eight at a time */
        while (n - i >= 8 && !needs_look(s + i, top))
            i += 8;
        unsigned b = 0;
        while (i < n && (b = (unsigned char)s[i]) >= 0x20 && b < top && b != '"' && b != '\\')
            i++;
        if (i >= n || b == '"')
            break;
        if (b < 0x20)
            return 0;
        if (b >= 0x80) {
            size_t k = qsp_utf8_seq_len((const unsigned char *)s + i, n - i);
            if (!k)
                return 0;
            i += k;
            continue;
        }
        esc = 1; /* a backslash */
        if (++i >= n)
            return 0;
        unsigned u;
        switch (s[i]) {
        case '"':
        case '\\':
        case '/':
        case 'b':
        case 'f':
        case 'n':
        case 'r':
        case 't': break;
        case 'u': {
            size_t took = hex4(s, n, i + 1, &u) ? unicode_escape(c, i, u) : 0;
            if (!took)
                return 0;
            i += took;
            break;
        }
        default: return 0;
        }
        i++;
    }
    if (i >= c->n)
        return 0;
    if (f) {
        f->off = c->i;
        f->len = i - c->i;
        f->escaped = esc;
    }
    c->i = i + 1;
    return 1;
}

static int digits(struct scan *c)
{
    size_t b = c->i;
    while (c->i < c->n && c->s[c->i] >= '0' && c->s[c->i] <= '9')
        c->i++;
    return c->i > b;
}

/* (2^54 - 1) * 2^970, the midpoint between DBL_MAX and 2^1024: a decimal at or above it
 * rounds to infinity (ties to even), so strtod reports ERANGE and jansson refuses it.
 * Printed by python3 -c 'print((2**54-1)*2**970)'. */
static const char overflow_digits[] =
    "1797693134862315807937289714053034150799341327100378269361737789804449682927647509466"
    "4901797758720709633028641669288791094655554785194040263065748867150582068190890200070"
    "8383676273854845817711531764475730270069855571366959622842914819860834936475292719074"
    "168444365510704342711559699508093042880177904174497792";

/* The i-th significant digit of a real number's text, '0' past its end: the integer part
 * [ib, ie) then the fraction [fb, fe), leading zeros already skipped by the caller. */
static char sig_digit(const char *s, size_t ib, size_t ie, size_t fb, size_t fe, size_t i)
{
    if (i < ie - ib)
        return s[ib + i];
    i -= ie - ib;
    return i < fe - fb ? s[fb + i] : '0';
}

/* Does the real number s[b..e) (valid JSON, '.' or an exponent in it) overflow a double?
 * Compares its decimal digits with overflow_digits exactly, without strtod: strtod reads
 * the process locale, which a library must not depend on. */
static int real_overflows(const char *s, size_t b, size_t e)
{
    if (s[b] == '-')
        b++;
    size_t ib = b, ie = b;
    while (ie < e && s[ie] >= '0' && s[ie] <= '9')
        ie++;
    size_t fb = ie, fe = ie;
    if (fb < e && s[fb] == '.') {
        fe = ++fb;
        while (fe < e && s[fe] >= '0' && s[fe] <= '9')
            fe++;
    }
    long long exp10 = 0; /* saturates far beyond any exponent that matters */
    if (fe < e) {
        size_t k = fe + 1;
        int neg = s[k] == '-';
        if (s[k] == '+' || s[k] == '-')
            k++;
        for (; k < e; k++)
            if (exp10 < 1000000000000LL)
                exp10 = exp10 * 10 + (s[k] - '0');
        if (neg)
            exp10 = -exp10;
    }
    /* value = 0.D * 10^pos, D the significant digits */
    while (ib < ie && s[ib] == '0')
        ib++;
    long long pos = (long long)(ie - ib);
    if (ib == ie) {
        while (fb < fe && s[fb] == '0') {
            fb++;
            pos--;
        }
        if (fb == fe)
            return 0; /* zero */
    }
    pos += exp10;
    long long limit = (long long)sizeof overflow_digits - 1; /* 309 digits */
    if (pos != limit)
        return pos > limit;
    size_t nd = (ie - ib) + (fe - fb);
    for (size_t i = 0; i < nd || i < (size_t)limit; i++) {
        char d = sig_digit(s, ib, ie, fb, fe, i);
        char t = i < (size_t)limit ? overflow_digits[i] : '0';
        if (d != t)
            return d > t;
    }
    return 1; /* exactly the midpoint: rounds to even, 2^1024 */
}

/* Does the integer s[b..e) fit int64_t (strtoll's range)? */
static int integer_fits(const char *s, size_t b, size_t e)
{
    int neg = s[b] == '-';
    const char *max = neg ? "9223372036854775808" : "9223372036854775807";
    size_t len = e - b - (size_t)neg;
    return len < 19 || (len == 19 && memcmp(s + b + neg, max, 19) <= 0);
}

static int number(struct scan *c, struct qsp_json_field *f)
{
    size_t b = c->i;
    int real = 0;
    if (c->s[c->i] == '-')
        c->i++;
    if (c->i < c->n && c->s[c->i] == '0')
        c->i++;
    else if (!digits(c))
        return 0;
    if (c->i < c->n && c->s[c->i] == '.') {
        c->i++;
        real = 1;
        if (!digits(c))
            return 0;
    }
    if (c->i < c->n && (c->s[c->i] | 0x20) == 'e') {
        c->i++;
        real = 1;
        if (c->i < c->n && (c->s[c->i] == '+' || c->s[c->i] == '-'))
            c->i++;
        if (!digits(c))
            return 0;
    }
    if (c->strict && (real ? real_overflows(c->s, b, c->i) : !integer_fits(c->s, b, c->i)))
        return 0;
    f->off = b;
    f->len = c->i - b;
    f->escaped = 0;
    return 1;
}

static int literal(struct scan *c, const char *w)
{
    size_t l = strlen(w);
    if (c->n - c->i < l || memcmp(c->s + c->i, w, l) != 0)
        return 0;
    c->i += l;
    return 1;
}

/* After a member or element: 1 at the closing bracket (consumed), 0 after a comma (and the
 * blanks after it), -1 on anything else or at the end of the line. */
static int list_next(struct scan *c, char close)
{
    skip_ws(c);
    if (c->i >= c->n)
        return -1;
    if (c->s[c->i] == close) {
        c->i++;
        return 1;
    }
    if (c->s[c->i] != ',')
        return -1;
    c->i++;
    skip_ws(c);
    return 0;
}

/* A scalar at s[i]: a string, a number (their span into *f) or a literal; 0 if malformed. */
static int scalar(struct scan *c, enum qsp_json_type *type, struct qsp_json_field *f)
{
    switch (c->s[c->i]) {
    case '"': *type = QSP_JSON_STRING; return string(c, f);
    case 't': return literal(c, "true");
    case 'f': return literal(c, "false");
    case 'n': return literal(c, "null");
    default:
        *type = QSP_JSON_NUMBER;
        return (c->s[c->i] == '-' || (c->s[c->i] >= '0' && c->s[c->i] <= '9')) && number(c, f);
    }
}

/* A member's key and its colon, at s[i]: blanks after both are skipped. */
static int member_key(struct scan *c, struct qsp_json_field *k)
{
    if (c->i >= c->n || c->s[c->i] != '"' || !string(c, k))
        return 0;
    if (c->strict && c->nul)
        return 0; /* jansson: "NUL byte in object key not supported" */
    skip_ws(c);
    if (c->i >= c->n || c->s[c->i] != ':')
        return 0;
    c->i++;
    skip_ws(c);
    return 1;
}

/* A value at s[i] of whose members none is reported, at the given depth, read without
 * recursion: each open container is one bit (object or array) of a stack, so nesting up
 * to QSP_JSON_MAX_DEPTH costs a few hundred bytes, not a call frame per level. */
static int skip(struct scan *c, int depth)
{
    unsigned char is_obj[QSP_JSON_MAX_DEPTH / 8 + 1];
    int top = 0; /* open containers; the value at s[i] is at depth + top */
    for (;;) {
        if (c->i >= c->n || depth + top > c->sc->max_depth)
            return 0;
        char ch = c->s[c->i];
        enum qsp_json_type t;
        struct qsp_json_field f;
        if (ch == '{' || ch == '[') {
            c->i++;
            skip_ws(c);
            if (c->i < c->n && c->s[c->i] == (ch == '{' ? '}' : ']')) {
                c->i++; /* empty: a value read, as a scalar is */
            } else {
                is_obj[top / 8] = (unsigned char)((is_obj[top / 8] & ~(1u << (top % 8))) |
                                                  (unsigned)(ch == '{') << (top % 8));
                top++;
                if (ch == '{' && !member_key(c, &f))
                    return 0;
                continue;
            }
        } else if (!scalar(c, &t, &f)) {
            return 0;
        }
        /* After a value: close what ends here, then on to the next member or element. */
        for (;;) {
            if (top == 0)
                return 1;
            int obj = (is_obj[(top - 1) / 8] >> ((top - 1) % 8)) & 1;
            int r = list_next(c, obj ? '}' : ']');
            if (r < 0)
                return 0;
            if (r == 0) {
                if (obj && !member_key(c, &f))
                    return 0;
                break;
            }
            top--;
        }
    }
}

static int object(struct scan *c, int depth, int level, const struct qsp_json_field *parent);

/* Any value at s[i] (no blanks before it), at the given depth: *type and, for a string or
 * a number, *f. key and level: an object's, should it be one (see object); objects whose
 * members are reported recurse, everything else is skipped. */
static int value(struct scan *c, int depth, const struct qsp_json_field *key, int level,
                 enum qsp_json_type *type, struct qsp_json_field *f)
{
    *type = QSP_JSON_OTHER;
    *f = (struct qsp_json_field){0, 0, 0};
    if (c->i >= c->n || depth > c->sc->max_depth)
        return 0;
    if (c->s[c->i] == '{') {
        *type = QSP_JSON_OBJECT;
        return level < c->sc->levels ? object(c, depth, level, key) : skip(c, depth);
    }
    return c->s[c->i] == '[' ? skip(c, depth) : scalar(c, type, f);
}

/* An object whose '{' is at s[i], at the given depth. level: whose members are reported
 * (0 the top-level object's, 1 those of its members' objects, up to the scanner's levels);
 * parent: the key this object is the value of. */
static int object(struct scan *c, int depth, int level, const struct qsp_json_field *parent)
{
    c->i++;
    skip_ws(c);
    if (c->i < c->n && c->s[c->i] == '}') {
        c->i++;
        return 1;
    }
    for (;;) {
        struct qsp_json_member m = {.level = level, .parent = parent};
        if (!member_key(c, &m.key))
            return 0;
        m.start = c->i;
        if (!value(c, depth + 1, &m.key, level + 1, &m.type, &m.val))
            return 0;
        m.end = c->i;
        c->sc->member(c->sc->ctx, c->s, &m);
        int r = list_next(c, '}');
        if (r)
            return r > 0;
    }
}

int qsp_json_scan(const struct qsp_json_scanner *sc, const char *s, size_t n)
{
    struct scan c = {.sc = sc, .s = s, .n = n, .strict = (sc->flags & QSP_JSON_STRICT) != 0};
    if (!s || !n || s[0] != '{' || sc->max_depth < 1 || sc->max_depth > QSP_JSON_MAX_DEPTH ||
        !(sc->levels >= 1 ? object(&c, 1, 0, NULL) : skip(&c, 1)))
        return 0;
    skip_ws(&c);
    return c.i == n;
}

/* One character of escaped contents at p[i]: its decoded bytes into o (at most 4, never
 * more than the raw bytes taken), their count into *k; returns the raw bytes taken. */
static size_t step(const char *p, size_t n, size_t i, char *o, size_t *k)
{
    if (p[i] != '\\' || i + 1 >= n) {
        o[0] = p[i];
        *k = 1;
        return 1;
    }
    char e = p[i + 1];
    unsigned u, lo;
    *k = 1;
    switch (e) {
    case 'b': o[0] = '\b'; return 2;
    case 'f': o[0] = '\f'; return 2;
    case 'n': o[0] = '\n'; return 2;
    case 'r': o[0] = '\r'; return 2;
    case 't': o[0] = '\t'; return 2;
    case '"':
    case '\\':
    case '/': o[0] = e; return 2;
    case 'u': break;
    default:
        o[0] = '\\';
        o[1] = e;
        *k = 2;
        return 2;
    }
    if (!hex4(p, n, i + 2, &u)) {
        o[0] = '\\';
        o[1] = 'u';
        *k = 2;
        return 2;
    }
    size_t took = 6;
    if (u >= 0xd800 && u < 0xdc00 && i + 7 < n && p[i + 6] == '\\' && p[i + 7] == 'u' &&
        hex4(p, n, i + 8, &lo) && lo >= 0xdc00 && lo < 0xe000) {
        u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
        took = 12;
    } else if (u >= 0xd800 && u < 0xe000) {
        u = 0xfffd; /* a lone surrogate: no character, the U+FFFD policy */
    }
    if (u < 0x80) {
        o[0] = (char)u;
    } else if (u < 0x800) {
        o[0] = (char)(0xc0 | u >> 6);
        o[1] = (char)(0x80 | (u & 0x3f));
        *k = 2;
    } else if (u < 0x10000) {
        o[0] = (char)(0xe0 | u >> 12);
        o[1] = (char)(0x80 | ((u >> 6) & 0x3f));
        o[2] = (char)(0x80 | (u & 0x3f));
        *k = 3;
    } else {
        o[0] = (char)(0xf0 | u >> 18);
        o[1] = (char)(0x80 | ((u >> 12) & 0x3f));
        o[2] = (char)(0x80 | ((u >> 6) & 0x3f));
        o[3] = (char)(0x80 | (u & 0x3f));
        *k = 4;
    }
    return took;
}

size_t qsp_json_unescape(const char *p, size_t n, char *out)
{
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        const char *bs = memchr(p + i, '\\', n - i);
        size_t run = bs ? (size_t)(bs - (p + i)) : n - i;
        memmove(out + k, p + i, run);
        k += run;
        i += run;
        if (i < n) {
            size_t m;
            i += step(p, n, i, out + k, &m);
            k += m;
        }
    }
    return k;
}

size_t qsp_json_unescaped_len(const char *p, size_t n)
{
    size_t k = 0;
    char o[4];
    for (size_t i = 0; i < n;) {
        const char *bs = memchr(p + i, '\\', n - i);
        size_t run = bs ? (size_t)(bs - (p + i)) : n - i;
        k += run;
        i += run;
        if (i < n) {
            size_t m;
            i += step(p, n, i, o, &m);
            k += m;
        }
    }
    return k;
}

size_t qsp_json_raw_offset(const char *p, size_t n, size_t dec_off)
{
    size_t i = 0, k = 0;
    char o[4];
    while (i < n && k < dec_off) {
        size_t m;
        i += step(p, n, i, o, &m);
        k += m;
    }
    return i;
}

int qsp_json_key_is(const char *s, const struct qsp_json_field *k, const char *name)
{
    size_t l = strlen(name);
    if (!k->escaped)
        return k->len == l && memcmp(s + k->off, name, l) == 0;
    /* decoding at most shrinks a character six-fold (\u0041 to A): longer keys cannot match */
    char buf[64];
    if (k->len > sizeof buf || k->len > 6 * l)
        return 0;
    size_t d = qsp_json_unescape(s + k->off, k->len, buf);
    return d == l && memcmp(buf, name, l) == 0;
}
