/* detect.h — finding the SQL in a record's message. */
#ifndef QS_DETECT_H
#define QS_DETECT_H

#include <stddef.h>

#include "qsplit.h"

enum qsp_sql_kind {
    QSP_SQL_NONE = 0,
    QSP_SQL_MYBATIS,  /* "==>  Preparing: " (any number of '=' for nested selects) */
    QSP_SQL_BOUNDSQL, /* "boundSql : " of a MyBatis interceptor */
    QSP_SQL_P6SPY_SINGLE, /* p6spy SingleLineFormat: now|elapsed|category|connection N|url U|prepared|sql */
    QSP_SQL_P6SPY_MULTI, /* p6spy MultiLineFormat: #now | took Nms | cat | connection N| url U\nprepared\nsql; */
    QSP_SQL_P6SPY_CUSTOM, /* p6spy CustomLineFormat default: now|elapsed|category|connectionN|sqlSingleLine */
    QSP_SQL_LOGGER, /* a configured SQL logger: the message is SQL */
    QSP_SQL_REGEX,  /* a configured message regex with group sql */
};

/* Where the SQL is in a message. The console keeps msg[0 .. keep_len), then sep, then
 * "QHash":"<hash>". The statement hashed and written to query.log is msg[sql_off ..
 * sql_off + sql_len). */
struct qsp_sql_span {
    enum qsp_sql_kind kind;
    size_t keep_len;
    const char *sep; /* static string: "" or " | " */
    size_t sql_off, sql_len;
};

/* The detector: built-in recognizers plus configured loggers and regexes. Immutable once
 * built: shareable across threads. */
struct qsp_detector;
/* Per-thread scratch (PCRE2 match data for the configured regexes). */
struct qsp_detect_ctx;

int qsp_detector_new(struct qsp_detector **out, struct qs_error *err);
void qsp_detector_free(struct qsp_detector **d);
int qsp_detector_add_logger(struct qsp_detector *d, const char *logger, struct qs_error *err);
int qsp_detector_add_regex(struct qsp_detector *d, const char *pattern, struct qs_error *err);
void qsp_detector_set_builtin(struct qsp_detector *d, int enabled);

int qsp_detect_ctx_new(struct qsp_detect_ctx **out, const struct qsp_detector *d,
                       struct qs_error *err);
void qsp_detect_ctx_free(struct qsp_detect_ctx **c);

/* Find SQL in a message (the record's text from the message start to its end, all lines,
 * final line terminator removed; may hold '\r', NUL, invalid UTF-8). logger may be empty.
 * Returns 1 and fills *out, 0 when the message carries no SQL (a p6spy commit, a MyBatis
 * "==> Parameters:" line, an empty statement), <0 on error. */
int qsp_detect(const struct qsp_detector *d, struct qsp_detect_ctx *ctx, const char *logger,
               size_t logger_len, const char *msg, size_t msg_len, struct qsp_sql_span *out);

#endif
