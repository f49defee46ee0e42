/* cli_util.c — messages, whole-file input and option values for the qsplit CLI. */
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
    struct qsp_buf b = {0};
    int rc = -1;
    for (;;) {
        if (b.len == b.cap && qsp_buf_reserve(&b, b.cap ? b.cap : 65536) != 0) {
            cli_error("%s: out of memory", name);
            break;
        }
        ssize_t got = read(fd, b.data + b.len, b.cap - b.len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            cli_syserror(errno, "%s: read failed", name);
            break;
        }
        if (got == 0) {
            rc = 0;
            break;
        }
        b.len += (size_t)got;
    }
    if (!stdin_)
        close(fd);
    if (rc != 0) {
        qsp_buf_free(&b);
        return -1;
    }
    *data = b.data;
    *len = b.len;
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
