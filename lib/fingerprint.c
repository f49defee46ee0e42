/*
 * fingerprint.c — the literal-stripping fingerprint used for grouping statements. The rules
 * and the differences to pt-query-digest are in docs/qhash.md; where quotes and comments
 * end is sqlscan.h, shared with N (normalize.c) so that fp(N(x)) == fp(x).
 *
 * The lexer produces tokens; the emitter turns them into text, with a little lookahead (IN
 * lists, VALUES rows, LIMIT) done by re-lexing a copy of the lexer, so each byte is lexed
 * at most about twice. Caller buffers only: no allocation, no global state. Every rule is
 * written so that fp(fp(x)) == fp(x) (the fuzzer checks).
 */
#include <stdint.h>
#include <string.h>

#include "qsplit.h"
#include "sqlscan.h"

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
    return sql_is_digit(c) || (lower(c) >= 'a' && lower(c) <= 'f');
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
    while (j < len && sql_is_digit(s[j]))
        j++;
    int frac = 0;
    if (j < len && s[j] == '.') {
        frac = 1;
        j++;
        while (j < len && sql_is_digit(s[j]))
            j++;
    }
    if (j < len && (s[j] == 'e' || s[j] == 'E')) {
        size_t k = j + 1;
        if (k < len && (s[k] == '+' || s[k] == '-'))
            k++;
        if (k < len && sql_is_digit(s[k])) {
            j = k;
            while (j < len && sql_is_digit(s[j]))
                j++;
            frac = 1;
        }
    }
    *pure = !frac;
    return j;
}

static size_t scan_word(const unsigned char *s, size_t i, size_t len)
{
    while (i < len && sql_is_ident(s[i]))
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

/* The end of the text being lexed. Inside an executable comment that is the end of its
 * text: the lexer then goes back to the whole input, past the comment's star-slash. */
static size_t lex_end(struct fp_lexer *lx, size_t i, struct token *tk)
{
    tk->t = T_END;
    if (lx->in_exec) {
        lx->in_exec = 0;
        lx->len = lx->full_len;
        if (lx->exec_end > i) {
            i = lx->exec_end;
            tk->t = T_EXEC_CLOSE;
        }
    }
    return i;
}

/* A block comment at s[i]. Returns where the token ends. */
static size_t lex_block(struct fp_lexer *lx, size_t i, struct token *tk)
{
    const unsigned char *s = lx->s;
    int closed;
    size_t end = sql_scan_block(s, i, lx->len, lx->pg, &closed);
    if (i + 2 < lx->len && s[i + 2] == '!' && !lx->in_exec && !lx->pg) {
        /* Lexed as SQL (MySQL runs it), within the same bounds N keeps. Not in
         * PostgreSQL, where it is a plain comment: there comments nest, and the
         * bounds could move once the inside is rewritten. */
        size_t inner = closed ? end - 2 : end;
        i += 3;
        while (i < inner && sql_is_digit(s[i]))
            i++;
        if (i > inner)
            i = inner;
        lx->in_exec = 1;
        lx->exec_end = end;
        lx->len = inner;
        tk->t = T_EXEC_OPEN;
        return i;
    }
    tk->t = T_SPACE; /* comments and optimizer hints are both dropped */
    return end;
}

/* A $ at s[i]: a $1 parameter, a PostgreSQL dollar quote, or a name ($ starts names in
 * MySQL). Returns where the token ends. */
static size_t lex_dollar(struct fp_lexer *lx, size_t i, struct token *tk)
{
    const unsigned char *s = lx->s;
    size_t len = lx->len;
    if (i + 1 < len && sql_is_digit(s[i + 1])) {
        size_t j = i + 1;
        while (j < len && sql_is_digit(s[j]))
            j++;
        if (j >= len || !sql_is_ident(s[j])) {
            tk->t = T_VALUE; /* $1: a positional parameter */
            return j;
        }
    }
    if (lx->pg && sql_dollar_may_open(s, i, lx->qend)) {
        size_t tlen = sql_dollar_open(s, i, len);
        if (tlen) {
            lx->qend = sql_scan_dollar(s, i, len, tlen);
            tk->t = T_VALUE;
            return lx->qend;
        }
    }
    tk->t = T_WORD;
    return scan_word(s, i + 1, len);
}

/* A byte of a class the scanner knows (whitespace, ;, comment starts, quotes, $) at s[i].
 * Returns 1 with *ip past the token, or 0 when the byte is ordinary here. */
static int lex_special(struct fp_lexer *lx, size_t *ip, struct token *tk)
{
    const unsigned char *s = lx->s;
    size_t len = lx->len, i = *ip;
    unsigned char c = s[i];
    switch (sql_cls[c]) {
    case SQL_SPACE:
        while (i < len && sql_is_space(s[i]))
            i++;
        tk->t = T_SPACE;
        break;
    case SQL_SEMI:
        tk->t = T_SEMI;
        i++;
        break;
    case SQL_DASH:
        if (!(i + 1 < len && s[i + 1] == '-'))
            return 0;
        i = sql_scan_line(s, i + 2, len);
        tk->t = T_SPACE;
        break;
    case SQL_HASH:
        if (!lx->mysql)
            return 0;
        i = sql_scan_line(s, i + 1, len);
        tk->t = T_SPACE;
        break;
    case SQL_SLASH:
        if (!(i + 1 < len && s[i + 1] == '*'))
            return 0;
        i = lex_block(lx, i, tk);
        break;
    case SQL_SQUOTE:
        i = sql_scan_quoted(s, i, len, c, !lx->pg || sql_pg_estring(s, i, lx->qend));
        tk->t = T_VALUE;
        break;
    case SQL_DQUOTE:
    case SQL_BTICK:
        i = sql_scan_quoted(s, i, len, c, 0);
        tk->t = T_QIDENT;
        break;
    case SQL_DOLLAR: i = lex_dollar(lx, i, tk); break;
    default: return 0;
    }
    *ip = i;
    return 1;
}

/* A name at s[i], or a string behind its prefix: X'..', _utf8'..', U&'..'. */
static size_t lex_name(struct fp_lexer *lx, size_t i, struct token *tk)
{
    const unsigned char *s = lx->s;
    size_t len = lx->len, e = scan_word(s, i, len);
    if (e < len && s[e] == '\'' && introducer(s, i, e)) {
        tk->t = T_VALUE;
        return sql_scan_quoted(s, e, len, '\'', !lx->pg || sql_pg_estring(s, e, lx->qend));
    }
    if (e - i == 1 && lower(s[i]) == 'u' && e + 1 < len && s[e] == '&' && s[e + 1] == '\'') {
        tk->t = T_VALUE;
        return sql_scan_quoted(s, e + 1, len, '\'', !lx->pg); /* U&'...' */
    }
    tk->t = T_WORD;
    return e;
}

/* An ordinary byte at s[i]: a number, a name, a ? or punctuation. */
static size_t lex_ordinary(struct fp_lexer *lx, size_t i, struct token *tk)
{
    const unsigned char *s = lx->s;
    size_t len = lx->len;
    unsigned char c = s[i];
    /* .5 is a number; t.5 and ?.5 are not (that ? may stand for a name's digits). */
    if (sql_is_digit(c) || (c == '.' && i + 1 < len && sql_is_digit(s[i + 1]) &&
                            (i == 0 || (!sql_is_ident(s[i - 1]) && s[i - 1] != '?')))) {
        int pure;
        size_t j = scan_number(s, i, len, &pure);
        if (pure && j < len && sql_is_ident(s[j])) {
            tk->t = T_WORD;
            return scan_word(s, j, len);
        }
        tk->t = T_VALUE;
        return j;
    }
    if (sql_is_ident(c))
        return lex_name(lx, i, tk);
    tk->t = c == '?' ? T_VALUE : T_PUNCT;
    return i + 1;
}

/* Lex one token at *pos. */
static void fp_lex(struct fp_lexer *lx, size_t *pos, struct token *tk)
{
    const unsigned char *s = lx->s;
    size_t i = *pos;
    tk->b = i;
    if (i >= lx->len)
        i = lex_end(lx, i, tk);
    else if (!lex_special(lx, &i, tk))
        i = lex_ordinary(lx, i, tk);
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
    return tk->t == T_VALUE && (sql_is_digit(s[tk->b]) || s[tk->b] == '.');
}

/* Is the value token glued to what follows: a name byte (as the ? of a name like 1_a is),
 * or the start of another value (?10 becomes ?? on the first pass)? */
static int glued(const struct fp_lexer *lx, const struct token *tk)
{
    unsigned char c = tk->e < lx->full_len ? lx->s[tk->e] : ' ';
    if (sql_is_ident(c) && lx->skip_asc) {
        /* An ASC dropped after ORDER BY leaves a space or nothing: "(?asc )" is written
         * "(? )", which a second pass takes for a list, so this pass must too. */
        struct fp_lexer l = *lx;
        size_t p = tk->e;
        struct token t;
        fp_lex(&l, &p, &t);
        if (t.t == T_SPACE)
            return 0;
    }
    return sql_is_ident(c) || c == '?' || c == '\'';
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
    if (sign && tk.b > 0 && sql_is_ident(lx->s[tk.b - 1]))
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
    while (t > b && sql_is_digit(s[t - 1]))
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

/* The emitter's state: the lexer and where it is (theirs: both are copied for lookahead),
 * the output, and what the last tokens decide about the next one. The lexer is reached
 * through pointers, and the emit_ helpers are forced inline, so that the rest stays in
 * registers: a struct whose address reaches a function that is not inlined lives in
 * memory, and this loop runs per token (about 3% more instructions otherwise). */
struct fp_emit {
    struct fp_lexer *lx;
    size_t *pos;
    struct sink k;
    int pend;        /* whitespace or a comment since the last output */
    int unary;       /* a + or - here would be a sign */
    int after_order; /* the last token was the keyword ORDER */
    int after_limit; /* the last token was the keyword LIMIT */
};

#define FP_INLINE static inline __attribute__((always_inline))

/* Whitespace since the last output: one space, none at the start. */
FP_INLINE void emit_sep(struct fp_emit *e)
{
    if (e->pend && e->k.o > 0)
        put(&e->k, ' ');
    e->pend = 0;
}

/* A value, written ?. was_limit: the value follows LIMIT and a space. */
FP_INLINE void emit_value(struct fp_emit *e, int was_limit)
{
    emit_sep(e);
    put(&e->k, '?');
    e->unary = 0;
    if (!was_limit)
        return;
    /* LIMIT n, m and LIMIT n OFFSET m group with LIMIT n, unless more of the same
     * follows (a second pass would then see a different tail). */
    struct fp_lexer l = *e->lx;
    size_t p = *e->pos;
    struct token t1;
    fp_lex_sig(&l, &p, &t1);
    if ((punct(&l, &t1, ',') || kw(&t1, K_OFFSET)) && lex_value(&l, &p)) {
        struct fp_lexer l3 = l;
        size_t q = p;
        fp_lex_sig(&l3, &q, &t1);
        if (!punct(&l3, &t1, ',') && !kw(&t1, K_OFFSET)) {
            *e->lx = l;
            *e->pos = p;
        }
    }
}

/* IN, VALUES or VALUE (tk) and a list of values after it: written "in(?+)", all rows of
 * VALUES as one. Returns 0, consuming nothing, when no list follows. */
FP_INLINE int emit_list(struct fp_emit *e, const struct token *tk)
{
    int rows = !kw(tk, K_IN);
    if (!lex_list(e->lx, e->pos))
        return 0;
    while (rows) { /* VALUES (..), (..): all rows */
        struct fp_lexer l = *e->lx;
        size_t q = *e->pos;
        struct token t;
        fp_lex_sig(&l, &q, &t);
        if (!punct(&l, &t, ',') || !lex_list(&l, &q))
            break;
        *e->lx = l;
        *e->pos = q;
    }
    emit_sep(e);
    put_lower(&e->k, e->lx->s, tk->b, tk->e);
    put_n(&e->k, "(?+)", 4);
    e->unary = 0;
    return 1;
}

/* A keyword or a name. */
FP_INLINE void emit_word(struct fp_emit *e, const struct token *tk, int was_order,
                         int was_limit)
{
    if (kw(tk, K_NULL) || kw(tk, K_TRUE) || kw(tk, K_FALSE)) {
        emit_value(e, was_limit);
        return;
    }
    if ((kw(tk, K_IN) || kw(tk, K_VALUES) || kw(tk, K_VALUE)) && emit_list(e, tk))
        return;
    emit_sep(e);
    put_word(&e->k, e->lx, tk);
    e->unary = (tk->kw & K_UNARY) != 0;
    e->after_order = kw(tk, K_ORDER);
    e->after_limit = kw(tk, K_LIMIT);
    if (was_order && kw(tk, K_BY))
        e->lx->skip_asc = 1;
}

/* A single byte of punctuation; a sign is folded into the number after it. */
FP_INLINE void emit_punct(struct fp_emit *e, const struct token *tk, int was_limit)
{
    const unsigned char *s = e->lx->s;
    unsigned char c = s[tk->b];
    /* Not right after a name byte: "offset+1" -> "offset?" would no longer read as the
     * keyword. */
    if ((c == '-' || c == '+') && e->unary && (tk->b == 0 || !sql_is_ident(s[tk->b - 1]))) {
        struct fp_lexer l = *e->lx;
        size_t p = *e->pos;
        struct token n;
        fp_lex(&l, &p, &n);
        if (number_start(s, &n)) {
            *e->lx = l;
            *e->pos = p;
            emit_value(e, was_limit);
            return;
        }
    }
    emit_sep(e);
    put(&e->k, c);
    e->unary = !(c == ')' || c == ']' || c == '}');
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
    size_t pos = 0;
    struct fp_emit e = {
        .lx = &lx, .pos = &pos, .k = {.out = (unsigned char *)out, .cap = cap}, .unary = 1};
    const unsigned char *s = lx.s;
    size_t keep = 0; /* output length through the last byte that is not trailing */
    struct token tk;
    for (;;) {
        fp_lex(&lx, &pos, &tk);
        if (tk.t == T_END)
            break;
        if (tk.t == T_SPACE) {
            /* "b ASC, c" -> "b, c": the space goes too where only , ) ; or the end follow
             * (none of them can join with what is before) */
            unsigned char nx = tk.e < len ? s[tk.e] : ';';
            e.pend = !(tk.kw == K_ASC && (nx == ',' || nx == ')' || nx == ';'));
            continue;
        }
        int was_order = e.after_order, was_limit = e.after_limit && e.pend;
        e.after_order = e.after_limit = 0;
        switch (tk.t) {
        case T_SEMI:
            emit_sep(&e);
            put(&e.k, ';');
            e.unary = 1;
            lx.skip_asc = 0; /* ASC is dropped from ORDER BY to ; */
            continue;        /* not kept: trailing semicolons fall off */
        case T_VALUE: emit_value(&e, was_limit); break;
        case T_WORD: emit_word(&e, &tk, was_order, was_limit); break;
        case T_QIDENT:
        case T_EXEC_OPEN:
        case T_EXEC_CLOSE:
            /* Verbatim; an unterminated identifier at the end loses its trailing spaces
             * like any other trailing whitespace. */
            emit_sep(&e);
            put_n(&e.k, s + tk.b, tk.e - tk.b);
            keep = e.k.o -
                   (tk.e == len && tk.t == T_QIDENT ? sql_trailing_space(s, tk.b, len) : 0);
            e.unary = tk.t != T_QIDENT;
            continue;
        case T_PUNCT: emit_punct(&e, &tk, was_limit); break;
        default: break;
        }
        keep = e.k.o;
    }
    *out_len = keep;
    return keep > cap ? QS_ERANGE : QS_OK;
}
