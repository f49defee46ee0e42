/* push.h — what the parts of qsplit-push share: the configuration, the batch of entries,
 * the body encoder, the HTTP client, the positions file and the tailer. */
#ifndef QSPLIT_PUSH_H
#define QSPLIT_PUSH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include <qsplit.h>

#include "buf.h" /* the one growable buffer: lib/buf.c, compiled in (qsp_buf_dep) */

#define PUSH_MAX_LABELS 30 /* Loki refuses more */
#define PUSH_MAX_FILES 2

/* ---- messages (main.c) ---- */
void push_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void push_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- configuration (config.c) ---- */
enum push_input_kind {
    PUSH_IN_CONSOLE, /* an already split console.log: records assembled, no SQL detection */
    PUSH_IN_QUERY,   /* a query.log: one entry per line */
    PUSH_IN_SPLIT,   /* an unsplit console.log, split on the fly into both streams */
};

struct push_label {
    char *name;
    char *value;
};

struct push_input {
    enum push_input_kind kind;
    char *path;
};

struct push_config {
    /* client */
    char *url;
    char *tenant_id;
    char *username;
    char *password;     /* secret: never printed */
    char *bearer_token; /* secret: never printed */
    char *ca_file, *cert_file, *key_file;
    int insecure_skip_verify;
    long timeout_ms;
    long batch_wait_ms;
    size_t batch_size;
    size_t max_entry_size; /* larger entries are cut into pieces of this size */
    int gzip_level;        /* 0: no compression */
    int proto;             /* client.format: 1 protobuf+snappy, 0 JSON (gzip_level) */
    long backoff_min_ms, backoff_max_ms;
    int max_retries; /* 0: retry for ever (Loki down for hours: we stop reading, not drop) */
    /* labels */
    struct push_label labels[PUSH_MAX_LABELS];
    int nlabels;
    /* inputs */
    struct push_input inputs[PUSH_MAX_FILES];
    int ninputs;
    char *positions_file;
    unsigned positions_mode; /* the positions file's mode, as given: 0640 by default */
    /* timestamps */
    int read_time;      /* always stamp entries with the time they were read */
    char *timezone;     /* "local" (default), "UTC" or a TZ name */
    long reject_old_ms; /* Loki's reject_old_samples_max_age, to warn before it answers 400 */
    /* reading */
    long poll_ms;
    long multiline_wait_ms;
    char *record_pattern; /* optional record-start regex for the core */
    int once;             /* read the files to their end, ship, and exit */
    long stats_interval_ms;
    /* split_options: name, value, name, value… (the core's options, for inputs.split) */
    char **split_opts;
    int nsplit_opts;
};

/* One row of config.c's settings table (docs/push.md's table, key for key). */
enum push_setting_kind {
    PUSH_SET_STR,          /* a string, copied */
    PUSH_SET_SECRET,       /* the first line of the file named: a password or token */
    PUSH_SET_MS,           /* a duration (push_parse_duration) into a long of ms */
    PUSH_SET_SIZE,         /* a size (push_parse_size) into a size_t, lo..hi bytes */
    PUSH_SET_INT,          /* a decimal int, lo..hi */
    PUSH_SET_BOOL,         /* true/yes/1 or false/no/0 into an int */
    PUSH_SET_FORMAT,       /* protobuf (1) or json (0) into an int */
    PUSH_SET_MODE,         /* an octal file mode into an unsigned, lo..hi */
    PUSH_SET_INPUT,        /* an input file of kind lo */
    PUSH_SET_LABEL,        /* labels.NAME */
    PUSH_SET_SPLIT_OPTION, /* split_options.NAME: the core's option table */
};

struct push_setting {
    const char *key; /* dotted, as the YAML file nests it; a trailing '.' takes a name */
    enum push_setting_kind kind;
    size_t offset;           /* of the field in struct push_config */
    long lo, hi;             /* bounds (PUSH_SET_INPUT: lo is the input kind) */
    long dflt;               /* the field's default (numeric kinds) */
    const char *doc_default; /* the default as docs/push.md's table writes it */
    const char *flag;        /* the --flag that sets it too, or NULL */
    const char *hint;        /* what an error says is wanted; a secret file's name */
};

/* The table, for test-config (docs/push.md against it). */
const struct push_setting *push_settings(size_t *n);

/* Defaults, then the file (if any), then flags: argv overrides. 0, or -1 (reported); 2
 * for a usage error. */
int push_config_load(struct push_config *c, int argc, char **argv);
void push_config_free(struct push_config *c);

/* Parse "1s", "500ms", "5m", "2h", "7d" into milliseconds; -1 if invalid. */
long push_parse_duration(const char *s);
/* Parse "1048576", "1MiB", "512k", "1MB" into bytes; 0 on success. */
int push_parse_size(const char *s, size_t *out);

/* ---- the batch (batch.c) ---- */
enum push_stream { PUSH_STREAM_CONSOLE, PUSH_STREAM_QUERY, PUSH_NSTREAMS };

/* What one entry adds to the size Loki checks against its limit besides the line (the
 * timestamp and framing: 27 bytes in loki_receiver.py's count, about 20 in Loki's
 * protobuf), rounded up so that many short entries cannot push a batch over it. */
#define PUSH_ENTRY_OVERHEAD 32

/* What is kept of each entry besides its JSON: enough to tell which entries of a push Loki
 * refused when its 400 names a reason but no count. */
struct push_entry_meta {
    size_t start; /* where its JSON begins in values[s] */
    int64_t ts;   /* its timestamp, ns */
    size_t dlen;  /* its line's bytes as Loki decodes them (what max_line_size limits) */
};

/* Entries are encoded as they come in (the JSON of each stream's "values"), so a line is
 * copied once and a batch is never held twice. */
struct push_batch {
    struct qsp_buf values[PUSH_NSTREAMS]; /* ["<ns>","<line>"],… */
    struct qsp_buf starts[PUSH_NSTREAMS]; /* a struct push_entry_meta per entry: where it
                                              begins in values (to send a part of the batch),
                                              its time and decoded size (to tell which
                                              entries a 400 refused) */
    size_t n[PUSH_NSTREAMS];
    int64_t last_ts[PUSH_NSTREAMS]; /* survives reset: keeps timestamps increasing */
    int proto; /* entries encoded as protobuf EntryAdapters, not JSON (set before the first) */
    size_t bytes; /* what Loki decodes: line bytes after UTF-8 repair (a bad byte is a
                       3-byte U+FFFD) plus PUSH_ENTRY_OVERHEAD each; batch_size counts this */
    size_t entries;
    uint64_t repaired;    /* invalid UTF-8 bytes replaced by U+FFFD */
    int64_t first_add_ms; /* monotonic ms when the first entry went in */
    /* per input: the file offset through which this batch holds everything */
    uint64_t end_offset[PUSH_MAX_FILES];
    int has_offset[PUSH_MAX_FILES];
};

/* Add one entry (bytes as read: invalid UTF-8 becomes U+FFFD). ts_ns is made strictly
 * greater than the stream's previous entry so order and distinctness survive in Loki. */
int push_batch_add(struct push_batch *b, enum push_stream s, int64_t ts_ns, const char *line,
                   size_t len);
void push_batch_reset(struct push_batch *b);
void push_batch_free(struct push_batch *b);

/* Entry i of stream s. */
static inline struct push_entry_meta push_entry_meta(const struct push_batch *b, int s,
                                                     size_t i)
{
    struct push_entry_meta m;
    memcpy(&m, b->starts[s].data + i * sizeof m, sizeof m);
    return m;
}

/* Where entry i of stream s begins in b->values[s]. */
static inline size_t push_entry_start(const struct push_batch *b, int s, size_t i)
{
    return push_entry_meta(b, s, i).start;
}

/* A part of a batch: entries [from, to) of each stream. A push Loki refuses as too large is
 * sent again in halves, each an acknowledged push of its own. */
struct push_part {
    size_t from[PUSH_NSTREAMS], to[PUSH_NSTREAMS];
};
void push_part_all(const struct push_batch *b, struct push_part *p);
size_t push_part_entries(const struct push_part *p);
/* Split p into two parts of (nearly) equal entry counts, in order; -1 if it holds fewer
 * than two entries. */
int push_part_halve(const struct push_part *p, struct push_part *lo, struct push_part *hi);

/* ---- cutting a record (cut.c) ---- */
/* The size of the line Loki decodes from these bytes: each byte of ill-formed UTF-8 is a
 * 3-byte U+FFFD there. */
size_t push_decoded_len(const char *p, size_t len);
/* The longest prefix of p (in bytes, never ending inside a well-formed character) whose
 * decoded line is at most max bytes (max >= 4: a piece is never empty); *decoded gets its
 * decoded size. */
size_t push_cut(const char *p, size_t len, size_t max, size_t *decoded);
/* Copy p into out (room for the decoded length), each byte of ill-formed UTF-8 replaced by
 * U+FFFD; returns how many were replaced. */
size_t push_utf8_repair(const char *p, size_t len, char *out);

/* ---- the body (encode.c) ---- */
/* Append ["<ts_ns>","<line as a JSON string>"] (with a leading comma when out is not
 * empty). Invalid UTF-8 is replaced, the count added to *repaired. */
int push_json_entry(struct qsp_buf *out, int64_t ts_ns, const char *line, size_t len,
                    uint64_t *repaired);

/* The push body of part p of the batch: {"streams":[{"stream":{labels},"values":[…]},…]},
 * gzip'd when level > 0. *body is malloc'd; *raw_len is the uncompressed JSON size. */
int push_encode(const struct push_batch *b, const struct push_part *p,
                const struct push_config *c, int gzip_level, char **body, size_t *body_len,
                size_t *raw_len);

/* ---- the protobuf body (proto.c) ---- */
/* Append one StreamAdapter.entries field (an EntryAdapter) with the line repaired as Loki
 * must see it (dlen: its decoded length, push_decoded_len). */
int push_proto_entry(struct qsp_buf *out, int64_t ts_ns, const char *line, size_t len,
                     size_t dlen, uint64_t *repaired);
/* The snappy-compressed PushRequest of part p; *raw_len is the protobuf size. */
int push_encode_proto(const struct push_batch *b, const struct push_part *p,
                      const struct push_config *c, char **body, size_t *body_len,
                      size_t *raw_len);

/* ---- HTTP (http.c) ---- */
/* The kinds of body push_http_post sends (its `gzipped` argument). */
#define PUSH_BODY_JSON 0
#define PUSH_BODY_GZIP 1  /* JSON, Content-Encoding: gzip */
#define PUSH_BODY_PROTO 2 /* application/x-protobuf, snappy (Loki's native push) */
struct push_http;
struct push_http_result {
    long status;       /* HTTP status, or 0 when the request did not get an answer */
    char error[256];   /* curl's message when status is 0 */
    char answer[1024]; /* the start of the server's answer body */
};

int push_http_new(struct push_http **out, const struct push_config *c);
void push_http_free(struct push_http **h);
/* POST one body; 0 when a status was received (any), -1 on transport error. */
int push_http_post(struct push_http *h, const char *body, size_t len, int gzipped,
                   struct push_http_result *r);
/* The URL with any user:password@ removed, for messages. */
const char *push_http_safe_url(const struct push_http *h);

/* What an answer means for a batch of `entries` (verdict.c). */
enum push_verdict {
    PUSH_VERDICT_SENT,      /* 2xx: acknowledged */
    PUSH_VERDICT_RETRY,     /* no answer (or a status outside 100-599), 429 or 5xx: send
                               again after a backoff */
    PUSH_VERDICT_TOO_LARGE, /* 500 "larger than max", or 413 from a proxy: the same body
                               never succeeds; sent again in halves, a single entry dropped */
    PUSH_VERDICT_REFUSED,   /* other status: not retried, *dropped of them refused */
};
/* *dropped is set to the entries lost for good unless the push is split (0 unless
 * TOO_LARGE or REFUSED; at most entries; from Loki's "total ignored: N" when a 400 names
 * it). */
enum push_verdict push_http_verdict(const struct push_http_result *r, uint64_t entries,
                                    uint64_t *dropped);

/* Why Loki refused entries, as its metric loki_discarded_samples_total names the reasons
 * (greater_than_max_sample_age is too_old here). */
enum push_refusal {
    PUSH_REFUSED_OTHER,          /* bad labels and the like: the whole push */
    PUSH_REFUSED_LINE_TOO_LONG,  /* param: the server's max_line_size */
    PUSH_REFUSED_TOO_OLD,        /* param: the oldest timestamp it accepts (ns), 0 if unsaid */
    PUSH_REFUSED_TOO_NEW,        /* more than creation_grace_period ahead */
    PUSH_REFUSED_TOO_FAR_BEHIND, /* the ingester's, with "total ignored: N out of M" */
    PUSH_REFUSED_OUT_OF_ORDER,   /* the same, for streams with ordered writes */
    PUSH_NREFUSALS
};
/* The reason a 4xx answer names. Loki's distributor stores the valid entries of a push and
 * answers 400 with only the LAST entry's reason and no count; the ingester adds "total
 * ignored: N out of M". */
enum push_refusal push_refusal_reason(const char *answer, int64_t *param);
const char *push_refusal_name(enum push_refusal r);

/* ---- positions (positions.c) ---- */
/* The first bytes of a file, up to this many, identify its content: a file truncated and
 * written again past the offset read (logrotate's copytruncate) starts with other bytes. */
#define PUSH_HEAD_BYTES 1024

struct push_position {
    char *path;
    uint64_t offset;
    uint64_t dev, ino;
    uint32_t head_len, head_crc; /* CRC-32 of the first head_len bytes; 0, 0 if unknown */
};

struct push_positions {
    struct push_position *p;
    size_t n;
    /* Each stream's last timestamp when the offsets were acknowledged: the +1 ns that keeps
     * a stream's entries distinct and in file order starts again from here after a restart,
     * so a re-sent entry carries exactly its first timestamp (and Loki drops the repeat). */
    int64_t last_ts[PUSH_NSTREAMS];
};

/* Load the file (a missing file is an empty set). 0 or -1 (reported). */
int push_positions_load(struct push_positions *ps, const char *file);
/* Write atomically: temp file (mode as given), fsync, rename, fsync of the directory. */
int push_positions_save(const struct push_positions *ps, const char *file, unsigned mode);
struct push_position *push_positions_get(struct push_positions *ps, const char *path);
int push_positions_set(struct push_positions *ps, const char *path, uint64_t offset,
                       uint64_t dev, uint64_t ino, uint32_t head_len, uint32_t head_crc);
void push_positions_free(struct push_positions *ps);

/* ---- following one file (tail.c) ---- */
struct push_tail {
    char *path;
    int fd;
    uint64_t dev, ino;
    uint64_t base;     /* file offset where the current splitter started */
    uint64_t offset;   /* file offset read through */
    uint32_t head_len; /* the file's first bytes seen so far (up to PUSH_HEAD_BYTES) */
    uint32_t head_crc; /* and their CRC-32 */
};

enum push_tail_event {
    PUSH_TAIL_DATA,      /* bytes were read */
    PUSH_TAIL_IDLE,      /* nothing new */
    PUSH_TAIL_ROTATED,   /* the path now names another file: finish this one, then reopen */
    PUSH_TAIL_TRUNCATED, /* the file shrank, or its first bytes changed: finish, then it
                            restarts at offset 0 */
};

/* Open path where the saved position says (NULL: at 0) when the file is still its (dev,
 * ino), at least offset long, and starts with the same head; else at 0. A missing file is
 * not an error: fd stays -1 and push_tail_read retries the open. */
int push_tail_open(struct push_tail *t, const char *path, const struct push_position *saved);
/* Read up to cap bytes. *got is set for PUSH_TAIL_DATA, or -1 on a read error. */
int push_tail_read(struct push_tail *t, char *buf, size_t cap, size_t *got);
/* Switch to the file now at the path (after ROTATED) or back to 0 (after TRUNCATED). */
int push_tail_reopen(struct push_tail *t);
void push_tail_close(struct push_tail *t);

/* Monotonic and wall clocks. */
int64_t push_now_ms(void);
int64_t push_wall_ns(void);

#endif
