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
/*
 * A record with no logger is StdOutImpl's println: one message a line, so the lines after
 * the statement's are other messages ("Closing non transactional SqlSession …"), unless
 * indented, as the SQL of a MyBatis older than 3.4 is (it kept the mapper's line breaks).
 * The end of the statement: the end of its first line and of the indented lines after it.
 */
static size_t stdout_statement_end(const char *m, size_t n, size_t from)
{
    size_t e = from;
    for (;;) {
        const char *nl = memchr(m + e, '\n', n - e);
        if (!nl)
            return n;
        size_t next = (size_t)(nl - m) + 1;
        if (next >= n)
            return n;
        if (m[next] != ' ' && m[next] != '\t')
            return (size_t)(nl - m) - (nl > m + e && nl[-1] == '\r');
        e = next;
    }
}

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
    /* BaseJdbcLogger's prefix opens the message: "Row: 1, ==>  Preparing: …" is data.
     * Where the layout left some of its text before the message ("159 -- ", "DEBUG
     * findOne(BaseJdbcLogger.java:159) - "), a separator ends it; a message that opens with
     * MyBatis's own arrow ("<==  Row: …", "==> Parameters: …") is data after it. */
    size_t a = j - 2;
    while (a > 0 && m[a - 1] == '=')
        a--;
    size_t p = a, s = 0;
    while (p > 0 && (m[p - 1] == ' ' || m[p - 1] == '\t'))
        p--;
    while (s < a && (m[s] == ' ' || m[s] == '\t'))
        s++;
    if (p > 0 && (p == a || !strchr(":->]|", m[p - 1]) || m[s] == '<' || m[s] == '='))
        return QSP_DET_NO;
    size_t keep = colon + 2;
    size_t e = d->lgn ? d->n : stdout_statement_end(d->m, d->n, keep);
    int rc;
    if (e == d->n) {
        rc = qsp_det_add_rest(d, QSP_SQL_MYBATIS, keep, keep);
    } else {
        qsp_det_begin(d, QSP_SQL_MYBATIS);
        rc = qsp_det_add(d, keep, e, keep, e - keep, "");
        if (rc > 0)
            qsp_det_own_lines(d);
        rc = rc < 0 ? rc : qsp_det_end(d);
    }
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

/*
 * MyBatis-Plus's p6spy formatter (com.baomidou.mybatisplus.extension.p6spy.P6SpyLogger):
 * " Consume Time：N ms <now>\n Execute SQL：<sql collapsed to one line>", colons full-width
 * (U+FF1A) or plain. A file p6spy wrote has no record prefixes, so one record may hold many
 * entries: every "Execute SQL" line is a statement, the last "Consume Time" the duration.
 */
int qsp_det_mybatis_plus(struct qsp_det *d)
{
    static const char fw[] = "\xef\xbc\x9a"; /* U+FF1A FULLWIDTH COLON */
    const char *m = d->m;
    size_t n = d->n;
    qsp_det_begin(d, QSP_SQL_P6SPY_CUSTOM);
    for (size_t i = 0; i < n;) {
        const char *nl = memchr(m + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - m) : n, j = i;
        while (j < e && (m[j] == ' ' || m[j] == '\t'))
            j++;
        size_t k = j;
        int64_t ms;
        if (qsp_has_prefix(m + j, e - j, "Execute SQL")) {
            k = j + 11;
        } else if (qsp_has_prefix(m + j, e - j, "Consume Time")) {
            size_t t = j + 12;
            t += qsp_has_prefix(m + t, e - t, fw) ? 3 : (t < e && m[t] == ':');
            while (t < e && m[t] == ' ')
                t++;
            if (qsp_parse_uint(m, e, &t, &ms))
                d->out->took_ms = ms;
        }
        if (k > j) {
            if (qsp_has_prefix(m + k, e - k, fw))
                k += 3;
            else if (k < e && m[k] == ':')
                k++;
            else
                k = j;
        }
        if (k > j) {
            size_t se = e;
            while (se > k && qsp_is_ws((unsigned char)m[se - 1]))
                se--;
            int rc = qsp_det_add(d, k, se, k, se - k, "");
            if (rc < 0)
                return rc;
        }
        i = e + 1;
    }
    int rc = qsp_det_end(d);
    if (rc == QSP_DET_SQL)
        qsp_det_mark_collapsed(d);
    return rc == QSP_DET_SQL ? rc : QSP_DET_NO;
}
