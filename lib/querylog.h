/* querylog.h — encoding one query.log record (through json.c), and the batched sink a
 * splitter writes its records through. */
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

/* Append s as a JSON string literal, quotes included (qs_json_quote: jansson's escapes,
 * ill-formed UTF-8 as U+FFFD, their count added to *invalid, which may be NULL). The
 * library's one way to put a JSON string into a buffer: query.log's values here, a JSON
 * event's rewritten message in split.c. QS_ENOMEM, or out as it was. */
int qsp_json_append(struct qsp_buf *out, const char *s, size_t len, uint64_t *invalid);

/* Append one record line, `{"QHash":…,"sql":…,…}\n`, to out. Invalid UTF-8 becomes U+FFFD
 * (the count is added to *invalid). On failure out is as it was. */
int qsp_query_encode(struct qsp_buf *out, const struct qsp_query_fields *f, uint64_t *invalid,
                     struct qs_error *err);

/*
 * A splitter's query.log sink (qs_splitter_set_querylog): whole records gathered into
 * batches of at most `batch` bytes, each batch one qs_querylog_append, so one O_APPEND
 * write(2) of whole records, rotation and deletion followed as for any append. It lives
 * here, not in split.c, because how records reach the file is query.log writing's job;
 * split.c only hands each record over. Owned by one splitter (not thread-safe); ql is
 * borrowed and may be shared, as qs_querylog_append is thread-safe.
 */
struct qsp_qlsink {
    struct qs_querylog *ql; /* NULL: no sink */
    struct qsp_buf b;       /* whole records not yet written */
    size_t batch;           /* 0: each record is written at once, never held */
};

/* Write what is queued to the old log, then use ql (NULL: none) and batch. On a write
 * failure the sink is left as it was, minus the failed batch. */
int qsp_qlsink_set(struct qsp_qlsink *k, struct qs_querylog *ql, size_t batch,
                   struct qs_error *err);

/* Queue n bytes of whole records, writing the batch first when they would not fit; records
 * larger than the batch are written on their own. A write failure drops the records of
 * that write (the error names the file) and is returned. */
int qsp_qlsink_add(struct qsp_qlsink *k, const char *p, size_t n, struct qs_error *err);

/* Write what is queued; 0 when nothing is. */
int qsp_qlsink_flush(struct qsp_qlsink *k, struct qs_error *err);

/* Free the batch buffer (call qsp_qlsink_flush first: nothing is written here). */
void qsp_qlsink_free(struct qsp_qlsink *k);

#endif
