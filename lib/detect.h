/* detect.h — finding the SQL statements in a record's message. */
#ifndef QS_DETECT_H
#define QS_DETECT_H

#include <stddef.h>
#include <stdint.h>

#include "qsplit.h"

enum qsp_sql_kind {
    QSP_SQL_NONE = 0,
    QSP_SQL_MYBATIS,  /* "==>  Preparing: " / "==>  Executing: " (any number of '=') */
    QSP_SQL_BOUNDSQL, /* "boundSql : " of a MyBatis interceptor */
    QSP_SQL_P6SPY_SINGLE, /* p6spy SingleLineFormat: now|elapsed|category|connection N|url U|prepared|sql */
    QSP_SQL_P6SPY_MULTI, /* p6spy MultiLineFormat: #now | took Nms | cat | connection N| url U\nprepared\nsql; */
    QSP_SQL_P6SPY_CUSTOM, /* p6spy CustomLineFormat: its default, other '|' layouts, --p6spy-format */
    QSP_SQL_LOGGER,    /* a configured SQL logger: the message is SQL */
    QSP_SQL_REGEX,     /* a configured message regex with group sql */
    QSP_SQL_HIBERNATE, /* "Hibernate: " show_sql, org.hibernate.SQL, SQL_SLOW */
    QSP_SQL_LOG4JDBC,  /* jdbc.sqlonly, jdbc.sqltiming, jdbc.audit (and log4jdbc-log4j2) */
    QSP_SQL_DSPROXY,   /* datasource-proxy: Query:["…","…"] */
    QSP_SQL_BARE,      /* a message that is a statement, from a record with no logger */
};

/* One statement of a message. The console replaces msg[from .. to) by sep, then
 * "QHash":"<hash>"; the statement hashed and written to query.log is msg[sql_off ..
 * sql_off + sql_len), inside [from, to). */
struct qsp_stmt {
    size_t from, to;
    size_t sql_off, sql_len;
    const char *sep; /* static string: "" or " | " */
    int collapsed;   /* logged with its line breaks collapsed (MyBatis, p6spy single-line) */
    int own_lines;   /* the text after it is not its own (stdout glued to Hibernate's
                      * statement): it keeps its line breaks */
    int colored;     /* may hold ANSI colours (Hibernate's highlight_sql): not hashed */
    int json;        /* JSON-escaped (datasource-proxy's JSON entries): decoded to hash */
};

/* Where the SQL is in a message: n statements in message order, non-overlapping. The text
 * around them stays (see split.c for how line breaks in it are rendered). */
struct qsp_sql_span {
    enum qsp_sql_kind kind;
    size_t n;
    const struct qsp_stmt *stmt; /* owned by the detect context: valid until its next use */
    int64_t took_ms;             /* the duration the log states, -1 when it states none */
    /* The first statement, for callers that handle one: stmt[0].from, .sep, .sql_*. */
    size_t keep_len;
    const char *sep;
    size_t sql_off, sql_len;
};

/* The detector: built-in recognizers plus configured loggers, regexes and a p6spy custom
 * format. Immutable once built: shareable across threads. */
struct qsp_detector;
/* Per-thread scratch: PCRE2 match data, the statements of the last detection. */
struct qsp_detect_ctx;

int qsp_detector_new(struct qsp_detector **out, struct qs_error *err);
void qsp_detector_free(struct qsp_detector **d);
int qsp_detector_add_logger(struct qsp_detector *d, const char *logger, struct qs_error *err);
int qsp_detector_add_regex(struct qsp_detector *d, const char *pattern, struct qs_error *err);
/* p6spy's customLogMessageFormat, e.g. "%(currentTime)|%(executionTime)|%(category)|
 * connection%(connectionId)|%(sqlSingleLine)"; NULL removes it. */
int qsp_detector_set_p6spy_format(struct qsp_detector *d, const char *format,
                                  struct qs_error *err);
void qsp_detector_set_builtin(struct qsp_detector *d, int enabled);

int qsp_detect_ctx_new(struct qsp_detect_ctx **out, const struct qsp_detector *d,
                       struct qs_error *err);
void qsp_detect_ctx_free(struct qsp_detect_ctx **c);

/* Find SQL in a message (the record's text from the message start to its end, all lines,
 * final line terminator removed; may hold '\r', NUL, invalid UTF-8). logger may be empty
 * (a line a framework printed to stdout). Returns 1 and fills *out (n >= 1), 0 when the
 * message carries no SQL (a p6spy commit, a MyBatis "==> Parameters:" line, an empty
 * statement), <0 on error. */
int qsp_detect(const struct qsp_detector *d, struct qsp_detect_ctx *ctx, const char *logger,
               size_t logger_len, const char *msg, size_t msg_len, struct qsp_sql_span *out);

/* A short name for a recognizer ("mybatis", "p6spy-single", "hibernate", …): what
 * --explain prints. Never NULL. */
const char *qsp_sql_kind_name(enum qsp_sql_kind k);

/* Does this statement, logged on one line, hold a "--" comment outside quotes (which then
 * hides the rest of the statement as logged)? */
int qsp_sql_has_line_comment(const char *sql, size_t len);

/* The detector's quick test (qs_config_quick_rule): the index-th rule, QS_ENOTFOUND past
 * the last. Configured loggers and regexes first, then the built-in recognizers' needles. */
int qsp_detector_quick_rule(const struct qsp_detector *d, size_t index,
                            struct qs_quick_rule *out);
/* A regex's literal start (the text every match begins with), as a malloc'd string, or NULL
 * when it has none usable by the quick test (detect-quick.c). */
char *qsp_regex_literal_start(const char *pattern);
/* Does one rule hold for this event? */
int qsp_quick_rule_holds(const struct qs_quick_rule *r, const char *lg, size_t lgn,
                         const char *m, size_t n);

#endif
