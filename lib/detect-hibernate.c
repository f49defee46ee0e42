/* detect-hibernate.c — Hibernate's SqlStatementLogger (3.x to 6.x): the org.hibernate.SQL
 * logger, show_sql's "Hibernate: " lines on stdout (format_sql puts the statement on the
 * lines after it; highlight_sql colours it and the prefix), and the slow-query log. */
#include <string.h>
#include <strings.h>

#include "detect-int.h"

#define HIGHLIGHT_PREFIX "\x1b[35m[Hibernate]\x1b[0m "

/* The statement from sql_off: its first line, and the lines after it while they are
 * indented (format_sql indents every line; a line that is not is something else printed to
 * stdout, glued to the statement). */
static int add_statement(struct qsp_det *d, size_t from, size_t sql_off)
{
    const char *m = d->m;
    size_t n = d->n, i = sql_off;
    while (i < n && qsp_is_ws((unsigned char)m[i]))
        i++;
    size_t e = i;
    for (;;) {
        const char *nl = memchr(m + e, '\n', n - e);
        if (!nl) {
            e = n;
            break;
        }
        size_t next = (size_t)(nl - m) + 1;
        if (next >= n || (m[next] != ' ' && m[next] != '\t')) {
            e = (size_t)(nl - m);
            break;
        }
        size_t j = next;
        while (j < n && (m[j] == ' ' || m[j] == '\t'))
            j++;
        if (j >= n || m[j] == '\n' || m[j] == '\r') { /* a blank line ends it */
            e = (size_t)(nl - m);
            break;
        }
        e = next;
    }
    if (e == n)
        return qsp_det_add_rest(d, QSP_SQL_HIBERNATE, from, sql_off);
    qsp_det_begin(d, QSP_SQL_HIBERNATE);
    int rc = qsp_det_add(d, from, e, sql_off, e - sql_off, "");
    if (rc > 0)
        qsp_det_own_lines(d);
    return rc < 0 ? rc : qsp_det_end(d);
}

/* "Slow query took N milliseconds [sql]" (org.hibernate.SQL_SLOW, and stdout with
 * show_sql): the statement between the brackets, the duration travels. */
static int slow_query(struct qsp_det *d)
{
    static const char key[] = "Slow query took ";
    const char *m = d->m;
    size_t n = d->n, i = sizeof key - 1;
    int64_t ms;
    if (!qsp_has_prefix(m, n, key) || !qsp_parse_uint(m, n, &i, &ms) ||
        !qsp_has_prefix(m + i, n - i, " milliseconds ["))
        return QSP_DET_NO;
    size_t b = i + 15;
    const char *e = qsp_find_last(m + b, n - b, "]", 1);
    if (!e)
        return QSP_DET_NO;
    d->out->took_ms = ms;
    qsp_det_begin(d, QSP_SQL_HIBERNATE);
    int rc = qsp_det_add(d, b, (size_t)(e - m), b, (size_t)(e - m) - b, "");
    return rc < 0 ? rc : qsp_det_end(d);
}

static int hibernate_stdout(struct qsp_det *d);

int qsp_det_hibernate_stdout(struct qsp_det *d)
{
    int rc = hibernate_stdout(d);
    if (rc == QSP_DET_SQL)
        qsp_det_colored(d);
    return rc;
}

static int hibernate_stdout(struct qsp_det *d)
{
    const char *m = d->m;
    size_t n = d->n;
    /* show_sql prints to stdout: a line of its own, no logger. "Hibernate: …" in another
     * logger's message is that logger's text. */
    if (d->lgn && !d->trusted)
        return QSP_DET_NO;
    if (qsp_has_prefix(m, n, "Hibernate:") && n > 10 && qsp_is_ws((unsigned char)m[10])) {
        /* "Hibernate: " + statement; with format_sql the statement starts on the next
         * line, and a pasted log may have lost the blank before that line break. */
        size_t k = 10;
        while (k < n && (m[k] == ' ' || m[k] == '\t'))
            k++;
        if (!qsp_sql_start(m + k, n - k))
            return QSP_DET_NO; /* an application's own "Hibernate: …" message */
        return add_statement(d, k, k);
    }
    if (qsp_has_prefix(m, n, HIGHLIGHT_PREFIX)) {
        size_t k = sizeof HIGHLIGHT_PREFIX - 1;
        return add_statement(d, k, k);
    }
    return slow_query(d);
}

/* The whole message is the statement (but for a location suffix). */
static int add_statement_plain(struct qsp_det *d)
{
    return qsp_det_add_rest(d, QSP_SQL_BARE, 0, 0);
}

/* A message that is a statement as format_sql lays it out, from any logger: a line break,
 * then an indented line opening with a statement keyword. */
static int formatted(const char *m, size_t n)
{
    size_t i = 0;
    while (i < n && (m[i] == ' ' || m[i] == '\t' || m[i] == '\r'))
        i++;
    if (i >= n || m[i] != '\n')
        return 0;
    i++;
    size_t ind = i;
    while (i < n && (m[i] == ' ' || m[i] == '\t'))
        i++;
    return i > ind && qsp_sql_start(m + i, n - i);
}

/* A message that is a bare statement, from a record with no logger (a layout without one,
 * or stdout): it must read as a statement, not as a sentence that opens with "Select" or
 * "Update". */
int qsp_det_bare_sql(struct qsp_det *d)
{
    const char *m = d->m;
    size_t n = d->n;
    if (formatted(m, n))
        return add_statement(d, 0, 0);
    if (d->lgn || !qsp_sql_start(m, n))
        return QSP_DET_NO;
    size_t i = 0;
    while (i < n && qsp_is_ws((unsigned char)m[i]))
        i++;
    size_t w = i;
    int up = 0, low = 0;
    while (w < n && qsp_is_alpha((unsigned char)m[w])) {
        up += m[w] >= 'A' && m[w] <= 'Z';
        low += m[w] >= 'a' && m[w] <= 'z';
        w++;
    }
    if (up && low)
        return QSP_DET_NO; /* "Select", "Update": a sentence */
    /* the clause that makes it a statement, within its first lines */
    static const char *const need[][2] = {{"select", " from"}, {"insert", " into"},
                                          {"update", " set"},  {"delete", " from"},
                                          {"merge", " into"},  {"with", " as"}};
    size_t lim = n - i > 2048 ? i + 2048 : n;
    for (size_t k = 0; k < sizeof need / sizeof need[0]; k++) {
        size_t kl = strlen(need[k][0]);
        if (w - i != kl || strncasecmp(m + i, need[k][0], kl) != 0)
            continue;
        const char *c = need[k][1];
        size_t cl = strlen(c);
        for (size_t j = w; j + cl < lim; j++)
            if (qsp_is_ws((unsigned char)m[j]) && strncasecmp(m + j + 1, c + 1, cl - 1) == 0 &&
                (j + cl >= lim || !qsp_is_alpha((unsigned char)m[j + cl])))
                return add_statement_plain(d);
        return QSP_DET_NO;
    }
    return QSP_DET_NO;
}

static int hibernate_logger(struct qsp_det *d);

int qsp_det_hibernate_logger(struct qsp_det *d)
{
    int rc = hibernate_logger(d);
    if (rc == QSP_DET_SQL)
        qsp_det_colored(d);
    return rc;
}

static int hibernate_logger(struct qsp_det *d)
{
    if (qsp_has_suffix(d->lg, d->lgn, "SQL_SLOW"))
        return slow_query(d);
    /* The full name or its abbreviations say it is Hibernate's; a bare "SQL" (%c{1})
     * needs the message to read as SQL. Statements may be coloured (highlight_sql). */
    int sure = qsp_has_suffix(d->lg, d->lgn, "hibernate.SQL") ||
               (d->lgn == 7 && memcmp(d->lg, "o.h.SQL", 7) == 0);
    size_t i = 0;
    while (i < d->n && qsp_is_ws((unsigned char)d->m[i]))
        i++;
    if (!(i < d->n && (d->m[i] == 0x1b || d->m[i] == '"')) && !qsp_sql_start(d->m, d->n) &&
        !sure)
        return QSP_DET_NO;
    size_t q = i, e = d->n;
    while (e > q && qsp_is_ws((unsigned char)d->m[e - 1]))
        e--;
    if (e - q >= 2 && d->m[q] == '"' && d->m[e - 1] == '"' && !memchr(d->m + q, '\n', e - q)) {
        /* a layout that quotes the message: "%m" */
        qsp_det_begin(d, QSP_SQL_HIBERNATE);
        int rc = qsp_det_add(d, q + 1, e - 1, q + 1, e - q - 2, "");
        return rc < 0 ? rc : qsp_det_end(d);
    }
    return add_statement(d, 0, 0);
}
