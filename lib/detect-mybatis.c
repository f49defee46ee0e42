/* detect-mybatis.c — MyBatis's own statement log and the "boundSql :" of interceptors. */
#include <string.h>

#include "detect-int.h"

/*
 * BaseJdbcLogger writes prefix + " Preparing: " + sql (ConnectionLogger) or " Executing: "
 * + sql (StatementLogger, statementType="STATEMENT"); the prefix is queryStack*2 '=' signs
 * with '>' last, then a space: "==>  Preparing: ", "====>  Preparing: " when nested.
 * "==> Parameters: " and "<==      Total: " carry no SQL and never get here. The statement
 * runs to the end of the message but for a log4j location suffix. colon: the ':' after
 * "Preparing"/"Executing".
 */
int qsp_det_mybatis(struct qsp_det *d, size_t colon)
{
    const char *m = d->m;
    size_t j = colon - 9, spaces = 0;
    while (j > 0 && m[j - 1] == ' ' && spaces < 2) {
        j--;
        spaces++;
    }
    if (!spaces || j < 2 || m[j - 1] != '>' || m[j - 2] != '=')
        return QSP_DET_NO;
    size_t keep = colon + 2;
    int rc = qsp_det_add_rest(d, QSP_SQL_MYBATIS, keep, keep);
    if (rc == QSP_DET_SQL)
        qsp_det_mark_collapsed(d); /* removeExtraWhitespaces: one line since 3.4 */
    return rc == QSP_DET_NOSQL ? QSP_DET_NOSQL : rc;
}

/* Interceptors log "boundSql : <sql>" (or "boundSql: ", "BoundSql:") anywhere in the
 * message: keep through the colon and the blanks after it on the same line. */
int qsp_det_boundsql(struct qsp_det *d, size_t colon)
{
    const char *m = d->m;
    size_t j = colon;
    while (j > 0 && (m[j - 1] == ' ' || m[j - 1] == '\t'))
        j--;
    if (j < 8 || memcmp(m + j - 7, "oundSql", 7) != 0 || (m[j - 8] != 'b' && m[j - 8] != 'B'))
        return QSP_DET_NO;
    size_t k = colon + 1;
    while (k < d->n && (m[k] == ' ' || m[k] == '\t'))
        k++;
    return qsp_det_add_rest(d, QSP_SQL_BOUNDSQL, k, k);
}
