/* cli_split.c — `qsplit split`: its options, and what to do with them (the way zstd's
 * programs/zstdcli.c is to fileio.c). The files are opened, read and written in
 * cli_fileio.c. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char split_usage[] =
    "Usage: qsplit split [OPTION]... [INPUT]\n"
    "Rewrite a console log: each SQL-bearing record becomes one line ending in\n"
    "\"QHash\":\"<hash>\", and the SQL goes to query.log as one JSON object per line.\n"
    "With no INPUT, or INPUT -, read standard input (streaming, constant memory).\n"
    "\n"
    "  -c, --console FILE     write the console here (default: standard output)\n"
    "  -o, --query FILE       append query records here (default: query.log;\n"
    "                         - is standard output, with --console FILE)\n"
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
    struct qs_error err = QS_ERROR_INIT;
    if (qs_config_set_option(cfg, name, value, &err) == 0)
        return 0;
    cli_error("--%s", err.text);
    return -1;
}

/* --file-mode MODE: an octal mode from 1 to 0777 into *mode; -1 (reported) otherwise. */
static int parse_file_mode(const char *arg, unsigned *mode)
{
    char *end;
    errno = 0;
    unsigned long m = strtoul(arg, &end, 8);
    if (errno || end == arg || *end || !m || m > 0777 || arg[0] == '-') {
        cli_error("--file-mode: '%s' is not an octal mode such as 0640", arg);
        return -1;
    }
    *mode = (unsigned)m;
    return 0;
}

/* --fields LIST: repeated ones add up, as they always did. *joined is the list so far,
 * owned by the caller (NULL before the first). */
static int add_fields(struct qs_config *cfg, char **joined, const char *list)
{
    const char *sofar = *joined ? *joined : "";
    size_t l = strlen(sofar) + strlen(list) + 2;
    char *all = malloc(l);
    if (!all) {
        cli_error("out of memory");
        return -1;
    }
    snprintf(all, l, "%s%s%s", sofar, *sofar ? "," : "", list);
    free(*joined);
    *joined = all;
    return set_option(cfg, "fields", all);
}

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

static const struct option split_longopts[] = {
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

/* The command line into cfg and o: one getopt loop, as zstdcli.c's, where each flag is one
 * case and a core option one line. Returns 0 or EXIT_USAGE (reported). */
static int configure(struct qs_config *cfg, int argc, char **argv, struct split_opts *o)
{
    char *fields = NULL;
    int c, rc = 0;
    optind = 1;
    while (!rc && (c = getopt_long(argc, argv, "c:o:qh", split_longopts, NULL)) != -1) {
        switch (c) {
        case 'c': o->console_path = optarg; break;
        case 'o': o->query_path = optarg; break;
        case 'q': o->quiet = 1; break;
        case 'h': fputs(split_usage, stdout); exit(0);
        case O_PROGRESS: o->progress = 1; break;
        case O_EXPLAIN: o->explain = 1; break;
        case O_FILE_MODE: rc = parse_file_mode(optarg, &o->file_mode); break;
        /* The core's options, by their names in its table (qs_config_set_option): the same
         * names, types, bounds and messages as every other face. */
        case O_REDACT: rc = set_option(cfg, "redact", "true"); break;
        case O_DEDUPE: rc = set_option(cfg, "dedupe", "true"); break;
        case O_DEDUPE_SIZE: rc = set_option(cfg, "dedupe-size", optarg); break;
        case O_FIELDS: rc = add_fields(cfg, &fields, optarg); break;
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
    free(fields);
    return rc ? EXIT_USAGE : 0;
}

int cmd_split(int argc, char **argv)
{
    struct split_opts o = {NULL, "query.log", 0, 0, 0, 0640};
    struct qs_config *cfg = NULL;
    struct qs_error err = QS_ERROR_INIT;

    if (qs_config_new(&cfg, &err)) {
        cli_error("%s", err.text);
        return 1;
    }
    int status = configure(cfg, argc, argv, &o);
    if (!status && (!o.console_path || strcmp(o.console_path, "-") == 0) &&
        strcmp(o.query_path, "-") == 0 && !o.explain) {
        cli_error("--query - and the console would both go to standard output; give "
                  "--console FILE");
        status = EXIT_USAGE;
    }
    if (!status && argc - optind > 1) {
        cli_error("split takes one INPUT (got %d); try 'qsplit split --help'", argc - optind);
        status = EXIT_USAGE;
    }
    struct cli_input in;
    if (!status && cli_input_open(&in, optind < argc ? argv[optind] : "-") != 0)
        status = 1;
    if (!status) {
        const struct cli_split_io io = {o.console_path, o.query_path, o.file_mode, o.quiet,
                                        o.progress};
        status = o.explain ? cli_explain(cfg, in.fd, in.name) : cli_split_run(cfg, &in, &io);
        cli_input_close(&in);
    }
    qs_config_free(&cfg);
    return status;
}
