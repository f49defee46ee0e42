/* detect-int.h — what the recognizers (detect-*.c) share: the message being examined, the
 * statement list they fill, and small byte helpers. Internal to lib/. */
#ifndef QS_DETECT_INT_H
#define QS_DETECT_INT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "detect.h"

/* One detection in progress. */
struct qsp_det {
    const char *m; /* the message */
    size_t n;
    size_t line;    /* length of its first line */
    const char *lg; /* the logger, may be empty */
    size_t lgn;
    int trusted; /* the logger is a configured SQL logger: content checks relax */
    struct qsp_detect_ctx *ctx;
    struct qsp_sql_span *out;
};

/* Recognizer results: a statement list was filled (1), the shape is this tool's but it
 * carries no SQL (0: a p6spy commit, a log4jdbc resultset), not this tool's shape (-1), or
 * a negative QS_E* code below -1... so errors use QSP_DET_ERR. */
#define QSP_DET_SQL 1
#define QSP_DET_NOSQL 0
#define QSP_DET_NO (-1)
#define QSP_DET_ENOMEM (-100)

/* Start a statement list of this kind (drops earlier statements). */
void qsp_det_begin(struct qsp_det *d, enum qsp_sql_kind kind);
/* Add msg[from..to) with statement msg[sql_off..sql_off+sql_len) trimmed of blanks. Returns
 * 1 when added, 0 when the statement is empty (nothing added), QSP_DET_ENOMEM. */
int qsp_det_add(struct qsp_det *d, size_t from, size_t to, size_t sql_off, size_t sql_len,
                const char *sep);
/* One statement whose SQL runs to the end of the message, except a log4j location suffix
 * "   (BaseJdbcLogger.java:145)" and trailing blanks, which stay after the QHash. */
int qsp_det_add_rest(struct qsp_det *d, enum qsp_sql_kind kind, size_t from, size_t sql_off);
/* Mark every statement so far as logged with its line breaks collapsed. */
void qsp_det_mark_collapsed(struct qsp_det *d);
/* The last statement so far is JSON-escaped (see qsp_stmt). */
void qsp_det_json(struct qsp_det *d);
/* Mark the statements that hold an ESC byte as coloured (see qsp_stmt). */
void qsp_det_colored(struct qsp_det *d);
/* The text after the last statement so far keeps its line breaks (see qsp_stmt). */
void qsp_det_own_lines(struct qsp_det *d);
/* Finish: QSP_DET_SQL when statements were added, else QSP_DET_NOSQL. */
int qsp_det_end(struct qsp_det *d);

static inline int qsp_is_ws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

static inline int qsp_is_digit(unsigned char c)
{
    return (unsigned)(c - '0') < 10;
}

static inline int qsp_is_alpha(unsigned char c)
{
    return (unsigned)((c | 0x20) - 'a') < 26;
}

static inline int qsp_has_prefix(const char *s, size_t n, const char *pre)
{
    size_t k = strlen(pre);
    return n >= k && memcmp(s, pre, k) == 0;
}

static inline int qsp_has_suffix(const char *s, size_t n, const char *suf)
{
    size_t k = strlen(suf);
    return n >= k && memcmp(s + n - k, suf, k) == 0;
}

/* needle in hay by memchr on needle[rare] (see detect.c). */
const char *qsp_find(const char *hay, size_t n, const char *needle, size_t nlen, size_t rare);
/* The last occurrence of needle in hay, or NULL. */
const char *qsp_find_last(const char *hay, size_t n, const char *needle, size_t nlen);
/* Does text at s (after blanks, '(' and SQL comments) begin with an SQL statement keyword? */
int qsp_sql_start(const char *s, size_t n);
/* Parse decimal digits at s[*i..n) into *v (saturating); 0 if there are none. */
int qsp_parse_uint(const char *s, size_t n, size_t *i, int64_t *v);
/* Where a Java stack trace starts in m[from..n): the start of the first line that is
 * "\tat …", "Caused by: …", "… N more" or "pkg.SomeException: …"; n if none. */
size_t qsp_stack_start(const char *m, size_t n, size_t from);

/* The recognizers, each on d->m: see the file of each. */
int qsp_det_mybatis(struct qsp_det *d, size_t colon);
int qsp_det_boundsql(struct qsp_det *d, size_t colon);
int qsp_det_mybatis_plus(struct qsp_det *d);
int qsp_det_bare_sql(struct qsp_det *d);
int qsp_det_p6spy(struct qsp_det *d, int strict);
int qsp_det_hibernate_stdout(struct qsp_det *d);
int qsp_det_hibernate_logger(struct qsp_det *d);
int qsp_det_log4jdbc(struct qsp_det *d, int by_logger);
int qsp_det_dsproxy(struct qsp_det *d, size_t query_at);
int qsp_det_dsproxy_json(struct qsp_det *d);

/* p6spy's prepared/statement pair split (detect-p6spy.c), also used for custom formats. */
size_t qsp_p6spy_split_pair(const char *r, size_t n, char sep);
int qsp_p6spy_fits(const char *p, size_t pn, const char *s, size_t sn);
/* Is this p6spy category one whose record carries a statement? 1 yes, 0 a known category
 * without SQL, -1 unknown. */
int qsp_p6spy_category(const char *s, size_t n);

#endif
