/*
 * normalize.c — N(sql), the exact text a QHash is the MD5 of, and the literal-stripping
 * fingerprint used for grouping. The contract and every corner case are in docs/qhash.md.
 *
 * Both are single-pass byte lexers over caller buffers: no allocation, no global state.
 * N runs over every SQL byte of multi-GB logs, so its hot loop copies runs of ordinary
 * bytes and consults one 256-entry class table per byte. The two lexers must agree on
 * where every quote and comment starts and ends, or fp(N(x)) would differ from fp(x): they
 * share the scanners below.
 */
#include <stdint.h>
#include <string.h>

#include "qsplit.h"

/* Byte classes: 0 is "ordinary", copied as is. Dialect-only bytes (#, $) get their own
 * class and are treated as ordinary when the dialect gives them no meaning. */
enum {
    C_PLAIN = 0,
    C_SPACE,  /* space, tab, CR, LF, FF, VT */
    C_SQUOTE, /* ' */
    C_DQUOTE, /* " */
    C_BTICK,  /* ` */
    C_DASH,   /* - (maybe --) */
    C_SLASH,  /* / (maybe a block comment) */
    C_SEMI,   /* ; (removed when trailing) */
    C_HASH,   /* # (a comment in MySQL) */
    C_DOLLAR, /* $ (a dollar quote in PostgreSQL) */
};

static const unsigned char cls[256] = {
    [' '] = C_SPACE,  ['\t'] = C_SPACE,  ['\n'] = C_SPACE, ['\r'] = C_SPACE, ['\f'] = C_SPACE,
    ['\v'] = C_SPACE, ['\''] = C_SQUOTE, ['"'] = C_DQUOTE, ['`'] = C_BTICK,  ['-'] = C_DASH,
    ['/'] = C_SLASH,  [';'] = C_SEMI,    ['#'] = C_HASH,   ['$'] = C_DOLLAR,
};

/* Identifier bytes: letters, digits, _, $ and every non-ASCII byte (UTF-8 names). */
static int is_ident(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '$' || c >= 0x80;
}

static int is_space(unsigned char c)
{
    return cls[c] == C_SPACE;
}

static int is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

/* ---- the shared scanners: where quoted text and comments end ------------------------ */

/* s[i] is the opening quote q. Returns the index just past the closing quote, or len when
 * unterminated. Doubled quotes are escapes; backslash escapes the next byte if bs. */
static size_t scan_quoted(const unsigned char *s, size_t i, size_t len, unsigned char q,
                          int bs)
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
static size_t scan_block(const unsigned char *s, size_t i, size_t len, int nest, int *closed)
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
static size_t scan_line(const unsigned char *s, size_t i, size_t len)
{
    while (i < len && s[i] != '\n' && s[i] != '\r')
        i++;
    return i;
}

/* PostgreSQL: may a dollar quote open at s[i]? Not after a name byte ($ inside a name),
 * nor after ?, which the fingerprint writes for a number that stood there, unless the
 * previous dollar quote just ended (qend). */
static int dollar_may_open(const unsigned char *s, size_t i, size_t qend)
{
    return i == 0 || (!is_ident(s[i - 1]) && s[i - 1] != '?') || i == qend;
}

/* PostgreSQL: the length of a $tag$ opener at s[i], or 0. $1 is a parameter. */
static size_t dollar_open(const unsigned char *s, size_t i, size_t len)
{
    size_t j = i + 1;
    if (j < len && s[j] == '$')
        return 2;
    if (j >= len || is_digit(s[j]))
        return 0;
    while (j < len && is_ident(s[j]) && s[j] != '$')
        j++;
    if (j < len && s[j] == '$' && j > i + 1)
        return j + 1 - i;
    return 0;
}

/* Index past the closing tag of a dollar quote whose opener (tlen bytes) is at s[i]. */
static size_t scan_dollar(const unsigned char *s, size_t i, size_t len, size_t tlen)
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
static int pg_estring(const unsigned char *s, size_t i, size_t qend)
{
    return i >= 1 && (s[i - 1] == 'e' || s[i - 1] == 'E') &&
           (i < 2 || !is_ident(s[i - 2]) || i - 1 == qend);
}

/* Bytes of trailing whitespace in s[from, len): an unterminated construct at the end loses
 * them like any other trailing whitespace. */
static size_t trailing_space(const unsigned char *s, size_t from, size_t len)
{
    size_t n = 0;
    while (len - n > from && is_space(s[len - n - 1]))
        n++;
    return n;
}

/* ---- N(sql) ------------------------------------------------------------------------ */

size_t qs_normalize_bound(size_t len)
{
    return len; /* whitespace runs and comments only ever shrink */
}

/*
 * The N pass. When `checked` is 0 the caller guarantees cap >= len; the output never runs
 * ahead of the input (o <= i), so every write is in bounds without a test. When `checked`
 * is 1, writes past cap are dropped but counted. Returns the length of N(sql).
 */
static inline __attribute__((always_inline)) size_t normalize_pass(
    const unsigned char *s, size_t len, unsigned dialect, unsigned char *out, size_t cap,
    const int checked)
{
    size_t i = 0, o = 0;
    size_t keep = 0;        /* output length through the last byte that is not trailing */
    size_t qend = SIZE_MAX; /* where the last dollar quote ended */
    int sep = 1;            /* a separator (or nothing yet) was written: no space now */
    const int mysql = dialect == QS_DIALECT_MYSQL;
    const int pg = dialect == QS_DIALECT_POSTGRES;

#define PUT(c)                                                                                \
    do {                                                                                      \
        if (!checked || o < cap)                                                              \
            out[o] = (unsigned char)(c);                                                      \
        o++;                                                                                  \
    } while (0)
#define PUTN(p, n)                                                                            \
    do {                                                                                      \
        size_t pn_ = (n);                                                                     \
        if (!checked)                                                                         \
            memmove(out + o, (p), pn_);                                                       \
        else if (o < cap)                                                                     \
            memcpy(out + o, (p), cap - o < pn_ ? cap - o : pn_);                              \
        o += pn_;                                                                             \
    } while (0)
/* Whitespace and removed comments: one space, none at the start. */
#define SEPARATE()                                                                            \
    do {                                                                                      \
        if (!sep) {                                                                           \
            PUT(' ');                                                                         \
            sep = 1;                                                                          \
        }                                                                                     \
    } while (0)
/* Verbatim text s[i, end): kept through its last non-space byte if it runs to the end. */
#define VERBATIM(end)                                                                         \
    do {                                                                                      \
        size_t vn_ = (end);                                                                   \
        vn_ -= i;                                                                             \
        PUTN(s + i, vn_);                                                                     \
        keep = o - ((end) == len ? trailing_space(s, i, len) : 0);                            \
        sep = 0;                                                                              \
        i = (end);                                                                            \
    } while (0)

    while (i < len) {
        unsigned char c = s[i];
        unsigned k = cls[c];
        if (k == C_PLAIN) {
            /* The hot loop: a run of ordinary bytes. In place (s == out) needs memmove. */
            size_t st = i;
            if (!checked && s != out) {
                /* Ordinary bytes, and a single space between two of them (the usual
                 * separator), are copied as they are: 8 at a time while all are plain. */
                unsigned char *d = out + o - st;
                for (;;) {
                    while (i + 8 <= len &&
                           !(cls[s[i]] | cls[s[i + 1]] | cls[s[i + 2]] | cls[s[i + 3]] |
                             cls[s[i + 4]] | cls[s[i + 5]] | cls[s[i + 6]] | cls[s[i + 7]])) {
                        memcpy(d + i, s + i, 8);
                        i += 8;
                    }
                    while (i < len && cls[s[i]] == C_PLAIN) {
                        d[i] = s[i];
                        i++;
                    }
                    if (i + 1 < len && s[i] == ' ' && cls[s[i + 1]] == C_PLAIN) {
                        d[i] = ' ';
                        d[i + 1] = s[i + 1];
                        i += 2;
                        continue;
                    }
                    break;
                }
                o += i - st;
            } else {
                do
                    i++;
                while (i < len && cls[s[i]] == C_PLAIN);
                PUTN(s + st, i - st);
            }
            keep = o;
            sep = 0;
            continue;
        }
        switch (k) {
        case C_SPACE:
            i++;
            /* Indentation (MyBatis logs SQL as written in the mapper XML): eight blanks
             * at a time, then byte by byte. */
            for (uint64_t w;
                 i + 8 <= len && (memcpy(&w, s + i, 8), w == 0x2020202020202020ull);)
                i += 8;
            while (i < len && is_space(s[i]))
                i++;
            SEPARATE();
            continue;
        case C_SEMI:
            PUT(';'); /* not "kept": trailing semicolons fall off at the end */
            sep = 0;
            i++;
            continue;
        case C_DASH:
            if (i + 1 < len && s[i + 1] == '-') {
                i = scan_line(s, i + 2, len);
                SEPARATE();
                continue;
            }
            break;
        case C_HASH:
            if (mysql) {
                i = scan_line(s, i + 1, len);
                SEPARATE();
                continue;
            }
            break;
        case C_SLASH:
            if (i + 1 < len && s[i + 1] == '*') {
                int closed;
                size_t end = scan_block(s, i, len, pg, &closed);
                if (i + 2 < len && (s[i + 2] == '+' || s[i + 2] == '!')) {
                    VERBATIM(end); /* an optimizer hint or executable comment */
                } else {
                    i = end;
                    SEPARATE();
                }
                continue;
            }
            break;
        case C_SQUOTE:
        case C_DQUOTE:
        case C_BTICK: {
            int bs = k == C_SQUOTE && (!pg || pg_estring(s, i, qend));
            VERBATIM(scan_quoted(s, i, len, c, bs));
            continue;
        }
        case C_DOLLAR:
            if (pg && dollar_may_open(s, i, qend)) {
                size_t tlen = dollar_open(s, i, len);
                if (tlen) {
                    size_t end = scan_dollar(s, i, len, tlen);
                    qend = end;
                    VERBATIM(end);
                    continue;
                }
            }
            break;
        default: break;
        }
        PUT(c); /* a special byte that is ordinary here */
        keep = o;
        sep = 0;
        i++;
    }
#undef PUT
#undef PUTN
#undef SEPARATE
#undef VERBATIM
    return keep;
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

/* ---- the fingerprint --------------------------------------------------------------- */

/*
 * The fingerprint lexer produces tokens; the emitter turns them into text, with a little
 * lookahead (IN lists, VALUES rows, LIMIT) done by re-lexing a copy of the lexer, so each
 * byte is lexed at most about twice. Rules and differences to pt-query-digest are in
 * docs/qhash.md. Every rule is written so that fp(fp(x)) == fp(x) (the fuzzer checks).
 */
enum tok {
    T_END,
    T_SPACE,      /* whitespace, a removed comment or hint */
    T_SEMI,       /* ; */
    T_WORD,       /* keyword or name: folded, numbers in it abstracted */
    T_VALUE,      /* a literal, a ? or $n parameter: written as ? */
    T_QIDENT,     /* "..." or `...` identifier: verbatim */
    T_EXEC_OPEN,  /* slash-star-! and its version digits: verbatim */
    T_EXEC_CLOSE, /* the star-slash ending it */
    T_PUNCT,      /* any other single byte */
};

struct fp_lexer {
    const unsigned char *s;
    size_t len;      /* where lexing stops: the input's end, or an executable comment's */
    size_t full_len; /* the input's end */
    size_t exec_end; /* inside an executable comment: the index past its star-slash */
    size_t qend;     /* where the last dollar quote ended */
    int mysql, pg;
    int in_exec;
    int skip_asc; /* after ORDER BY: ASC (the default) is lexed as whitespace */
};

/* The keywords the fingerprint acts on; K_UNARY marks those after which + or - right
 * before a number is a sign. */
enum {
    K_NONE,
    K_NULL,
    K_TRUE,
    K_FALSE,
    K_IN,
    K_VALUES,
    K_VALUE,
    K_ASC,
    K_ORDER,
    K_BY,
    K_LIMIT,
    K_OFFSET,
    K_OTHER,
    K_UNARY = 0x100,
};

struct token {
    enum tok t;
    int kw;      /* K_* for a T_WORD, else K_NONE */
    size_t b, e; /* the token's bytes s[b, e) */
};

static unsigned char lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

static int is_hex(unsigned char c)
{
    return is_digit(c) || (lower(c) >= 'a' && lower(c) <= 'f');
}

/* A number at s[i] (a digit, or a dot before a digit). *pure is set when it is only
 * digits: then a following name byte makes the whole thing a name, as MySQL reads 123abc. */
static size_t scan_number(const unsigned char *s, size_t i, size_t len, int *pure)
{
    size_t j = i;
    *pure = 0;
    if (s[j] == '0' && j + 2 < len && (s[j + 1] == 'x' || s[j + 1] == 'X') &&
        is_hex(s[j + 2])) {
        j += 2;
        while (j < len && is_hex(s[j]))
            j++;
        return j;
    }
    if (s[j] == '0' && j + 2 < len && (s[j + 1] == 'b' || s[j + 1] == 'B') &&
        (s[j + 2] == '0' || s[j + 2] == '1')) {
        j += 2;
        while (j < len && (s[j] == '0' || s[j] == '1'))
            j++;
        return j;
    }
    while (j < len && is_digit(s[j]))
        j++;
    int frac = 0;
    if (j < len && s[j] == '.') {
        frac = 1;
        j++;
        while (j < len && is_digit(s[j]))
            j++;
    }
    if (j < len && (s[j] == 'e' || s[j] == 'E')) {
        size_t k = j + 1;
        if (k < len && (s[k] == '+' || s[k] == '-'))
            k++;
        if (k < len && is_digit(s[k])) {
            j = k;
            while (j < len && is_digit(s[j]))
                j++;
            frac = 1;
        }
    }
    *pure = !frac;
    return j;
}

static size_t scan_word(const unsigned char *s, size_t i, size_t len)
{
    while (i < len && is_ident(s[i]))
        i++;
    return i;
}

/* Is the word s[b, e) right before a quote a string prefix: X'..', B'..', N'..', E'..',
 * _charset'..'? */
static int introducer(const unsigned char *s, size_t b, size_t e)
{
    if (e - b == 1) {
        unsigned char c = lower(s[b]);
        return c == 'x' || c == 'b' || c == 'n' || c == 'e';
    }
    return s[b] == '_';
}

/* The keyword s[b, e) is (case-insensitively), or K_NONE. A word counts as a keyword
 * only when no ? follows at once: "limit?" is what the fingerprint makes of the name
 * limit1, and must not become the keyword on a second pass. */
static int classify(const unsigned char *s, size_t b, size_t e, size_t len)
{
    static const struct {
        unsigned char n;
        char w[9];
        int id;
    } words[] = {
        {2, "in", K_IN | K_UNARY},
        {2, "by", K_BY | K_UNARY},
        {2, "or", K_OTHER | K_UNARY},
        {2, "is", K_OTHER | K_UNARY},
        {2, "on", K_OTHER | K_UNARY},
        {2, "as", K_OTHER | K_UNARY},
        {3, "asc", K_ASC},
        {3, "and", K_OTHER | K_UNARY},
        {3, "not", K_OTHER | K_UNARY},
        {3, "set", K_OTHER | K_UNARY},
        {3, "xor", K_OTHER | K_UNARY},
        {3, "div", K_OTHER | K_UNARY},
        {3, "mod", K_OTHER | K_UNARY},
        {3, "all", K_OTHER | K_UNARY},
        {3, "any", K_OTHER | K_UNARY},
        {4, "null", K_NULL},
        {4, "true", K_TRUE},
        {4, "then", K_OTHER | K_UNARY},
        {4, "else", K_OTHER | K_UNARY},
        {4, "when", K_OTHER | K_UNARY},
        {4, "case", K_OTHER | K_UNARY},
        {4, "like", K_OTHER | K_UNARY},
        {4, "some", K_OTHER | K_UNARY},
        {4, "into", K_OTHER | K_UNARY},
        {5, "false", K_FALSE},
        {5, "value", K_VALUE | K_UNARY},
        {5, "order", K_ORDER},
        {5, "limit", K_LIMIT | K_UNARY},
        {5, "where", K_OTHER | K_UNARY},
        {6, "values", K_VALUES | K_UNARY},
        {6, "offset", K_OFFSET | K_UNARY},
        {6, "select", K_OTHER | K_UNARY},
        {6, "having", K_OTHER | K_UNARY},
        {6, "return", K_OTHER | K_UNARY},
        {6, "exists", K_OTHER | K_UNARY},
        {7, "between", K_OTHER | K_UNARY},
        {8, "interval", K_OTHER | K_UNARY},
    };
    size_t n = e - b;
    char w[8];
    /* A word glued to ? is no keyword ("limit1" is written "limit?"), nor one glued to a
     * string, which the fingerprint writes as ? ("offset'c'" -> "offset?"). */
    if (n < 2 || n > 8 || (e < len && (s[e] == '?' || s[e] == '\'')))
        return K_NONE;
    for (size_t i = 0; i < n; i++)
        w[i] = (char)lower(s[b + i]);
    for (size_t k = 0; k < sizeof words / sizeof words[0]; k++)
        if (words[k].n == n && memcmp(words[k].w, w, n) == 0)
            return words[k].id;
    return K_NONE;
}

/* Lex one token at *pos. */
static void fp_lex(struct fp_lexer *lx, size_t *pos, struct token *tk)
{
    const unsigned char *s = lx->s;
    size_t len = lx->len, i = *pos;
    tk->b = i;
    if (i >= len) {
        tk->t = T_END;
        if (lx->in_exec) { /* the end of an executable comment's text */
            lx->in_exec = 0;
            lx->len = lx->full_len;
            if (lx->exec_end > i) {
                i = lx->exec_end;
                tk->t = T_EXEC_CLOSE;
            }
        }
        goto out;
    }
    unsigned char c = s[i];
    switch (cls[c]) {
    case C_SPACE:
        while (i < len && is_space(s[i]))
            i++;
        tk->t = T_SPACE;
        goto out;
    case C_SEMI:
        tk->t = T_SEMI;
        i++;
        goto out;
    case C_DASH:
        if (i + 1 < len && s[i + 1] == '-') {
            i = scan_line(s, i + 2, len);
            tk->t = T_SPACE;
            goto out;
        }
        break;
    case C_HASH:
        if (lx->mysql) {
            i = scan_line(s, i + 1, len);
            tk->t = T_SPACE;
            goto out;
        }
        break;
    case C_SLASH:
        if (i + 1 < len && s[i + 1] == '*') {
            int closed;
            size_t end = scan_block(s, i, len, lx->pg, &closed);
            if (i + 2 < len && s[i + 2] == '!' && !lx->in_exec && !lx->pg) {
                /* Lexed as SQL (MySQL runs it), within the same bounds N keeps. Not in
                 * PostgreSQL, where it is a plain comment: there comments nest, and the
                 * bounds could move once the inside is rewritten. */
                size_t inner = closed ? end - 2 : end;
                i += 3;
                while (i < inner && is_digit(s[i]))
                    i++;
                if (i > inner)
                    i = inner;
                lx->in_exec = 1;
                lx->exec_end = end;
                lx->len = inner;
                tk->t = T_EXEC_OPEN;
                goto out;
            }
            i = end; /* comments and optimizer hints are both dropped */
            tk->t = T_SPACE;
            goto out;
        }
        break;
    case C_SQUOTE:
        i = scan_quoted(s, i, len, c, !lx->pg || pg_estring(s, i, lx->qend));
        tk->t = T_VALUE;
        goto out;
    case C_DQUOTE:
        i = scan_quoted(s, i, len, c, 0);
        tk->t = T_QIDENT;
        goto out;
    case C_BTICK:
        i = scan_quoted(s, i, len, c, 0);
        tk->t = T_QIDENT;
        goto out;
    case C_DOLLAR:
        if (i + 1 < len && is_digit(s[i + 1])) {
            size_t j = i + 1;
            while (j < len && is_digit(s[j]))
                j++;
            if (j >= len || !is_ident(s[j])) {
                i = j; /* $1: a positional parameter */
                tk->t = T_VALUE;
                goto out;
            }
        }
        if (lx->pg && dollar_may_open(s, i, lx->qend)) {
            size_t tlen = dollar_open(s, i, len);
            if (tlen) {
                i = scan_dollar(s, i, len, tlen);
                lx->qend = i;
                tk->t = T_VALUE;
                goto out;
            }
        }
        i = scan_word(s, i + 1, len);
        tk->t = T_WORD;
        goto out;
    default: break;
    }
    /* .5 is a number; t.5 and ?.5 are not (that ? may stand for a name's digits). */
    if (is_digit(c) || (c == '.' && i + 1 < len && is_digit(s[i + 1]) &&
                        (i == 0 || (!is_ident(s[i - 1]) && s[i - 1] != '?')))) {
        int pure;
        size_t j = scan_number(s, i, len, &pure);
        if (pure && j < len && is_ident(s[j])) {
            i = scan_word(s, j, len);
            tk->t = T_WORD;
        } else {
            i = j;
            tk->t = T_VALUE;
        }
        goto out;
    }
    if (is_ident(c)) {
        size_t e = scan_word(s, i, len);
        if (e < len && s[e] == '\'' && introducer(s, i, e)) {
            i = scan_quoted(s, e, len, '\'', !lx->pg || pg_estring(s, e, lx->qend));
            tk->t = T_VALUE;
            goto out;
        }
        if (e - i == 1 && lower(c) == 'u' && e + 1 < len && s[e] == '&' && s[e + 1] == '\'') {
            i = scan_quoted(s, e + 1, len, '\'', !lx->pg); /* U&'...' */
            tk->t = T_VALUE;
            goto out;
        }
        i = e;
        tk->t = T_WORD;
        goto out;
    }
    i++;
    tk->t = c == '?' ? T_VALUE : T_PUNCT;
out:
    tk->e = i;
    tk->kw = tk->t == T_WORD ? classify(s, tk->b, i, lx->full_len) : K_NONE;
    /* Dropped like a comment, so that every rule sees the same on a second pass; but not
     * before ".": "asc.5" is no number, " .5" would be. */
    if (tk->kw == K_ASC && lx->skip_asc && (i >= lx->full_len || s[i] != '.'))
        tk->t = T_SPACE;
    *pos = i;
}

/* Lex the next token that is not whitespace. */
static void fp_lex_sig(struct fp_lexer *lx, size_t *pos, struct token *tk)
{
    do
        fp_lex(lx, pos, tk);
    while (tk->t == T_SPACE);
}

/* Is the token the keyword k? */
static int kw(const struct token *tk, int k)
{
    return (tk->kw & ~K_UNARY) == k;
}

static int punct(const struct fp_lexer *lx, const struct token *tk, unsigned char c)
{
    return tk->t == T_PUNCT && lx->s[tk->b] == c;
}

/* Does the value token start like a number (so that a sign before it is folded in)? */
static int number_start(const unsigned char *s, const struct token *tk)
{
    return tk->t == T_VALUE && (is_digit(s[tk->b]) || s[tk->b] == '.');
}

/* Is the value token glued to what follows: a name byte (as the ? of a name like 1_a is),
 * or the start of another value (?10 becomes ?? on the first pass)? */
static int glued(const struct fp_lexer *lx, const struct token *tk)
{
    unsigned char c = tk->e < lx->full_len ? lx->s[tk->e] : ' ';
    if (is_ident(c) && lx->skip_asc) {
        /* An ASC dropped after ORDER BY leaves a space or nothing: "(?asc )" is written
         * "(? )", which a second pass takes for a list, so this pass must too. */
        struct fp_lexer l = *lx;
        size_t p = tk->e;
        struct token t;
        fp_lex(&l, &p, &t);
        if (t.t == T_SPACE)
            return 0;
    }
    return is_ident(c) || c == '?' || c == '\'';
}

/* A value as lists know it: a literal, a parameter, NULL/TRUE/FALSE, or a sign directly
 * before a number (in a list a sign is always unary); not glued to a name, so that the ?
 * the fingerprint writes for digits in a name is never taken for a value. */
static int lex_value(struct fp_lexer *lx, size_t *pos)
{
    struct token tk;
    fp_lex_sig(lx, pos, &tk);
    if (kw(&tk, K_NULL) || kw(&tk, K_TRUE) || kw(&tk, K_FALSE))
        return 1;
    int sign = punct(lx, &tk, '-') || punct(lx, &tk, '+');
    if (sign && tk.b > 0 && is_ident(lx->s[tk.b - 1]))
        return 0; /* see the sign rule in qs_fingerprint */
    if (sign)
        fp_lex(lx, pos, &tk);
    return tk.t == T_VALUE && !glued(lx, &tk) && (!sign || number_start(lx->s, &tk));
}

/* "(" value ["+"] {"," value ["+"]} ")" after optional whitespace. On success *lx and
 * *pos move past it. The "+" accepts the "?+" of a fingerprint fingerprinted again. */
static int lex_list(struct fp_lexer *lx, size_t *pos)
{
    struct fp_lexer l = *lx;
    size_t p = *pos;
    struct token t;
    fp_lex_sig(&l, &p, &t);
    if (!punct(&l, &t, '('))
        return 0;
    for (;;) {
        if (!lex_value(&l, &p))
            return 0;
        struct fp_lexer l2 = l;
        size_t q = p;
        fp_lex(&l2, &q, &t);
        if (punct(&l2, &t, '+')) {
            l = l2;
            p = q;
        }
        fp_lex_sig(&l, &p, &t);
        if (punct(&l, &t, ')'))
            break;
        if (!punct(&l, &t, ','))
            return 0;
    }
    *lx = l;
    *pos = p;
    return 1;
}

struct sink {
    unsigned char *out;
    size_t cap, o;
};

static void put(struct sink *k, unsigned char c)
{
    if (k->o < k->cap)
        k->out[k->o] = c;
    k->o++;
}

static void put_n(struct sink *k, const void *p, size_t n)
{
    if (k->o < k->cap)
        memcpy(k->out + k->o, p, k->cap - k->o < n ? k->cap - k->o : n);
    k->o += n;
}

static void put_lower(struct sink *k, const unsigned char *s, size_t b, size_t e)
{
    for (size_t i = b; i < e; i++)
        put(k, lower(s[i]));
}

/* One _-separated part of a name. All digits become ?, and so do 32 hex digits (an MD5)
 * in a name of several parts (a lone one would look like a value on a second pass);
 * digits ending a part after other bytes become ? (tbl1, shard_07: pt-query-digest groups
 * numbered tables); digits followed by letters stay (rt_5min, 123abc). */
static void put_segment(struct sink *k, const unsigned char *s, size_t b, size_t e, int multi)
{
    size_t t = e;
    if (b == e)
        return;
    while (t > b && is_digit(s[t - 1]))
        t--;
    if (t == b) {
        put(k, '?');
        return;
    }
    int hex = multi && e - b == 32;
    for (size_t i = b; i < e && hex; i++)
        hex = is_hex(s[i]);
    if (hex) {
        put(k, '?');
        return;
    }
    /* What is left before the ? must not become a 32-hex part on a second pass. */
    hex = multi && t - b == 32;
    for (size_t i = b; i < t && hex; i++)
        hex = is_hex(s[i]);
    if (hex)
        put(k, '?');
    else
        put_lower(k, s, b, t);
    if (t < e)
        put(k, '?');
}

/* A name: lowercase, numbers in it abstracted, except right before "(": md5(), log10()
 * and atan2() are different functions. */
static void put_word(struct sink *k, const struct fp_lexer *lx, const struct token *tk)
{
    const unsigned char *s = lx->s;
    if (tk->e < lx->full_len && s[tk->e] == '(') {
        put_lower(k, s, tk->b, tk->e);
        return;
    }
    size_t b = tk->b;
    while (b < tk->e && s[b] == '$') /* MySQL names may start with $ */
        put(k, s[b++]);
    if (b == tk->e)
        return;
    int multi = memchr(s + b, '_', tk->e - b) != NULL;
    for (;;) {
        size_t e = b;
        while (e < tk->e && s[e] != '_')
            e++;
        put_segment(k, s, b, e, multi);
        if (e >= tk->e)
            break;
        put(k, '_');
        b = e + 1;
    }
}

size_t qs_fingerprint_bound(size_t len)
{
    /* Only "in(5)" -> "in(?+)" and "value(5)" -> "value(?+)" grow: a byte per five. */
    size_t extra = len / 4 + 1;
    return len > SIZE_MAX - extra ? SIZE_MAX : len + extra;
}

int qs_fingerprint(const char *sql, size_t len, unsigned dialect, char *out, size_t cap,
                   size_t *out_len)
{
    if (!out_len || (!sql && len) || (!out && cap) || dialect > QS_DIALECT_POSTGRES)
        return QS_EINVAL;
    struct fp_lexer lx = {
        .s = (const unsigned char *)(sql ? sql : ""),
        .len = len,
        .full_len = len,
        .qend = SIZE_MAX,
        .mysql = dialect == QS_DIALECT_MYSQL,
        .pg = dialect == QS_DIALECT_POSTGRES,
    };
    struct sink k = {.out = (unsigned char *)out, .cap = cap};
    const unsigned char *s = lx.s;
    size_t pos = 0, keep = 0;
    int pend = 0;        /* whitespace or a comment since the last output */
    int unary = 1;       /* a + or - here would be a sign */
    int after_order = 0; /* the last token was the keyword ORDER */
    int after_limit = 0; /* the last token was the keyword LIMIT */
    struct token tk;

#define SEP()                                                                                 \
    do {                                                                                      \
        if (pend && k.o > 0)                                                                  \
            put(&k, ' ');                                                                     \
        pend = 0;                                                                             \
    } while (0)

    for (;;) {
        fp_lex(&lx, &pos, &tk);
        if (tk.t == T_END)
            break;
        if (tk.t == T_SPACE) {
            /* "b ASC, c" -> "b, c": the space goes too where only , ) ; or the end follow
             * (none of them can join with what is before) */
            unsigned char nx = tk.e < len ? s[tk.e] : ';';
            if (tk.kw == K_ASC && (nx == ',' || nx == ')' || nx == ';'))
                pend = 0;
            else
                pend = 1;
            continue;
        }
        int was_order = after_order, was_limit = after_limit && pend;
        after_order = after_limit = 0;
        switch (tk.t) {
        case T_SEMI:
            SEP();
            put(&k, ';');
            unary = 1;
            lx.skip_asc = 0; /* ASC is dropped from ORDER BY to ; */
            continue;        /* not kept: trailing semicolons fall off */
        case T_VALUE:
        value:
            SEP();
            put(&k, '?');
            unary = 0;
            if (was_limit) {
                /* LIMIT n, m and LIMIT n OFFSET m group with LIMIT n, unless more of the
                 * same follows (a second pass would then see a different tail). */
                struct fp_lexer l = lx;
                size_t p = pos;
                struct token t1;
                fp_lex_sig(&l, &p, &t1);
                if ((punct(&l, &t1, ',') || kw(&t1, K_OFFSET)) && lex_value(&l, &p)) {
                    struct fp_lexer l3 = l;
                    size_t q = p;
                    fp_lex_sig(&l3, &q, &t1);
                    if (!punct(&l3, &t1, ',') && !kw(&t1, K_OFFSET)) {
                        lx = l;
                        pos = p;
                    }
                }
            }
            break;
        case T_WORD:
            if (kw(&tk, K_NULL) || kw(&tk, K_TRUE) || kw(&tk, K_FALSE))
                goto value;
            if (kw(&tk, K_IN) || kw(&tk, K_VALUES) || kw(&tk, K_VALUE)) {
                int rows = !kw(&tk, K_IN);
                if (lex_list(&lx, &pos)) {
                    while (rows) { /* VALUES (..), (..): all rows */
                        struct fp_lexer l = lx;
                        size_t q = pos;
                        struct token t;
                        fp_lex_sig(&l, &q, &t);
                        if (!punct(&l, &t, ',') || !lex_list(&l, &q))
                            break;
                        lx = l;
                        pos = q;
                    }
                    SEP();
                    put_lower(&k, s, tk.b, tk.e);
                    put_n(&k, "(?+)", 4);
                    unary = 0;
                    break;
                }
            }
            SEP();
            put_word(&k, &lx, &tk);
            unary = (tk.kw & K_UNARY) != 0;
            after_order = kw(&tk, K_ORDER);
            after_limit = kw(&tk, K_LIMIT);
            if (was_order && kw(&tk, K_BY))
                lx.skip_asc = 1;
            break;
        case T_QIDENT:
        case T_EXEC_OPEN:
        case T_EXEC_CLOSE:
            SEP();
            put_n(&k, s + tk.b, tk.e - tk.b);
            keep = k.o - (tk.e == len && tk.t == T_QIDENT ? trailing_space(s, tk.b, len) : 0);
            if (tk.t == T_QIDENT)
                unary = 0;
            else
                unary = 1;
            continue;
        case T_PUNCT: {
            unsigned char c = s[tk.b];
            /* A sign is folded into its number, but not right after a name byte:
             * "offset+1" -> "offset?" would no longer read as the keyword. */
            if ((c == '-' || c == '+') && unary && (tk.b == 0 || !is_ident(s[tk.b - 1]))) {
                struct fp_lexer l = lx;
                size_t p = pos;
                struct token n;
                fp_lex(&l, &p, &n);
                if (number_start(s, &n)) {
                    lx = l;
                    pos = p;
                    goto value;
                }
            }
            SEP();
            put(&k, c);
            unary = !(c == ')' || c == ']' || c == '}');
            break;
        }
        default: break;
        }
        keep = k.o;
    }
#undef SEP
    *out_len = keep;
    return keep > cap ? QS_ERANGE : QS_OK;
}
