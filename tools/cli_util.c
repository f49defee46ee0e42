/* cli_util.c — messages, whole-file input and batched output for the qsplit CLI. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("qsplit: error: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

void cli_syserror(int errno_value, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("qsplit: error: ", stderr);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, ": %s\n", strerror(errno_value));
    va_end(ap);
}

int cli_slurp(const char *path, char **data, size_t *len)
{
    int stdin_ = !path || strcmp(path, "-") == 0;
    int fd = stdin_ ? 0 : open(path, O_RDONLY | O_CLOEXEC);
    const char *name = stdin_ ? "(stdin)" : path;
    if (fd < 0) {
        cli_syserror(errno, "%s: cannot open", name);
        return -1;
    }
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (!buf) {
            cli_error("%s: out of memory", name);
            break;
        }
        if (n == cap) {
            char *p = realloc(buf, cap * 2);
            if (!p) {
                free(buf);
                buf = NULL;
                continue;
            }
            buf = p;
            cap *= 2;
        }
        ssize_t got = read(fd, buf + n, cap - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            cli_syserror(errno, "%s: read failed", name);
            free(buf);
            buf = NULL;
            break;
        }
        if (got == 0)
            break;
        n += (size_t)got;
    }
    if (!stdin_)
        close(fd);
    if (!buf)
        return -1;
    *data = buf;
    *len = n;
    return 0;
}

int cli_dialect(const char *name)
{
    if (strcasecmp(name, "default") == 0 || strcasecmp(name, "ansi") == 0)
        return (int)QS_DIALECT_DEFAULT;
    if (strcasecmp(name, "mysql") == 0 || strcasecmp(name, "mariadb") == 0)
        return (int)QS_DIALECT_MYSQL;
    if (strcasecmp(name, "postgres") == 0 || strcasecmp(name, "postgresql") == 0)
        return (int)QS_DIALECT_POSTGRES;
    return -1;
}

int cli_size(const char *s, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *s == '-')
        return -1;
    unsigned shift = 0;
    switch (*end) {
    case 'k':
    case 'K':
        shift = 10;
        end++;
        break;
    case 'm':
    case 'M':
        shift = 20;
        end++;
        break;
    case 'g':
    case 'G':
        shift = 30;
        end++;
        break;
    default: break;
    }
    if (*end || v > (SIZE_MAX >> shift))
        return -1;
    *out = (size_t)(v << shift);
    return 0;
}

int cli_out_init(struct cli_out *o, int fd, const char *name, size_t cap)
{
    memset(o, 0, sizeof *o);
    o->fd = fd;
    o->name = name;
    o->cap = cap;
    o->buf = malloc(cap);
    if (!o->buf) {
        cli_error("out of memory");
        return -1;
    }
    return 0;
}

static int write_all(struct cli_out *o, const char *p, size_t n)
{
    if (o->ql) {
        struct qs_error err = {0};
        if (qs_querylog_append(o->ql, p, n, &err) != 0) {
            cli_error("%s", err.text);
            return -1;
        }
        return 0;
    }
    while (n > 0) {
        ssize_t w = write(o->fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0) {
            cli_syserror(errno, "%s: write failed", o->name);
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int cli_out_flush(struct cli_out *o)
{
    if (o->failed)
        return -1;
    if (o->len && write_all(o, o->buf, o->len) != 0)
        o->failed = 1;
    o->len = 0;
    return o->failed ? -1 : 0;
}

int cli_out_add(struct cli_out *o, const char *data, size_t len)
{
    if (o->failed)
        return -1;
    if (len > o->cap - o->len && cli_out_flush(o) != 0)
        return -1;
    if (len > o->cap) { /* a record larger than the batch goes out on its own */
        if (write_all(o, data, len) != 0)
            o->failed = 1;
        return o->failed ? -1 : 0;
    }
    memcpy(o->buf + o->len, data, len);
    o->len += len;
    return 0;
}

void cli_out_free(struct cli_out *o)
{
    free(o->buf);
    o->buf = NULL;
}
