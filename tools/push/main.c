/* main.c — qsplit-push: tail → split → batch → Loki, with at-least-once positions. */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "push.h"

#define READ_CHUNK (64 * 1024)
#define SHUTDOWN_GRACE_MS 5000 /* how long SIGTERM still waits for Loki before giving up */
#define TOO_NEW_NS (600LL * 1000000000) /* Loki refuses entries 10 min in the future */

static volatile sig_atomic_t stop_signal;

void push_log(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("qsplit-push: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

void push_err(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("qsplit-push: error: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

struct stats {
    uint64_t lines, records, entries_sent, bytes_sent, wire_bytes, batches, retries;
    uint64_t dropped, old, split_entries, repaired, halved, throttled;
    uint64_t refused[PUSH_NREFUSALS]; /* entries Loki refused, by the reason it gave */
};

/* The QHash of recent console records and their time, for query.log records that carry no
 * "ts" of their own (shipping split files written without --fields ts). */
#define HASH_SLOTS 4096
struct hash_slot {
    char hex[QS_HASH_HEX_LEN];
    int64_t ts;
};

struct input;

#define DEFER_MAX 256
#define DEFER_BYTES (256 * 1024)

struct deferred {
    struct qsp_buf buf; /* the records' console bytes, one after the other */
    size_t len[DEFER_MAX];
    size_t n;
    int idx;             /* the input they came from */
    uint64_t end_offset; /* through the last of them */
    int64_t first_ms;
};

struct app {
    struct push_config cfg;
    struct push_http *http;
    struct push_positions pos;
    struct push_batch batch;
    struct qs_config *qcfg;
    struct input *in;
    int nin;
    struct qs_tz *tz;      /* the zone of record times without an offset */
    int64_t stop_deadline; /* monotonic ms; 0 while running */
    int old_warned, nots_warned, limit_warned;
    struct deferred defer;
    struct stats st;
    /* a 429 episode: pushes throttled since the first 429, logged once when it is over */
    uint64_t throttle_n;
    int64_t throttle_first_ms, throttle_last_ms;
    char throttle_answer[160];
    char setup_error[300];    /* the TLS or credentials failure last logged */
    struct hash_slot *hashes; /* console QHash -> time, with a query input beside it */
};

struct input {
    struct app *app;
    int idx;
    enum push_input_kind kind;
    struct push_tail tail;
    struct qs_splitter *split; /* an unsplit console.log (PUSH_IN_SPLIT), else NULL */
    struct qs_records *recs;   /* a split console.log's records, a query.log's lines */
    int64_t last_data_ms;
    int idle_flushed;
    int at_end;
    int failed; /* the callback could not hand a record on (shutting down) */
};

static void on_signal(int sig)
{
    stop_signal = sig;
}

static int stopping(struct app *a)
{
    if (stop_signal && !a->stop_deadline)
        a->stop_deadline = push_now_ms() + SHUTDOWN_GRACE_MS;
    return stop_signal != 0;
}

static void print_stats(struct app *a, const char *when)
{
    struct stats *s = &a->st;
    char refused[256];
    size_t at = 0;
    for (int r = 0; r < PUSH_NREFUSALS; r++)
        at += (size_t)snprintf(refused + at, sizeof refused - at, " refused_%s=%" PRIu64,
                               push_refusal_name((enum push_refusal)r), s->refused[r]);
    push_log("%s: lines=%" PRIu64 " records=%" PRIu64 " entries_sent=%" PRIu64
             " bytes_sent=%" PRIu64 " wire_bytes=%" PRIu64 " batches=%" PRIu64
             " retries=%" PRIu64 " throttled=%" PRIu64 " dropped=%" PRIu64
             "%s too_old=%" PRIu64 " cut_entries=%" PRIu64 " utf8_repaired=%" PRIu64
             " halved=%" PRIu64,
             when, s->lines, s->records, s->entries_sent, s->bytes_sent, s->wire_bytes,
             s->batches, s->retries, s->throttled, s->dropped, refused, s->old,
             s->split_entries, s->repaired, s->halved);
}

/* Positions advance only here, after Loki acknowledged (or definitively refused) a batch. */
static int commit_positions(struct app *a)
{
    int changed = 0;
    for (int i = 0; i < a->nin; i++) {
        struct input *in = &a->in[i];
        if (!a->batch.has_offset[i])
            continue;
        if (push_positions_set(&a->pos, in->tail.path, a->batch.end_offset[i], in->tail.dev,
                               in->tail.ino, in->tail.head_len, in->tail.head_crc))
            return -1;
        changed = 1;
    }
    memcpy(a->pos.last_ts, a->batch.last_ts, sizeof a->pos.last_ts);
    return changed ? push_positions_save(&a->pos, a->cfg.positions_file, a->cfg.positions_mode)
                   : 0;
}

static void sleep_ms(long ms)
{
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&t, NULL); /* a signal cuts it short, which is what we want */
}

/* A 429 episode is over when Loki has not throttled for this long: one line then, with
 * the count, however many pushes it throttled (not a line per push). */
#define THROTTLE_QUIET_MS 30000

static void throttle_note(struct app *a, const struct push_http_result *r)
{
    int64_t now = push_now_ms();
    if (!a->throttle_n++) {
        a->throttle_first_ms = now;
        size_t n = strnlen(r->answer, sizeof a->throttle_answer - 1);
        memcpy(a->throttle_answer, r->answer, n);
        a->throttle_answer[n] = '\0';
        /* Loki's answer ends with a newline: one line in the log. */
        a->throttle_answer[strcspn(a->throttle_answer, "\r\n")] = '\0';
    }
    a->throttle_last_ms = now;
    a->st.throttled++;
}

/* Log the episode once it is over (or at exit: force). */
static void throttle_report(struct app *a, int force)
{
    if (!a->throttle_n || (!force && push_now_ms() - a->throttle_last_ms < THROTTLE_QUIET_MS))
        return;
    push_log("Loki throttled %" PRIu64 " pushes over %.1f s (429: %s); each was sent again "
             "after a backoff%s",
             a->throttle_n, (double)(a->throttle_last_ms - a->throttle_first_ms) / 1000.0,
             a->throttle_answer, force && stop_signal ? "" : ", nothing lost");
    a->throttle_n = 0;
}

/* Which entries of part p a 400 refused. The distributor stores the valid entries and
 * names only the last refused one's reason, without a count: the entries that break the
 * limit it names (the server's max_line_size, or the oldest time it accepts) are those it
 * refused. The limit is learnt, so later records are cut or withheld before they are sent.
 * Counted by reason in `refused`; returns their number. */
static uint64_t count_refused(struct app *a, const struct push_part *p,
                              const struct push_http_result *r, uint64_t named)
{
    struct push_batch *b = &a->batch;
    int64_t param;
    enum push_refusal why = push_refusal_reason(r->answer, &param);
    uint64_t n = 0, all = push_part_entries(p);
    if (why == PUSH_REFUSED_TOO_FAR_BEHIND || why == PUSH_REFUSED_OUT_OF_ORDER) {
        a->st.refused[why] += named; /* the ingester counts these itself */
        return named;
    }
    int64_t now = push_wall_ns();
    if (why == PUSH_REFUSED_LINE_TOO_LONG && (size_t)param < a->cfg.max_entry_size) {
        a->cfg.max_entry_size = (size_t)param < 1024 ? 1024 : (size_t)param;
        push_log("Loki's max_line_size is %" PRId64 " bytes: records are cut at that size "
                 "from now on (set client.max_entry_size to it)",
                 param);
    }
    if (why == PUSH_REFUSED_TOO_OLD && param > 0) {
        long age_ms = (long)((now - param) / 1000000);
        if (!a->cfg.reject_old_ms || age_ms < a->cfg.reject_old_ms) {
            a->cfg.reject_old_ms = age_ms;
            push_log("Loki refuses entries older than %.1f h: such records are withheld and "
                     "counted as too_old from now on (set "
                     "timestamps.reject_old_samples_max_age to it)",
                     (double)age_ms / 3600000.0);
        }
    }
    for (int s = 0; s < PUSH_NSTREAMS && why != PUSH_REFUSED_OTHER; s++)
        for (size_t i = p->from[s]; i < p->to[s]; i++) {
            struct push_entry_meta m = push_entry_meta(b, s, i);
            enum push_refusal e = PUSH_REFUSED_OTHER;
            if (why == PUSH_REFUSED_LINE_TOO_LONG && m.dlen > (size_t)param)
                e = why;
            else if (why == PUSH_REFUSED_TOO_OLD && param > 0 && m.ts < param)
                e = why;
            else if (why == PUSH_REFUSED_TOO_NEW && m.ts > now)
                e = why;
            if (e != PUSH_REFUSED_OTHER) {
                a->st.refused[e]++;
                n++;
            }
        }
    if (!n) {
        /* Nothing we can tell apart (bad labels refuse every entry of a stream): all of
         * them, as Loki did not store a push it could not read. */
        a->st.refused[PUSH_REFUSED_OTHER] += all;
        n = all;
    }
    return n;
}

/* A refusal that is about the pusher's credentials or TLS set-up, not about the entries:
 * 401/403/407, or the 400 nginx answers for a missing or bad client certificate. Retried
 * (the entries are fine; dropping them would lose logs over a configuration error) and
 * logged once per cause. */
static int auth_failure(const struct push_http_result *r)
{
    return r->status == 401 || r->status == 403 || r->status == 407 ||
           (r->status == 400 && strstr(r->answer, "SSL certificate"));
}

/* The cause of a failed push in words that name what to fix, for TLS and credentials;
 * NULL for other failures (Loki down, 5xx), which are logged as they are. */
static const char *setup_cause(const struct push_http_result *r)
{
    const char *e = r->error;
    if (auth_failure(r))
        return r->status == 401   ? "the credentials were refused (client.basic_auth "
                                    "password or username, or client.bearer_token)"
               : r->status == 403 ? "access is forbidden to these credentials"
               : r->status == 407 ? "the HTTP proxy wants credentials"
                                  : "the server wants a valid client certificate "
                                    "(client.tls_config.cert_file, key_file)";
    if (r->status)
        return NULL;
    if (strstr(e, "expired"))
        return "the server's TLS certificate has expired (or the client certificate has)";
    if (strstr(e, "certificate") || strstr(e, "issuer") || strstr(e, "self-signed") ||
        strstr(e, "self signed"))
        return "the server's TLS certificate is not trusted: it is not signed by the CA "
               "of client.tls_config.ca_file (or the system's), or names another host";
    if (strstr(e, "SSL") || strstr(e, "TLS") || strstr(e, "alert"))
        return "the TLS handshake failed (client certificate, key or protocol)";
    return NULL;
}

/* One POST of an encoded part and what its answer means; *n gets the number of entries the
 * answer names. A refusal of the credentials or TLS set-up is retried whatever its status
 * (auth_failure). */
static enum push_verdict post_part(struct app *a, const char *body, size_t blen,
                                   size_t entries, struct push_http_result *r, uint64_t *n)
{
    push_http_post(a->http, body, blen,
                   a->cfg.proto            ? PUSH_BODY_PROTO
                   : a->cfg.gzip_level > 0 ? PUSH_BODY_GZIP
                                           : PUSH_BODY_JSON,
                   r);
    *n = 0;
    enum push_verdict v = push_http_verdict(r, entries, n);
    if (auth_failure(r)) {
        *n = 0;
        return PUSH_VERDICT_RETRY;
    }
    return v;
}

/* A push Loki answered for: the entries it stored, the bytes that went. */
static void count_pushed(struct app *a, uint64_t stored, size_t raw, size_t blen)
{
    a->st.entries_sent += stored;
    a->st.bytes_sent += raw;
    a->st.wire_bytes += blen;
    a->st.batches++;
}

/* Loki stored every entry, after `attempt` retries of which `quiet` were logged otherwise
 * (a 429 episode when it is over, a set-up failure once per cause). */
static void part_sent(struct app *a, size_t entries, size_t raw, size_t blen, int attempt,
                      int quiet)
{
    throttle_report(a, 0);
    if (a->setup_error[0])
        push_log("push to %s works again", push_http_safe_url(a->http));
    a->setup_error[0] = '\0';
    count_pushed(a, entries, raw, blen);
    if (attempt > quiet)
        push_log("Loki accepted the batch after %d retries", attempt);
}

/* Loki refused some entries of p (a 400 naming n of them): never sent again, as Loki
 * stored the valid ones. */
static void part_refused(struct app *a, const struct push_part *p, struct push_http_result *r,
                         uint64_t n, size_t raw, size_t blen)
{
    size_t entries = push_part_entries(p);
    throttle_report(a, 0);
    n = count_refused(a, p, r, n);
    a->st.dropped += n;
    count_pushed(a, entries - n, raw, blen);
    push_err("Loki answered %ld: %s; %" PRIu64 " of %zu entries refused, the others stored",
             r->status, strtok(r->answer, "\n") ? r->answer : "", n, entries);
    if (strstr(r->answer, "too old")) {
        push_err("these entries are older than Loki's reject_old_samples_max_age: to ship an "
                 "old file, stamp entries with the read time (--read-time, "
                 "timestamps.read_time: true)");
    }
}

/* How long to wait before retry number `attempt`: exponential backoff with jitter, so that
 * many pushers do not retry in step. */
static long backoff_ms(const struct app *a, int attempt)
{
    long d = a->cfg.backoff_min_ms;
    for (int i = 1; i < attempt && d < a->cfg.backoff_max_ms; i++)
        d *= 2;
    if (d > a->cfg.backoff_max_ms)
        d = a->cfg.backoff_max_ms;
    return d / 2 + (long)(random() % (d / 2 + 1));
}

/* Tell about a failed push, retried as `attempt` in d ms, without a line per retry: a 429
 * episode is logged when it is over, a TLS or credentials failure once per cause (it stays
 * until someone fixes it), others for the first three retries and every 20th. Returns 1
 * when this retry is one of those told later or once (`quiet` counts them). */
static int note_failure(struct app *a, const struct push_http_result *r, int attempt,
                        int quiet, long d)
{
    const char *cause = setup_cause(r);
    if (r->status == 429) {
        throttle_note(a, r);
        return 1;
    }
    if (cause) {
        char what[sizeof a->setup_error];
        snprintf(what, sizeof what, "%ld %.200s", r->status, r->status ? r->answer : r->error);
        if (strcmp(what, a->setup_error)) {
            memcpy(a->setup_error, what, sizeof what);
            push_err("push to %s: %s (%s%s%s); nothing is skipped: reading waits and the "
                     "push is retried (every %.1f s at most) until it is fixed",
                     push_http_safe_url(a->http), cause, r->status ? "answer: " : "",
                     r->status ? r->answer : r->error, "",
                     (double)a->cfg.backoff_max_ms / 1000.0);
        }
        return 1;
    }
    if (attempt - quiet <= 3 || attempt % 20 == 0) {
        if (r->status)
            push_log("Loki answered %ld: %s; retry %d in %ld ms", r->status, r->answer,
                     attempt, d);
        else
            push_log("push to %s failed: %s; retry %d in %ld ms", push_http_safe_url(a->http),
                     r->error, attempt, d);
    }
    return 0;
}

/* Wait d ms before a retry, 100 ms at a time so that a signal is seen. -1 when the shutdown
 * grace is over (give up), else 0. */
static int retry_wait(struct app *a, long d)
{
    for (int64_t until = push_now_ms() + d; push_now_ms() < until;) {
        if (stopping(a) && push_now_ms() >= a->stop_deadline)
            return -1;
        int64_t left = until - push_now_ms();
        sleep_ms(left > 100 ? 100 : (long)left);
    }
    return stopping(a) && push_now_ms() >= a->stop_deadline ? -1 : 0;
}

/* What became of an encoded part: answered for (stored, refused or dropped), given up at
 * shutdown, or refused as too large (*r and *named say how). */
enum post_outcome { POSTED, POST_GIVEUP, POST_TOO_LARGE };

/* Post the encoded part p until Loki answers for it, retrying with backoff. */
static enum post_outcome post_until_answered(struct app *a, const struct push_part *p,
                                             const char *body, size_t blen, size_t raw,
                                             struct push_http_result *r, uint64_t *named)
{
    size_t entries = push_part_entries(p);
    int attempt = 0, quiet = 0;
    for (;;) {
        uint64_t n;
        enum push_verdict v = post_part(a, body, blen, entries, r, &n);
        if (v == PUSH_VERDICT_SENT) {
            part_sent(a, entries, raw, blen, attempt, quiet);
            return POSTED;
        }
        if (v == PUSH_VERDICT_TOO_LARGE) {
            *named = n;
            return POST_TOO_LARGE;
        }
        if (v == PUSH_VERDICT_REFUSED) {
            part_refused(a, p, r, n, raw, blen);
            return POSTED;
        }
        attempt++;
        a->st.retries++;
        if (a->cfg.max_retries && attempt > a->cfg.max_retries) {
            push_err("giving up on a batch of %zu entries after %d retries; dropped", entries,
                     a->cfg.max_retries);
            a->st.dropped += entries;
            return POSTED;
        }
        long d = backoff_ms(a, attempt);
        quiet += note_failure(a, r, attempt, quiet, d);
        if (retry_wait(a, d))
            return POST_GIVEUP;
    }
}

static int send_part(struct app *a, const struct push_part *p);

/* Part p (raw bytes before encoding) was refused as too large, answer r naming n entries:
 * it goes again in two halves, unless it is a single entry, which is dropped. */
static int send_halves(struct app *a, const struct push_part *p,
                       const struct push_http_result *r, size_t raw, uint64_t n)
{
    struct push_part lo, hi;
    if (push_part_halve(p, &lo, &hi) == 0) {
        if (!a->st.halved++ || a->st.halved % 100 == 0)
            push_log("Loki answered %ld: %s; sending the %zu entries (%zu bytes) in halves "
                     "(%" PRIu64 " halved so far; lower client.batch_size)",
                     r->status, r->answer, push_part_entries(p), raw, a->st.halved);
        return send_part(a, &lo) ? -1 : send_part(a, &hi);
    }
    push_err("Loki answered %ld: %s; dropped an entry too large to send on its own (%zu "
             "bytes; lower client.max_entry_size)",
             r->status, r->answer, raw);
    a->st.dropped += n;
    return 0;
}

/* Send part p of the batch until Loki answers for it. A push refused as too large goes
 * again in two halves (Loki's limit, or a proxy's, can be lower than batch_size allows);
 * only a single entry that is too large on its own is dropped. 0 when every entry of p was
 * acknowledged or dropped for good, -1 when giving up at shutdown. */
static int send_part(struct app *a, const struct push_part *p)
{
    char *body;
    size_t blen, raw;
    if (push_encode(&a->batch, p, &a->cfg, a->cfg.gzip_level, &body, &blen, &raw)) {
        push_err("out of memory encoding a batch");
        return -1;
    }
    struct push_http_result r;
    uint64_t named = 0;
    enum post_outcome o = post_until_answered(a, p, body, blen, raw, &r, &named);
    free(body); /* before any halves are encoded */
    if (o == POST_TOO_LARGE)
        return send_halves(a, p, &r, raw, named);
    return o == POSTED ? 0 : -1;
}

/* Send the batch, then advance the positions past it. 0 when acknowledged or dropped for
 * good, -1 when giving up at shutdown (positions stay: the batch is sent again next time,
 * including any half of it already acknowledged). */
static int send_batch(struct app *a)
{
    struct push_batch *b = &a->batch;
    if (b->entries) {
        struct push_part all;
        push_part_all(b, &all);
        if (send_part(a, &all)) {
            push_err("stopping with a batch of %zu entries unacknowledged; it is sent again "
                     "on the next start",
                     b->entries);
            return -1;
        }
    }
    a->st.repaired += b->repaired;
    b->repaired = 0;
    int rc = commit_positions(a) ? -1 : 0;
    push_batch_reset(b);
    return rc;
}

/* The entry's time: a function of the record (its own time) and of the stream's entries
 * before it (last_ts, kept with the positions), never of when it was read, so that an entry
 * sent again after a restart or a timeout carries exactly its first time and Loki drops the
 * repeat. *own = 1 when the record has a time we can read. Returns 1 when the record is
 * older than reject_old_samples_max_age: withheld (Loki would refuse it) and counted. */
static int entry_ts(struct app *a, enum push_stream s, const char *ts, size_t len,
                    int64_t *out, int *own)
{
    int64_t ns, last = a->batch.last_ts[s];
    *own = 0;
    if (a->cfg.read_time || !ts || qs_timestamp_parse(ts, len, a->tz, &ns) < 0) {
        /* No time of its own: just after the stream's previous entry; the read time only
         * for a stream that has none yet. */
        *out = a->cfg.read_time || !last ? push_wall_ns() : last + 1;
        return 0;
    }
    int64_t now = push_wall_ns();
    if (ns > now + TOO_NEW_NS) { /* Loki refuses it: a clock that is wrong */
        *out = last ? last + 1 : now;
        return 0;
    }
    *own = 1;
    *out = ns;
    if (a->cfg.reject_old_ms && ns < now - (int64_t)a->cfg.reject_old_ms * 1000000) {
        if (!a->old_warned++)
            push_log("records older than %.1f h are withheld (Loki refuses them: "
                     "reject_old_samples_max_age) and counted as too_old; to ship an old "
                     "file, raise that limit in Loki and here, or use --read-time "
                     "(timestamps.read_time: true)",
                     (double)a->cfg.reject_old_ms / 3600000.0);
        return 1;
    }
    return 0;
}

/* Add one entry, cut in pieces when its line as Loki decodes it is longer than
 * max_entry_size (invalid UTF-8 grows 3-fold there; a piece never splits a character), in
 * order, each piece 1 ns after the previous; sending first when the batch would grow too
 * big. */
static int add_entry(struct app *a, enum push_stream s, int64_t ts, const char *p, size_t len)
{
    /* Loki shows lines without their terminator, as Promtail sends them. */
    if (len && p[len - 1] == '\n')
        len--;
    if (len && p[len - 1] == '\r')
        len--;
    size_t max = a->cfg.max_entry_size;
    int cut = 0;
    do {
        size_t dlen, k = push_cut(p, len, max, &dlen);
        if (k < len && !cut++)
            a->st.split_entries++;
        if (a->batch.entries &&
            a->batch.bytes + dlen + PUSH_ENTRY_OVERHEAD > a->cfg.batch_size && send_batch(a))
            return -1;
        if (push_batch_add(&a->batch, s, ts, p, k)) {
            push_err("out of memory");
            return -1;
        }
        p += k;
        len -= k;
    } while (len);
    return 0;
}

/* Records without a time of their own at the start of the console stream (the Spring
 * banner) wait for the first timestamped record and go just before it: stamped with the
 * read time they would pull a whole backlog forward to now, as later entries never go
 * back in time. */
static int defer_flush(struct app *a, int64_t before)
{
    struct deferred *d = &a->defer;
    if (!d->n)
        return 0;
    size_t off = 0;
    for (size_t i = 0; i < d->n; i++) {
        if (add_entry(a, PUSH_STREAM_CONSOLE, before - (int64_t)(d->n - i), d->buf.data + off,
                      d->len[i]))
            return -1;
        off += d->len[i];
    }
    a->batch.end_offset[d->idx] = d->end_offset;
    a->batch.has_offset[d->idx] = 1;
    d->n = 0;
    d->buf.len = 0;
    return 0;
}

/* A QHash's slot (hex: its 32 digits): the first eight digits are the index. */
static struct hash_slot *hash_slot(struct app *a, const char *hex)
{
    char head[9];
    memcpy(head, hex, 8);
    head[8] = 0;
    return &a->hashes[strtoul(head, NULL, 16) % HASH_SLOTS];
}

/* A console record's QHash ("QHash":"<32 hex>", as qsplit split writes it) and time. */
static void hash_remember(struct app *a, const char *p, size_t len, int64_t ts)
{
    const char *k = memmem(p, len, "\"QHash\":\"", 9);
    if (!k || (size_t)(p + len - (k + 9)) < QS_HASH_HEX_LEN)
        return;
    struct hash_slot *slot = hash_slot(a, k + 9);
    memcpy(slot->hex, k + 9, QS_HASH_HEX_LEN);
    slot->ts = ts;
}

/* What the console stream gets of one record (or piece of one): its console bytes, its
 * time, and from the splitter its query.log lines (NULL for an already split file). */
struct console_rec {
    const char *p, *ts, *query;
    size_t len, ts_len, query_len;
    uint64_t end_offset;
};

static int console_record(struct input *in, const struct console_rec *r)
{
    struct app *a = in->app;
    struct deferred *d = &a->defer;
    int own;
    int64_t ts;
    a->st.records++;
    if (entry_ts(a, PUSH_STREAM_CONSOLE, r->ts, r->ts_len, &ts, &own)) {
        a->st.old += 1 + (r->query != NULL); /* withheld entries */
        a->batch.end_offset[in->idx] = in->tail.base + r->end_offset;
        a->batch.has_offset[in->idx] = 1;
        return 0;
    }
    if (!own && !a->cfg.read_time && !r->query && !a->batch.last_ts[PUSH_STREAM_CONSOLE] &&
        d->n < DEFER_MAX && d->buf.len + r->len <= DEFER_BYTES) {
        if (qsp_buf_append(&d->buf, r->p, r->len))
            goto fail;
        if (!d->n)
            d->first_ms = push_now_ms();
        d->len[d->n++] = r->len;
        d->idx = in->idx;
        d->end_offset = in->tail.base + r->end_offset;
        return 0;
    }
    if (a->hashes && own)
        hash_remember(a, r->p, r->len, ts);
    if (defer_flush(a, ts) || add_entry(a, PUSH_STREAM_CONSOLE, ts, r->p, r->len) ||
        (r->query && add_entry(a, PUSH_STREAM_QUERY, ts, r->query, r->query_len)))
        goto fail;
    a->batch.end_offset[in->idx] = in->tail.base + r->end_offset;
    a->batch.has_offset[in->idx] = 1;
    return 0;
fail:
    in->failed = 1;
    return 1;
}

/* An unsplit console.log's record, split on the fly (PUSH_IN_SPLIT). */
static int on_output(void *user, const struct qs_output *out)
{
    struct console_rec r = {out->console, out->ts,        out->query,     out->console_len,
                            out->ts_len,  out->query_len, out->end_offset};
    return console_record(user, &r);
}

/* An already split console.log's record, as the record reader assembled it. */
static int on_console(void *user, const struct qs_record *rec)
{
    struct console_rec r = {rec->data,   rec->ts, NULL,           rec->len,
                            rec->ts_len, 0,       rec->end_offset};
    return console_record(user, &r);
}

/* A query.log record's time: its "ts" key (qsplit split --fields ts, the appender's
 * <fields>ts</fields>), which is the time of the console record that carries its QHash;
 * else that console record's time when it was read before (split files written without
 * ts); else the stream's previous entry's, or the read time for the first. A key name in
 * query.log's flat JSON cannot be mistaken: inside a string every '"' is escaped. */
static int query_ts(struct app *a, const char *p, size_t len, int64_t *ts)
{
    const char *k = memmem(p, len, "\"ts\":\"", 6), *e;
    int own;
    if (k && (e = memchr(k + 6, '"', (size_t)(p + len - (k + 6)))))
        return entry_ts(a, PUSH_STREAM_QUERY, k + 6, (size_t)(e - (k + 6)), ts, &own);
    if (a->hashes && len > 10 + QS_HASH_HEX_LEN && !memcmp(p, "{\"QHash\":\"", 10)) {
        const struct hash_slot *slot = hash_slot(a, p + 10);
        if (slot->ts && !memcmp(slot->hex, p + 10, QS_HASH_HEX_LEN)) {
            *ts = slot->ts;
            return 0;
        }
    }
    if (!a->nots_warned++)
        push_log("query.log records without \"ts\": stamped as read (write query.log with "
                 "qsplit split --fields ts, or the appender's <fields>ts</fields>, to place "
                 "each statement at the time of its console record)");
    return entry_ts(a, PUSH_STREAM_QUERY, NULL, 0, ts, &own);
}

/* query.log: each line is one entry, from the record reader in lines mode. A line longer
 * than the record limit comes in pieces, each an entry (memory stays bounded); the empty
 * piece closing it only moves the position. */
static int on_query_line(void *user, const struct qs_record *rec)
{
    struct input *in = user;
    struct app *a = in->app;
    int64_t ts;
    if (rec->len) {
        a->st.records++;
        if (query_ts(a, rec->data, rec->len, &ts))
            a->st.old++; /* withheld: Loki would refuse it */
        else if (add_entry(a, PUSH_STREAM_QUERY, ts, rec->data, rec->len)) {
            in->failed = 1;
            return 1;
        }
    }
    a->batch.end_offset[in->idx] = in->tail.base + rec->end_offset;
    a->batch.has_offset[in->idx] = 1;
    return 0;
}

static int count_lines(const char *p, size_t len)
{
    int n = 0;
    for (const char *e = p + len; (p = memchr(p, '\n', (size_t)(e - p))); p++)
        n++;
    return n;
}

/* Hand on what the input holds: at a file's end (finish) everything, an unterminated
 * last line included; when idle (flush) the record held so far, but not a line without its
 * newline yet (a query.log line being written is read whole later). */
static int input_flush(struct input *in, int finish)
{
    struct qs_error err = {0};
    int rc;
    if (in->split)
        rc = finish ? qs_splitter_finish(in->split, &err) : qs_splitter_flush(in->split, &err);
    else
        rc = finish ? qs_records_finish(in->recs, &err) : qs_records_flush(in->recs, &err);
    if (rc < 0 && !in->failed) {
        push_err("%s: %s", in->tail.path, err.text[0] ? err.text : qs_strerror(rc));
        return -1;
    }
    return rc < 0 ? -1 : 0;
}

/* A split input goes through the splitter; an already split console.log and a query.log
 * only need their records (lines for query.log), with no SQL work. */
static int input_start(struct input *in)
{
    struct qs_error err = {0};
    qs_splitter_free(&in->split);
    qs_records_free(&in->recs);
    in->failed = 0;
    int rc = in->kind == PUSH_IN_SPLIT
                 ? qs_splitter_new(&in->split, in->app->qcfg, on_output, in, &err)
             : in->kind == PUSH_IN_QUERY
                 ? qs_records_new(&in->recs, in->app->qcfg, QS_RECORDS_LINES, on_query_line,
                                  in, &err)
                 : qs_records_new(&in->recs, in->app->qcfg, 0, on_console, in, &err);
    if (rc < 0) {
        push_err("%s: %s", in->kind == PUSH_IN_SPLIT ? "splitter" : "record reader", err.text);
        return -1;
    }
    return 0;
}

/* Rotation or truncation: ship all of the old content and acknowledge it before switching,
 * so a saved position always belongs to the file it names. */
static int input_switch(struct input *in, int rotated)
{
    struct app *a = in->app;
    if (input_flush(in, 1) || defer_flush(a, push_wall_ns()) || send_batch(a))
        return -1;
    push_log("%s: %s; reading the new content from the start", in->tail.path,
             rotated ? "rotated" : "truncated");
    if (push_tail_reopen(&in->tail) || input_start(in))
        return -1;
    if (in->tail.fd >= 0) {
        a->batch.end_offset[in->idx] = 0;
        a->batch.has_offset[in->idx] = 1;
    }
    return 0;
}

/* One read on one input; 1 when bytes came, 0 when idle, -1 on a fatal error. */
static int input_step(struct input *in, char *buf)
{
    struct app *a = in->app;
    size_t got = 0;
    int ev = push_tail_read(&in->tail, buf, READ_CHUNK, &got);
    struct qs_error err = {0};
    switch (ev) {
    case PUSH_TAIL_DATA:
        in->last_data_ms = push_now_ms();
        in->idle_flushed = 0;
        in->at_end = 0;
        a->st.lines += (uint64_t)count_lines(buf, got);
        if ((in->split ? qs_splitter_feed(in->split, buf, got, &err)
                       : qs_records_feed(in->recs, buf, got, &err)) < 0) {
            if (!in->failed)
                push_err("%s: %s", in->tail.path, err.text);
            return -1;
        }
        return 1;
    case PUSH_TAIL_IDLE:
        in->at_end = 1;
        if (!in->idle_flushed &&
            push_now_ms() - in->last_data_ms >= a->cfg.multiline_wait_ms) {
            in->idle_flushed = 1;
            if (input_flush(in, 0))
                return -1;
        }
        return 0;
    case PUSH_TAIL_ROTATED:
    case PUSH_TAIL_TRUNCATED: return input_switch(in, ev == PUSH_TAIL_ROTATED) ? -1 : 1;
    default: return -1;
    }
}

/*
 * The zone name the core is given. "local" is the process's zone as the C library reads it:
 * TZ (":" before a file name dropped; empty is UTC), else /etc/localtime, else UTC. Read
 * here, once: the library reads no environment.
 */
static const char *zone_name(const char *configured)
{
    if (configured && strcmp(configured, "local"))
        return configured;
    const char *tz = getenv("TZ");
    if (!tz)
        return access("/etc/localtime", R_OK) == 0 ? "/etc/localtime" : "UTC";
    if (*tz == ':')
        tz++;
    return *tz ? tz : "UTC";
}

static int setup(struct app *a)
{
    struct push_config *c = &a->cfg;
    struct qs_error err = {0};
    if (qs_tz_new(zone_name(c->timezone), &a->tz, &err) < 0) {
        push_err("config: timestamps.timezone: %s", err.text);
        return -1;
    }
    if (qs_config_new(&a->qcfg, &err) < 0 ||
        (c->record_pattern &&
         qs_config_set_record_pattern(a->qcfg, c->record_pattern, &err) < 0)) {
        push_err("%s", err.text);
        return -1;
    }
    for (int i = 0; i + 1 < c->nsplit_opts; i += 2)
        if (qs_config_set_option(a->qcfg, c->split_opts[i], c->split_opts[i + 1], &err) < 0) {
            push_err("split_options.%s", err.text);
            return -1;
        }
    if (push_positions_load(&a->pos, c->positions_file))
        return -1;
    /* Timestamps go on from where the acknowledged entries left them. */
    memcpy(a->batch.last_ts, a->pos.last_ts, sizeof a->batch.last_ts);
    a->batch.proto = c->proto;
    if (c->ninputs == 2 && !(a->hashes = calloc(HASH_SLOTS, sizeof *a->hashes)))
        return -1;
    if (push_http_new(&a->http, c)) {
        push_err("cannot set up the HTTP client");
        return -1;
    }
    a->nin = c->ninputs;
    a->in = calloc((size_t)a->nin, sizeof *a->in);
    if (!a->in)
        return -1;
    for (int i = 0; i < a->nin; i++) {
        struct input *in = &a->in[i];
        in->app = a;
        in->idx = i;
        in->kind = c->inputs[i].kind;
        struct push_position *p = push_positions_get(&a->pos, c->inputs[i].path);
        if (push_tail_open(&in->tail, c->inputs[i].path, p) || input_start(in))
            return -1;
        in->last_data_ms = push_now_ms();
    }
    return 0;
}

/* SIGTERM and SIGINT stop the loop (shipping what is held, within the grace); a reader
 * that went away is an error on write, not a death. */
static void catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

/* One read of every input. -1 on a failure; *progress when any read something, *all_end
 * when every one is at its end. */
static int step_inputs(struct app *a, char *buf, int *progress, int *all_end)
{
    *progress = 0;
    *all_end = 1;
    for (int i = 0; i < a->nin; i++) {
        int r = input_step(&a->in[i], buf);
        if (r < 0)
            return -1;
        *progress |= r > 0;
        *all_end &= a->in[i].at_end;
    }
    return 0;
}

/* Send what has waited batch_wait_ms: records held for a time (no timestamped record came
 * after them: the read time it is), then the batch. -1 on a failure. */
static int send_due(struct app *a)
{
    if (a->defer.n && push_now_ms() - a->defer.first_ms >= a->cfg.batch_wait_ms &&
        defer_flush(a, push_wall_ns()))
        return -1;
    if (a->batch.entries && push_now_ms() - a->batch.first_add_ms >= a->cfg.batch_wait_ms &&
        send_batch(a))
        return -1;
    return 0;
}

/* Read, batch and send until a signal, a failure, or (--once) the end of every input; then
 * ship what is held. 0, or 1 on a failure. */
static int run(struct app *a, char *buf)
{
    int64_t next_stats = push_now_ms() + a->cfg.stats_interval_ms;
    while (!stopping(a)) {
        int progress, all_end;
        if (step_inputs(a, buf, &progress, &all_end) || send_due(a))
            return 1;
        throttle_report(a, 0);
        if (a->cfg.once && all_end)
            break;
        if (a->cfg.stats_interval_ms && push_now_ms() >= next_stats) {
            print_stats(a, "stats");
            next_stats = push_now_ms() + a->cfg.stats_interval_ms;
        }
        if (!progress)
            sleep_ms(a->cfg.poll_ms);
    }
    /* --once: the files are complete. SIGTERM: ship the records held so far, but not a
     * query.log line still being written (it is read whole next time). */
    for (int i = 0; i < a->nin; i++)
        if (input_flush(&a->in[i], !stop_signal) != 0)
            return 1;
    return defer_flush(a, push_wall_ns()) || send_batch(a) ? 1 : 0;
}

int main(int argc, char **argv)
{
    static struct app app;
    struct app *a = &app;
    int rc = push_config_load(&a->cfg, argc, argv);
    if (rc) {
        push_config_free(&a->cfg);
        return rc == 2 ? 2 : 1;
    }
    catch_signals();
    srandom((unsigned)(push_wall_ns() ^ getpid()));

    char *buf = malloc(READ_CHUNK);
    int status = 1;
    if (!buf || setup(a))
        goto out;
    push_log("shipping to %s", push_http_safe_url(a->http));
    int failed = run(a, buf);
    throttle_report(a, 1);
    if (stop_signal)
        push_log("stopped by signal %d", (int)stop_signal);
    print_stats(a, "final");
    status = failed ? 1 : 0;
out:
    free(buf);
    if (a->in) {
        for (int i = 0; i < a->nin; i++) {
            qs_splitter_free(&a->in[i].split);
            push_tail_close(&a->in[i].tail);
            qs_records_free(&a->in[i].recs);
        }
        free(a->in);
    }
    push_batch_free(&a->batch);
    qsp_buf_free(&a->defer.buf);
    push_positions_free(&a->pos);
    free(a->hashes);
    push_http_free(&a->http);
    qs_config_free(&a->qcfg);
    qs_tz_free(&a->tz);
    push_config_free(&a->cfg);
    return status;
}
