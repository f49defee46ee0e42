/* detect.c — the detector: which recognizer looks at a record, configured loggers and
 * regexes, and the statement list recognizers fill. The recognizers are in detect-*.c.
 * Runs on every record, so the built-ins are reached through cheap tests first (the
 * logger's last bytes, the message's first byte, one pass over the colons of its first
 * line) before anything heavier. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "detect.h"

#include <pcre2.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "detect-int.h"
#include "error.h"
#include "p6format.h"
#include "utf8.h"

struct logger_rule {
    char *name;
    size_t len;
    int prefix; /* configured with a trailing '*' */
};

struct regex_rule {
    pcre2_code *code;
    uint32_t sql_group;
    char *literal; /* what every match begins with (the quick test), or NULL */
};

struct qsp_detector {
    struct logger_rule *loggers;
    size_t nloggers;
    struct regex_rule *regexes;
    size_t nregexes;
    uint32_t max_pairs; /* ovector pairs the largest regex needs */
    struct qsp_p6format *p6format;
    int builtin;
};

struct qsp_detect_ctx {
    const struct qsp_detector *d;
    pcre2_match_data *md; /* NULL when there are no regexes */
    uint32_t pairs;
    pcre2_match_context *mctx;
    pcre2_jit_stack *stack;
    struct qsp_p6match *p6; /* NULL without a p6spy format */
    struct qsp_stmt *st;    /* the statements of the last detection */
    size_t nst, cap;
    struct qsp_stmt inline_st[4]; /* most records carry one statement: no allocation */
};

/* ---- shared helpers (detect-int.h) ----------------------------------------------------- */

/* Haystacks here are one short line, where glibc memmem's per-call table set-up costs more
 * than the search itself: memchr on one of the needle's rarer bytes, then a compare. */
const char *qsp_find(const char *hay, size_t n, const char *needle, size_t nlen, size_t rare)
{
    if (n < nlen)
        return NULL;
    const char *p = hay + rare, *last = hay + (n - nlen) + rare;
    while (p <= last && (p = memchr(p, needle[rare], (size_t)(last - p) + 1)) != NULL) {
        if (memcmp(p - rare, needle, nlen) == 0)
            return p - rare;
        p++;
    }
    return NULL;
}

const char *qsp_find_last(const char *hay, size_t n, const char *needle, size_t nlen)
{
    if (n < nlen || nlen == 0)
        return NULL;
    for (size_t i = n - nlen + 1; i-- > 0;)
        if (hay[i] == needle[0] && memcmp(hay + i, needle, nlen) == 0)
            return hay + i;
    return NULL;
}

int qsp_parse_uint(const char *s, size_t n, size_t *i, int64_t *v)
{
    size_t j = *i;
    int64_t x = 0;
    while (j < n && qsp_is_digit((unsigned char)s[j])) {
        if (x < INT64_MAX / 10 - 10)
            x = x * 10 + (s[j] - '0');
        j++;
    }
    if (j == *i)
        return 0;
    *i = j;
    *v = x;
    return 1;
}

int qsp_sql_start(const char *s, size_t n)
{
    static const char *const kw[] = {
        "select",  "insert",  "update",   "delete",  "merge",  "with",    "create",
        "alter",   "drop",    "truncate", "call",    "exec",   "replace", "upsert",
        "values",  "declare", "begin",    "set",     "show",   "explain", "grant",
        "revoke",  "comment", "lock",     "analyze", "vacuum", "pragma",  "savepoint",
        "release", "commit",  "rollback",
    };
    size_t i = 0;
    for (int guard = 0; guard < 8; guard++) {
        while (i < n && (qsp_is_ws((unsigned char)s[i]) || s[i] == '('))
            i++;
        if (i + 1 < n && s[i] == '/' && s[i + 1] == '*') { /* Hibernate's use_sql_comments */
            const char *e = qsp_find(s + i + 2, n - i - 2, "*/", 2, 1);
            if (!e)
                return 0;
            i = (size_t)(e - s) + 2;
            continue;
        }
        if (i + 1 < n && s[i] == '-' && s[i + 1] == '-') {
            const char *e = memchr(s + i, '\n', n - i);
            if (!e)
                return 0;
            i = (size_t)(e - s) + 1;
            continue;
        }
        break;
    }
    if (i < n && s[i] == '{') /* {call proc(?)} */
        return 1;
    size_t w = i;
    while (w < n && qsp_is_alpha((unsigned char)s[w]))
        w++;
    size_t wl = w - i;
    if (wl < 3 || wl > 9 || (w < n && (qsp_is_digit((unsigned char)s[w]) || s[w] == '_')))
        return 0;
    for (size_t k = 0; k < sizeof kw / sizeof kw[0]; k++) {
        if (strlen(kw[k]) != wl)
            continue;
        size_t j = 0;
        while (j < wl && ((unsigned char)s[i + j] | 0x20) == (unsigned char)kw[k][j])
            j++;
        if (j == wl)
            return 1;
    }
    return 0;
}

size_t qsp_stack_start(const char *m, size_t n, size_t from)
{
    for (size_t i = from; i < n;) {
        const char *nl = memchr(m + i, '\n', n - i);
        if (!nl)
            return n;
        size_t b = (size_t)(nl - m) + 1, j = b;
        while (j < n && (m[j] == ' ' || m[j] == '\t'))
            j++;
        const char *s = m + j;
        size_t k = n - j;
        if ((j > b && qsp_has_prefix(s, k, "at ")) || qsp_has_prefix(s, k, "Caused by: ") ||
            (qsp_has_prefix(s, k, "... ") && k > 4 && qsp_is_digit((unsigned char)s[4])))
            return b;
        /* pkg.FooException: … or pkg.FooError at a line start */
        size_t e = 0;
        while (e < k && e < 256 &&
               (qsp_is_alpha((unsigned char)s[e]) || qsp_is_digit((unsigned char)s[e]) ||
                s[e] == '.' || s[e] == '$' || s[e] == '_'))
            e++;
        if (e > 0 && memchr(s, '.', e) &&
            (qsp_has_suffix(s, e, "Exception") || qsp_has_suffix(s, e, "Error")) &&
            (e == k || s[e] == ':' || s[e] == '\r' || s[e] == '\n'))
            return b;
        i = b;
    }
    return n;
}

int qsp_sql_has_line_comment(const char *s, size_t n)
{
    if (!qsp_find(s, n, "--", 2, 0) || memchr(s, '\n', n))
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '\'' || c == '"' || c == '`') {
            const char *e = memchr(s + i + 1, c, n - i - 1);
            if (!e)
                return 0;
            i = (size_t)(e - s);
        } else if (c == '/' && i + 1 < n && s[i + 1] == '*') {
            const char *e = qsp_find(s + i + 2, n - i - 2, "*/", 2, 1);
            if (!e)
                return 0;
            i = (size_t)(e - s) + 1;
        } else if (c == '-' && i + 1 < n && s[i + 1] == '-') {
            return 1;
        }
    }
    return 0;
}

void qsp_det_begin(struct qsp_det *d, enum qsp_sql_kind kind)
{
    d->ctx->nst = 0;
    d->out->kind = kind;
}

int qsp_det_add(struct qsp_det *d, size_t from, size_t to, size_t off, size_t len,
                const char *sep)
{
    const char *m = d->m;
    while (len && qsp_is_ws((unsigned char)m[off])) {
        off++;
        len--;
    }
    while (len && qsp_is_ws((unsigned char)m[off + len - 1]))
        len--;
    if (!len)
        return 0;
    struct qsp_detect_ctx *c = d->ctx;
    if (c->nst == c->cap) {
        size_t cap = c->cap * 2;
        struct qsp_stmt *g;
        if (c->st == c->inline_st) {
            g = malloc(cap * sizeof *g);
            if (g)
                memcpy(g, c->st, c->nst * sizeof *g);
        } else {
            g = realloc(c->st, cap * sizeof *g);
        }
        if (!g)
            return QSP_DET_ENOMEM;
        c->st = g;
        c->cap = cap;
    }
    c->st[c->nst++] = (struct qsp_stmt){from, to, off, len, sep, 0, 0, 0, 0};
    return 1;
}

/* A log4j location after the message: "(File.java:123)", maybe after "pkg.Cls.method",
 * preceded by blanks. Returns where it starts (its blanks included) or n. */
static size_t location_suffix(const char *m, size_t from, size_t n)
{
    size_t e = n;
    while (e > from && qsp_is_ws((unsigned char)m[e - 1]))
        e--;
    if (e - from < 10 || m[e - 1] != ')')
        return n;
    size_t i = e - 1;
    size_t dig = i;
    while (dig > from && qsp_is_digit((unsigned char)m[dig - 1]))
        dig--;
    if (dig == i || dig == from || m[dig - 1] != ':')
        return n;
    size_t j = dig - 1; /* at ':' */
    size_t k = j;
    while (k > from && m[k - 1] != '(' && m[k - 1] != ' ' && j - k < 128)
        k--;
    if (k == from || m[k - 1] != '(' ||
        !(qsp_has_suffix(m + k, j - k, ".java") || qsp_has_suffix(m + k, j - k, ".kt") ||
          qsp_has_suffix(m + k, j - k, ".scala") || qsp_has_suffix(m + k, j - k, ".groovy")))
        return n;
    k--; /* at '(' */
    size_t paren = k;
    while (k > from && m[k - 1] != ' ' && m[k - 1] != '\t' && m[k - 1] != '\n')
        k--; /* pkg.Cls.method of %l */
    if (k < paren && !memchr(m + k, '.', paren - k))
        return n; /* f(a.java:1) in the statement */
    size_t b = k;
    while (b > from && (m[b - 1] == ' ' || m[b - 1] == '\t'))
        b--;
    return b < k ? b : n; /* blanks must separate it from the statement */
}

int qsp_det_add_rest(struct qsp_det *d, enum qsp_sql_kind kind, size_t from, size_t sql_off)
{
    qsp_det_begin(d, kind);
    size_t end = location_suffix(d->m, sql_off, d->n);
    int rc = qsp_det_add(d, from, end, sql_off, end - sql_off, "");
    return rc < 0 ? rc : qsp_det_end(d);
}

void qsp_det_mark_collapsed(struct qsp_det *d)
{
    for (size_t i = 0; i < d->ctx->nst; i++)
        d->ctx->st[i].collapsed = 1;
}

void qsp_det_json(struct qsp_det *d)
{
    if (d->ctx->nst)
        d->ctx->st[d->ctx->nst - 1].json = 1;
}

void qsp_det_colored(struct qsp_det *d)
{
    for (size_t i = 0; i < d->ctx->nst; i++)
        d->ctx->st[i].colored =
            memchr(d->m + d->ctx->st[i].sql_off, 0x1b, d->ctx->st[i].sql_len) != NULL;
}

void qsp_det_own_lines(struct qsp_det *d)
{
    if (d->ctx->nst)
        d->ctx->st[d->ctx->nst - 1].own_lines = 1;
}

int qsp_det_end(struct qsp_det *d)
{
    return d->ctx->nst ? QSP_DET_SQL : QSP_DET_NOSQL;
}

const char *qsp_sql_kind_name(enum qsp_sql_kind k)
{
    switch (k) {
    case QSP_SQL_NONE: return "";
    case QSP_SQL_MYBATIS: return "mybatis";
    case QSP_SQL_BOUNDSQL: return "boundsql";
    case QSP_SQL_P6SPY_SINGLE: return "p6spy-single";
    case QSP_SQL_P6SPY_MULTI: return "p6spy-multi";
    case QSP_SQL_P6SPY_CUSTOM: return "p6spy-custom";
    case QSP_SQL_LOGGER: return "--sql-logger";
    case QSP_SQL_REGEX: return "--sql-regex";
    case QSP_SQL_HIBERNATE: return "hibernate";
    case QSP_SQL_LOG4JDBC: return "log4jdbc";
    case QSP_SQL_DSPROXY: return "datasource-proxy";
    case QSP_SQL_BARE: return "bare-sql";
    }
    return "?";
}

/* ---- the detector ---------------------------------------------------------------------- */

int qsp_detector_new(struct qsp_detector **out, struct qs_error *err)
{
    if (!out)
        return qsp_error(err, QS_EINVAL, "qsp_detector_new: NULL argument");
    *out = calloc(1, sizeof **out);
    if (!*out)
        return qsp_error(err, QS_ENOMEM, "out of memory for the SQL detector");
    (*out)->builtin = 1;
    return 0;
}

void qsp_detector_free(struct qsp_detector **dp)
{
    if (!dp || !*dp)
        return;
    struct qsp_detector *d = *dp;
    for (size_t i = 0; i < d->nloggers; i++)
        free(d->loggers[i].name);
    for (size_t i = 0; i < d->nregexes; i++) {
        pcre2_code_free(d->regexes[i].code);
        free(d->regexes[i].literal);
    }
    qsp_p6format_free(&d->p6format);
    free(d->loggers);
    free(d->regexes);
    free(d);
    *dp = NULL;
}

int qsp_detector_add_logger(struct qsp_detector *d, const char *logger, struct qs_error *err)
{
    if (!d || !logger)
        return qsp_error(err, QS_EINVAL, "SQL logger: NULL argument");
    size_t len = strlen(logger);
    int prefix = len > 0 && logger[len - 1] == '*';
    if (prefix)
        len--;
    if (len == 0 && !prefix)
        return qsp_error(err, QS_EINVAL, "SQL logger: empty name");
    struct logger_rule *grown = realloc(d->loggers, (d->nloggers + 1) * sizeof *grown);
    if (!grown)
        return qsp_error(err, QS_ENOMEM, "out of memory adding SQL logger");
    d->loggers = grown;
    char *name = malloc(len + 1);
    if (!name)
        return qsp_error(err, QS_ENOMEM, "out of memory adding SQL logger");
    memcpy(name, logger, len);
    name[len] = '\0';
    d->loggers[d->nloggers++] = (struct logger_rule){name, len, prefix};
    return 0;
}

int qsp_detector_add_regex(struct qsp_detector *d, const char *pattern, struct qs_error *err)
{
    if (!d || !pattern)
        return qsp_error(err, QS_EINVAL, "SQL regex: NULL argument");
    int ecode;
    PCRE2_SIZE eoff;
    /* Byte mode, not PCRE2_UTF: messages hold invalid UTF-8, and even with
     * PCRE2_MATCH_INVALID_UTF a bad byte stops '.', which would cut statements short.
     * Literal UTF-8 in a pattern still matches byte for byte. */
    pcre2_code *code =
        pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, 0, &ecode, &eoff, NULL);
    if (!code)
        return qsp_error_pcre2(err, ecode, (size_t)eoff, "SQL regex");
    int g = pcre2_substring_number_from_name(code, (PCRE2_SPTR) "sql");
    if (g <= 0) {
        pcre2_code_free(code);
        return qsp_error(err, QS_EPATTERN, "SQL regex has no named group (?<sql>...)");
    }
    struct regex_rule *grown = realloc(d->regexes, (d->nregexes + 1) * sizeof *grown);
    if (!grown) {
        pcre2_code_free(code);
        return qsp_error(err, QS_ENOMEM, "out of memory adding SQL regex");
    }
    d->regexes = grown;
    (void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE); /* the interpreter if unavailable */
    uint32_t groups = 0;
    pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &groups);
    if (groups + 1 > d->max_pairs)
        d->max_pairs = groups + 1;
    /* NULL (no literal start, or out of memory) only makes the quick test pass more */
    d->regexes[d->nregexes++] =
        (struct regex_rule){code, (uint32_t)g, qsp_regex_literal_start(pattern)};
    return 0;
}

int qsp_detector_set_p6spy_format(struct qsp_detector *d, const char *format,
                                  struct qs_error *err)
{
    if (!d)
        return qsp_error(err, QS_EINVAL, "p6spy format: NULL argument");
    struct qsp_p6format *f = NULL;
    if (format) {
        int rc = qsp_p6format_new(&f, format, err);
        if (rc)
            return rc; /* the old format stays */
    }
    qsp_p6format_free(&d->p6format);
    d->p6format = f;
    return 0;
}

void qsp_detector_set_builtin(struct qsp_detector *d, int enabled)
{
    if (d)
        d->builtin = enabled != 0;
}

int qsp_detect_ctx_new(struct qsp_detect_ctx **out, const struct qsp_detector *d,
                       struct qs_error *err)
{
    if (!out || !d)
        return qsp_error(err, QS_EINVAL, "qsp_detect_ctx_new: NULL argument");
    *out = NULL;
    struct qsp_detect_ctx *c = calloc(1, sizeof *c);
    if (!c)
        return qsp_error(err, QS_ENOMEM, "out of memory for SQL detection");
    c->d = d;
    c->st = c->inline_st;
    c->cap = sizeof c->inline_st / sizeof c->inline_st[0];
    if (d->nregexes) {
        c->pairs = d->max_pairs;
        c->md = pcre2_match_data_create(c->pairs, NULL);
        c->mctx = pcre2_match_context_create(NULL);
        c->stack = pcre2_jit_stack_create(32 * 1024, 1024 * 1024, NULL);
        if (!c->md || !c->mctx || !c->stack) {
            qsp_detect_ctx_free(&c);
            return qsp_error(err, QS_ENOMEM, "out of memory for SQL detection");
        }
        pcre2_jit_stack_assign(c->mctx, NULL, c->stack);
    }
    if (d->p6format && qsp_p6match_new(&c->p6, d->p6format)) {
        qsp_detect_ctx_free(&c);
        return qsp_error(err, QS_ENOMEM, "out of memory for SQL detection");
    }
    *out = c;
    return 0;
}

void qsp_detect_ctx_free(struct qsp_detect_ctx **cp)
{
    if (!cp || !*cp)
        return;
    struct qsp_detect_ctx *c = *cp;
    pcre2_match_data_free(c->md);
    pcre2_match_context_free(c->mctx);
    pcre2_jit_stack_free(c->stack);
    qsp_p6match_free(&c->p6);
    if (c->st != c->inline_st)
        free(c->st);
    free(c);
    *cp = NULL;
}

static int logger_configured(const struct qsp_detector *d, const char *lg, size_t n)
{
    for (size_t i = 0; i < d->nloggers; i++) {
        const struct logger_rule *r = &d->loggers[i];
        if (r->prefix ? n >= r->len && memcmp(lg, r->name, r->len) == 0
                      : n == r->len && memcmp(lg, r->name, n) == 0)
            return 1;
    }
    return 0;
}

/* Loggers of the tools whose every message is theirs: Hibernate's statement logger and
 * log4jdbc's. Names may be abbreviated by the layout (%logger{20}: o.h.SQL, %c{1}: SQL). */
static int hibernate_logger(const char *lg, size_t n)
{
    return (n == 3 && memcmp(lg, "SQL", 3) == 0) || qsp_has_suffix(lg, n, ".SQL") ||
           qsp_has_suffix(lg, n, "SQL_SLOW");
}

static int log4jdbc_logger(const char *lg, size_t n)
{
    return qsp_has_suffix(lg, n, "sqlonly") || qsp_has_suffix(lg, n, "sqltiming") ||
           qsp_has_suffix(lg, n, "jdbc.audit") || qsp_has_suffix(lg, n, "log4jdbc.log4j2");
}

/* One pass over the colons of the first non-blank line: MyBatis "Preparing: " and
 * "Executing: ", "boundSql :", datasource-proxy "Query:[". */
static int colon_markers(struct qsp_det *d)
{
    const char *m = d->m;
    size_t b = 0, e = d->line;
    if (e == 0 || (e == 1 && m[0] == '\r')) { /* datasource-proxy's multi-line listener */
        b = e + (e < d->n);
        const char *nl = memchr(m + b, '\n', d->n - b);
        e = nl ? (size_t)(nl - m) : d->n;
    }
    for (const char *p = m + b; (p = memchr(p, ':', (size_t)(m + e - p))) != NULL; p++) {
        size_t c = (size_t)(p - m);
        int rc = QSP_DET_NO;
        if (c >= 9 && c + 1 < d->n && m[c + 1] == ' ' &&
            (memcmp(m + c - 9, "Preparing", 9) == 0 || memcmp(m + c - 9, "Executing", 9) == 0))
            rc = qsp_det_mybatis(d, c);
        else if (c >= 4 && m[c - 1] != ' ' && memcmp(m + c - 4, "Time", 4) == 0)
            rc = qsp_det_dsproxy(d, c);
        else if (c >= 7)
            rc = qsp_det_boundsql(d, c);
        if (rc != QSP_DET_NO)
            return rc;
    }
    return QSP_DET_NO;
}

/* The quick test of the built-in recognizers (qs_config_quick_rule): for each way
 * builtins() below reaches a recognizer, what the event must hold for it to find SQL.
 * Cheap tests first: callers try the rules in this order. test-detect checks that whenever
 * qsp_detect finds SQL one rule holds, on the real-world corpus and on random input. */
#define QR1(t, s)                                                                             \
    {                                                                                         \
        1,                                                                                    \
        {                                                                                     \
            {                                                                                 \
                t, s, sizeof s - 1                                                            \
            }                                                                                 \
        }                                                                                     \
    }
#define QR2(t, s, u, v)                                                                       \
    {                                                                                         \
        2,                                                                                    \
        {                                                                                     \
            {t, s, sizeof s - 1},                                                             \
            {                                                                                 \
                u, v, sizeof v - 1                                                            \
            }                                                                                 \
        }                                                                                     \
    }
static const struct qs_quick_rule builtin_quick[] = {
    /* hibernate_logger(), log4jdbc_logger(): every message of theirs is read */
    QR1(QS_QUICK_LOGGER_IS, "SQL"),
    QR1(QS_QUICK_LOGGER_ENDS, ".SQL"),
    QR1(QS_QUICK_LOGGER_ENDS, "SQL_SLOW"),
    QR1(QS_QUICK_LOGGER_ENDS, "sqlonly"),
    QR1(QS_QUICK_LOGGER_ENDS, "sqltiming"),
    QR1(QS_QUICK_LOGGER_ENDS, "jdbc.audit"),
    QR1(QS_QUICK_LOGGER_ENDS, "log4jdbc.log4j2"),
    /* a framework's stdout line (Hibernate show_sql, a bare statement, p6spy's relaxed
     * shapes) */
    {1, {{QS_QUICK_NO_LOGGER, NULL, 0}}},
    /* qsp_det_bare_sql from a logger: format_sql's layout */
    QR1(QS_QUICK_MSG_FIRST, "\n\r "),
    /* qsp_det_p6spy: a '|' on the first line, a digit or '#' first unless p6spy's logger */
    QR2(QS_QUICK_MSG_FIRST, "0123456789#", QS_QUICK_MSG_HAS, "|"),
    QR2(QS_QUICK_LOGGER_IS, "p6spy", QS_QUICK_MSG_HAS, "|"),
    /* qsp_det_dsproxy_json */
    QR2(QS_QUICK_MSG_FIRST, "{", QS_QUICK_MSG_HAS, "\"query\":["),
    /* colon_markers(): MyBatis, boundSql, datasource-proxy */
    QR1(QS_QUICK_MSG_HAS, "Preparing: "),
    QR1(QS_QUICK_MSG_HAS, "Executing: "),
    QR1(QS_QUICK_MSG_HAS, "oundSql"),
    QR1(QS_QUICK_MSG_HAS, "Time:"),
    /* qsp_det_mybatis_plus */
    QR1(QS_QUICK_MSG_HAS, "Execute SQL"),
    /* qsp_det_log4jdbc by its timing */
    QR1(QS_QUICK_MSG_HAS, " msec}"),
};
#define NBUILTIN_QUICK (sizeof builtin_quick / sizeof builtin_quick[0])

/* Can a configured name be a quick-test text (see struct qs_quick_term)? */
static int quick_text(const char *s, size_t n)
{
    return n > 0 && !memchr(s, '?', n) && qsp_utf8_valid_prefix(s, n) == n;
}

int qsp_detector_quick_rule(const struct qsp_detector *d, size_t index,
                            struct qs_quick_rule *out)
{
    if (!d || !out)
        return QS_EINVAL;
    /* A p6spy format, a regex with no literal start or a name the test cannot hold: the
     * one rule is "anything". */
    int any = d->p6format != NULL;
    for (size_t i = 0; i < d->nregexes && !any; i++)
        any = !d->regexes[i].literal;
    for (size_t i = 0; i < d->nloggers && !any; i++)
        any = !quick_text(d->loggers[i].name, d->loggers[i].len);
    if (any) {
        if (index)
            return QS_ENOTFOUND;
        *out = (struct qs_quick_rule){1, {{QS_QUICK_ANY, NULL, 0}}};
        return 0;
    }
    if (index < d->nloggers) {
        const struct logger_rule *r = &d->loggers[index];
        *out = (struct qs_quick_rule){
            1, {{r->prefix ? QS_QUICK_LOGGER_STARTS : QS_QUICK_LOGGER_IS, r->name, r->len}}};
        return 0;
    }
    index -= d->nloggers;
    if (index < d->nregexes) {
        const char *l = d->regexes[index].literal;
        *out = (struct qs_quick_rule){1, {{QS_QUICK_MSG_HAS, l, strlen(l)}}};
        return 0;
    }
    index -= d->nregexes;
    if (!d->builtin || index >= NBUILTIN_QUICK)
        return QS_ENOTFOUND;
    *out = builtin_quick[index];
    return 0;
}

static int builtins(struct qsp_det *d)
{
    int rc;
    if (d->lgn && hibernate_logger(d->lg, d->lgn)) {
        rc = qsp_det_hibernate_logger(d);
        if (rc != QSP_DET_NO)
            return rc;
    }
    if (d->lgn && log4jdbc_logger(d->lg, d->lgn))
        return qsp_det_log4jdbc(d, 1);
    if (d->n == 0)
        return QSP_DET_NO;
    unsigned char c0 = (unsigned char)d->m[0];
    if (c0 == ' ' || c0 == 'C' || c0 == 'E') {
        rc = qsp_det_mybatis_plus(d);
        if (rc != QSP_DET_NO)
            return rc;
    }
    if (c0 == '{') {
        rc = qsp_det_dsproxy_json(d);
        if (rc != QSP_DET_NO)
            return rc;
    }
    if (c0 == 'H' || c0 == 0x1b || c0 == 'S') {
        rc = qsp_det_hibernate_stdout(d);
        if (rc != QSP_DET_NO)
            return rc;
    }
    int is_p6spy = d->lgn == 5 && memcmp(d->lg, "p6spy", 5) == 0;
    rc = qsp_det_p6spy(d, !is_p6spy && d->lgn != 0 && !d->trusted);
    if (rc != QSP_DET_NO)
        return rc;
    rc = colon_markers(d);
    if (rc != QSP_DET_NO)
        return rc;
    /* log4jdbc under a logger name the layout hid: its timing ends the message. */
    size_t tail = d->n > 40 ? d->n - 40 : 0;
    if (d->n > 14 && d->m[d->n - 1] == '}' &&
        qsp_find(d->m + tail, d->n - tail, " msec}", 6, 1))
        return qsp_det_log4jdbc(d, 0);
    if (!d->lgn || c0 == '\n' || c0 == '\r' || c0 == ' ')
        return qsp_det_bare_sql(d);
    return QSP_DET_NO;
}

int qsp_detect(const struct qsp_detector *dt, struct qsp_detect_ctx *ctx, const char *logger,
               size_t logger_len, const char *msg, size_t msg_len, struct qsp_sql_span *out)
{
    if (!dt || !ctx || ctx->d != dt || !out || (!msg && msg_len) || (!logger && logger_len))
        return QS_EINVAL;
    if (!msg)
        msg = "";
    if (!logger)
        logger = "";
    memset(out, 0, sizeof *out);
    out->took_ms = -1;
    out->sep = "";
    ctx->nst = 0;
    const char *nl = memchr(msg, '\n', msg_len);
    struct qsp_det d = {msg, msg_len, nl ? (size_t)(nl - msg) : msg_len, logger, logger_len, 0,
                        ctx, out};
    int rc = QSP_DET_NO;

    if (dt->nloggers && logger_configured(dt, logger, logger_len)) {
        /* A configured SQL logger: a tool's shape keeps its metadata, else all is SQL. */
        d.trusted = 1;
        rc = builtins(&d);
        if (rc == QSP_DET_NO)
            rc = qsp_det_add_rest(&d, QSP_SQL_LOGGER, 0, 0);
        goto done;
    }

    if (dt->nregexes) {
        if (ctx->pairs < dt->max_pairs)
            return QS_ESTATE; /* a regex was added after this context was made */
        for (size_t i = 0; i < dt->nregexes; i++) {
            const struct regex_rule *r = &dt->regexes[i];
            int mrc = pcre2_match(r->code, (PCRE2_SPTR)msg, msg_len, 0, 0, ctx->md, ctx->mctx);
            if (mrc == PCRE2_ERROR_NOMATCH)
                continue;
            if (mrc < 0)
                return mrc == PCRE2_ERROR_NOMEMORY ? QS_ENOMEM : QS_ERANGE;
            const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(ctx->md);
            PCRE2_SIZE b = ov[2 * r->sql_group], e = ov[2 * r->sql_group + 1];
            if (b == PCRE2_UNSET || e < b)
                continue;
            qsp_det_begin(&d, QSP_SQL_REGEX);
            rc = qsp_det_add(&d, b, e, b, e - b, "");
            if (rc != 0)
                goto done; /* only the group is replaced: the rest stays */
        }
        rc = QSP_DET_NO;
    }

    if (ctx->p6) {
        rc = qsp_p6format_match(dt->p6format, ctx->p6, &d);
        if (rc != QSP_DET_NO)
            goto done;
    }

    if (dt->builtin)
        rc = builtins(&d);
done:
    if (rc == QSP_DET_ENOMEM)
        return QS_ENOMEM;
    if (rc < 0 && rc != QSP_DET_NO)
        return rc;
    if (rc != QSP_DET_SQL || ctx->nst == 0) {
        enum qsp_sql_kind k = out->kind;
        memset(out, 0, sizeof *out);
        out->took_ms = -1;
        out->sep = "";
        (void)k;
        return 0;
    }
    out->n = ctx->nst;
    out->stmt = ctx->st;
    out->keep_len = ctx->st[0].from;
    out->sep = ctx->st[0].sep;
    out->sql_off = ctx->st[0].sql_off;
    out->sql_len = ctx->st[0].sql_len;
    return 1;
}
