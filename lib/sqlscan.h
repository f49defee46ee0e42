/*
 * sqlscan.h — the byte scanner N(sql) (normalize.c) and the fingerprint (fingerprint.c)
 * share: byte classes, and where quoted text, comments and dollar quotes end.
 *
 * The two passes must agree on where every quote and comment starts and ends, or
 * fp(N(x)) would differ from fp(x) (the fuzzer checks it): so there is one copy of these
 * rules. They are static inline in this header rather than functions in a .c because N's
 * hot loop calls them per byte or per quote; a call across files (the library is not
 * built with LTO) would cost N its speed. The 256-byte class table is duplicated in each
 * including file for the same reason: a direct load, no GOT indirection.
 */
#ifndef QSP_SQLSCAN_H
#define QSP_SQLSCAN_H

#include <stddef.h>
#include <string.h>

/* Byte classes: 0 is "ordinary", copied as is. Dialect-only bytes (#, $) get their own
 * class and are treated as ordinary when the dialect gives them no meaning. */
enum {
    SQL_PLAIN = 0,
    SQL_SPACE,  /* space, tab, CR, LF, FF, VT */
    SQL_SQUOTE, /* ' */
    SQL_DQUOTE, /* " */
    SQL_BTICK,  /* ` */
    SQL_DASH,   /* - (maybe --) */
    SQL_SLASH,  /* / (maybe a block comment) */
    SQL_SEMI,   /* ; (removed when trailing) */
    SQL_HASH,   /* # (a comment in MySQL) */
    SQL_DOLLAR, /* $ (a dollar quote in PostgreSQL) */
};

static const unsigned char sql_cls[256] = {
    [' '] = SQL_SPACE,  ['\t'] = SQL_SPACE, ['\n'] = SQL_SPACE,  ['\r'] = SQL_SPACE,
    ['\f'] = SQL_SPACE, ['\v'] = SQL_SPACE, ['\''] = SQL_SQUOTE, ['"'] = SQL_DQUOTE,
    ['`'] = SQL_BTICK,  ['-'] = SQL_DASH,   ['/'] = SQL_SLASH,   [';'] = SQL_SEMI,
    ['#'] = SQL_HASH,   ['$'] = SQL_DOLLAR,
};

/* Identifier bytes: letters, digits, _, $ and every non-ASCII byte (UTF-8 names). */
static inline int sql_is_ident(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '$' || c >= 0x80;
}

static inline int sql_is_space(unsigned char c)
{
    return sql_cls[c] == SQL_SPACE;
}

static inline int sql_is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

/* s[i] is the opening quote q. Returns the index just past the closing quote, or len when
 * unterminated. Doubled quotes are escapes; backslash escapes the next byte if bs. */
static inline size_t sql_scan_quoted(const unsigned char *s, size_t i, size_t len,
                                     unsigned char q, int bs)
{
    i++;
    for (;;) {
        if (bs) {
            while (i < len && s[i] != q && s[i] != '\\')
                i++;
        } else {
            const void *hit = i < len ? memchr(s + i, q, len - i) : NULL;
            i = hit ? (size_t)((const unsigned char *)hit - s) : len;
        }
        if (i >= len)
            return len;
        if (s[i] == '\\') {
            i += 2;
            if (i >= len)
                return len;
            continue;
        }
        if (i + 1 < len && s[i + 1] == q) { /* doubled: an escaped quote */
            i += 2;
            continue;
        }
        return i + 1;
    }
}

/* s[i], s[i+1] are slash and star. Returns the index past the closing star-slash, or len
 * with *closed = 0. PostgreSQL block comments nest; MySQL's and the standard's do not.
 * The search starts right after the opener, so slash-star-star-slash is a whole comment. */
static inline size_t sql_scan_block(const unsigned char *s, size_t i, size_t len, int nest,
                                    int *closed)
{
    size_t depth = 1;
    i += 2;
    *closed = 0;
    while (i + 1 < len) {
        if (s[i] == '*' && s[i + 1] == '/') {
            i += 2;
            if (--depth == 0) {
                *closed = 1;
                return i;
            }
        } else if (nest && s[i] == '/' && s[i + 1] == '*') {
            i += 2;
            depth++;
        } else {
            i++;
        }
    }
    return len;
}

/* End of a -- or # comment: the next CR or LF (not consumed; it is whitespace anyway). */
static inline size_t sql_scan_line(const unsigned char *s, size_t i, size_t len)
{
    while (i < len && s[i] != '\n' && s[i] != '\r')
        i++;
    return i;
}

/* PostgreSQL: may a dollar quote open at s[i]? Not after a name byte ($ inside a name),
 * nor after ?, which the fingerprint writes for a number that stood there, unless the
 * previous dollar quote just ended (qend). */
static inline int sql_dollar_may_open(const unsigned char *s, size_t i, size_t qend)
{
    return i == 0 || (!sql_is_ident(s[i - 1]) && s[i - 1] != '?') || i == qend;
}

/* PostgreSQL: the length of a $tag$ opener at s[i], or 0. $1 is a parameter. */
static inline size_t sql_dollar_open(const unsigned char *s, size_t i, size_t len)
{
    size_t j = i + 1;
    if (j < len && s[j] == '$')
        return 2;
    if (j >= len || sql_is_digit(s[j]))
        return 0;
    while (j < len && sql_is_ident(s[j]) && s[j] != '$')
        j++;
    if (j < len && s[j] == '$' && j > i + 1)
        return j + 1 - i;
    return 0;
}

/* Index past the closing tag of a dollar quote whose opener (tlen bytes) is at s[i]. */
static inline size_t sql_scan_dollar(const unsigned char *s, size_t i, size_t len, size_t tlen)
{
    const unsigned char *tag = s + i;
    size_t j = i + tlen;
    while (j < len) {
        const void *hit = memchr(s + j, '$', len - j);
        if (!hit)
            return len;
        j = (size_t)((const unsigned char *)hit - s);
        if (len - j >= tlen && memcmp(s + j, tag, tlen) == 0)
            return j + tlen;
        j++;
    }
    return len;
}

/* PostgreSQL: is the quote at s[i] the start of an E'...' escape string? The E must be a
 * word of its own: the byte before it is no name byte, or ends a dollar quote. */
static inline int sql_pg_estring(const unsigned char *s, size_t i, size_t qend)
{
    return i >= 1 && (s[i - 1] == 'e' || s[i - 1] == 'E') &&
           (i < 2 || !sql_is_ident(s[i - 2]) || i - 1 == qend);
}

/* Bytes of trailing whitespace in s[from, len): an unterminated construct at the end loses
 * them like any other trailing whitespace. */
static inline size_t sql_trailing_space(const unsigned char *s, size_t from, size_t len)
{
    size_t n = 0;
    while (len - n > from && sql_is_space(s[len - n - 1]))
        n++;
    return n;
}

#endif
