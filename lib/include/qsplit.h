/*
 * qsplit.h — the whole public API of libqsplit.
 *
 * libqsplit takes console logs of Spring/MyBatis services apart: every SQL statement is
 * normalized and hashed (the QHash, lowercase hex MD5 of N(sql), see docs/qhash.md), the
 * console keeps one short line ending in "QHash":"<hash>", and the SQL goes once to query.log
 * as one JSON object per line: {"QHash":"…","sql":"…"}.
 *
 * Conventions
 * - Functions return int: 0 (or a count, or 1 for "found") on success, a negative QS_E* code
 *   on failure. The numbers never change. qs_strerror() never returns NULL.
 * - Functions that can fail for reasons worth explaining take an optional `struct qs_error *`
 *   (may be NULL). The first error recorded in it wins; call qs_error_clear() to reuse it.
 * - Ownership is written at each declaration. "Borrowed" means the library does not keep the
 *   pointer past the call unless said; "valid until the next call on X" means the library
 *   owns the memory and reuses it.
 * - No hidden global state. Each object says what may be shared across threads.
 * - The library never prints; it reports through return codes, errors and statistics.
 *
 * ABI (docs/abi.md)
 * - Symbols are versioned (lib/libqsplit.map): QSPLIT_0.1 is the first ABI. A function is
 *   never removed or changed within a major version; new ones go in a new node.
 * - The structs passed across the boundary (qs_error, qs_output, qs_stats, qs_event,
 *   qs_record) start with `size_t struct_size`, the sizeof the side that filled it was built
 *   with. New fields are only ever appended, so a library and a caller built with different
 *   versions use the fields both know. The caller sets it with the QS_*_INIT macros (0 means
 *   the QSPLIT_0.1 layout, so a zero-initialized struct stays valid); the library sets it in
 *   qs_output and qs_record.
 *   QS_HAS_FIELD tells whether a struct that size holds a field.
 * - The handles (qs_hasher, qs_config, qs_splitter, qs_records, qs_querylog) are opaque.
 */
#ifndef QSPLIT_H
#define QSPLIT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(QS_BUILDING_LIBRARY) && defined(__GNUC__)
#define QS_EXPORT __attribute__((visibility("default")))
#else
#define QS_EXPORT
#endif

/* Whether *ptr, of (ptr)->struct_size bytes, holds field: for a qs_output, where the
 * library sets struct_size, when a caller is built with a newer header than it runs with. */
#define QS_HAS_FIELD(ptr, type, field)                                                        \
    (offsetof(type, field) + sizeof((ptr)->field) <= (ptr)->struct_size)

/* ---- version ----------------------------------------------------------------------- */

#define QS_VERSION_MAJOR 0
#define QS_VERSION_MINOR 1
#define QS_VERSION_PATCH 0
#define QS_VERSION_STRING "0.1.0"

/* The version of the library that is running (may differ from QS_VERSION_STRING). */
QS_EXPORT const char *qs_version(void);

/* ---- errors ------------------------------------------------------------------------ */

#define QS_OK 0
#define QS_EINVAL (-1)     /* an argument is invalid (NULL where not allowed, bad option) */
#define QS_ENOMEM (-2)     /* an allocation failed */
#define QS_EIO (-3)        /* a read or write failed; qs_error.sys_errno has errno */
#define QS_ENOSPC (-4)     /* no space left on device, or the file size limit was reached */
#define QS_ERANGE (-5)     /* output buffer too small, or a configured maximum exceeded */
#define QS_EPATTERN (-6)   /* a regular expression does not compile (text says where) */
#define QS_ECRYPTO (-7)    /* libcrypto failed (MD5 unavailable, e.g. in FIPS mode) */
#define QS_EJSON (-8)      /* JSON encoding or decoding failed */
#define QS_ECALLBACK (-9)  /* a caller's callback returned non-zero */
#define QS_ESTATE (-10)    /* call out of order (feed after finish) */
#define QS_ENOTFOUND (-11) /* not found (e.g. a line that is not a query.log record) */

/* A short English description of a QS_E* code; unknown codes get a generic text. */
QS_EXPORT const char *qs_strerror(int code);

/* Caller-owned error details. The first error recorded wins. Initialize it with
 * QS_ERROR_INIT (or zero it: 0 is the QSPLIT_0.1 layout); qs_error_clear keeps struct_size. */
struct qs_error {
    size_t struct_size; /* sizeof(struct qs_error) the caller was built with, or 0 */
    int code;           /* QS_OK or a QS_E* code */
    int sys_errno;      /* errno for QS_EIO / QS_ENOSPC, else 0 */
    char text[256];     /* NUL-terminated message naming the cause */
};

#define QS_ERROR_INIT                                                                         \
    {                                                                                         \
        sizeof(struct qs_error), QS_OK, 0,                                                    \
        {                                                                                     \
            0                                                                                 \
        }                                                                                     \
    }

/* Reset an error struct to QS_OK. */
QS_EXPORT void qs_error_clear(struct qs_error *err);

/* ---- normalization: N(sql) and the fingerprint -------------------------------------- */

#define QS_DIALECT_DEFAULT 0u  /* the QHash contract of docs/qhash.md */
#define QS_DIALECT_MYSQL 1u    /* + `#` comments to end of line */
#define QS_DIALECT_POSTGRES 2u /* + $tag$ dollar quotes; no backslash escapes in '' */

/* Largest output of qs_normalize for an input of len bytes (N never grows its input). */
QS_EXPORT size_t qs_normalize_bound(size_t len);

/*
 * Write N(sql) into out. Thread-safe, no allocation. Bytes are copied as given (no UTF-8
 * check). sql and out must not overlap (N looks back at bytes it has read). On QS_ERANGE *out_len is set to the size needed.
 */
QS_EXPORT int qs_normalize(const char *sql, size_t len, unsigned dialect, char *out,
                           size_t cap, size_t *out_len);

/* Largest output of qs_fingerprint for an input of len bytes. */
QS_EXPORT size_t qs_fingerprint_bound(size_t len);

/*
 * Write the literal-stripping fingerprint of sql into out (pt-query-digest style: literals
 * to ?, IN lists and multi-row VALUES collapsed, case folded; see docs/qhash.md for where it
 * differs). Thread-safe, no allocation. On QS_ERANGE *out_len is set to the size needed.
 */
QS_EXPORT int qs_fingerprint(const char *sql, size_t len, unsigned dialect, char *out,
                             size_t cap, size_t *out_len);

/* ---- hashing ----------------------------------------------------------------------- */

#define QS_HASH_HEX_LEN 32 /* a QHash is 32 lowercase hex digits; buffers need 33 */

/*
 * A hasher holds the MD5 implementation (fetched from libcrypto once) and scratch space.
 * One hasher per thread: it is not safe to use from two threads at once.
 */
struct qs_hasher;

/* Create a hasher; *out is freed by the caller with qs_hasher_free. */
QS_EXPORT int qs_hasher_new(struct qs_hasher **out, struct qs_error *err);
/* Free *h and set it to NULL; NULL and *h == NULL are no-ops. */
QS_EXPORT void qs_hasher_free(struct qs_hasher **h);

/* MD5 of the bytes as given, 32 lowercase hex digits + NUL into out. */
QS_EXPORT int qs_hasher_md5_hex(struct qs_hasher *h, const void *data, size_t len,
                                char out[QS_HASH_HEX_LEN + 1]);
/* The QHash: MD5 of N(sql) in the given dialect. */
QS_EXPORT int qs_hasher_qhash(struct qs_hasher *h, const char *sql, size_t len,
                              unsigned dialect, char out[QS_HASH_HEX_LEN + 1]);
/* The grouping hash: MD5 of the fingerprint. */
QS_EXPORT int qs_hasher_fingerprint_hash(struct qs_hasher *h, const char *sql, size_t len,
                                         unsigned dialect, char out[QS_HASH_HEX_LEN + 1]);

/* ---- configuration: how records and SQL are recognized ------------------------------ */

/*
 * A configuration is built once, then only read. It must outlive every splitter made from
 * it. Once no thread modifies it, it may be shared by any number of threads and splitters.
 */
struct qs_config;

QS_EXPORT int qs_config_new(struct qs_config **out, struct qs_error *err);
QS_EXPORT void qs_config_free(struct qs_config **cfg);

/*
 * Replace the record-start pattern (PCRE2 syntax, matched anchored at the start of each
 * line, JIT-compiled). Optional named groups give the record's fields: ts, level, pid,
 * thread, logger; the message starts where the group msg starts (else at the end of the
 * match). NULL restores the default: the Spring Boot 2.x/3.x console layouts, then a prefix
 * grammar for logback's, log4j's and team layouts and the lines Hibernate, MyBatis, p6spy
 * and datasource-proxy print to stdout (docs/layouts.md). A pattern replaces both.
 */
QS_EXPORT int qs_config_set_record_pattern(struct qs_config *cfg, const char *pattern,
                                           struct qs_error *err);

/*
 * The whole message of records from this logger is SQL (after an optional p6spy-style
 * `|`-separated metadata prefix, see docs). A trailing '*' matches a prefix. Copied.
 */
QS_EXPORT int qs_config_add_sql_logger(struct qs_config *cfg, const char *logger,
                                       struct qs_error *err);

/*
 * A message regex (PCRE2): where it matches, the named group sql is the statement and
 * everything before the group is kept on the console as the marker. Copied.
 */
QS_EXPORT int qs_config_add_sql_regex(struct qs_config *cfg, const char *pattern,
                                      struct qs_error *err);

/*
 * p6spy's customLogMessageFormat, as in spy.properties ("%(currentTime)|%(executionTime)|
 * %(category)|connection%(connectionId)|%(sqlSingleLine)"): records of the p6spy logger
 * (or printed to stdout) in that format have their statement found where the format puts
 * it. NULL removes it. QS_EINVAL for an unknown %(…) or a format without a statement.
 */
QS_EXPORT int qs_config_set_p6spy_format(struct qs_config *cfg, const char *format,
                                         struct qs_error *err);

/* Turn off the built-in recognizers (MyBatis, boundSql, p6spy, Hibernate, log4jdbc,
 * datasource-proxy); for custom setups. */
QS_EXPORT int qs_config_set_builtin_detectors(struct qs_config *cfg, int enabled);

QS_EXPORT int qs_config_set_dialect(struct qs_config *cfg, unsigned dialect);

#define QS_FLAG_REDACT 0x01u       /* query.log gets the fingerprint instead of the SQL */
#define QS_FLAG_DEDUPE 0x02u       /* a QHash's record is written the first time only */
#define QS_FIELD_TIMESTAMP 0x10u   /* extra key "ts": the record's timestamp text */
#define QS_FIELD_THREAD 0x20u      /* extra key "thread" */
#define QS_FIELD_LOGGER 0x40u      /* extra key "logger" */
#define QS_FIELD_FINGERPRINT 0x80u /* extra keys "fingerprint" and "FHash" */
#define QS_FIELD_TOOK_MS 0x100u    /* extra key "took_ms" where the log states a duration */

/* Replace the flags (an OR of QS_FLAG_* and QS_FIELD_*). */
QS_EXPORT int qs_config_set_flags(struct qs_config *cfg, unsigned flags);
QS_EXPORT unsigned qs_config_get_flags(const struct qs_config *cfg);

#define QS_LIMIT_RECORD_BYTES 1   /* larger records pass through unsplit (default 8 MiB) */
#define QS_LIMIT_DEDUPE_ENTRIES 2 /* QHashes remembered by --dedupe (default 65536) */

QS_EXPORT int qs_config_set_limit(struct qs_config *cfg, int which, size_t value);

/* ---- options by name: one table for every face -------------------------------------- */

#define QS_OPT_BOOL 1 /* true/false, 1/0, yes/no, on/off */
#define QS_OPT_SIZE 2 /* a decimal count, K, M or G for 2^10, 2^20, 2^30; within [min, max] */
#define QS_OPT_ENUM 3 /* one of values */
#define QS_OPT_STRING 4 /* any text (a pattern, a logger name, a format) */
#define QS_OPT_LIST 5   /* comma-separated names from values */

/* What an option is. Every string is static. */
struct qs_option_info {
    const char *name;   /* "max-record": the CLI's flag without "--" */
    int type;           /* QS_OPT_* */
    int repeatable;     /* each value adds one (sql-logger, sql-regex) */
    uint64_t min, max;  /* QS_OPT_SIZE bounds; QS_OPT_BOOL/ENUM: index bounds */
    const char *values; /* QS_OPT_ENUM, QS_OPT_LIST: the names, comma-separated; else NULL */
    const char *help;
};

/* The index-th option (0, 1, …); QS_ENOTFOUND past the last. */
QS_EXPORT int qs_option_info(size_t index, struct qs_option_info *out);

/*
 * Set an option by name from its text, as the CLI, the pusher's YAML and the appender's
 * setters give it: "max-record" "8M", "fields" "ts,took_ms", "builtin" "false", … An
 * unknown name or a value of the wrong type or out of bounds is QS_EINVAL with a message
 * that starts with the option's name. The setters above stay: this goes through them.
 */
QS_EXPORT int qs_config_set_option(struct qs_config *cfg, const char *name, const char *value,
                                   struct qs_error *err);

/* ---- the quick test: what an event needs before the recognizers can find SQL -------- */

/*
 * A necessary condition of finding SQL with this configuration, for a caller that sees
 * many events and wants to skip the certainly SQL-free ones without handing them over (the
 * logback appender). It is a list of rules; an event passes when one rule's terms all hold.
 * It is never a test that something IS SQL. The rules come from the recognizers
 * (lib/detect.c) and the configured loggers and regexes, so a caller keeps no copy of
 * them; a unit test proves the claim on real logs and random input.
 */
#define QS_QUICK_ANY 0           /* always holds (a regex with no literal start, ...) */
#define QS_QUICK_NO_LOGGER 1     /* the event has no logger (a framework's stdout line) */
#define QS_QUICK_LOGGER_IS 2     /* the logger is text */
#define QS_QUICK_LOGGER_STARTS 3 /* the logger starts with text */
#define QS_QUICK_LOGGER_ENDS 4   /* the logger ends with text */
#define QS_QUICK_MSG_HAS 5       /* the message contains text */
#define QS_QUICK_MSG_FIRST 6     /* the message's first byte is one of text's bytes */

/* Every text is valid UTF-8 without '?' (so a test on a Java String, where a lone surrogate
 * becomes '?' in UTF-8, answers as this one on bytes), with no NUL, len >= 1; a rule that
 * cannot be written so is QS_QUICK_ANY. */
struct qs_quick_term {
    int test;         /* QS_QUICK_* */
    const char *text; /* borrowed from the configuration: valid until it changes */
    size_t len;
};

#define QS_QUICK_MAX_TERMS 2
struct qs_quick_rule {
    unsigned nterms; /* 1 .. QS_QUICK_MAX_TERMS, all must hold */
    struct qs_quick_term term[QS_QUICK_MAX_TERMS];
};

/* The index-th rule (0, 1, …); QS_ENOTFOUND past the last. No rule at all (the built-in
 * recognizers off, nothing configured): no event can carry SQL. */
QS_EXPORT int qs_config_quick_rule(const struct qs_config *cfg, size_t index,
                                   struct qs_quick_rule *out);

/* The rules applied: 1 when the event may carry SQL, 0 when it certainly carries none,
 * QS_EINVAL on a NULL argument. logger may be empty; both may hold any bytes. */
QS_EXPORT int qs_config_quick_test(const struct qs_config *cfg, const char *logger,
                                   size_t logger_len, const char *msg, size_t msg_len);

/* ---- the splitter ------------------------------------------------------------------ */

#define QS_OUT_SQL 0x1u     /* this record carried SQL: console is rewritten, qhash is set */
#define QS_OUT_PARTIAL 0x2u /* record over the size limit: more of it follows, unsplit */

/* One output record, passed to the output callback. Every pointer is borrowed and valid
 * only during the callback. struct_size is set by the library: a field past it (a newer
 * header than the running library) is absent; test with QS_HAS_FIELD. */
struct qs_output {
    size_t struct_size;  /* sizeof(struct qs_output) of the library that filled it */
    const char *console; /* the console bytes of this record, whole lines */
    size_t console_len;
    const char *query; /* query.log lines (one per statement) ending in '\n', or NULL; with
                        * a sink (qs_splitter_set_querylog) already queued to it: for
                        * reading, never to append again */
    size_t query_len;
    const char *qhash; /* 32 hex digits + NUL when QS_OUT_SQL (the first statement's when
                        * a batch record carries several), else NULL */
    const char *ts;    /* the record's timestamp text as logged, or NULL; a JSON event's
                        * time field in place (NULL when written with escapes) */
    size_t ts_len;
    uint64_t end_offset; /* input bytes consumed through the end of this record */
    unsigned flags;      /* QS_OUT_* */
};

/* Return 0 to go on; any other value stops the splitter with QS_ECALLBACK. */
typedef int (*qs_output_fn)(void *user, const struct qs_output *out);

/* Filled by qs_splitter_get_stats up to the caller's struct_size (set it with
 * QS_STATS_INIT; 0 means the QSPLIT_0.1 layout); fields past the library's own are left as
 * they were. */
struct qs_stats {
    size_t struct_size; /* sizeof(struct qs_stats) the caller was built with, or 0 */
    uint64_t bytes_in;
    uint64_t bytes_console;  /* console bytes emitted */
    uint64_t bytes_query;    /* query.log bytes emitted */
    uint64_t records;        /* records emitted (a pass-through record counts once) */
    uint64_t sql_records;    /* records that carried SQL */
    uint64_t query_records;  /* query.log lines emitted (fewer than sql_records with dedupe) */
    uint64_t distinct_qhash; /* first sightings in the dedupe table (exact until it fills) */
    uint64_t dedupe_resets;  /* times the dedupe table filled and was cleared */
    uint64_t oversized;      /* records over QS_LIMIT_RECORD_BYTES passed through unsplit */
    uint64_t invalid_utf8;   /* bytes replaced by U+FFFD in query.log */
    uint64_t statements;     /* statements hashed (a batch record carries several) */
    uint64_t collapsed_comments; /* one-line statements holding a "--" comment, which
                                  * hides the rest of the statement (docs/qhash.md) */
};

#define QS_STATS_INIT                                                                         \
    {                                                                                         \
        .struct_size = sizeof(struct qs_stats)                                                \
    }

/*
 * A splitter turns a console log (any chunking) into console records and query.log lines,
 * one callback per record, exactly as for the whole input at once. Not thread-safe: one
 * splitter per thread. cfg is borrowed and must outlive the splitter.
 */
struct qs_splitter;

QS_EXPORT int qs_splitter_new(struct qs_splitter **out, const struct qs_config *cfg,
                              qs_output_fn fn, void *user, struct qs_error *err);
/* Free *s and set it to NULL. Query lines still queued for its sink are written first, but
 * a failure can no longer be reported: call qs_splitter_finish (or _flush) to see it. */
QS_EXPORT void qs_splitter_free(struct qs_splitter **s);

/* Feed bytes (any size, NUL bytes and invalid UTF-8 allowed). Records are emitted as soon as
 * the next record's first line has been seen. */
QS_EXPORT int qs_splitter_feed(struct qs_splitter *s, const void *data, size_t len,
                               struct qs_error *err);
/* End of input: emit the last record (an unterminated last line included) and write what
 * the sink holds. After an earlier error, the records split before it are still written
 * and that error is returned. */
QS_EXPORT int qs_splitter_finish(struct qs_splitter *s, struct qs_error *err);
/* Emit the record held so far as if the input ended, and write what the sink holds, but
 * keep the splitter usable (for a tailer that has seen no new bytes for a while). */
QS_EXPORT int qs_splitter_flush(struct qs_splitter *s, struct qs_error *err);

QS_EXPORT void qs_splitter_get_stats(const struct qs_splitter *s, struct qs_stats *st);

/* One already-assembled logging event (the logback appender's case). Borrowed; lengths
 * are bytes of UTF-8; ts and thread may be NULL. Set struct_size with QS_EVENT_INIT (0 means
 * the QSPLIT_0.1 layout); fields past it are taken as absent. A size smaller than the
 * QSPLIT_0.1 layout's is QS_EINVAL. */
struct qs_event {
    size_t struct_size; /* sizeof(struct qs_event) the caller was built with, or 0 */
    const char *logger;
    size_t logger_len;
    const char *message;
    size_t message_len;
    const char *thread;
    size_t thread_len;
    const char *ts;
    size_t ts_len;
};

#define QS_EVENT_INIT                                                                         \
    {                                                                                         \
        .struct_size = sizeof(struct qs_event)                                                \
    }

/*
 * Split one event. Returns 1 when the message carried SQL: *console is the replacement
 * message (no newline) and *query the query.log line (ending in '\n', or NULL when deduped);
 * both are owned by s and valid until the next call on s. Returns 0 when there is no SQL or
 * the message is over QS_LIMIT_RECORD_BYTES (outputs set to NULL), or a negative error.
 * With a sink (qs_splitter_set_querylog) the line has been appended (batch 0) or queued
 * when this returns 1, and *query is still set, for a caller that caches the result; a
 * failed append is this call's error (the event's console text should then stay as it
 * was) and, unlike a stream's, does not stop the splitter: each event stands alone.
 */
QS_EXPORT int qs_splitter_event(struct qs_splitter *s, const struct qs_event *ev,
                                const char **console, size_t *console_len, const char **query,
                                size_t *query_len, struct qs_error *err);

/* ---- the record reader: records without the SQL work -------------------------------- */

/*
 * The records a splitter would see, for a face that wants the records of a log and no SQL
 * work (qsplit-push ships an already split console.log record by record, and a query.log
 * line by line). The same assembly as the splitter's (it is the one the splitter uses): a
 * line matching the configuration's record start begins a record, the lines after it
 * continue it, lines before the first record form one; any chunking gives the same
 * records; a record over QS_LIMIT_RECORD_BYTES streams out in QS_REC_PARTIAL pieces, closed
 * by an empty piece without the flag. Not thread-safe: one reader per thread. cfg is
 * borrowed and must outlive the reader.
 */
struct qs_records;

#define QS_RECORDS_LINES                                                                      \
    0x1u /* every line is a record (query.log, one JSON object a line);
                               * the record start is not used and ts is NULL */

#define QS_REC_PARTIAL 0x1u /* a piece of a record over the size limit: more follows */

/* One record, passed to the record callback. Every pointer is borrowed and valid only
 * during the callback. struct_size is set by the library (test a later field with
 * QS_HAS_FIELD). */
struct qs_record {
    size_t struct_size; /* sizeof(struct qs_record) of the library that filled it */
    const char *data;   /* the record's bytes, whole lines as read (the last one may lack
                         * its '\n' at finish); a piece when QS_REC_PARTIAL */
    size_t len;
    const char *ts; /* the timestamp text of its first line, or NULL (pieces, lines mode,
                     * lines before the first record, layouts without one); for a
                     * JSON event, its time field's text in place (@timestamp,
                     * timestamp, time: an ISO string or JsonEncoder's epoch
                     * milliseconds), NULL when written with escapes */
    size_t ts_len;
    uint64_t end_offset; /* input bytes consumed through the end of this record or piece */
    unsigned flags;      /* QS_REC_* */
};

/* Return 0 to go on; any other value stops the reader with QS_ECALLBACK. */
typedef int (*qs_record_fn)(void *user, const struct qs_record *rec);

/* Create a reader; flags is 0 or QS_RECORDS_LINES (others are QS_EINVAL). *out is freed by
 * the caller with qs_records_free. */
QS_EXPORT int qs_records_new(struct qs_records **out, const struct qs_config *cfg,
                             unsigned flags, qs_record_fn fn, void *user,
                             struct qs_error *err);
/* Free *r and set it to NULL; NULL and *r == NULL are no-ops. */
QS_EXPORT void qs_records_free(struct qs_records **r);
/* Feed bytes (any size, NUL bytes and invalid UTF-8 allowed); data is borrowed for the
 * call only. A record is handed on when the next one's first line has been seen (in lines
 * mode: at its newline). */
QS_EXPORT int qs_records_feed(struct qs_records *r, const void *data, size_t len,
                              struct qs_error *err);
/* Hand on the record held so far as if the input ended, but keep the reader usable; a
 * line without its newline yet stays for the next feed. */
QS_EXPORT int qs_records_flush(struct qs_records *r, struct qs_error *err);
/* End of input: the last record, an unterminated last line included. */
QS_EXPORT int qs_records_finish(struct qs_records *r, struct qs_error *err);
/* bytes_in, records and oversized as the splitter counts them; the other fields 0.
 * Filled up to st->struct_size as qs_splitter_get_stats does. */
QS_EXPORT void qs_records_get_stats(const struct qs_records *r, struct qs_stats *st);

/* ---- explaining a record ---------------------------------------------------------- */

/*
 * What a splitter with this configuration makes of one record (its first line and the
 * lines that continue it), for `qsplit split --explain`: the layout its first line
 * matched, the fields read from it, and which recognizer found a statement, or why none
 * did. Offsets are into record; a field that is absent has len 0.
 */
struct qs_explain {
    char layout[96]; /* "spring-boot", the prefix read as a pattern ("%d [%t] %p %c - %m"),
                      * "hibernate-stdout", "mybatis-stdout", "p6spy-stdout", "json",
                      * "--pattern"; "" when the first line starts no record */
    size_t ts_off, ts_len;
    size_t level_off, level_len;
    size_t thread_off, thread_len;
    size_t logger_off, logger_len;
    size_t msg_off;
    char recognizer[32];     /* "mybatis", "p6spy-single", …; "" when none took it */
    size_t keep_len;         /* the console keeps record[0 .. keep_len) before the QHash */
    size_t sql_off, sql_len; /* the statement hashed */
    const char *why;         /* static text: why the record was left alone, else NULL */
    int line_comment; /* 1: the statement was logged on one line and holds a `--` comment,
                       * which swallows the rest of it (docs/qhash.md) */
};

/* Explain one record (borrowed; any bytes). Returns 1 when it would be split, 0 when left
 * alone (out->why says why), or a negative error. Thread-safe on a shared cfg. */
QS_EXPORT int qs_config_explain(const struct qs_config *cfg, const char *record, size_t len,
                                struct qs_explain *out, struct qs_error *err);

/* ---- query.log --------------------------------------------------------------------- */

/*
 * An append-only query.log. Each qs_querylog_append is one write(2) of whole records on an
 * O_APPEND descriptor, so records from threads and processes sharing the file never
 * interleave. Safe to share across threads. If the file is deleted while open, the next
 * append opens the path anew, so no record goes where lookup cannot find it; if it is
 * replaced (rotation by rename), appends move to the new file within a second.
 */
struct qs_querylog;

/* Open (create with mode, 0 meaning 0640) for appending. */
QS_EXPORT int qs_querylog_open(struct qs_querylog **out, const char *path, unsigned mode,
                               struct qs_error *err);
/* Close *q (reporting a close error) and set it to NULL. */
QS_EXPORT int qs_querylog_close(struct qs_querylog **q, struct qs_error *err);
/* Append data, which must be whole records; ENOSPC, EFBIG and EIO are reported. */
QS_EXPORT int qs_querylog_append(struct qs_querylog *q, const void *data, size_t len,
                                 struct qs_error *err);

/*
 * QSPLIT_0.2. Let s write its query.log lines to ql itself (ql borrowed: it must outlive s,
 * or be replaced first), so no face hands them back: each record's lines are queued whole
 * and written in batches of at most `batch` bytes, each batch one qs_querylog_append (one
 * O_APPEND write(2) of whole records; a record larger than the batch is written on its
 * own). batch 0 writes each record (each event) at once: an in-process logger's choice, as
 * nothing waits in memory. The batch is written when full, by qs_splitter_flush and
 * qs_splitter_finish, and by qs_splitter_free. A failed write (QS_ENOSPC for ENOSPC and
 * EFBIG, QS_EIO) names the file and stops a stream like any splitter error; the records of
 * that write are lost and reported, never retried. qs_output.query still shows each
 * record's lines (already queued). Many splitters, in many threads, may share one ql.
 * Replacing or removing (ql NULL) the sink first writes what the old one holds.
 */
QS_EXPORT int qs_splitter_set_querylog(struct qs_splitter *s, struct qs_querylog *ql,
                                       size_t batch, struct qs_error *err);

/*
 * Stable API, not a face's private helper: query.log's format is the library's (it writes
 * every line), so reading it back is too; `qsplit lookup`, the Java QueryLog and any tool
 * that joins a QHash to its SQL use this one parser rather than each their own.
 * Parse one query.log line. qhash gets the record's QHash; sql (cap bytes, len is always
 * enough) gets the decoded "sql" value, *sql_len its length. QS_ENOTFOUND for a line that
 * is not a query.log record: one JSON object (RFC 8259, well-formed UTF-8, blanks around
 * it) whose "QHash" is a string of 32 lowercase hex digits and whose "sql" is a string;
 * the last of a duplicated key counts. QS_ERANGE when sql is shorter than the statement
 * (*sql_len still set). Reads no process state (no locale): the library's own scanner.
 */
QS_EXPORT int qs_query_record_parse(const char *line, size_t len,
                                    char qhash[QS_HASH_HEX_LEN + 1], char *sql, size_t cap,
                                    size_t *sql_len);

/* ---- JSON strings ------------------------------------------------------------------ */

/* Stable API, not a face's private helper: the exact bytes query.log's "sql" values are
 * (jansson-identical, ill-formed UTF-8 replaced). The pusher writes Loki lines with it and
 * any face that writes or matches query.log text needs the same bytes, so there is one
 * encoder, tested once (tests/test-json.c against jansson). */

/* Largest output of qs_json_quote for len input bytes. */
QS_EXPORT size_t qs_json_quote_bound(size_t len);

/*
 * Write s as a JSON string literal, quotes included: exactly the bytes jansson's json_dumpb
 * writes for that string, after each byte of an ill-formed UTF-8 sequence is replaced by
 * U+FFFD (*replaced gets their number; may be NULL). The output is always valid UTF-8 JSON.
 * Thread-safe, no allocation. On QS_ERANGE *out_len is the size needed.
 */
QS_EXPORT int qs_json_quote(const char *s, size_t len, char *out, size_t cap, size_t *out_len,
                            size_t *replaced);

/* ---- timestamps -------------------------------------------------------------------- */

/* Stable API, not a face's private helper: the timestamp grammar is the one the default
 * record start recognizes (docs/layouts.md), which only the library knows; the pusher
 * stamps Loki entries with it and a face that orders or filters records by time needs the
 * same reading of the same text. */

/* A time zone, made once from its name and then read-only (any number of threads may use
 * one): "UTC"; a zone of /usr/share/zoneinfo ("Europe/Paris", DST included, and the zone's
 * rule past its last listed change); an absolute path to a TZif file ("/etc/localtime");
 * or a POSIX TZ string ("CET-1CEST,M3.5.0,M10.5.0/3"). QS_EINVAL (with a message) for a
 * name that is none of these. Nothing reads the TZ variable: what "local" means is the
 * caller's choice (qsplit-push: TZ, else /etc/localtime). */
struct qs_tz;
QS_EXPORT int qs_tz_new(const char *name, struct qs_tz **out, struct qs_error *err);
/* Free *tz and set it to NULL; NULL or *tz NULL is a no-op. */
QS_EXPORT void qs_tz_free(struct qs_tz **tz);

/* Parse a record timestamp of a layout the default record start knows (2021-05-25
 * 18:32:35.710, 2023-11-20T14:03:01.123+01:00, 2021/05/25 18:32:35, 25 May 2021
 * 18:32:35,710, … +0800; docs/layouts.md) into nanoseconds since the epoch. A time
 * without an offset is in tz (NULL: UTC); a wall time repeated or skipped at a change of
 * offset is read as `TZ=… date -d` and mktime read it (the pass nearer the time read as
 * UTC; a skipped one, which date refuses, as mktime does: lib/timestamp.c). Also what a
 * JSON event's time field holds: ISO-8601 with Z or an offset and up to 9 fraction digits
 * (logstash-logback-encoder, Spring Boot ecs/logstash), and an epoch in milliseconds as
 * exactly 13 digits (logback's JsonEncoder "timestamp":1700000000000; 2001 to 2286,
 * QS_ERANGE past 2262). QS_EINVAL if not a timestamp, and for a time without a date. */
QS_EXPORT int qs_timestamp_parse(const char *ts, size_t len, const struct qs_tz *tz,
                                 int64_t *unix_ns);

#ifdef __cplusplus
}
#endif

#endif /* QSPLIT_H */
