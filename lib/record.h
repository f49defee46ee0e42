/* record.h — assembling lines into log records: the one place that knows what a record is.
 * The splitter (split.c) and the public record reader (qs_records_*, for the pusher) both
 * read records through it. */
#ifndef QS_RECORD_H
#define QS_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "layout.h"
#include "qsplit.h"
#include "recpat.h" /* the pattern a record starts with: its users match lines too */

/* Flags of a struct qsp_rec besides QS_REC_PARTIAL (a piece of an oversized record). */
#define QSP_REC_PREFIXED 0x100u /* the first line matched the record start: pf holds it */
#define QSP_REC_CLOSE 0x200u    /* the empty piece that closes an oversized record */

/* One record, or one piece of a record over the size limit. Borrowed: valid only during
 * the callback. data lies in the caller's chunk when the whole record did. */
struct qsp_rec {
    const char *data;
    size_t len;
    uint64_t start; /* input offset of data[0] */
    uint64_t end;   /* input offset just past the record (or the piece) */
    unsigned flags; /* QS_REC_PARTIAL, QSP_REC_PREFIXED, QSP_REC_CLOSE */
    /* The first line's fields (offsets into data) for a whole record; zero for lines
     * before the first record, except msg_off past a first line that looks like JSON
     * (a statement marker inside a JSON value is no statement). */
    const struct qsp_prefix *pf;
};

/* 0 to go on, or a negative QS_E* code, recorded in err: it stops the reader for good. */
typedef int (*qsp_rec_fn)(void *user, const struct qsp_rec *rec, struct qs_error *err);

/*
 * The assembler. A line matching the record-start pattern begins a record, any other line
 * continues the current one; a record is handed on when the next one begins (or at
 * flush/finish), so what is handed on never depends on how the input was chunked. A
 * record that grows past max_record is streamed out unsplit as it comes (QS_REC_PARTIAL
 * pieces, then a QSP_REC_CLOSE piece), so memory stays bounded whatever the input. In
 * lines mode (QS_RECORDS_LINES) every line is a record, handed on at its newline.
 * Embedded by value (the splitter's hot path); one per thread.
 */
struct qsp_records {
    const struct qsp_recpat *pat;
    struct qsp_recmatch *rm;    /* NULL in lines mode: the pattern is not used */
    const unsigned char *first; /* qsp_recpat_first_bytes, or all 1 in lines mode */
    size_t max_record;
    int lines;
    qsp_rec_fn fn;
    void *user;

    struct qsp_buf rec;   /* the current record: complete lines, once copied */
    const char *view;     /* ... or, until then, where it lies in the caller's chunk */
    size_t view_len;      /* (records inside one chunk are never copied) */
    struct qsp_prefix pf; /* its first line's fields, when prefixed */
    int has_rec;
    int prefixed;
    uint64_t rec_start; /* input offset of the current record */

    struct qsp_buf line; /* an incomplete line carried between feeds */
    int passthrough;     /* the current record is over the limit: streamed unsplit */
    int line_spill;      /* the current physical line is being streamed as it comes */
    uint64_t in_off;     /* input offset of the first byte not yet classified */

    uint64_t records, oversized, bytes_in; /* as in struct qs_stats */
    int failed;                            /* sticky: the first error stops the reader */
};

/* flags: QS_RECORDS_LINES or 0. pat is borrowed and must outlive r. */
int qsp_records_init(struct qsp_records *r, const struct qsp_recpat *pat, size_t max_record,
                     unsigned flags, qsp_rec_fn fn, void *user, struct qs_error *err);
void qsp_records_destroy(struct qsp_records *r);
/* Bytes in (any chunking); the chunk may be reused after the call. */
int qsp_records_feed(struct qsp_records *r, const char *data, size_t len,
                     struct qs_error *err);
/* Hand on the record held so far as if the input ended; an incomplete line stays. */
int qsp_records_flush(struct qsp_records *r, struct qs_error *err);
/* End of input: the incomplete last line too, then the last record. */
int qsp_records_finish(struct qsp_records *r, struct qs_error *err);

/* Copy the fields of all no further than st->struct_size (0: the QSPLIT_0.1 layout) and
 * the library's own size; fields past them stay as they were. */
void qsp_stats_copy(const struct qs_stats *all, struct qs_stats *st);

#endif
