/* cli_fileio.c — `qsplit split`'s files, as zstd's programs/fileio.c is zstdcli.c's: the
 * input mapped a window at a time or read, batched console output, query.log handed to the
 * splitter (which batches it itself), the progress bar and the summary. cli_split.c decides
 * what to do; this file does the I/O. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define CHUNK (256u * 1024u)
#define BATCH (256u * 1024u)
#define WINDOW (4u << 20) /* multiple of the page size */

/* ---- batched output ------------------------------------------------------------------ */

int cli_out_init(struct cli_out *o, int fd, const char *name, size_t cap)
{
    memset(o, 0, sizeof *o);
    o->fd = fd;
    o->name = name;
    if (qsp_buf_reserve(&o->b, cap) != 0) {
        cli_error("out of memory");
        return -1;
    }
    return 0;
}

static int write_all(struct cli_out *o, const char *p, size_t n)
{
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
    if (o->b.len && write_all(o, o->b.data, o->b.len) != 0)
        o->failed = 1;
    o->b.len = 0;
    return o->failed ? -1 : 0;
}

int cli_out_add(struct cli_out *o, const char *data, size_t len)
{
    if (o->failed)
        return -1;
    if (len > o->b.cap - o->b.len && cli_out_flush(o) != 0)
        return -1;
    if (len > o->b.cap) { /* a record larger than the batch goes out on its own */
        if (write_all(o, data, len) != 0)
            o->failed = 1;
        return o->failed ? -1 : 0;
    }
    memcpy(o->b.data + o->b.len, data, len);
    o->b.len += len;
    return 0;
}

void cli_out_free(struct cli_out *o)
{
    qsp_buf_free(&o->b);
}

/* ---- input --------------------------------------------------------------------------- */

int cli_input_open(struct cli_input *in, const char *path)
{
    int is_stdin = strcmp(path, "-") == 0;
    memset(in, 0, sizeof *in);
    in->name = is_stdin ? "(stdin)" : path;
    in->fd = is_stdin ? 0 : open(path, O_RDONLY | O_CLOEXEC);
    if (in->fd < 0) {
        cli_syserror(errno, "%s: cannot open", path);
        return -1;
    }
    if (fstat(in->fd, &in->st) != 0)
        memset(&in->st, 0, sizeof in->st); /* unknown: not a directory, no size */
    if (S_ISDIR(in->st.st_mode)) {
        cli_error("%s: is a directory", in->name);
        cli_input_close(in);
        return -1;
    }
    return 0;
}

void cli_input_close(struct cli_input *in)
{
    if (in->fd > 0)
        close(in->fd);
    in->fd = -1;
}

/* ---- progress and summary ------------------------------------------------------------ */

struct split_run {
    struct cli_out console;
    uint64_t total; /* input size when known, for the progress bar */
    int progress;
    struct timespec start, last;
};

static double since(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void show_progress(struct split_run *r, uint64_t done, int final)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (!final && since(&r->last, &now) < 0.2)
        return;
    r->last = now;
    double secs = since(&r->start, &now);
    double mbs = secs > 0 ? (double)done / secs / 1e6 : 0;
    if (r->total) {
        int pct = (int)(done * 100 / r->total);
        int bars = pct * 30 / 100;
        fprintf(stderr, "\r[%.*s%*s] %3d%% %7.1f MB/s", bars, "##############################",
                30 - bars, "", pct, mbs);
    } else {
        fprintf(stderr, "\r%10.1f MB read %7.1f MB/s", (double)done / 1e6, mbs);
    }
    if (final)
        fputc('\n', stderr);
}

static void summary(const struct qs_stats *st, double secs, const char *query_path)
{
    fprintf(stderr, "qsplit: %llu records, %llu with SQL, %llu distinct QHashes",
            (unsigned long long)st->records, (unsigned long long)st->sql_records,
            (unsigned long long)st->distinct_qhash);
    if (st->dedupe_resets)
        fprintf(stderr,
                " (at most: the table of seen hashes filled %llu times; raise "
                "--dedupe-size for an exact count)",
                (unsigned long long)st->dedupe_resets);
    fprintf(stderr, "; %llu query records to %s\n", (unsigned long long)st->query_records,
            strcmp(query_path, "-") == 0 ? "standard output" : query_path);
    fprintf(
        stderr, "qsplit: %.1f MB in, %.1f MB console, %.1f MB query.log; %.2f s, %.1f MB/s\n",
        (double)st->bytes_in / 1e6, (double)st->bytes_console / 1e6,
        (double)st->bytes_query / 1e6, secs, secs > 0 ? (double)st->bytes_in / 1e6 / secs : 0);
    if (st->oversized)
        fprintf(stderr, "qsplit: %llu records over --max-record passed through unsplit\n",
                (unsigned long long)st->oversized);
    if (st->statements > st->sql_records)
        fprintf(stderr, "qsplit: %llu statements (records with a batch carry several)\n",
                (unsigned long long)st->statements);
    if (st->collapsed_comments)
        fprintf(stderr,
                "qsplit: %llu statements logged on one line hold a -- comment, which hides "
                "the rest of the statement (docs/qhash.md)\n",
                (unsigned long long)st->collapsed_comments);
    if (st->invalid_utf8)
        fprintf(stderr, "qsplit: %llu invalid UTF-8 bytes written as U+FFFD in query.log\n",
                (unsigned long long)st->invalid_utf8);
}

/* ---- the split ----------------------------------------------------------------------- */

static int on_output(void *user, const struct qs_output *out)
{
    struct split_run *r = user;
    /* out->query is the splitter's to write (its sink, set in cli_split_run). */
    if (cli_out_add(&r->console, out->console, out->console_len) != 0)
        return 1;
    if (r->progress && out->end_offset % 4096 < 256)
        show_progress(r, out->end_offset, 0);
    return 0;
}

/* Refuse to overwrite the input with the console output. */
static int same_file(int a, int b)
{
    struct stat sa, sb;
    return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && S_ISREG(sa.st_mode) &&
           sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* "-" is standard output for query.log too, as for the console (cmd_split refuses both
 * there at once); query.log is appended through its path, so it is opened as /dev/stdout,
 * which a pipe and a file the shell opened both answer. */
static const char *query_open_path(const char *path)
{
    return strcmp(path, "-") == 0 ? "/dev/stdout" : path;
}

/* Open the console output (*out: 1 for standard output) and query.log; 0 or -1 (reported).
 * The console file is truncated only after making sure it is not the input. */
static int open_outputs(const struct cli_input *in, const struct cli_split_io *io, int *out,
                        struct qs_querylog **ql)
{
    const char *path = io->console_path;
    struct qs_error err = QS_ERROR_INIT;
    if (path && strcmp(path, "-") != 0) {
        *out = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, (mode_t)io->file_mode);
        if (*out < 0) {
            *out = 1;
            cli_syserror(errno, "%s: cannot open for writing", path);
            return -1;
        }
    }
    if (same_file(in->fd, *out)) {
        cli_error("%s: the console output is the input file; choose another --console",
                  in->name);
        return -1;
    }
    struct stat ost;
    if (*out != 1 && fstat(*out, &ost) == 0 && S_ISREG(ost.st_mode) &&
        ftruncate(*out, 0) != 0) {
        cli_syserror(errno, "%s: cannot truncate", path);
        return -1;
    }
    if (qs_querylog_open(ql, query_open_path(io->query_path), io->file_mode, &err)) {
        cli_error("%s", err.text);
        return -1;
    }
    return 0;
}

/* Feed the whole input to sp. A regular file is mapped a window at a time: no copy through
 * read(2), and the window's pages leave memory when it is unmapped, so RSS stays bounded.
 * What the file grew by meanwhile, and anything that cannot be mapped, is read() in CHUNK
 * pieces. 0, or -1 after reporting a read failure; the splitter's errors stay in err. */
static int feed_input(struct qs_splitter *sp, const struct cli_input *in, char *chunk,
                      struct qs_error *err)
{
    const struct stat *st = &in->st;
    if (S_ISREG(st->st_mode) && st->st_size > 0) {
        off_t off = 0;
        while (off < st->st_size && err->code == QS_OK) {
            size_t win =
                (size_t)(st->st_size - off < (off_t)WINDOW ? st->st_size - off : WINDOW);
            void *map = mmap(NULL, win, PROT_READ, MAP_PRIVATE | MAP_POPULATE, in->fd, off);
            if (map == MAP_FAILED)
                break;
            madvise(map, win, MADV_SEQUENTIAL);
            qs_splitter_feed(sp, map, win, err);
            munmap(map, win);
            off += (off_t)win;
        }
        if (off > 0 && lseek(in->fd, off, SEEK_SET) < 0) {
            cli_syserror(errno, "%s: seek failed", in->name);
            return -1;
        }
    }
    while (err->code == QS_OK) {
        ssize_t n = read(in->fd, chunk, CHUNK);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            cli_syserror(errno, "%s: read failed", in->name);
            return -1;
        }
        if (n == 0)
            break;
        qs_splitter_feed(sp, chunk, (size_t)n, err);
    }
    if (err->code == QS_OK)
        qs_splitter_finish(sp, err);
    return 0;
}

/* After the input is fed (and qs_splitter_finish wrote query.log's last batch): flush the
 * console, close it and query.log, query.log last, so a failure anywhere is seen before the
 * exit status says success. 0 or -1 (reported). */
static int finish_outputs(struct split_run *run, struct qs_splitter *sp,
                          const struct cli_split_io *io, int *out, struct qs_querylog **ql)
{
    struct qs_error err = QS_ERROR_INIT;
    if (cli_out_flush(&run->console))
        return -1;
    if (qs_splitter_set_querylog(sp, NULL, 0, &err)) { /* ql is closed below */
        cli_error("%s", err.text);
        return -1;
    }
    if (*out != 1 && close(*out) != 0) {
        *out = 1;
        cli_syserror(errno, "%s: close failed", io->console_path);
        return -1;
    }
    *out = 1;
    if (qs_querylog_close(ql, &err)) {
        cli_error("%s", err.text);
        return -1;
    }
    return 0;
}

int cli_split_run(const struct qs_config *cfg, struct cli_input *in,
                  const struct cli_split_io *io)
{
    int status = 1, out = 1;
    struct qs_splitter *sp = NULL;
    struct qs_querylog *ql = NULL;
    struct qs_error err = QS_ERROR_INIT;
    struct split_run run;
    char *chunk = NULL;
    memset(&run, 0, sizeof run);

    if (open_outputs(in, io, &out, &ql) != 0)
        goto done;
    if (cli_out_init(&run.console, out, io->console_path ? io->console_path : "(stdout)",
                     BATCH))
        goto done;
    run.total = S_ISREG(in->st.st_mode) ? (uint64_t)in->st.st_size : 0;
    run.progress = !io->quiet && (io->progress || isatty(2));
    clock_gettime(CLOCK_MONOTONIC, &run.start);
    run.last = run.start;
    /* query.log is the splitter's to write, in batches of whole records: one O_APPEND
     * write(2) per BATCH bytes, as the console. */
    if (qs_splitter_new(&sp, cfg, on_output, &run, &err) ||
        qs_splitter_set_querylog(sp, ql, BATCH, &err)) {
        cli_error("%s", err.text);
        goto done;
    }
    chunk = malloc(CHUNK);
    if (!chunk) {
        cli_error("out of memory");
        goto done;
    }
    if (feed_input(sp, in, chunk, &err) != 0)
        goto done;
    /* The callback reported a console failure itself; anything else is the splitter's: a
     * system error is query.log's and names it, the others are about the input. */
    if (err.code != QS_OK && !run.console.failed) {
        if (err.sys_errno)
            cli_error("%s", err.text);
        else
            cli_error("%s: %s", in->name, err.text);
    }
    if (err.code != QS_OK || finish_outputs(&run, sp, io, &out, &ql) != 0)
        goto done;
    status = 0;
    if (!io->quiet) {
        struct timespec end;
        clock_gettime(CLOCK_MONOTONIC, &end);
        struct qs_stats stats = QS_STATS_INIT;
        qs_splitter_get_stats(sp, &stats);
        if (run.progress)
            show_progress(&run, stats.bytes_in, 1);
        summary(&stats, since(&run.start, &end), io->query_path);
    }
done:
    free(chunk);
    qs_splitter_free(&sp);
    qs_querylog_close(&ql, NULL);
    cli_out_free(&run.console);
    if (out > 1)
        close(out);
    return status;
}
