/* querylog.c — query.log records: JSON through jansson, appended with one write(2) each. */
#include "querylog.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "utf8.h"

struct qs_querylog {
    int fd;
    char *path; /* for messages */
};

/* A JSON string of arbitrary bytes, made valid UTF-8 first (see utf8.h). */
static json_t *string_of(const char *s, size_t len, struct qsp_buf *tmp, uint64_t *invalid)
{
    if (qsp_utf8_valid_prefix(s, len) == len)
        return json_stringn_nocheck(s ? s : "", len);
    tmp->len = 0;
    if (qsp_buf_reserve(tmp, QSP_UTF8_SANITIZE_BOUND(len)))
        return NULL;
    size_t bad = 0;
    size_t n = qsp_utf8_sanitize(s, len, tmp->data, &bad);
    if (invalid)
        *invalid += bad;
    return json_stringn_nocheck(tmp->data, n);
}

static int set_key(json_t *obj, const char *key, const char *s, size_t len,
                   struct qsp_buf *tmp, uint64_t *invalid)
{
    json_t *v = string_of(s, len, tmp, invalid);
    return v && json_object_set_new_nocheck(obj, key, v) == 0 ? 0 : QS_ENOMEM;
}

int qsp_query_encode(struct qsp_buf *out, struct qsp_buf *tmp,
                     const struct qsp_query_fields *f, uint64_t *invalid,
                     struct qs_error *err)
{
    json_t *obj = json_object();
    if (!obj)
        return qsp_error(err, QS_ENOMEM, "query.log record: out of memory");
    int rc = set_key(obj, "QHash", f->qhash, QS_HASH_HEX_LEN, tmp, invalid);
    if (!rc)
        rc = set_key(obj, "sql", f->sql, f->sql_len, tmp, invalid);
    if (!rc && f->ts)
        rc = set_key(obj, "ts", f->ts, f->ts_len, tmp, invalid);
    if (!rc && f->thread)
        rc = set_key(obj, "thread", f->thread, f->thread_len, tmp, invalid);
    if (!rc && f->logger)
        rc = set_key(obj, "logger", f->logger, f->logger_len, tmp, invalid);
    if (!rc && f->fingerprint)
        rc = set_key(obj, "fingerprint", f->fingerprint, f->fingerprint_len, tmp, invalid);
    if (!rc && f->fhash)
        rc = set_key(obj, "FHash", f->fhash, QS_HASH_HEX_LEN, tmp, invalid);
    if (rc) {
        json_decref(obj);
        return qsp_error(err, rc, "query.log record: out of memory");
    }
    /* Escaping never more than sextuples a byte; one retry covers an underestimate. */
    size_t guess = f->sql_len + f->sql_len / 8 + f->ts_len + f->thread_len + f->logger_len +
                   f->fingerprint_len + 128;
    for (int attempt = 0; attempt < 2; attempt++) {
        if (qsp_buf_reserve(out, guess + 1)) {
            json_decref(obj);
            return qsp_error(err, QS_ENOMEM, "query.log record: out of memory");
        }
        size_t n = json_dumpb(obj, out->data + out->len, out->cap - out->len - 1,
                              JSON_COMPACT);
        if (n == 0) {
            json_decref(obj);
            return qsp_error(err, QS_EJSON, "query.log record: JSON encoding failed");
        }
        if (n < out->cap - out->len) {
            out->len += n;
            out->data[out->len++] = '\n';
            json_decref(obj);
            return 0;
        }
        guess = n + 1;
    }
    json_decref(obj);
    return qsp_error(err, QS_EJSON, "query.log record: JSON size changed between passes");
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
    q->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, mode ? mode : 0640);
    if (q->fd < 0) {
        int e = errno;
        free(q);
        free(copy);
        return qsp_error_errno(err, e, "%s: cannot open for appending", path);
    }
    q->path = copy;
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
    const char *p = data;
    /* O_APPEND makes each write(2) land whole at the end; a short write only happens when
     * the disk or the size limit runs out, and the next write then reports why. */
    while (len > 0) {
        ssize_t n = write(q->fd, p, len);
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

int qs_query_record_parse(const char *line, size_t len, char qhash[QS_HASH_HEX_LEN + 1],
                          char *sql, size_t cap, size_t *sql_len)
{
    if (!line || !qhash)
        return QS_EINVAL;
    json_error_t jerr;
    json_t *root = json_loadb(line, len, JSON_ALLOW_NUL, &jerr);
    if (!root)
        return QS_ENOTFOUND;
    int rc = QS_ENOTFOUND;
    json_t *h = json_object_get(root, "QHash");
    json_t *s = json_object_get(root, "sql");
    if (json_is_string(h) && json_string_length(h) == QS_HASH_HEX_LEN && json_is_string(s)) {
        const char *hv = json_string_value(h);
        rc = 0;
        for (int i = 0; i < QS_HASH_HEX_LEN; i++)
            if (!((hv[i] >= '0' && hv[i] <= '9') || (hv[i] >= 'a' && hv[i] <= 'f')))
                rc = QS_ENOTFOUND;
        if (rc == 0) {
            memcpy(qhash, hv, QS_HASH_HEX_LEN + 1);
            size_t n = json_string_length(s);
            if (sql_len)
                *sql_len = n;
            if (sql) {
                if (n > cap)
                    rc = QS_ERANGE;
                else
                    memcpy(sql, json_string_value(s), n);
            }
        }
    }
    json_decref(root);
    return rc;
}
