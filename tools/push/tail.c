/* tail.c — following one file by path across growth, rotation and truncation. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <zlib.h>

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

/* CRC-32 of the file's first len bytes; -1 when it is shorter or cannot be read. */
static int head_crc(int fd, uint32_t len, uint32_t *crc)
{
    unsigned char buf[PUSH_HEAD_BYTES];
    size_t got = 0;
    while (got < len) {
        ssize_t n = pread(fd, buf + got, len - got, (off_t)got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        got += (size_t)n;
    }
    *crc = (uint32_t)crc32(crc32(0L, Z_NULL, 0), buf, (uInt)len);
    return 0;
}

/* Note the head once more of it has been read (at most PUSH_HEAD_BYTES, once per file). */
static void learn_head(struct push_tail *t)
{
    uint32_t want = t->offset < PUSH_HEAD_BYTES ? (uint32_t)t->offset : PUSH_HEAD_BYTES;
    uint32_t crc;
    if (want > t->head_len && head_crc(t->fd, want, &crc) == 0) {
        t->head_len = want;
        t->head_crc = crc;
    }
}

static int try_open(struct push_tail *t, const struct push_position *saved)
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
    t->head_len = t->head_crc = 0;
    if (!saved || !saved->offset)
        return 0;
    /* Resume only in the same file, only if it did not shrink and still starts as it did
     * (else it was rotated, or truncated and written again, while we were away: the new
     * content starts at 0). A position saved without a head (older versions) is taken on
     * dev, inode and size alone. */
    uint32_t crc = 0;
    int same =
        (!(saved->dev || saved->ino) || (t->dev == saved->dev && t->ino == saved->ino)) &&
        (uint64_t)st.st_size >= saved->offset &&
        (!saved->head_len ||
         (head_crc(fd, saved->head_len, &crc) == 0 && crc == saved->head_crc));
    if (!same) {
        push_log("%s: not the file of the saved position (rotated or truncated): reading "
                 "from the start",
                 t->path);
        return 0;
    }
    if (lseek(fd, (off_t)saved->offset, SEEK_SET) < 0) {
        push_err("%s: %s", t->path, strerror(errno));
        return -1;
    }
    t->base = t->offset = saved->offset;
    t->head_len = saved->head_len;
    t->head_crc = saved->head_crc;
    learn_head(t);
    return 0;
}

int push_tail_open(struct push_tail *t, const char *path, const struct push_position *saved)
{
    memset(t, 0, sizeof *t);
    t->fd = -1;
    if (!(t->path = strdup(path)))
        return -1;
    return try_open(t, saved);
}

int push_tail_read(struct push_tail *t, char *buf, size_t cap, size_t *got)
{
    if (t->fd < 0) {
        if (try_open(t, NULL))
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
        if (t->head_len < PUSH_HEAD_BYTES)
            learn_head(t);
        return PUSH_TAIL_DATA;
    }
    /* At the end: has the file shrunk under us, or been truncated and written again past
     * our offset before we looked (its head changed), or does the path name a new file? */
    struct stat st;
    if (fstat(t->fd, &st) == 0 && (uint64_t)st.st_size < t->offset)
        return PUSH_TAIL_TRUNCATED;
    uint32_t crc;
    if (t->head_len && (head_crc(t->fd, t->head_len, &crc) || crc != t->head_crc))
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
    return try_open(t, NULL);
}

void push_tail_close(struct push_tail *t)
{
    if (t->fd >= 0)
        close(t->fd);
    t->fd = -1;
    free(t->path);
    t->path = NULL;
}
