/* detect-log4jdbc.c — log4jdbc and log4jdbc-log4j2 (Slf4jSpyLogDelegator,
 * Log4j2SpyLogDelegator): jdbc.sqlonly and jdbc.sqltiming print the statement, after a
 * caller line " pkg.Cls.method(File.java:N)" and "N. " (the connection number) at debug
 * level, then " {executed in N msec}" or " {FAILED after N msec}" for timing; a batch is
 * "batching N statements:" then "k:  sql" per statement (processSql may re-flow all of it
 * over lines of about 90 columns). jdbc.audit prints the statement inside the JDBC call
 * ("N. Connection.prepareStatement(sql) returned …"). The timing, the caller and a
 * failure's stack trace stay on the console. */
#include <string.h>

#include "detect-int.h"

/* The JDBC calls whose argument is the statement (ConnectionSpy, StatementSpy). */
static const char *const sql_calls[] = {
    "prepareStatement(",   "prepareCall(", "executeQuery(", "executeUpdate(",
    "executeLargeUpdate(", "execute(",     "addBatch(",
};

/* A caller line: blanks, then something ending in "(File.java:N)" or "(Unknown Source)". */
static int caller_line(const char *s, size_t n)
{
    while (n && qsp_is_ws((unsigned char)s[n - 1]))
        n--;
    if (n < 4 || s[n - 1] != ')')
        return 0;
    const char *open = memchr(s, '(', n);
    return open && (qsp_find(open, (size_t)(s + n - open), ".java:", 6, 0) ||
                    qsp_find(open, (size_t)(s + n - open), "Source)", 7, 0) ||
                    qsp_find(open, (size_t)(s + n - open), ".kt:", 4, 0));
}

/* "N. " at s[*i]: skip it. */
static int conn_number(const char *s, size_t n, size_t *i)
{
    size_t j = *i;
    int64_t v;
    if (!qsp_parse_uint(s, n, &j, &v) || j + 1 >= n || s[j] != '.' || s[j + 1] != ' ')
        return 0;
    *i = j + 2;
    return 1;
}

/* The last timing in m[b..e): " {executed in N msec}" or " {FAILED after N msec}". Returns
 * its offset (the blank before '{') or e; the duration goes to *ms. */
static size_t timing(const char *m, size_t b, size_t e, int64_t *ms)
{
    static const char *const keys[] = {"{executed in ", "{FAILED after "};
    size_t best = e;
    for (int k = 0; k < 2; k++) {
        size_t kl = strlen(keys[k]);
        const char *p = qsp_find_last(m + b, e - b, keys[k], kl);
        if (!p)
            continue;
        size_t i = (size_t)(p - m) + kl;
        int64_t v;
        if (!qsp_parse_uint(m, e, &i, &v) || !qsp_has_prefix(m + i, e - i, " msec}"))
            continue;
        size_t at = (size_t)(p - m);
        if (best == e || at > best) {
            best = at;
            *ms = v;
        }
    }
    while (best < e && best > b && (m[best - 1] == ' ' || m[best - 1] == '\t'))
        best--;
    return best;
}

/* The token "k:" or "k." standing alone (blanks or a line break before, blank after) at or
 * after i in m[..e): its offset, or e. */
static size_t item_token(const char *m, size_t i, size_t e, int64_t k)
{
    char num[24];
    int nl = 0;
    for (int64_t x = k; x > 0; x /= 10)
        num[nl++] = (char)('0' + x % 10);
    for (size_t j = i; j + (size_t)nl + 1 < e; j++) {
        if (j > 0 && !qsp_is_ws((unsigned char)m[j - 1]))
            continue;
        int ok = 1;
        for (int t = 0; t < nl && ok; t++)
            ok = m[j + (size_t)t] == num[nl - 1 - t];
        size_t a = j + (size_t)nl;
        if (ok && (m[a] == ':' || m[a] == '.') && qsp_is_ws((unsigned char)m[a + 1]))
            return j;
    }
    return e;
}

/* "batching N statements:" at m[b..e): each "k:  sql" a statement. */
static int batch(struct qsp_det *d, size_t b, size_t e)
{
    const char *m = d->m;
    size_t i = b + 9; /* after "batching " */
    int64_t count;
    if (!qsp_parse_uint(m, e, &i, &count) || !qsp_has_prefix(m + i, e - i, " statements:"))
        return QSP_DET_NO;
    i += 12;
    qsp_det_begin(d, QSP_SQL_LOG4JDBC);
    size_t at = item_token(m, i, e, 1);
    for (int64_t k = 1; at < e && k <= count; k++) {
        size_t s = at;
        while (s < e && !qsp_is_ws((unsigned char)m[s]))
            s++; /* past "k:" */
        size_t next = k < count ? item_token(m, s, e, k + 1) : e;
        size_t to = next;
        while (to > s && qsp_is_ws((unsigned char)m[to - 1]))
            to--;
        size_t from = s;
        while (from < to && qsp_is_ws((unsigned char)m[from]))
            from++;
        int rc = qsp_det_add(d, from, to, from, to - from, "");
        if (rc < 0)
            return rc;
        at = next;
    }
    return qsp_det_end(d);
}

/* Remove a JDBC call's extra arguments after the statement: ", 1", ", 1003, 1007",
 * ", [I@1b6d3586", ", null". */
static size_t strip_args(const char *m, size_t b, size_t e)
{
    for (int guard = 0; guard < 3; guard++) {
        const char *c = qsp_find_last(m + b, e - b, ", ", 2);
        if (!c)
            break;
        size_t a = (size_t)(c - m) + 2, j = a;
        int64_t v;
        if (m[j] == '-')
            j++;
        int ok = (qsp_parse_uint(m, e, &j, &v) && j == e) ||
                 (e - a == 4 && memcmp(m + a, "null", 4) == 0) ||
                 (m[a] == '[' && memchr(m + a, '@', e - a) && !memchr(m + a, ' ', e - a));
        if (!ok)
            break;
        e = (size_t)(c - m);
    }
    return e;
}

/* "N. Connection.prepareStatement(sql) returned …" and kin. */
static int audit(struct qsp_det *d, size_t b, size_t e)
{
    const char *m = d->m;
    size_t dot = b;
    while (dot < e && qsp_is_alpha((unsigned char)m[dot]))
        dot++;
    if (dot == b || dot >= e || m[dot] != '.')
        return QSP_DET_NO;
    for (size_t k = 0; k < sizeof sql_calls / sizeof sql_calls[0]; k++) {
        if (!qsp_has_prefix(m + dot + 1, e - dot - 1, sql_calls[k]))
            continue;
        size_t s = dot + 1 + strlen(sql_calls[k]);
        const char *r = qsp_find_last(m + s, e - s, ") returned", 10);
        if (!r) { /* an error: "N. Cls.call(args) [FAILED! ]sql": the statement after */
            for (const char *c = m + s; (c = qsp_find(c, (size_t)(m + e - c), ") ", 2, 0));
                 c++) {
                size_t a = (size_t)(c - m) + 2;
                if (qsp_has_prefix(m + a, e - a, "FAILED! "))
                    a += 8;
                if (qsp_sql_start(m + a, e - a))
                    return QSP_DET_NO; /* the caller takes the statement from a */
            }
            return QSP_DET_NOSQL;
        }
        size_t close = (size_t)(r - m);
        size_t se = strip_args(m, s, close);
        if (se == s)
            return QSP_DET_NOSQL; /* executeQuery() of a PreparedStatement */
        qsp_det_begin(d, QSP_SQL_LOG4JDBC);
        int rc = qsp_det_add(d, s, se, s, se - s, "");
        return rc < 0 ? rc : qsp_det_end(d);
    }
    return QSP_DET_NO;
}

int qsp_det_log4jdbc(struct qsp_det *d, int by_logger)
{
    const char *m = d->m;
    size_t n = d->n;
    int is_audit = by_logger && qsp_has_suffix(d->lg, d->lgn, "audit");
    int says_sql = by_logger && (qsp_has_suffix(d->lg, d->lgn, "sqlonly") ||
                                 qsp_has_suffix(d->lg, d->lgn, "sqltiming"));
    size_t e = qsp_stack_start(m, n, 0); /* a thrown exception's trace follows */
    while (e > 0 && qsp_is_ws((unsigned char)m[e - 1]))
        e--;
    size_t b = 0;
    while (b < e && qsp_is_ws((unsigned char)m[b]))
        b++;
    /* debug level: the caller's line first, then "N. " */
    const char *nl = memchr(m + b, '\n', e - b);
    if (nl && caller_line(m + b, (size_t)(nl - m) - b)) {
        size_t j = (size_t)(nl - m) + 1;
        if (conn_number(m, e, &j) || qsp_sql_start(m + j, e - j))
            b = (size_t)(nl - m) + 1;
    }
    int numbered = conn_number(m, e, &b);
    if (qsp_has_prefix(m + b, e - b, "batching ")) {
        int64_t bms = -1;
        size_t bt = timing(m, b, e, &bms);
        int rc = batch(d, b, bt);
        if (rc == QSP_DET_SQL && bt < e)
            d->out->took_ms = bms;
        return rc;
    }
    if (numbered || is_audit) {
        int rc = audit(d, b, e);
        if (rc != QSP_DET_NO)
            return rc;
        /* An error's header "N. Cls.call(…) [FAILED! ]": the statement follows it. */
        for (const char *c = m + b; (c = qsp_find(c, (size_t)(m + e - c), ") ", 2, 0)); c++) {
            size_t a = (size_t)(c - m) + 2;
            if (qsp_has_prefix(m + a, e - a, "FAILED! "))
                a += 8;
            if (qsp_sql_start(m + a, e - a)) {
                if (memchr(m + b, '(', (size_t)(c - m) - b))
                    b = a;
                break;
            }
        }
    }
    int64_t ms = -1;
    size_t t = timing(m, b, e, &ms); /* e when there is none: to the trace or the end */
    if (!says_sql && !d->trusted && !qsp_sql_start(m + b, t - b))
        return QSP_DET_NO;
    if (t < e)
        d->out->took_ms = ms;
    qsp_det_begin(d, QSP_SQL_LOG4JDBC);
    int rc = qsp_det_add(d, b, t, b, t - b, "");
    return rc < 0 ? rc : qsp_det_end(d);
}
