/* example.c — libqsplit from another program: split a console log read on stdin,
 * console to stdout, SQL records appended to the query log named on the command line.
 *
 *   cc example.c $(pkg-config --cflags --libs qsplit) -o qsplit-example
 *   ./qsplit-example query.log < console.log > console.split.log
 */
#include <stdio.h>
#include <string.h>

#include <qsplit.h>

/* The console side is ours; the query lines go to the splitter's query log by itself. */
static int on_record(void *user, const struct qs_output *out)
{
    (void)user;
    return fwrite(out->console, 1, out->console_len, stdout) != out->console_len;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s QUERY_LOG < console.log > console.split.log\n", argv[0]);
        return 2;
    }
    struct qs_error err = QS_ERROR_INIT;
    struct qs_config *cfg = NULL;
    struct qs_querylog *ql = NULL;
    struct qs_splitter *sp = NULL;
    int status = 1;

    if (qs_config_new(&cfg, &err) || qs_querylog_open(&ql, argv[1], 0640, &err) ||
        qs_splitter_new(&sp, cfg, on_record, NULL, &err) ||
        /* Whole records, one O_APPEND write per 64 KiB: safe even if other processes
         * write the same query log. finish writes the last batch. */
        qs_splitter_set_querylog(sp, ql, 65536, &err))
        goto out;
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, stdin)) > 0)
        if (qs_splitter_feed(sp, buf, n, &err))
            goto out;
    if (ferror(stdin) || qs_splitter_finish(sp, &err))
        goto out;
    struct qs_stats st = QS_STATS_INIT;
    qs_splitter_get_stats(sp, &st);
    fprintf(stderr, "%llu records, %llu with SQL, %llu distinct QHashes\n",
            (unsigned long long)st.records, (unsigned long long)st.sql_records,
            (unsigned long long)st.distinct_qhash);
    status = 0;
out:
    if (status)
        fprintf(stderr, "%s: %s\n", argv[0], err.code ? err.text : "read or write failed");
    qs_splitter_free(&sp);
    if (qs_querylog_close(&ql, &err) && status == 0) {
        fprintf(stderr, "%s: %s\n", argv[0], err.text);
        status = 1;
    }
    qs_config_free(&cfg);
    return status;
}
