/* querylog.h — encoding one query.log record (through json.c). */
#ifndef QS_QUERYLOG_H
#define QS_QUERYLOG_H

#include <stdint.h>

#include "buf.h"
#include "qsplit.h"

/* The keys of one record, in output order; absent optional keys have NULL pointers. */
struct qsp_query_fields {
    const char *qhash; /* 32 hex digits */
    const char *sql;
    size_t sql_len;
    const char *ts;
    size_t ts_len;
    const char *thread;
    size_t thread_len;
    const char *logger;
    size_t logger_len;
    const char *fingerprint;
    size_t fingerprint_len;
    const char *fhash;      /* 32 hex digits */
    const int64_t *took_ms; /* the statement's duration as logged, or NULL */
};

/* Append one record line, `{"QHash":…,"sql":…,…}\n`, to out. Invalid UTF-8 becomes U+FFFD
 * (the count is added to *invalid). On failure out is as it was. */
int qsp_query_encode(struct qsp_buf *out, const struct qsp_query_fields *f, uint64_t *invalid,
                     struct qs_error *err);

#endif
