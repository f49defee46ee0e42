/* positions.c — how far each file has been acknowledged by Loki, kept in a small YAML file
 * (like Promtail's) that is replaced atomically. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yaml.h>

#include "push.h"

struct push_position *push_positions_get(struct push_positions *ps, const char *path)
{
    for (size_t i = 0; i < ps->n; i++)
        if (!strcmp(ps->p[i].path, path))
            return &ps->p[i];
    return NULL;
}

int push_positions_set(struct push_positions *ps, const char *path, uint64_t offset,
                       uint64_t dev, uint64_t ino, uint32_t head_len, uint32_t head_crc)
{
    struct push_position *p = push_positions_get(ps, path);
    if (!p) {
        struct push_position *q = realloc(ps->p, (ps->n + 1) * sizeof *q);
        if (!q)
            return -1;
        ps->p = q;
        p = &q[ps->n];
        if (!(p->path = strdup(path)))
            return -1;
        ps->n++;
    }
    p->offset = offset;
    p->dev = dev;
    p->ino = ino;
    p->head_len = head_len;
    p->head_crc = head_crc;
    return 0;
}

void push_positions_free(struct push_positions *ps)
{
    for (size_t i = 0; i < ps->n; i++)
        free(ps->p[i].path);
    free(ps->p);
    ps->p = NULL;
    ps->n = 0;
}

static const char *scalar(yaml_document_t *d, yaml_node_t *n)
{
    (void)d;
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int u64(const char *s, uint64_t *out)
{
    if (!s || !*s)
        return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || *s == '-')
        return -1;
    *out = v;
    return 0;
}

/* What reading part of a positions file found wrong. */
enum { LOAD_BAD = -1, LOAD_NOMEM = -2 };

/* last_ts: {console: "…", query: "…"}; other keys are ignored. */
static int load_last_ts(struct push_positions *ps, yaml_document_t *doc, yaml_node_t *v)
{
    if (v->type != YAML_MAPPING_NODE)
        return LOAD_BAD;
    for (yaml_node_pair_t *q = v->data.mapping.pairs.start; q < v->data.mapping.pairs.top;
         q++) {
        const char *sk = scalar(doc, yaml_document_get_node(doc, q->key));
        const char *sv = scalar(doc, yaml_document_get_node(doc, q->value));
        int s = !sk                      ? -1
                : !strcmp(sk, "console") ? PUSH_STREAM_CONSOLE
                : !strcmp(sk, "query")   ? PUSH_STREAM_QUERY
                                         : -1;
        uint64_t ts;
        if (s >= 0 && (u64(sv, &ts) || ts > INT64_MAX))
            return LOAD_BAD;
        if (s >= 0)
            ps->last_ts[s] = (int64_t)ts;
    }
    return 0;
}

/* One file's entry, path: {offset: "…", dev: "…", inode: "…", head_len: "…",
 * head_crc: "…"}; a missing key is 0, an unknown one ignored. */
static int load_position(struct push_positions *ps, yaml_document_t *doc, const char *path,
                         yaml_node_t *e)
{
    uint64_t off = 0, dev = 0, ino = 0, hlen = 0, hcrc = 0;
    if (!path || e->type != YAML_MAPPING_NODE)
        return LOAD_BAD;
    for (yaml_node_pair_t *r = e->data.mapping.pairs.start; r < e->data.mapping.pairs.top;
         r++) {
        const char *ek = scalar(doc, yaml_document_get_node(doc, r->key));
        const char *ev = scalar(doc, yaml_document_get_node(doc, r->value));
        uint64_t *dst = !ek                       ? NULL
                        : !strcmp(ek, "offset")   ? &off
                        : !strcmp(ek, "dev")      ? &dev
                        : !strcmp(ek, "inode")    ? &ino
                        : !strcmp(ek, "head_len") ? &hlen
                        : !strcmp(ek, "head_crc") ? &hcrc
                                                  : NULL;
        if (dst && u64(ev, dst))
            return LOAD_BAD;
    }
    if (hlen > PUSH_HEAD_BYTES || hcrc > UINT32_MAX)
        return LOAD_BAD;
    if (push_positions_set(ps, path, off, dev, ino, (uint32_t)hlen, (uint32_t)hcrc))
        return LOAD_NOMEM;
    return 0;
}

/* The document's root: positions and last_ts; other keys are ignored. */
static int load_root(struct push_positions *ps, yaml_document_t *doc, yaml_node_t *root)
{
    if (root->type != YAML_MAPPING_NODE)
        return LOAD_BAD;
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
         p < root->data.mapping.pairs.top; p++) {
        const char *k = scalar(doc, yaml_document_get_node(doc, p->key));
        yaml_node_t *v = yaml_document_get_node(doc, p->value);
        int rc = 0;
        if (k && !strcmp(k, "last_ts")) {
            rc = load_last_ts(ps, doc, v);
        } else if (k && !strcmp(k, "positions")) {
            if (v->type != YAML_MAPPING_NODE)
                return LOAD_BAD;
            for (yaml_node_pair_t *q = v->data.mapping.pairs.start;
                 !rc && q < v->data.mapping.pairs.top; q++)
                rc = load_position(ps, doc, scalar(doc, yaml_document_get_node(doc, q->key)),
                                   yaml_document_get_node(doc, q->value));
        }
        if (rc)
            return rc;
    }
    return 0;
}

/* positions:
 *   /var/log/app/console.log: {offset: "123", dev: "2049", inode: "1234", head_len: "1024",
 *                              head_crc: "305419896"}
 * last_ts: {console: "1716650000000000001", query: "…"}
 * (files written before head_len/head_crc existed load with 0, 0: no head check; before
 * last_ts, with 0: the first entries after the restart are stamped as read) */
int push_positions_load(struct push_positions *ps, const char *file)
{
    FILE *f = fopen(file, "rb");
    if (!f) {
        if (errno == ENOENT)
            return 0;
        push_err("positions file %s: %s", file, strerror(errno));
        return -1;
    }
    yaml_parser_t parser;
    yaml_document_t doc;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_file(&parser, f);
    if (!yaml_parser_load(&parser, &doc)) {
        push_err("positions file %s: line %zu: %s", file, parser.problem_mark.line + 1,
                 parser.problem ? parser.problem : "invalid YAML");
        yaml_parser_delete(&parser);
        fclose(f);
        return -1;
    }
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    /* an empty file: nothing acknowledged yet */
    int rc = root ? load_root(ps, &doc, root) : 0;
    if (rc == LOAD_BAD)
        push_err("positions file %s: not a qsplit-push positions file", file);
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    fclose(f);
    return rc ? -1 : 0;
}

static int emit_scalar(yaml_emitter_t *em, const char *s, int quoted)
{
    yaml_event_t ev;
    yaml_scalar_event_initialize(
        &ev, NULL, NULL, (yaml_char_t *)(uintptr_t)s, (int)strlen(s), 1, 1,
        quoted ? YAML_DOUBLE_QUOTED_SCALAR_STYLE : YAML_ANY_SCALAR_STYLE);
    return yaml_emitter_emit(em, &ev) ? 0 : -1;
}

static int emit_simple(yaml_emitter_t *em, int which)
{
    yaml_event_t ev;
    switch (which) {
    case 0: yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING); break;
    case 1: yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1); break;
    case 2:
        yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE);
        break;
    case 3:
        yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_FLOW_MAPPING_STYLE);
        break;
    case 4: yaml_mapping_end_event_initialize(&ev); break;
    case 5: yaml_document_end_event_initialize(&ev, 1); break;
    default: yaml_stream_end_event_initialize(&ev); break;
    }
    return yaml_emitter_emit(em, &ev) ? 0 : -1;
}

/* libyaml's output handler: 1 on success, 0 out of memory. */
static int write_handler(void *data, unsigned char *buf, size_t size)
{
    return qsp_buf_append(data, buf, size) == 0;
}

static int encode(const struct push_positions *ps, struct qsp_buf *w)
{
    yaml_emitter_t em;
    if (!yaml_emitter_initialize(&em))
        return -1;
    yaml_emitter_set_output(&em, write_handler, w);
    yaml_emitter_set_unicode(&em, 1);
    int rc = emit_simple(&em, 0) || emit_simple(&em, 1) || emit_simple(&em, 2) ||
             emit_scalar(&em, "positions", 0) || emit_simple(&em, 2);
    for (size_t i = 0; !rc && i < ps->n; i++) {
        char off[24], dev[24], ino[24], hlen[12], hcrc[12];
        snprintf(off, sizeof off, "%" PRIu64, ps->p[i].offset);
        snprintf(dev, sizeof dev, "%" PRIu64, ps->p[i].dev);
        snprintf(ino, sizeof ino, "%" PRIu64, ps->p[i].ino);
        snprintf(hlen, sizeof hlen, "%" PRIu32, ps->p[i].head_len);
        snprintf(hcrc, sizeof hcrc, "%" PRIu32, ps->p[i].head_crc);
        rc = emit_scalar(&em, ps->p[i].path, 1) || emit_simple(&em, 3) ||
             emit_scalar(&em, "offset", 0) || emit_scalar(&em, off, 1) ||
             emit_scalar(&em, "dev", 0) || emit_scalar(&em, dev, 1) ||
             emit_scalar(&em, "inode", 0) || emit_scalar(&em, ino, 1) ||
             emit_scalar(&em, "head_len", 0) || emit_scalar(&em, hlen, 1) ||
             emit_scalar(&em, "head_crc", 0) || emit_scalar(&em, hcrc, 1) ||
             emit_simple(&em, 4);
    }
    rc = rc || emit_simple(&em, 4);
    static const char *const names[PUSH_NSTREAMS] = {"console", "query"};
    rc = rc || emit_scalar(&em, "last_ts", 0) || emit_simple(&em, 3);
    for (int s = 0; !rc && s < PUSH_NSTREAMS; s++) {
        char ts[24];
        snprintf(ts, sizeof ts, "%" PRId64, ps->last_ts[s] > 0 ? ps->last_ts[s] : 0);
        rc = emit_scalar(&em, names[s], 0) || emit_scalar(&em, ts, 1);
    }
    rc = rc || emit_simple(&em, 4) || emit_simple(&em, 4) || emit_simple(&em, 5) ||
         emit_simple(&em, 6) || !yaml_emitter_flush(&em);
    yaml_emitter_delete(&em);
    return rc ? -1 : 0;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t k = write(fd, p, n);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

int push_positions_save(const struct push_positions *ps, const char *file, unsigned mode)
{
    struct qsp_buf w = {0};
    if (encode(ps, &w)) {
        qsp_buf_free(&w);
        push_err("positions: cannot encode");
        return -1;
    }
    size_t flen = strlen(file);
    char *tmp = malloc(flen + 16);
    if (!tmp) {
        qsp_buf_free(&w);
        return -1;
    }
    /* A new random name, created exclusively: a link planted in a shared directory is
     * never followed, and rename() replaces the positions file itself, not its target. */
    snprintf(tmp, flen + 16, "%s.tmp.XXXXXX", file);
    int fd = mkostemp(tmp, O_CLOEXEC);
    int rc = -1;
    /* mkostemp creates 0600; the configured mode is set as given. */
    if (fd < 0 || fchmod(fd, (mode_t)mode) != 0) {
        push_err("positions: %s: %s", tmp, strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(tmp);
        }
        goto out;
    }
    /* temp + fsync + rename: after a crash the file is the old or the new one, whole. */
    if (write_all(fd, w.data, w.len) || fsync(fd)) {
        push_err("positions: %s: %s", tmp, strerror(errno));
        close(fd);
        unlink(tmp);
        goto out;
    }
    close(fd);
    if (rename(tmp, file)) {
        push_err("positions: rename to %s: %s", file, strerror(errno));
        unlink(tmp);
        goto out;
    }
    /* The rename itself is durable once the directory is synced. */
    char *slash = strrchr(tmp, '/');
    const char *dir = ".";
    if (slash) {
        *slash = '\0';
        dir = slash == tmp ? "/" : tmp;
    }
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    rc = 0;
out:
    free(tmp);
    qsp_buf_free(&w);
    return rc;
}
