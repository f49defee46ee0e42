/* detect-p6spy.c — p6spy's formats (SingleLineFormat, MultiLineFormat before and after 3.8,
 * CustomLineFormat's default and other '|' layouts), through its Slf4JLogger ("p6spy") or
 * StdoutLogger (a line of its own). p6spy logs "prepared" (with '?') and "sql" (with the
 * values bound); the statement with values is the one hashed. */
#include <string.h>

#include "detect-int.h"

/* prepared/statement splits examined before falling back to a guess: bounds the cost of
 * messages made of thousands of '|' or newlines. */
#define MAX_SPLIT_SCANNED 4096
#define MAX_SPLIT_TRIED 64
#define MAX_FIELDS 12

/*
 * Do prepared P (with '?' placeholders) and the statement S with values fit together? The
 * pieces of P between '?' must appear in S in order, the first at its start and the last at
 * its end. Without '?' the two are the same text.
 */
int qsp_p6spy_fits(const char *p, size_t pn, const char *s, size_t sn)
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
size_t qsp_p6spy_split_pair(const char *r, size_t n, char sep)
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
                if (qsp_p6spy_fits(r, mid_line, r + mid_line + 1, n - mid_line - 1))
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
        if (qsp_p6spy_fits(r, k, r + k + 1, n - k - 1))
            return k;
    }
    /* No fit (a value rewritten beyond recognition): the middle line, or the separator
     * nearest the middle byte. */
    return mid_line < n ? mid_line : best;
}

int qsp_p6spy_category(const char *s, size_t n)
{
    /* Category.java: statement and batch carry a statement; outage repeats a slow one. */
    static const char *const sql[] = {"statement", "batch", "outage"};
    static const char *const other[] = {"commit", "rollback", "result", "resultset",
                                        "error",  "warn",     "info",   "debug"};
    for (size_t i = 0; i < sizeof sql / sizeof sql[0]; i++)
        if (strlen(sql[i]) == n && memcmp(s, sql[i], n) == 0)
            return 1;
    for (size_t i = 0; i < sizeof other / sizeof other[0]; i++)
        if (strlen(other[i]) == n && memcmp(s, other[i], n) == 0)
            return 0;
    return -1;
}

/* The statement of a prepared/statement pair m[roff..roff+n) split at k: the one with
 * values, or the prepared one when that is empty. */
static int pick_pair(struct qsp_det *d, enum qsp_sql_kind kind, size_t from, const char *sep,
                     size_t roff, size_t n, size_t k)
{
    qsp_det_begin(d, kind);
    int rc = 0;
    if (k < n)
        rc = qsp_det_add(d, from, d->n, roff + k + 1, n - k - 1, sep);
    if (rc == 0)
        rc = qsp_det_add(d, from, d->n, roff, k < n ? k : n, sep);
    return rc < 0 ? rc : qsp_det_end(d);
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
        if (!qsp_is_digit((unsigned char)s[i]))
            return 0;
    return 1;
}

/* "connection 7" (SingleLineFormat) or "connection7" (CustomLineFormat's default): 2 and
 * 1, else 0. */
static int connection_field(const char *s, size_t n)
{
    if (!qsp_has_prefix(s, n, "connection"))
        return 0;
    if (n > 11 && s[10] == ' ' && all_digits(s + 11, n - 11))
        return 2;
    return n > 10 && all_digits(s + 10, n - 10) ? 1 : 0;
}

/* An elapsed field: "3" or "3ms". */
static int elapsed_field(const char *s, size_t n, int64_t *ms)
{
    size_t i = 0;
    if (!qsp_parse_uint(s, n, &i, ms))
        return 0;
    return i == n || (i + 2 == n && s[i] == 'm' && s[i + 1] == 's');
}

/*
 * SingleLineFormat: now|elapsed|category|connection N|url U|prepared|sql (no url field
 * before 3.0); CustomLineFormat's default now|elapsed|category|connectionN|sqlSingleLine;
 * and other '|' layouts whose fields hold a category and a connection before the SQL
 * ("autocommit(true)|…|1ms|statement|connection5|SELECT …"). strict (a message from another
 * logger): the standard shapes' now must start with a digit.
 */
static int p6spy_line(struct qsp_det *d, int strict)
{
    const char *m = d->m;
    size_t n = d->n, f[MAX_FIELDS], at = 0, nf = 0;
    int conn = 0, cat = -1;
    int64_t took = -1;
    for (; nf < MAX_FIELDS; nf++) {
        f[nf] = field_end(m, n, at);
        if (!f[nf])
            return QSP_DET_NO;
        size_t b = at, len = f[nf] - at;
        at = f[nf] + 1;
        conn = connection_field(m + b, len);
        if (conn)
            break;
        int c = qsp_p6spy_category(m + b, len);
        if (c >= 0 && nf >= 1) {
            cat = c;
            size_t pb = nf >= 2 ? f[nf - 2] + 1 : 0;
            int64_t ms;
            if (elapsed_field(m + pb, f[nf - 1] - pb, &ms))
                took = ms;
        }
    }
    if (!conn || cat < 0 || took < 0 || f[0] == 0)
        return QSP_DET_NO;
    if (strict && nf == 3 && !qsp_is_digit((unsigned char)m[0]))
        return QSP_DET_NO; /* a text date is trusted only from p6spy's own logger */
    d->out->took_ms = took;
    size_t r = at;
    if (conn == 2 && qsp_has_prefix(m + r, n - r, "url ")) { /* since p6spy 3 */
        size_t e = field_end(m, n, r);
        if (!e) { /* a URL longer than a field: search on for its '|' */
            const char *bar = memchr(m + r, '|', n - r);
            if (!bar)
                return QSP_DET_NO;
            e = (size_t)(bar - m);
        }
        r = e + 1;
    }
    if (!cat)
        return QSP_DET_NOSQL; /* commit, rollback, result, resultset */
    if (strict && !qsp_sql_start(m + r, n - r))
        return QSP_DET_NO; /* p6spy's shape in another logger's message, without SQL */
    int rc;
    if (conn == 2) {
        size_t k = qsp_p6spy_split_pair(m + r, n - r, '|');
        rc = pick_pair(d, QSP_SQL_P6SPY_SINGLE, r, "", r, n - r, k);
    } else {
        rc = qsp_det_add_rest(d, QSP_SQL_P6SPY_CUSTOM, r, r);
    }
    if (rc == QSP_DET_SQL)
        qsp_det_mark_collapsed(d);
    return rc;
}

/*
 * MultiLineFormat: "#now | took Nms | category | connection N| url U\nprepared\nsql;"
 * (3.8+), "#now | took Nms | category | connection N|prepared\nsql;" before (the prepared
 * statement on the header line). The header stays on the console, the statement with
 * values (';' dropped) is the SQL.
 */
static int p6spy_multi(struct qsp_det *d, int strict)
{
    const char *m = d->m;
    size_t n = d->n, first = d->line;
    if (n < 2 || m[0] != '#' || (strict && !qsp_is_digit((unsigned char)m[1])))
        return QSP_DET_NO;
    const char *took = qsp_find(m, first, " | took ", 8, 3);
    if (!took)
        return QSP_DET_NO;
    size_t j = (size_t)(took - m) + 8;
    int64_t ms;
    if (!qsp_parse_uint(m, first, &j, &ms) || !qsp_has_prefix(m + j, first - j, "ms | "))
        return QSP_DET_NO;
    size_t cb = j + 5;
    const char *conn = qsp_find(m + cb, first - cb, " | connection ", 14, 3);
    if (!conn)
        return QSP_DET_NO;
    int cat = qsp_p6spy_category(m + cb, (size_t)(conn - m) - cb);
    size_t k = (size_t)(conn - m) + 14;
    int64_t id;
    if (cat < 0 || !qsp_parse_uint(m, first, &k, &id) || k >= first || m[k] != '|')
        return QSP_DET_NO;
    d->out->took_ms = ms;
    if (!cat)
        return QSP_DET_NOSQL;
    size_t keep, b;
    const char *sep;
    if (qsp_has_prefix(m + k + 1, first - k - 1, " url ")) {
        keep = first;
        if (keep && m[keep - 1] == '\r')
            keep--;
        b = first + 1;
        sep = " | ";
    } else { /* before 3.8: prepared right after "connection N|" */
        keep = b = k + 1;
        sep = "";
    }
    if (b >= n)
        return QSP_DET_NOSQL; /* the header alone */
    size_t e = n;
    while (e > b && qsp_is_ws((unsigned char)m[e - 1]))
        e--;
    if (e > b && m[e - 1] == ';')
        e--;
    if (strict && !qsp_sql_start(m + b, e - b))
        return QSP_DET_NO;
    size_t sp = qsp_p6spy_split_pair(m + b, e - b, '\n');
    return pick_pair(d, QSP_SQL_P6SPY_MULTI, keep, sep, b, e - b, sp);
}

int qsp_det_p6spy(struct qsp_det *d, int strict)
{
    if (d->n == 0)
        return QSP_DET_NO;
    if (d->m[0] == '#')
        return p6spy_multi(d, strict);
    /* From another logger only the standard shapes, which open with a digit: the other '|'
     * layouts come through p6spy's own logger or stdout, and a first-line scan for '|' on
     * every record of every logger would cost more than it finds. */
    if (d->m[0] == '|' || (strict && !qsp_is_digit((unsigned char)d->m[0])) ||
        !memchr(d->m, '|', d->line))
        return QSP_DET_NO;
    return p6spy_line(d, strict);
}
