/* cli_split.c — `qsplit split`: rewrite a console log into console + query.log. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
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

static const char split_usage[] =
    "Usage: qsplit split [OPTION]... [INPUT]\n"
    "Rewrite a console log: each SQL-bearing record becomes one line ending in\n"
    "\"QHash\":\"<hash>\", and the SQL goes to query.log as one JSON object per line.\n"
    "With no INPUT, or INPUT -, read standard input (streaming, constant memory).\n"
    "\n"
    "  -c, --console FILE     write the console here (default: standard output)\n"
    "  -o, --query FILE       append query records here (default: query.log)\n"
    "      --redact           write the literal-free fingerprint instead of the SQL\n"
    "      --dedupe           write a QHash's record only the first time it is seen\n"
    "      --dedupe-size N    QHashes remembered by --dedupe (default 65536)\n"
    "      --fields LIST      extra keys: ts,thread,logger,fingerprint,took_ms\n"
    "                         (comma-separated; took_ms where the log states it)\n"
    "      --pattern REGEX    record-start pattern (PCRE2; see docs/cli.md); without\n"
    "                         it the layouts of docs/layouts.md are known\n"
    "      --explain          for the first records of INPUT, print which layout and\n"
    "                         which recognizer were used, or why a record was left\n"
    "                         alone; writes no console and no query.log\n"
    "      --sql-logger NAME  the whole message of this logger is SQL (repeatable;\n"
    "                         a trailing * matches a prefix)\n"
    "      --sql-regex REGEX  messages matching REGEX carry SQL in group (?<sql>…)\n"
    "      --p6spy-format FMT p6spy's customLogMessageFormat, as in spy.properties\n"
    "                         (e.g. '%(currentTime)|%(executionTime)|%(category)|%(sql)')\n"
    "      --no-builtin       do not recognise MyBatis, boundSql, p6spy, Hibernate,\n"
    "                         log4jdbc and datasource-proxy by default\n"
    "      --dialect NAME     default, mysql or postgres (comment and quote rules)\n"
    "      --max-record SIZE  larger records pass through unsplit (default 8M)\n"
    "      --file-mode MODE   octal mode of the files split creates (default 0640;\n"
    "                         the umask applies)\n"
    "  -q, --quiet            no progress bar, no summary\n"
    "      --progress         show the progress bar even when stderr is not a terminal\n"
    "  -h, --help             show this help\n"
    "\n"
    "Exit status: 0 success, 1 an input or output failed, 2 usage error.\n";

struct split_run {
    struct cli_out console, query;
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

static int on_output(void *user, const struct qs_output *out)
{
    struct split_run *r = user;
    if (cli_out_add(&r->console, out->console, out->console_len) != 0)
        return 1;
    if (out->query && cli_out_add(&r->query, out->query, out->query_len) != 0)
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

/* What the split command line says besides the core's configuration. */
struct split_opts {
    const char *console_path; /* NULL: standard output */
    const char *query_path;
    int quiet, progress;
    int explain;        /* --explain: tell, split nothing */
    unsigned file_mode; /* of the files created: console and query.log */
};

/* One core option; a refusal is printed as "--name: why" (the core's text starts with the
 * name). */
static int set_option(struct qs_config *cfg, const char *name, const char *value)
{
    struct qs_error err = {0};
    if (qs_config_set_option(cfg, name, value, &err) == 0)
        return 0;
    cli_error("--%s", err.text);
    return -1;
}

static int configure(struct qs_config *cfg, int argc, char **argv, struct split_opts *o)
{
    enum {
        O_REDACT = 256,
        O_DEDUPE,
        O_DEDUPE_SIZE,
        O_FIELDS,
        O_PATTERN,
        O_SQL_LOGGER,
        O_SQL_REGEX,
        O_NO_BUILTIN,
        O_DIALECT,
        O_MAX_RECORD,
        O_PROGRESS,
        O_FILE_MODE,
        O_P6SPY_FORMAT,
        O_EXPLAIN
    };
    static const struct option opts[] = {
        {"console", required_argument, 0, 'c'},
        {"query", required_argument, 0, 'o'},
        {"redact", no_argument, 0, O_REDACT},
        {"dedupe", no_argument, 0, O_DEDUPE},
        {"dedupe-size", required_argument, 0, O_DEDUPE_SIZE},
        {"fields", required_argument, 0, O_FIELDS},
        {"pattern", required_argument, 0, O_PATTERN},
        {"sql-logger", required_argument, 0, O_SQL_LOGGER},
        {"sql-regex", required_argument, 0, O_SQL_REGEX},
        {"no-builtin", no_argument, 0, O_NO_BUILTIN},
        {"dialect", required_argument, 0, O_DIALECT},
        {"max-record", required_argument, 0, O_MAX_RECORD},
        {"quiet", no_argument, 0, 'q'},
        {"progress", no_argument, 0, O_PROGRESS},
        {"file-mode", required_argument, 0, O_FILE_MODE},
        {"p6spy-format", required_argument, 0, O_P6SPY_FORMAT},
        {"explain", no_argument, 0, O_EXPLAIN},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    const char *fields = NULL;
    char *fields_buf = NULL;
    int c, rc = 0;
    optind = 1;
    while (!rc && (c = getopt_long(argc, argv, "c:o:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'c': o->console_path = optarg; break;
        case 'o': o->query_path = optarg; break;
        case 'q': o->quiet = 1; break;
        case 'h': fputs(split_usage, stdout); exit(0);
        case O_PROGRESS: o->progress = 1; break;
        case O_EXPLAIN: o->explain = 1; break;
        case O_FILE_MODE: {
            char *end;
            errno = 0;
            unsigned long m = strtoul(optarg, &end, 8);
            if (errno || end == optarg || *end || !m || m > 0777 || optarg[0] == '-') {
                cli_error("--file-mode: '%s' is not an octal mode such as 0640", optarg);
                rc = -1;
                break;
            }
            o->file_mode = (unsigned)m;
            break;
        }
        /* The core's options, by their names in its table (qs_config_set_option): the same
         * names, types, bounds and messages as every other face. */
        case O_REDACT: rc = set_option(cfg, "redact", "true"); break;
        case O_DEDUPE: rc = set_option(cfg, "dedupe", "true"); break;
        case O_DEDUPE_SIZE: rc = set_option(cfg, "dedupe-size", optarg); break;
        case O_FIELDS:
            /* repeated --fields add up, as they always did */
            fields = fields ? fields : "";
            {
                size_t l = strlen(fields) + strlen(optarg) + 2;
                char *joined = malloc(l);
                if (!joined) {
                    cli_error("out of memory");
                    rc = -1;
                    break;
                }
                snprintf(joined, l, "%s%s%s", fields, *fields ? "," : "", optarg);
                free(fields_buf);
                fields = fields_buf = joined;
            }
            rc = set_option(cfg, "fields", fields);
            break;
        case O_PATTERN: rc = set_option(cfg, "pattern", optarg); break;
        case O_SQL_LOGGER: rc = set_option(cfg, "sql-logger", optarg); break;
        case O_SQL_REGEX: rc = set_option(cfg, "sql-regex", optarg); break;
        case O_P6SPY_FORMAT: rc = set_option(cfg, "p6spy-format", optarg); break;
        case O_NO_BUILTIN: rc = set_option(cfg, "builtin", "false"); break;
        case O_DIALECT: rc = set_option(cfg, "dialect", optarg); break;
        case O_MAX_RECORD: rc = set_option(cfg, "max-record", optarg); break;
        default:
            fputs("Try 'qsplit split --help'.\n", stderr);
            rc = -1;
            break;
        }
    }
    free(fields_buf);
    return rc ? EXIT_USAGE : 0;
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
            query_path);
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

int cmd_split(int argc, char **argv)
{
    struct split_opts o = {NULL, "query.log", 0, 0, 0, 0640};
    int status = 1;
    struct qs_config *cfg = NULL;
    struct qs_splitter *sp = NULL;
    struct qs_querylog *ql = NULL;
    struct qs_error err = {0};
    struct split_run run;
    memset(&run, 0, sizeof run);

    if (qs_config_new(&cfg, &err)) {
        cli_error("%s", err.text);
        return 1;
    }
    int rc = configure(cfg, argc, argv, &o);
    const char *console_path = o.console_path, *query_path = o.query_path;
    if (rc) {
        qs_config_free(&cfg);
        return rc;
    }
    if (argc - optind > 1) {
        cli_error("split takes one INPUT (got %d); try 'qsplit split --help'", argc - optind);
        qs_config_free(&cfg);
        return EXIT_USAGE;
    }
    const char *in_path = optind < argc ? argv[optind] : "-";
    int in_stdin = strcmp(in_path, "-") == 0;
    const char *in_name = in_stdin ? "(stdin)" : in_path;
    int in = in_stdin ? 0 : open(in_path, O_RDONLY | O_CLOEXEC);
    int out = 1;
    char *chunk = NULL;
    if (in < 0) {
        cli_syserror(errno, "%s: cannot open", in_path);
        goto done;
    }
    struct stat st;
    if (fstat(in, &st) == 0 && S_ISDIR(st.st_mode)) {
        cli_error("%s: is a directory", in_name);
        goto done;
    }
    if (o.explain) {
        status = cli_explain(cfg, in, in_name);
        goto done;
    }
    if (console_path && strcmp(console_path, "-") != 0) {
        /* Truncate only after making sure the output is not the input. */
        out = open(console_path, O_WRONLY | O_CREAT | O_CLOEXEC, (mode_t)o.file_mode);
        if (out < 0) {
            cli_syserror(errno, "%s: cannot open for writing", console_path);
            goto done;
        }
    }
    if (same_file(in, out)) {
        cli_error("%s: the console output is the input file; choose another --console",
                  in_name);
        goto done;
    }
    struct stat ost;
    if (out != 1 && fstat(out, &ost) == 0 && S_ISREG(ost.st_mode) && ftruncate(out, 0) != 0) {
        cli_syserror(errno, "%s: cannot truncate", console_path);
        goto done;
    }
    if (qs_querylog_open(&ql, query_path, o.file_mode, &err)) {
        cli_error("%s", err.text);
        goto done;
    }
    if (cli_out_init(&run.console, out, console_path ? console_path : "(stdout)", BATCH) ||
        cli_out_init(&run.query, -1, query_path, BATCH))
        goto done;
    run.query.ql = ql;
    run.total = S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
    run.progress = !o.quiet && (o.progress || isatty(2));
    clock_gettime(CLOCK_MONOTONIC, &run.start);
    run.last = run.start;
    if (qs_splitter_new(&sp, cfg, on_output, &run, &err)) {
        cli_error("%s", err.text);
        goto done;
    }
    chunk = malloc(CHUNK);
    if (!chunk) {
        cli_error("out of memory");
        goto done;
    }
    /* A regular file is mapped a window at a time: no copy through read(2), and the
     * window's pages leave memory when it is unmapped, so RSS stays bounded. What the file
     * grew by meanwhile, and anything that cannot be mapped, is read() below. */
    if (S_ISREG(st.st_mode) && st.st_size > 0) {
        off_t off = 0;
        while (off < st.st_size && err.code == QS_OK) {
            size_t win =
                (size_t)(st.st_size - off < (off_t)WINDOW ? st.st_size - off : WINDOW);
            void *map = mmap(NULL, win, PROT_READ, MAP_PRIVATE | MAP_POPULATE, in, off);
            if (map == MAP_FAILED)
                break;
            madvise(map, win, MADV_SEQUENTIAL);
            qs_splitter_feed(sp, map, win, &err);
            munmap(map, win);
            off += (off_t)win;
        }
        if (off > 0 && lseek(in, off, SEEK_SET) < 0) {
            cli_syserror(errno, "%s: seek failed", in_name);
            goto done;
        }
    }
    while (err.code == QS_OK) {
        ssize_t n = read(in, chunk, CHUNK);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            cli_syserror(errno, "%s: read failed", in_name);
            goto done;
        }
        if (n == 0)
            break;
        qs_splitter_feed(sp, chunk, (size_t)n, &err);
    }
    if (err.code == QS_OK)
        qs_splitter_finish(sp, &err);
    /* The callback reported an output failure itself; anything else is the splitter's. */
    if (err.code != QS_OK && !run.console.failed && !run.query.failed)
        cli_error("%s: %s", in_name, err.text);
    if (err.code != QS_OK || cli_out_flush(&run.query) || cli_out_flush(&run.console))
        goto done;
    if (out != 1 && close(out) != 0) {
        out = 1;
        cli_syserror(errno, "%s: close failed", console_path);
        goto done;
    }
    out = 1;
    if (qs_querylog_close(&ql, &err)) {
        cli_error("%s", err.text);
        goto done;
    }
    status = 0;
    if (!o.quiet) {
        struct timespec end;
        clock_gettime(CLOCK_MONOTONIC, &end);
        struct qs_stats stats;
        qs_splitter_get_stats(sp, &stats);
        if (run.progress)
            show_progress(&run, stats.bytes_in, 1);
        summary(&stats, since(&run.start, &end), query_path);
    }
done:
    free(chunk);
    qs_splitter_free(&sp);
    qs_querylog_close(&ql, NULL);
    cli_out_free(&run.console);
    cli_out_free(&run.query);
    if (out > 1)
        close(out);
    if (in > 0)
        close(in);
    qs_config_free(&cfg);
    return status;
}
