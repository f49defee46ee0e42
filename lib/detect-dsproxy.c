/* detect-dsproxy.c — datasource-proxy's DefaultQueryLogEntryCreator:
 *   Name:ds, Connection:1, Time:1, Success:True, Type:Prepared, Batch:False, QuerySize:1,
 *   BatchSize:0, Query:["select …","select …"], Params:[(1,foo)]
 * on one line, or (setMultiline) on four lines after a leading line break. Every
 * statement of Query:[…] is hashed and replaced, its quotes stay; Params:[…] and the rest
 * stay. Time is in milliseconds with the default stopwatch. */
#include <string.h>

#include "detect-int.h"

/* colon: the ':' after "Time". */
int qsp_det_dsproxy(struct qsp_det *d, size_t colon)
{
    const char *m = d->m;
    size_t n = d->n, i = colon + 1;
    int64_t ms;
    if (!qsp_parse_uint(m, n, &i, &ms) ||
        !(i < n && (m[i] == ',' || qsp_is_ws((unsigned char)m[i]))))
        return QSP_DET_NO;
    size_t lim = n - i > 4096 ? i + 4096 : n; /* Query follows within a few fields */
    const char *q = qsp_find(m + i, lim - i, "Query:[\"", 8, 6);
    if (!q)
        return QSP_DET_NO;
    size_t b = (size_t)(q - m) + 7; /* at the first '"' */
    int64_t count = 1;
    const char *qs = qsp_find(m + i, (size_t)(q - m) - i, "QuerySize:", 10, 5);
    if (qs) {
        size_t j = (size_t)(qs - m) + 10;
        if (!qsp_parse_uint(m, n, &j, &count) || count < 1)
            count = 1;
    }
    /* The list ends at the last "] before Params:[ (or the message's end). */
    const char *params = qsp_find_last(m + b, n - b, "Params:[", 8);
    size_t stop = params ? (size_t)(params - m) : n;
    const char *close = qsp_find_last(m + b, stop - b, "\"]", 2);
    if (!close || (size_t)(close - m) <= b)
        return QSP_DET_NO;              /* Query:["] : the opening quote is no closing one */
    size_t e = (size_t)(close - m) + 1; /* after the closing '"' */
    d->out->took_ms = ms;
    qsp_det_begin(d, QSP_SQL_DSPROXY);
    /* Statements are joined by "\",\"" (no blank). With QuerySize of them, split at the
     * separators that precede a statement keyword, never more than QuerySize-1. */
    size_t s = b;
    int64_t k = 1;
    for (size_t p = b + 1; p + 3 < e && k < count; p++) {
        if (m[p] != '"' || m[p + 1] != ',' || m[p + 2] != '"' ||
            !qsp_sql_start(m + p + 3, e - p - 3))
            continue;
        int rc = qsp_det_add(d, s + 1, p, s + 1, p - s - 1, "");
        if (rc < 0)
            return rc;
        s = p + 2;
        p += 2;
        k++;
    }
    int rc = qsp_det_add(d, s + 1, e - 1, s + 1, e - s - 2, "");
    return rc < 0 ? rc : qsp_det_end(d);
}

/* The end of the JSON string whose opening quote is at m[i]: the offset of its closing
 * quote, or n. */
static size_t json_string_end(const char *m, size_t n, size_t i)
{
    for (size_t j = i + 1; j < n; j++) {
        if (m[j] == '\\')
            j++;
        else if (m[j] == '"')
            return j;
        else if (m[j] == '\n')
            return n;
    }
    return n;
}

/*
 * DefaultJsonQueryLogEntryCreator: {"name":"ds", "connection":1, "time":1, "success":true,
 * "type":"Prepared", "batch":false, "querySize":1, "batchSize":0, "query":["select …"],
 * "params":[["1"]]}. The statements are JSON strings (escapeSpecialCharacter): each is
 * replaced inside its quotes and hashed as decoded text.
 */
int qsp_det_dsproxy_json(struct qsp_det *d)
{
    const char *m = d->m;
    size_t n = d->n, lim = n > 4096 ? 4096 : n;
    const char *t = qsp_find(m, lim, "\"time\":", 7, 1);
    const char *q = qsp_find(m, lim, "\"query\":[", 9, 1);
    if (!t || !q || t > q)
        return QSP_DET_NO;
    size_t i = (size_t)(t - m) + 7;
    int64_t ms;
    if (!qsp_parse_uint(m, n, &i, &ms))
        return QSP_DET_NO;
    qsp_det_begin(d, QSP_SQL_DSPROXY);
    for (i = (size_t)(q - m) + 9; i < n;) {
        while (i < n && (m[i] == ' ' || m[i] == '\t'))
            i++;
        if (i >= n || m[i] != '"')
            break;
        size_t e = json_string_end(m, n, i);
        if (e >= n)
            break;
        int rc = qsp_det_add(d, i + 1, e, i + 1, e - i - 1, "");
        if (rc < 0)
            return rc;
        if (rc > 0)
            qsp_det_json(d);
        i = e + 1;
        while (i < n && (m[i] == ' ' || m[i] == '\t'))
            i++;
        if (i >= n || m[i] != ',')
            break;
        i++;
    }
    int rc = qsp_det_end(d);
    if (rc == QSP_DET_SQL)
        d->out->took_ms = ms;
    return rc == QSP_DET_SQL ? rc : QSP_DET_NO;
}
