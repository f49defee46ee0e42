/*
 * normalize.c — N(sql), the exact text a QHash is the MD5 of. The contract and every
 * corner case are in docs/qhash.md; the literal-stripping fingerprint is fingerprint.c,
 * and where quotes and comments end is sqlscan.h, shared by both.
 *
 * A single-pass byte lexer over caller buffers: no allocation, no global state. N runs
 * over every SQL byte of multi-GB logs, so its hot loop copies runs of ordinary bytes and
 * consults one 256-entry class table per byte.
 */
#include <stdint.h>
#include <string.h>

#include "qsplit.h"
#include "sqlscan.h"

/* The pass below is instantiated twice (see qs_normalize), with `checked` a constant, so
 * that the unchecked copy carries no bounds tests at all. Every helper it calls on a byte
 * or a run is forced inline so that the constant reaches it and the pass's state (struct
 * npass) stays in registers: with plain `inline`, GCC may keep a helper out of line and
 * the state would go through memory. */
#define N_INLINE static inline __attribute__((always_inline))

/* The state of one N pass. When `checked` is 0 the caller guarantees cap >= len; the
 * output never runs ahead of the input (o <= i), so every write is in bounds without a
 * test. When `checked` is 1, writes past cap are dropped but counted in o. */
struct npass {
    const unsigned char *s;
    size_t len;
    unsigned char *out;
    size_t cap;
    size_t o;    /* bytes of output, written or (past cap) counted */
    size_t keep; /* output length through the last byte that is not trailing */
    size_t qend; /* where the last dollar quote ended */
    int sep;     /* a separator (or nothing yet) was written: no space now */
    int mysql, pg;
};

size_t qs_normalize_bound(size_t len)
{
    return len; /* whitespace runs and comments only ever shrink */
}

N_INLINE void n_put(struct npass *p, unsigned char c, const int checked)
{
    if (!checked || p->o < p->cap)
        p->out[p->o] = c;
    p->o++;
}

/* memmove when unchecked, though sql and out may not overlap (qsplit.h): N's look-back
 * checks read input bytes an in-place write would already have replaced. */
N_INLINE void n_putn(struct npass *p, const unsigned char *from, size_t n, const int checked)
{
    if (!checked)
        memmove(p->out + p->o, from, n);
    else if (p->o < p->cap)
        memcpy(p->out + p->o, from, p->cap - p->o < n ? p->cap - p->o : n);
    p->o += n;
}

/* Whitespace and removed comments: one space, none at the start. */
N_INLINE void n_separate(struct npass *p, const int checked)
{
    if (!p->sep) {
        n_put(p, ' ', checked);
        p->sep = 1;
    }
}

/* Verbatim text s[i, end): kept through its last non-space byte if it runs to the end.
 * Returns end, where the pass goes on. */
N_INLINE size_t n_verbatim(struct npass *p, size_t i, size_t end, const int checked)
{
    n_putn(p, p->s + i, end - i, checked);
    p->keep = p->o - (end == p->len ? sql_trailing_space(p->s, i, p->len) : 0);
    p->sep = 0;
    return end;
}

/* The hot loop: a run of ordinary bytes from s[i], which is one. Returns its end. */
N_INLINE size_t n_plain(struct npass *p, size_t i, const int checked)
{
    const unsigned char *s = p->s;
    size_t len = p->len, st = i;
    if (!checked && s != p->out) {
        /* Ordinary bytes, and a single space between two of them (the usual separator),
         * are copied as they are: 8 at a time while all are plain. In place (s == out)
         * needs the memmove of the other branch. */
        unsigned char *d = p->out + p->o - st;
        for (;;) {
            while (i + 8 <= len &&
                   !(sql_cls[s[i]] | sql_cls[s[i + 1]] | sql_cls[s[i + 2]] |
                     sql_cls[s[i + 3]] | sql_cls[s[i + 4]] | sql_cls[s[i + 5]] |
                     sql_cls[s[i + 6]] | sql_cls[s[i + 7]])) {
                memcpy(d + i, s + i, 8);
                i += 8;
            }
            while (i < len && sql_cls[s[i]] == SQL_PLAIN) {
                d[i] = s[i];
                i++;
            }
            if (i + 1 < len && s[i] == ' ' && sql_cls[s[i + 1]] == SQL_PLAIN) {
                d[i] = ' ';
                d[i + 1] = s[i + 1];
                i += 2;
                continue;
            }
            break;
        }
        p->o += i - st;
    } else {
        do
            i++;
        while (i < len && sql_cls[s[i]] == SQL_PLAIN);
        n_putn(p, s + st, i - st, checked);
    }
    p->keep = p->o;
    p->sep = 0;
    return i;
}

/* A run of whitespace from s[i], which is one: a single separator. */
N_INLINE size_t n_space(struct npass *p, size_t i, const int checked)
{
    const unsigned char *s = p->s;
    size_t len = p->len;
    i++;
    /* Indentation (MyBatis logs SQL as written in the mapper XML): eight blanks at a
     * time, then byte by byte. */
    for (uint64_t w; i + 8 <= len && (memcpy(&w, s + i, 8), w == 0x2020202020202020ull);)
        i += 8;
    while (i < len && sql_is_space(s[i]))
        i++;
    n_separate(p, checked);
    return i;
}

/* A block comment at s[i]: dropped, except optimizer hints and MySQL's executable
 * comments, which change what the statement does. */
N_INLINE size_t n_block(struct npass *p, size_t i, const int checked)
{
    int closed;
    size_t end = sql_scan_block(p->s, i, p->len, p->pg, &closed);
    if (i + 2 < p->len && (p->s[i + 2] == '+' || p->s[i + 2] == '!'))
        return n_verbatim(p, i, end, checked);
    n_separate(p, checked);
    return end;
}

/* A byte that is not ordinary, at s[i]: whitespace, a comment, a quote, ; or $, or a
 * special byte that the dialect leaves ordinary. Returns where the pass goes on. */
N_INLINE size_t n_special(struct npass *p, size_t i, const int checked)
{
    const unsigned char *s = p->s;
    size_t len = p->len;
    unsigned char c = s[i];
    switch (sql_cls[c]) {
    case SQL_SPACE: return n_space(p, i, checked);
    case SQL_SEMI:
        n_put(p, ';', checked); /* not "kept": trailing semicolons fall off at the end */
        p->sep = 0;
        return i + 1;
    case SQL_DASH:
        if (i + 1 < len && s[i + 1] == '-') {
            i = sql_scan_line(s, i + 2, len);
            n_separate(p, checked);
            return i;
        }
        break;
    case SQL_HASH:
        if (p->mysql) {
            i = sql_scan_line(s, i + 1, len);
            n_separate(p, checked);
            return i;
        }
        break;
    case SQL_SLASH:
        if (i + 1 < len && s[i + 1] == '*')
            return n_block(p, i, checked);
        break;
    case SQL_SQUOTE:
    case SQL_DQUOTE:
    case SQL_BTICK: {
        int bs = c == '\'' && (!p->pg || sql_pg_estring(s, i, p->qend));
        return n_verbatim(p, i, sql_scan_quoted(s, i, len, c, bs), checked);
    }
    case SQL_DOLLAR:
        if (p->pg && sql_dollar_may_open(s, i, p->qend)) {
            size_t tlen = sql_dollar_open(s, i, len);
            if (tlen) {
                p->qend = sql_scan_dollar(s, i, len, tlen);
                return n_verbatim(p, i, p->qend, checked);
            }
        }
        break;
    default: break;
    }
    n_put(p, c, checked);
    p->keep = p->o;
    p->sep = 0;
    return i + 1;
}

/* The N pass; returns the length of N(sql). */
N_INLINE size_t normalize_pass(const unsigned char *s, size_t len, unsigned dialect,
                               unsigned char *out, size_t cap, const int checked)
{
    struct npass p = {
        .s = s,
        .len = len,
        .out = out,
        .cap = cap,
        .qend = SIZE_MAX,
        .sep = 1,
        .mysql = dialect == QS_DIALECT_MYSQL,
        .pg = dialect == QS_DIALECT_POSTGRES,
    };
    size_t i = 0;
    while (i < len) {
        if (sql_cls[s[i]] == SQL_PLAIN)
            i = n_plain(&p, i, checked);
        else
            i = n_special(&p, i, checked);
    }
    return p.keep;
}

int qs_normalize(const char *sql, size_t len, unsigned dialect, char *out, size_t cap,
                 size_t *out_len)
{
    if (!out_len || (!sql && len) || (!out && cap) || dialect > QS_DIALECT_POSTGRES)
        return QS_EINVAL;
    const unsigned char *s = (const unsigned char *)sql;
    size_t n = 0;
    if (len && cap >= len)
        n = normalize_pass(s, len, dialect, (unsigned char *)out, cap, 0);
    else if (len)
        n = normalize_pass(s, len, dialect, (unsigned char *)out, cap, 1);
    *out_len = n;
    return n > cap ? QS_ERANGE : QS_OK;
}
