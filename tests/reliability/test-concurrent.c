/* test-concurrent.c — 2 processes x 16 threads append to one query.log through the public
 * API, the way the appender does (one splitter per thread, qs_splitter_event, one shared
 * qs_querylog per process). Every line must be a whole record whose QHash is the hash of
 * its sql, and every record must be there exactly once. Sizes run past 64 KiB (bigger than
 * a pipe buffer and than stdio's), where torn appends would show. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "qsplit.h"
#include "qstest.h"

#define PROCS 2
#define THREADS 16
#define MAX_PER_THREAD 2000

static int per_thread; /* MAX_PER_THREAD, a tenth under valgrind: set by main */

struct writer {
    struct qs_querylog *q;
    const struct qs_config *cfg;
    int proc, id;
};

static int ignore(void *user, const struct qs_output *o)
{
    (void)user;
    (void)o;
    return 0;
}

static void *write_records(void *arg)
{
    struct writer *w = arg;
    struct qs_splitter *s = NULL;
    if (qs_splitter_new(&s, w->cfg, ignore, NULL, NULL) != 0)
        abort();
    static const char pad[] =
        " AND c = 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'";
    char *msg = malloc(80 * 1024);
    if (!msg)
        abort();
    for (int i = 0; i < per_thread; i++) {
        int len = sprintf(msg, "==>  Preparing: SELECT p%d, t%d, i%d FROM t WHERE x = ?",
                          w->proc, w->id, i);
        /* mostly small, every 16th up to ~70 KiB */
        int reps = i % 16 == 0 ? (i * 7919) % 1100 : i % 8;
        for (int k = 0; k < reps; k++) {
            memcpy(msg + len, pad, sizeof pad - 1);
            len += (int)sizeof pad - 1;
        }
        struct qs_event ev = {.struct_size = sizeof(struct qs_event),
                              .logger = "c.e.UserMapper.select",
                              .logger_len = 21,
                              .message = msg,
                              .message_len = (size_t)len};
        const char *console, *query;
        size_t clen, qlen;
        if (qs_splitter_event(s, &ev, &console, &clen, &query, &qlen, NULL) != 1 || !query ||
            qs_querylog_append(w->q, query, qlen, NULL) != 0)
            abort();
    }
    free(msg);
    qs_splitter_free(&s);
    return NULL;
}

static void run_writers(const char *path, int proc)
{
    struct qs_config *cfg = NULL;
    struct qs_querylog *q = NULL;
    if (qs_config_new(&cfg, NULL) != 0 || qs_querylog_open(&q, path, 0, NULL) != 0)
        abort();
    pthread_t t[THREADS];
    struct writer w[THREADS];
    for (int i = 0; i < THREADS; i++) {
        w[i] = (struct writer){q, cfg, proc, i};
        if (pthread_create(&t[i], NULL, write_records, &w[i]) != 0)
            abort();
    }
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    if (qs_querylog_close(&q, NULL) != 0)
        abort();
    qs_config_free(&cfg);
}

int main(void)
{
    /* under valgrind the threads are serialised anyway */
    per_thread = (int)qst_light(MAX_PER_THREAD);
    char dir[] = "/tmp/qs-concurrent-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[64];
    snprintf(path, sizeof path, "%s/query.log", dir);
    mode_t old = umask(0);
    pid_t pid = fork();
    if (pid == 0) {
        run_writers(path, 1);
        _exit(0);
    }
    run_writers(path, 0);
    int status;
    waitpid(pid, &status, 0);
    umask(old);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    struct stat st;
    CHECK(stat(path, &st) == 0);
    CHECK_INT(st.st_mode & 0777, 0640); /* created 0640 whatever the umask */

    static unsigned char seen[PROCS][THREADS][MAX_PER_THREAD];
    struct qs_hasher *h = NULL;
    CHECK(qs_hasher_new(&h, NULL) == 0);
    FILE *f = fopen(path, "rb");
    CHECK(f != NULL);
    char *line = NULL, *sql = malloc(1 << 20);
    size_t cap = 0, n;
    ssize_t got;
    long lines = 0, torn = 0, badhash = 0, dups = 0, missing = 0;
    char hash[QS_HASH_HEX_LEN + 1], again[QS_HASH_HEX_LEN + 1];
    while (f && (got = getline(&line, &cap, f)) > 0) {
        lines++;
        int p, t, i;
        int rc = qs_query_record_parse(line, (size_t)got, hash, sql, (1 << 20) - 1, &n);
        if (rc == 0)
            sql[n] = '\0';
        if (rc != 0 || sscanf(sql, "SELECT p%d, t%d, i%d ", &p, &t, &i) != 3 || p < 0 ||
            p >= PROCS || t < 0 || t >= THREADS || i < 0 || i >= per_thread) {
            torn++;
            continue;
        }
        if (qs_hasher_qhash(h, sql, n, QS_DIALECT_DEFAULT, again) != 0 || strcmp(hash, again))
            badhash++;
        dups += seen[p][t][i]++ > 0;
    }
    for (int p = 0; p < PROCS; p++)
        for (int t = 0; t < THREADS; t++)
            for (int i = 0; i < per_thread; i++)
                missing += !seen[p][t][i];
    CHECK_INT(lines, PROCS * THREADS * per_thread);
    CHECK_INT(torn, 0);
    CHECK_INT(badhash, 0);
    CHECK_INT(dups, 0);
    CHECK_INT(missing, 0);
    fprintf(stderr,
            "concurrent: %ld records (%ld bytes) from %d processes x %d threads: %ld torn, "
            "%ld wrong QHash, %ld duplicated, %ld lost\n",
            lines, (long)st.st_size, PROCS, THREADS, torn, badhash, dups, missing);
    if (f)
        fclose(f);
    free(line);
    free(sql);
    qs_hasher_free(&h);
    unlink(path);
    rmdir(dir);
    return qst_done("test-concurrent");
}
