/* tail.c — following one file by path across growth, rotation and truncation. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "push.h"

int64_t push_now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

int64_t push_wall_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static int try_open(struct push_tail *t, uint64_t offset, uint64_t dev, uint64_t ino,
                    int check_id)
{
    int fd = open(t->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return 0;
        push_err("%s: %s", t->path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st)) {
        push_err("%s: %s", t->path, strerror(errno));
        close(fd);
        return -1;
    }
    t->fd = fd;
    t->dev = (uint64_t)st.st_dev;
    t->ino = (uint64_t)st.st_ino;
    t->base = t->offset = 0;
    /* Resume only in the same file and only if it did not shrink (else it was rotated or
     * truncated while we were away: the new content starts at 0). */
    if (offset && (!check_id || (t->dev == dev && t->ino == ino)) &&
        (uint64_t)st.st_size >= offset) {
        if (lseek(fd, (off_t)offset, SEEK_SET) < 0) {
            push_err("%s: %s", t->path, strerror(errno));
            return -1;
        }
        t->base = t->offset = offset;
    } else if (offset) {
        push_log("%s: not the file of the saved position (rotated or truncated): reading "
                 "from the start",
                 t->path);
    }
    return 0;
}

int push_tail_open(struct push_tail *t, const char *path, uint64_t offset, uint64_t dev,
                   uint64_t ino)
{
    memset(t, 0, sizeof *t);
    t->fd = -1;
    if (!(t->path = strdup(path)))
        return -1;
    return try_open(t, offset, dev, ino, dev || ino);
}

int push_tail_read(struct push_tail *t, char *buf, size_t cap, size_t *got)
{
    if (t->fd < 0) {
        if (try_open(t, 0, 0, 0, 0))
            return -1;
        if (t->fd < 0)
            return PUSH_TAIL_IDLE;
    }
    ssize_t n;
    do
        n = read(t->fd, buf, cap);
    while (n < 0 && errno == EINTR);
    if (n < 0) {
        push_err("%s: read: %s", t->path, strerror(errno));
        return -1;
    }
    if (n > 0) {
        t->offset += (uint64_t)n;
        *got = (size_t)n;
        return PUSH_TAIL_DATA;
    }
    /* At the end: has the file shrunk under us, or does the path name a new file? */
    struct stat st;
    if (fstat(t->fd, &st) == 0 && (uint64_t)st.st_size < t->offset)
        return PUSH_TAIL_TRUNCATED;
    if (stat(t->path, &st) == 0) {
        if ((uint64_t)st.st_dev != t->dev || (uint64_t)st.st_ino != t->ino)
            return PUSH_TAIL_ROTATED;
    }
    /* A missing path (renamed, new one not created yet): keep reading the old file. */
    return PUSH_TAIL_IDLE;
}

int push_tail_reopen(struct push_tail *t)
{
    if (t->fd >= 0)
        close(t->fd);
    t->fd = -1;
    return try_open(t, 0, 0, 0, 0);
}

void push_tail_close(struct push_tail *t)
{
    if (t->fd >= 0)
        close(t->fd);
    t->fd = -1;
    free(t->path);
    t->path = NULL;
}
