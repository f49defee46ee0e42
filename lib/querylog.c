/* querylog.c — query.log records: JSON by json.c's table (built from jansson's escapes),
 * appended with one write(2) per batch (a splitter's batches: the sink below), and read
 * back for lookup by the strict JSON scan (jsonscan.c). */
#include "querylog.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/stat.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "jsonscan.h"
#include "utf8.h"

struct qs_querylog {
    _Atomic int fd;
    char *path;
    unsigned mode;
    int retired;                  /* the fd before the last reopen, closed at the next one */
    _Atomic long long next_check; /* monotonic ms of the next look at the path */
    pthread_mutex_t lock;         /* only for the reopen, never around a write */
};

/* How query.log is opened, the first time and after it was deleted or replaced. */
static int open_log(const char *path, unsigned mode)
{
    return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, mode);
}

static long long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Before each append: if query.log was deleted (link count 0, one fstat) open the path
 * anew at once, so no record goes where lookup cannot find it; once a second also compare
 * the path with the open file, to follow a rotation that replaced it (the renamed old file
 * still holds its records). The old descriptor is retired and closed only at the next
 * reopen, as another thread may be writing to it now. */
static void check_path(struct qs_querylog *q)
{
    struct stat open_st, path_st;
    int fd = q->fd;
    if (fstat(fd, &open_st) != 0)
        return;
    long long now = now_ms();
    int deleted = open_st.st_nlink == 0;
    if (!deleted && now < q->next_check)
        return;
    if (deleted ? pthread_mutex_lock(&q->lock) != 0 : pthread_mutex_trylock(&q->lock) != 0)
        return;
    q->next_check = now + 1000;
    if (q->fd == fd && (stat(q->path, &path_st) != 0 || path_st.st_ino != open_st.st_ino ||
                        path_st.st_dev != open_st.st_dev)) {
        int nfd = open_log(q->path, q->mode);
        if (nfd >= 0) {
            if (q->retired >= 0)
                close(q->retired);
            q->retired = fd;
            q->fd = nfd;
        }
    }
    pthread_mutex_unlock(&q->lock);
}

/* Room for the worst case is reserved so one call does it, as qsplit-push's encode.c does:
 * the buffers are reused, and reserved pages never written cost nothing. */
int qsp_json_append(struct qsp_buf *out, const char *s, size_t len, uint64_t *invalid)
{
    size_t bound = qs_json_quote_bound(len), n = 0, bad = 0;
    if (bound == SIZE_MAX || qsp_buf_reserve(out, bound))
        return QS_ENOMEM;
    int rc = qs_json_quote(s, len, out->data + out->len, out->cap - out->len, &n, &bad);
    if (rc)
        return rc;
    out->len += n;
    if (invalid)
        *invalid += bad;
    return 0;
}

/* `,"key":` then the value; keys are fixed ASCII names, values go through qs_json_quote. */
static int append_field(struct qsp_buf *out, const char *key, const char *s, size_t len,
                        uint64_t *invalid)
{
    int rc = qsp_buf_append(out, key, strlen(key));
    return rc ? rc : qsp_json_append(out, s, len, invalid);
}

int qsp_query_encode(struct qsp_buf *out, const struct qsp_query_fields *f, uint64_t *invalid,
                     struct qs_error *err)
{
    /* Fixed key text around each quoted value: the key order holds by construction. */
    size_t start = out->len;
    int rc = qsp_buf_append(out, "{\"QHash\":", 9);
    if (!rc)
        rc = qsp_json_append(out, f->qhash, QS_HASH_HEX_LEN, invalid);
    if (!rc)
        rc = append_field(out, ",\"sql\":", f->sql, f->sql_len, invalid);
    if (!rc && f->ts)
        rc = append_field(out, ",\"ts\":", f->ts, f->ts_len, invalid);
    if (!rc && f->thread)
        rc = append_field(out, ",\"thread\":", f->thread, f->thread_len, invalid);
    if (!rc && f->logger)
        rc = append_field(out, ",\"logger\":", f->logger, f->logger_len, invalid);
    if (!rc && f->fingerprint)
        rc = append_field(out, ",\"fingerprint\":", f->fingerprint, f->fingerprint_len,
                          invalid);
    if (!rc && f->fhash)
        rc = append_field(out, ",\"FHash\":", f->fhash, QS_HASH_HEX_LEN, invalid);
    if (!rc && f->took_ms) {
        char num[32];
        int k = snprintf(num, sizeof num, ",\"took_ms\":%lld", (long long)*f->took_ms);
        rc = qsp_buf_append(out, num, (size_t)k);
    }
    if (!rc)
        rc = qsp_buf_append(out, "}\n", 2);
    if (rc) {
        out->len = start; /* no half record is ever left behind */
        return qsp_error(err, rc,
                         rc == QS_ENOMEM ? "query.log record: out of memory"
                                         : "query.log record: JSON encoding failed");
    }
    return 0;
}

int qs_querylog_open(struct qs_querylog **out, const char *path, unsigned mode,
                     struct qs_error *err)
{
    if (!out || !path)
        return qsp_error(err, QS_EINVAL, "qs_querylog_open: NULL argument");
    *out = NULL;
    struct qs_querylog *q = calloc(1, sizeof *q);
    char *copy = strdup(path);
    if (!q || !copy) {
        free(q);
        free(copy);
        return qsp_error(err, QS_ENOMEM, "%s: out of memory", path);
    }
    q->fd = open_log(path, mode ? mode : 0640);
    if (q->fd < 0) {
        int e = errno;
        free(q);
        free(copy);
        return qsp_error_errno(err, e, "%s: cannot open for appending", path);
    }
    q->path = copy;
    q->mode = mode ? mode : 0640;
    q->retired = -1;
    q->next_check = now_ms() + 1000;
    pthread_mutex_init(&q->lock, NULL);
    *out = q;
    return 0;
}

int qs_querylog_close(struct qs_querylog **qp, struct qs_error *err)
{
    if (!qp || !*qp)
        return 0;
    struct qs_querylog *q = *qp;
    int rc = 0;
    if (close(q->fd) != 0)
        rc = qsp_error_errno(err, errno, "%s: close failed", q->path);
    if (q->retired >= 0)
        close(q->retired);
    pthread_mutex_destroy(&q->lock);
    free(q->path);
    free(q);
    *qp = NULL;
    return rc;
}

int qs_querylog_append(struct qs_querylog *q, const void *data, size_t len,
                       struct qs_error *err)
{
    if (!q || (!data && len))
        return qsp_error(err, QS_EINVAL, "qs_querylog_append: NULL argument");
    check_path(q);
    int fd = q->fd;
    const char *p = data;
    /* O_APPEND makes each write(2) land whole at the end; a short write only happens when
     * the disk or the size limit runs out, and the next write then reports why. */
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return qsp_error_errno(err, errno, "%s: write failed", q->path);
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int qsp_qlsink_flush(struct qsp_qlsink *k, struct qs_error *err)
{
    if (!k->ql || !k->b.len)
        return 0;
    /* Emptied whatever the outcome: a failed batch is reported, not retried into a
     * duplicate of the part that may have landed. */
    size_t n = k->b.len;
    k->b.len = 0;
    return qs_querylog_append(k->ql, k->b.data, n, err);
}

int qsp_qlsink_set(struct qsp_qlsink *k, struct qs_querylog *ql, size_t batch,
                   struct qs_error *err)
{
    int rc = qsp_qlsink_flush(k, err);
    if (rc)
        return rc;
    /* The whole batch up front: adding a record is then one memcpy, never a realloc. */
    if (ql && batch > k->b.cap && qsp_buf_reserve(&k->b, batch))
        return qsp_error(err, QS_ENOMEM, "no memory for a %zu-byte query.log batch", batch);
    k->ql = ql;
    k->batch = batch;
    return 0;
}

int qsp_qlsink_add(struct qsp_qlsink *k, const char *p, size_t n, struct qs_error *err)
{
    if (!k->ql || !n)
        return 0;
    if (n > k->batch - k->b.len) {
        int rc = qsp_qlsink_flush(k, err);
        if (rc)
            return rc;
    }
    if (n > k->batch) /* larger than a batch (or no batching): written on its own */
        return qs_querylog_append(k->ql, p, n, err);
    memcpy(k->b.data + k->b.len, p, n);
    k->b.len += n;
    return 0;
}

void qsp_qlsink_free(struct qsp_qlsink *k)
{
    qsp_buf_free(&k->b);
    k->ql = NULL;
}

/* What a query.log line's scan notes: the last "QHash" and "sql" members, as jansson's
 * object keeps the last of duplicate keys. */
struct record_scan {
    struct qsp_json_member qhash, sql;
};

static void record_member(void *ctx, const char *s, const struct qsp_json_member *m)
{
    struct record_scan *r = ctx;
    if (qsp_json_key_is(s, &m->key, "QHash"))
        r->qhash = *m;
    else if (qsp_json_key_is(s, &m->key, "sql"))
        r->sql = *m;
}

/* jansson's JSON_PARSER_MAX_DEPTH: the nesting json_loadb reads, kept so that the lines
 * lookup accepts stay exactly the ones it accepted when jansson parsed them. */
#define RECORD_MAX_DEPTH 2048

int qs_query_record_parse(const char *line, size_t len, char qhash[QS_HASH_HEX_LEN + 1],
                          char *sql, size_t cap, size_t *sql_len)
{
    if (!line || !qhash)
        return QS_EINVAL;
    /* jansson (json_loadb with JSON_ALLOW_NUL) read these lines before; the strict scan
     * accepts the same documents, without its allocations or strtod's locale */
    size_t at = 0;
    while (at < len &&
           (line[at] == ' ' || line[at] == '\t' || line[at] == '\n' || line[at] == '\r'))
        at++;
    struct record_scan r = {0};
    const struct qsp_json_scanner sc = {.flags = QSP_JSON_STRICT,
                                        .max_depth = RECORD_MAX_DEPTH,
                                        .levels = 1,
                                        .member = record_member,
                                        .ctx = &r};
    if (!qsp_json_scan(&sc, line + at, len - at) || r.qhash.type != QSP_JSON_STRING ||
        r.sql.type != QSP_JSON_STRING)
        return QS_ENOTFOUND;
    /* The hash: 32 lowercase hex digits once decoded (escapes at most six bytes each). */
    const struct qsp_json_field *h = &r.qhash.val;
    char hv[6 * QS_HASH_HEX_LEN];
    if (h->len < QS_HASH_HEX_LEN || h->len > sizeof hv)
        return QS_ENOTFOUND;
    if (qsp_json_unescape(line + at + h->off, h->len, hv) != QS_HASH_HEX_LEN)
        return QS_ENOTFOUND;
    for (int i = 0; i < QS_HASH_HEX_LEN; i++)
        if (!((hv[i] >= '0' && hv[i] <= '9') || (hv[i] >= 'a' && hv[i] <= 'f')))
            return QS_ENOTFOUND;
    memcpy(qhash, hv, QS_HASH_HEX_LEN);
    qhash[QS_HASH_HEX_LEN] = '\0';
    /* The statement: decoded straight into sql when its raw contents fit (decoding never
     * grows), else measured first so that a short buffer gets QS_ERANGE, as before. */
    const char *raw = line + at + r.sql.val.off;
    size_t rawn = r.sql.val.len, n;
    if (sql && cap >= rawn) {
        n = qsp_json_unescape(raw, rawn, sql);
    } else {
        n = r.sql.val.escaped ? qsp_json_unescaped_len(raw, rawn) : rawn;
        if (sql && n > cap) {
            if (sql_len)
                *sql_len = n;
            return QS_ERANGE;
        }
        if (sql)
            qsp_json_unescape(raw, rawn, sql); /* writes exactly n <= cap bytes */
    }
    if (sql_len)
        *sql_len = n;
    return 0;
}
