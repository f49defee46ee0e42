/* detect.c — where a record's message carries SQL: MyBatis, boundSql, p6spy, configured
 * loggers and regexes. Runs on every record, so each recognizer first looks for a rare byte
 * sequence (memmem, a first byte) before anything heavier. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "detect.h"

#include <pcre2.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

struct logger_rule {
    char *name;
    size_t len;
    int prefix; /* configured with a trailing '*' */
};

struct regex_rule {
    pcre2_code *code;
    uint32_t sql_group;
};

struct qsp_detector {
    struct logger_rule *loggers;
    size_t nloggers;
    struct regex_rule *regexes;
    size_t nregexes;
    uint32_t max_pairs; /* ovector pairs the largest regex needs */
    int builtin;
};

struct qsp_detect_ctx {
    const struct qsp_detector *d;
    pcre2_match_data *md; /* NULL when there are no regexes */
    uint32_t pairs;
    pcre2_match_context *mctx;
    pcre2_jit_stack *stack;
};

/* p6spy prepared/statement splits examined before falling back to a guess: bounds the cost
 * of messages made of thousands of '|' or newlines. */
#define MAX_SPLIT_SCANNED 4096
#define MAX_SPLIT_TRIED 64

static int is_ws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

static int is_digit(unsigned char c)
{
    return (unsigned)(c - '0') < 10;
}

/* Fill *out with the statement m[off .. off+len) trimmed of blanks; 0 if nothing is left. */
static int found(struct qsp_sql_span *out, enum qsp_sql_kind kind, size_t keep,
                 const char *sep, const char *m, size_t off, size_t len)
{
    while (len && is_ws((unsigned char)m[off])) {
        off++;
        len--;
    }
    while (len && is_ws((unsigned char)m[off + len - 1]))
        len--;
    if (!len)
        return 0;
    out->kind = kind;
    out->keep_len = keep;
    out->sep = sep;
    out->sql_off = off;
    out->sql_len = len;
    return 1;
}

/* Find needle in hay by memchr on one of its rarer bytes (at index rare) and a compare:
 * haystacks here are one short line, where glibc memmem's per-call table set-up costs more
 * than the search itself. */
static const char *find(const char *hay, size_t n, const char *needle, size_t nlen,
                        size_t rare)
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

/* ---- MyBatis --------------------------------------------------------------------------- */

/*
 * BaseJdbcLogger writes prefix + " Preparing: " + sql, the prefix being queryStack*2 '='
 * signs with '>' last, then a space: "==>  Preparing: ", "====>  Preparing: " when nested.
 * "==> Parameters: " and "<==      Total: " carry no SQL and never match.
 */
static int mybatis(const char *m, size_t n, size_t line, struct qsp_sql_span *out)
{
    static const char key[] = "Preparing: ";
    const size_t klen = sizeof key - 1;
    const char *p = m, *end = m + line; /* the marker is on the message's first line */
    while ((p = find(p, (size_t)(end - p), key, klen, 0)) != NULL) {
        size_t j = (size_t)(p - m), spaces = 0;
        while (j > 0 && m[j - 1] == ' ' && spaces < 2) {
            j--;
            spaces++;
        }
        if (spaces && j >= 2 && m[j - 1] == '>' && m[j - 2] == '=') {
            size_t keep = (size_t)(p - m) + klen;
            return found(out, QSP_SQL_MYBATIS, keep, "", m, keep, n - keep);
        }
        p++;
    }
    return 0;
}

/* ---- boundSql -------------------------------------------------------------------------- */

/* Interceptors log "boundSql : <sql>" (or "boundSql: ", "BoundSql:") anywhere in the
 * message: keep through the colon and the blanks after it on the same line. */
static int boundsql(const char *m, size_t n, size_t line, struct qsp_sql_span *out)
{
    static const char key[] = "oundSql";
    const size_t klen = sizeof key - 1;
    const char *p = m, *end = m + line; /* the marker is on the message's first line */
    while ((p = find(p, (size_t)(end - p), key, klen, 4)) != NULL) {
        size_t at = (size_t)(p - m);
        if (at > 0 && (m[at - 1] == 'b' || m[at - 1] == 'B')) {
            size_t j = at + klen;
            while (j < n && (m[j] == ' ' || m[j] == '\t'))
                j++;
            if (j < n && m[j] == ':') {
                j++;
                while (j < n && (m[j] == ' ' || m[j] == '\t'))
                    j++;
                return found(out, QSP_SQL_BOUNDSQL, j, "", m, j, n - j);
            }
        }
        p++;
    }
    return 0;
}

/* ---- p6spy ----------------------------------------------------------------------------- */

/*
 * Do prepared P (with '?' placeholders) and the statement S with values fit together? The
 * pieces of P between '?' must appear in S in order, the first at its start and the last at
 * its end. Without '?' the two are the same text.
 */
static int fits(const char *p, size_t pn, const char *s, size_t sn)
{
    const char *q = memchr(p, '?', pn);
    if (!q)
        return pn == sn && memcmp(p, s, pn) == 0;
    size_t first = (size_t)(q - p);
    if (first > sn || memcmp(p, s, first) != 0)
        return 0;
    size_t pos = first, pi = first + 1; /* pi: after the '?' in p */
    for (;;) {
        const char *nq = memchr(p + pi, '?', pn - pi);
        size_t seg = (nq ? (size_t)(nq - p) : pn) - pi;
        if (!nq) /* the last piece ends S */
            return seg <= sn - pos && memcmp(p + pi, s + sn - seg, seg) == 0;
        if (seg) {
            const char *f = memmem(s + pos, sn - pos, p + pi, seg);
            if (!f)
                return 0;
            pos = (size_t)(f - s) + seg;
        }
        pi += seg + 1;
    }
}

/*
 * Split r into prepared|statement (single-line format: both made single-line by p6spy, and
 * either may hold '|'), or prepared\nstatement (multi-line: either may span lines). Returns
 * the offset of the separator in r, n if there is none.
 */
static size_t split_pair(const char *r, size_t n, char sep)
{
    const char *first = memchr(r, sep, n);
    if (!first)
        return n;
    size_t f0 = (size_t)(first - r);
    if (!memchr(first + 1, sep, n - f0 - 1))
        return f0;
    /* The two halves equal (no placeholders): the middle separator. */
    if (n % 2 == 1 && r[n / 2] == sep && memcmp(r, r + n / 2 + 1, n / 2) == 0)
        return n / 2;
    /* Multi-line: P and S usually have as many lines; try the middle newline first. */
    size_t mid_line = n;
    if (sep == '\n') {
        size_t total = 0;
        for (const char *p = first; p; p = memchr(p + 1, sep, (size_t)(r + n - p - 1)))
            total++;
        size_t i = 0;
        for (const char *p = first; total % 2 && p;
             p = memchr(p + 1, sep, (size_t)(r + n - p - 1)))
            if (i++ == total / 2) {
                mid_line = (size_t)(p - r);
                if (fits(r, mid_line, r + mid_line + 1, n - mid_line - 1))
                    return mid_line;
                break;
            }
    }
    /* Otherwise P holds a '?' and S starts with P's text before it: a cheap filter on the
     * first bytes before the full check. Both are capped so that a record made of
     * separators stays linear. */
    const char *qm = memchr(r, '?', n);
    size_t q = qm ? (size_t)(qm - r) : n, pre = q < 256 ? q : 256;
    size_t scanned = 0, tried = 0, best = f0;
    for (const char *p = first; p; p = memchr(p + 1, sep, (size_t)(r + n - p - 1))) {
        size_t k = (size_t)(p - r);
        size_t dk = k > n / 2 ? k - n / 2 : n / 2 - k;
        size_t db = best > n / 2 ? best - n / 2 : n / 2 - best;
        if (dk < db)
            best = k;
        if (k < q || scanned >= MAX_SPLIT_SCANNED || tried >= MAX_SPLIT_TRIED)
            continue;
        scanned++;
        if (n - k - 1 < pre || memcmp(r + k + 1, r, pre) != 0)
            continue;
        tried++;
        if (fits(r, k, r + k + 1, n - k - 1))
            return k;
    }
    /* No fit (a value rewritten beyond recognition): the middle line, or the separator
     * nearest the middle byte. */
    return mid_line < n ? mid_line : best;
}

/* The statement of a prepared/statement pair r[0..n) split at k: the statement with
 * values, or the prepared one when the statement is empty. */
static int pick_pair(struct qsp_sql_span *out, enum qsp_sql_kind kind, size_t keep,
                     const char *sep, const char *m, size_t roff, size_t n, size_t k)
{
    if (k < n && found(out, kind, keep, sep, m, roff + k + 1, n - k - 1))
        return 1;
    return found(out, kind, keep, sep, m, roff, k < n ? k : n);
}

/* The end of a '|'-terminated field starting at i: the '|' offset, or 0 if none within a
 * short distance or a line ends first (metadata fields are short and single-line). */
static size_t field_end(const char *m, size_t n, size_t i)
{
    size_t lim = n - i < 512 ? n : i + 512;
    for (size_t j = i; j < lim; j++) {
        if (m[j] == '|')
            return j;
        if (m[j] == '\n' || m[j] == '\r')
            return 0;
    }
    return 0;
}

static int all_digits(const char *s, size_t n)
{
    if (n && s[0] == '-') {
        s++;
        n--;
    }
    if (!n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!is_digit((unsigned char)s[i]))
            return 0;
    return 1;
}

static int all_letters(const char *s, size_t n)
{
    if (!n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
            return 0;
    }
    return 1;
}

static int has_prefix(const char *s, size_t n, const char *pre)
{
    size_t k = strlen(pre);
    return n >= k && memcmp(s, pre, k) == 0;
}

/*
 * SingleLineFormat: now|elapsed|category|connection N|url U|prepared|sql
 * CustomLineFormat default: now|elapsed|category|connectionN|sqlSingleLine
 * strict (a message from an unknown logger): now must start with a digit.
 * Returns 1 (SQL), 0 (p6spy shape without SQL: commit, rollback) or -1 (not this shape).
 */
static int p6spy_line(const char *m, size_t n, int strict, struct qsp_sql_span *out)
{
    size_t f[5], at = 0;
    for (int i = 0; i < 4; i++) {
        f[i] = field_end(m, n, at);
        if (!f[i])
            return -1;
        at = f[i] + 1;
    }
    if (f[0] == 0 || (strict && !is_digit((unsigned char)m[0])))
        return -1;
    if (!all_digits(m + f[0] + 1, f[1] - f[0] - 1) ||
        !all_letters(m + f[1] + 1, f[2] - f[1] - 1))
        return -1;
    const char *conn = m + f[2] + 1;
    size_t connlen = f[3] - f[2] - 1;
    if (!has_prefix(conn, connlen, "connection"))
        return -1;
    if (connlen > 11 && conn[10] == ' ' && all_digits(conn + 11, connlen - 11)) {
        /* Single-line. Since p6spy 3 a "url …" field follows; older ones have none. */
        size_t r = f[3] + 1;
        if (has_prefix(m + r, n - r, "url ")) {
            f[4] = field_end(m, n, r);
            if (!f[4]) { /* a URL longer than a field: search on for its '|' */
                const char *bar = memchr(m + r, '|', n - r);
                if (!bar)
                    return -1;
                f[4] = (size_t)(bar - m);
            }
            r = f[4] + 1;
        }
        size_t k = split_pair(m + r, n - r, '|');
        return pick_pair(out, QSP_SQL_P6SPY_SINGLE, r, "", m, r, n - r, k);
    }
    if (all_digits(conn + 10, connlen - 10)) {
        size_t r = f[3] + 1;
        return found(out, QSP_SQL_P6SPY_CUSTOM, r, "", m, r, n - r);
    }
    return -1;
}

/*
 * MultiLineFormat: "#now | took Nms | category | connection N| url U\nprepared\nsql;".
 * The first line stays on the console, the statement with values (';' dropped) is the SQL.
 */
static int p6spy_multi(const char *m, size_t n, int strict, struct qsp_sql_span *out)
{
    if (n < 2 || m[0] != '#' || (strict && !is_digit((unsigned char)m[1])))
        return -1;
    const char *nl = memchr(m, '\n', n);
    size_t first = nl ? (size_t)(nl - m) : n;
    const char *took = find(m, first, " | took ", 8, 3);
    if (!took)
        return -1;
    size_t i = (size_t)(took - m) + 8, j = i;
    while (j < first && is_digit((unsigned char)m[j]))
        j++;
    if (j == i || !has_prefix(m + j, first - j, "ms | "))
        return -1;
    const char *conn = find(m + j, first - j, " | connection ", 14, 3);
    if (!conn)
        return -1;
    size_t keep = first;
    if (keep && m[keep - 1] == '\r')
        keep--;
    if (!nl)
        return 0; /* the header alone */
    size_t b = first + 1, e = n;
    while (e > b && is_ws((unsigned char)m[e - 1]))
        e--;
    if (e > b && m[e - 1] == ';')
        e--;
    size_t k = split_pair(m + b, e - b, '\n');
    return pick_pair(out, QSP_SQL_P6SPY_MULTI, keep, " | ", m, b, e - b, k);
}

/* Any p6spy shape: 1 SQL, 0 a p6spy record without SQL, -1 not p6spy. */
static int p6spy(const char *m, size_t n, int strict, struct qsp_sql_span *out)
{
    if (n == 0)
        return -1;
    if (m[0] == '#')
        return p6spy_multi(m, n, strict, out);
    if (strict ? !is_digit((unsigned char)m[0]) : m[0] == '|')
        return -1;
    return p6spy_line(m, n, strict, out);
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
    for (size_t i = 0; i < d->nregexes; i++)
        pcre2_code_free(d->regexes[i].code);
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
    if (!code) {
        PCRE2_UCHAR msg[160];
        if (pcre2_get_error_message(ecode, msg, sizeof msg) < 0)
            strcpy((char *)msg, "unknown PCRE2 error");
        if (ecode == PCRE2_ERROR_NOMEMORY)
            return qsp_error(err, QS_ENOMEM, "SQL regex: %s", (char *)msg);
        return qsp_error(err, QS_EPATTERN, "SQL regex: %s at offset %zu", (char *)msg,
                         (size_t)eoff);
    }
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
    d->regexes[d->nregexes++] = (struct regex_rule){code, (uint32_t)g};
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

int qsp_detect(const struct qsp_detector *d, struct qsp_detect_ctx *ctx, const char *logger,
               size_t logger_len, const char *msg, size_t msg_len, struct qsp_sql_span *out)
{
    if (!d || !ctx || ctx->d != d || !out || (!msg && msg_len) || (!logger && logger_len))
        return QS_EINVAL;
    if (!msg)
        msg = "";
    if (!logger)
        logger = "";
    int rc;

    /* A configured SQL logger: p6spy's shapes keep their metadata, else all is SQL. */
    if (d->nloggers && logger_configured(d, logger, logger_len)) {
        rc = p6spy(msg, msg_len, 0, out);
        if (rc > 0 || (rc < 0 && found(out, QSP_SQL_LOGGER, 0, "", msg, 0, msg_len)))
            return 1;
        goto none; /* a commit or rollback, or an empty message */
    }

    if (d->nregexes) {
        if (ctx->pairs < d->max_pairs)
            return QS_ESTATE; /* a regex was added after this context was made */
        for (size_t i = 0; i < d->nregexes; i++) {
            const struct regex_rule *r = &d->regexes[i];
            rc = pcre2_match(r->code, (PCRE2_SPTR)msg, msg_len, 0, 0, ctx->md, ctx->mctx);
            if (rc == PCRE2_ERROR_NOMATCH)
                continue;
            if (rc < 0)
                return rc == PCRE2_ERROR_NOMEMORY ? QS_ENOMEM : QS_ERANGE;
            const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(ctx->md);
            PCRE2_SIZE b = ov[2 * r->sql_group], e = ov[2 * r->sql_group + 1];
            if (b == PCRE2_UNSET || e < b)
                continue;
            if (found(out, QSP_SQL_REGEX, b, "", msg, b, e - b))
                return 1;
        }
    }

    if (!d->builtin)
        goto none;
    /* Markers stand on the first line; searching stack traces and long SQL bodies for them
     * cost a tenth of a split's time. */
    const char *nl = memchr(msg, '\n', msg_len);
    size_t line = nl ? (size_t)(nl - msg) : msg_len;
    if (mybatis(msg, msg_len, line, out) || boundsql(msg, msg_len, line, out))
        return 1;
    int is_p6spy = logger_len == 5 && memcmp(logger, "p6spy", 5) == 0;
    rc = p6spy(msg, msg_len, !is_p6spy, out);
    if (rc > 0)
        return 1;
none:
    memset(out, 0, sizeof *out);
    out->sep = "";
    return 0;
}
