/* qsplit.c — the qsplit command: split, hash, normalize, fingerprint, lookup.
 * Argument handling and files only; every SQL rule lives in libqsplit. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char usage[] =
    "Usage: qsplit COMMAND [OPTION]... [ARG]...\n"
    "Take SQL out of Spring/MyBatis console logs: every statement is hashed (its QHash),\n"
    "the console keeps one line ending in \"QHash\":\"<hash>\", the SQL goes to query.log.\n"
    "\n"
    "Commands:\n"
    "  split [INPUT]             console log -> console (stdout or --console) + query.log\n"
    "  hash [SQL]...             print the QHash of each SQL (or of standard input)\n"
    "  normalize [SQL]...        print N(sql), the text the QHash is computed over\n"
    "  fingerprint [SQL]...      print the literal-free fingerprint (--hash: its MD5)\n"
    "  lookup HASH [QUERY_LOG]...  print the SQL of a QHash (default file: query.log)\n"
    "\n"
    "Options: -h, --help (also after a command), -V, --version.\n"
    "Common to hash/normalize/fingerprint: --dialect default|mysql|postgres.\n"
    "Exit status: 0 success, 1 failure (or lookup: hash not found), 2 usage error.\n"
    "The QHash contract: docs/qhash.md.\n";

static const char text_usage[] =
    "Usage: qsplit %s [--dialect NAME]%s [SQL]...\n"
    "Print the %s of each SQL argument, one per line; with no SQL, of all of standard\n"
    "input read as one statement. Dialects: default, mysql, postgres.\n";

enum text_kind { K_HASH, K_NORMALIZE, K_FINGERPRINT };

/* Compute one result line for sql into a malloc'd string. */
static int text_one(enum text_kind kind, int fp_hash, unsigned dialect, struct qs_hasher *h,
                    const char *sql, size_t len)
{
    char hex[QS_HASH_HEX_LEN + 1];
    int rc;
    if (kind == K_HASH) {
        rc = qs_hasher_qhash(h, sql, len, dialect, hex);
    } else if (kind == K_FINGERPRINT && fp_hash) {
        rc = qs_hasher_fingerprint_hash(h, sql, len, dialect, hex);
    } else {
        size_t cap = kind == K_NORMALIZE ? qs_normalize_bound(len) : qs_fingerprint_bound(len);
        size_t n = 0;
        char *out = malloc(cap + 1);
        if (!out) {
            cli_error("out of memory");
            return 1;
        }
        rc = kind == K_NORMALIZE ? qs_normalize(sql, len, dialect, out, cap, &n)
                                 : qs_fingerprint(sql, len, dialect, out, cap, &n);
        if (rc == 0) {
            fwrite(out, 1, n, stdout);
            fputc('\n', stdout);
        }
        free(out);
        if (rc)
            cli_error("%s", qs_strerror(rc));
        return rc ? 1 : 0;
    }
    if (rc) {
        cli_error("%s", qs_strerror(rc));
        return 1;
    }
    puts(hex);
    return 0;
}

static int cmd_text(enum text_kind kind, int argc, char **argv)
{
    static const char *names[] = {"hash", "normalize", "fingerprint"};
    static const char *what[] = {"QHash (MD5 of N(sql))", "normalized text N(sql)",
                                 "literal-free fingerprint"};
    unsigned dialect = QS_DIALECT_DEFAULT;
    int fp_hash = 0, i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            printf(text_usage, names[kind], kind == K_FINGERPRINT ? " [--hash]" : "",
                   what[kind]);
            return 0;
        } else if (strcmp(a, "--dialect") == 0 && i + 1 < argc) {
            int d = cli_dialect(argv[++i]);
            if (d < 0) {
                cli_error("--dialect: unknown dialect '%s'", argv[i]);
                return EXIT_USAGE;
            }
            dialect = (unsigned)d;
        } else if (strncmp(a, "--dialect=", 10) == 0) {
            int d = cli_dialect(a + 10);
            if (d < 0) {
                cli_error("--dialect: unknown dialect '%s'", a + 10);
                return EXIT_USAGE;
            }
            dialect = (unsigned)d;
        } else if (kind == K_FINGERPRINT && strcmp(a, "--hash") == 0) {
            fp_hash = 1;
        } else {
            cli_error("%s: unknown option '%s'; try 'qsplit %s --help'", names[kind], a,
                      names[kind]);
            return EXIT_USAGE;
        }
    }
    struct qs_hasher *h = NULL;
    struct qs_error err = QS_ERROR_INIT;
    if (qs_hasher_new(&h, &err)) {
        cli_error("%s", err.text);
        return 1;
    }
    int status = 0;
    if (i == argc) {
        char *data = NULL;
        size_t len = 0;
        if (cli_slurp("-", &data, &len) != 0)
            status = 1;
        else
            status = text_one(kind, fp_hash, dialect, h, data, len);
        free(data);
    }
    for (; i < argc && status == 0; i++)
        status = text_one(kind, fp_hash, dialect, h, argv[i], strlen(argv[i]));
    qs_hasher_free(&h);
    if (fflush(stdout) != 0) {
        cli_syserror(errno, "(stdout): write failed");
        status = 1;
    }
    return status;
}

static const char lookup_usage[] =
    "Usage: qsplit lookup HASH [QUERY_LOG]...\n"
    "Print the SQL recorded for HASH (a QHash, 32 hex digits; a console line holding\n"
    "\"QHash\":\"…\" also works) from the query logs (default: query.log; - is stdin).\n"
    "Stops at the first match. Exit status: 0 found, 1 not found or unreadable, 2 usage.\n";

/* Take the hash out of HASH, or out of a pasted "QHash":"…" fragment. */
static int lookup_hash(const char *arg, char hash[QS_HASH_HEX_LEN + 1])
{
    const char *p = strstr(arg, "\"QHash\":\"");
    p = p ? p + 9 : arg;
    size_t n = 0;
    for (; n < QS_HASH_HEX_LEN && p[n]; n++) {
        char c = p[n];
        if (c >= 'A' && c <= 'F')
            c = (char)(c - 'A' + 'a');
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return -1;
        hash[n] = c;
    }
    hash[n] = '\0';
    return n == QS_HASH_HEX_LEN && (p == arg ? p[n] == '\0' : 1) ? 0 : -1;
}

static int lookup_file(const char *path, const char *hash, int *found)
{
    int is_stdin = strcmp(path, "-") == 0;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    if (!f) {
        cli_syserror(errno, "%s: cannot open", path);
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    struct qsp_buf sql = {0}; /* the decoded statement: never longer than its line */
    ssize_t n;
    int rc = 0;
    while (!*found && (n = getline(&line, &cap, f)) > 0) {
        /* Parse only lines that mention the hash: query logs run to gigabytes. */
        if (!memmem(line, (size_t)n, hash, QS_HASH_HEX_LEN))
            continue;
        if (qsp_buf_reserve(&sql, (size_t)n) != 0) {
            cli_error("out of memory");
            rc = -1;
            break;
        }
        char qh[QS_HASH_HEX_LEN + 1];
        size_t len = 0;
        if (qs_query_record_parse(line, (size_t)n, qh, sql.data, sql.cap, &len) == 0 &&
            memcmp(qh, hash, QS_HASH_HEX_LEN) == 0) {
            fwrite(sql.data, 1, len, stdout);
            fputc('\n', stdout);
            *found = 1;
        }
    }
    if (ferror(f)) {
        cli_syserror(errno, "%s: read failed", path);
        rc = -1;
    }
    free(line);
    qsp_buf_free(&sql);
    if (!is_stdin)
        fclose(f);
    return rc;
}

static int cmd_lookup(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        fputs(lookup_usage, stdout);
        return 0;
    }
    char hash[QS_HASH_HEX_LEN + 1];
    if (argc < 2) {
        cli_error("lookup needs a HASH; try 'qsplit lookup --help'");
        return EXIT_USAGE;
    }
    if (lookup_hash(argv[1], hash) != 0) {
        cli_error("'%s' is not a QHash (32 hex digits)", argv[1]);
        return EXIT_USAGE;
    }
    int found = 0, failed = 0;
    if (argc == 2)
        failed = lookup_file("query.log", hash, &found) != 0;
    for (int i = 2; i < argc && !found; i++)
        failed |= lookup_file(argv[i], hash, &found) != 0;
    if (fflush(stdout) != 0) {
        cli_syserror(errno, "(stdout): write failed");
        return 1;
    }
    if (!found && !failed)
        cli_error("%s: not found", hash);
    return found ? 0 : 1;
}

int main(int argc, char **argv)
{
    /* A file size limit must surface as EFBIG with a message, not kill us silently. */
    signal(SIGXFSZ, SIG_IGN);
    if (argc < 2) {
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage, stdout);
        return 0;
    }
    if (strcmp(cmd, "-V") == 0 || strcmp(cmd, "--version") == 0) {
        printf("qsplit %s (libqsplit %s)\n", QS_VERSION_STRING, qs_version());
        return 0;
    }
    if (strcmp(cmd, "split") == 0)
        return cmd_split(argc - 1, argv + 1);
    if (strcmp(cmd, "hash") == 0)
        return cmd_text(K_HASH, argc - 1, argv + 1);
    if (strcmp(cmd, "normalize") == 0)
        return cmd_text(K_NORMALIZE, argc - 1, argv + 1);
    if (strcmp(cmd, "fingerprint") == 0)
        return cmd_text(K_FINGERPRINT, argc - 1, argv + 1);
    if (strcmp(cmd, "lookup") == 0)
        return cmd_lookup(argc - 1, argv + 1);
    cli_error("unknown command '%s'; try 'qsplit --help'", cmd);
    return EXIT_USAGE;
}
