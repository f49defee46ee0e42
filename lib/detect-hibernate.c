/* detect-hibernate.c — Hibernate's SqlStatementLogger (3.x to 6.x): the org.hibernate.SQL
 * logger, show_sql's "Hibernate: " lines on stdout (format_sql puts the statement on the
 * lines after it; highlight_sql colours it and the prefix), and the slow-query log. */
#include <string.h>

#include "detect-int.h"

#define HIGHLIGHT_PREFIX "\x1b[35m[Hibernate]\x1b[0m "

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

int qsp_det_hibernate_stdout(struct qsp_det *d)
{
    const char *m = d->m;
    size_t n = d->n;
    if (qsp_has_prefix(m, n, "Hibernate: ")) {
        if (!qsp_sql_start(m + 11, n - 11))
            return QSP_DET_NO; /* an application's own "Hibernate: …" message */
        return qsp_det_add_rest(d, QSP_SQL_HIBERNATE, 11, 11);
    }
    if (qsp_has_prefix(m, n, HIGHLIGHT_PREFIX)) {
        size_t k = sizeof HIGHLIGHT_PREFIX - 1;
        return qsp_det_add_rest(d, QSP_SQL_HIBERNATE, k, k);
    }
    return slow_query(d);
}

int qsp_det_hibernate_logger(struct qsp_det *d)
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
    if (!(i < d->n && d->m[i] == 0x1b) && !qsp_sql_start(d->m, d->n) && !sure)
        return QSP_DET_NO;
    return qsp_det_add_rest(d, QSP_SQL_HIBERNATE, 0, 0);
}
