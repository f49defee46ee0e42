/* test-querylog.c — query.log records: encoding, parsing, appending under contention and
 * failure. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "querylog.h"
#include "qstest.h"

static const char H[] = "8c6b7778672a4222bf18d91a035cd86e";

static void encode_one(const char *sql, size_t len, struct qsp_buf *out, uint64_t *bad)
{
    struct qsp_query_fields f = {.qhash = H, .sql = sql, .sql_len = len};
    out->len = 0;
    CHECK_INT(qsp_query_encode(out, &f, bad, NULL), 0);
}

static void test_encode(void)
{
    struct qsp_buf out = {0};
    uint64_t bad = 0;
    const char *q1 = "SELECT \"a\"\n FROM t\tWHERE x = '\\'";
    encode_one(q1, strlen(q1), &out, &bad);
    const char *want = "{\"QHash\":\"8c6b7778672a4222bf18d91a035cd86e\",\"sql\":"
                       "\"SELECT \\\"a\\\"\\n FROM t\\tWHERE x = '\\\\'\"}\n";
    CHECK_MEM(out.data, out.len, want, strlen(want));
    CHECK_INT(bad, 0);

    /* Invalid UTF-8: each bad byte becomes U+FFFD; NUL is escaped; nothing dropped. */
    encode_one("a\xff"
               "b\x00"
               "c\xe2\x82",
               7, &out, &bad);
    want = "{\"QHash\":\"8c6b7778672a4222bf18d91a035cd86e\",\"sql\":"
           "\"a\xef\xbf\xbd"
           "b\\u0000c\xef\xbf\xbd\xef\xbf\xbd\"}\n";
    CHECK_MEM(out.data, out.len, want, strlen(want));
    CHECK_INT(bad, 3);

    /* Non-BMP characters and overlongs/surrogates. */
    bad = 0;
    encode_one("\xf0\x9f\x8c\x8a \xc0\xaf \xed\xa0\x80", 11, &out, &bad);
    CHECK(memmem(out.data, out.len, "\xf0\x9f\x8c\x8a", 4) != NULL);
    CHECK_INT(bad, 5);

    /* Extra keys come after QHash and sql, in this order. */
    struct qsp_query_fields f = {.qhash = H,
                                 .sql = "SELECT 1",
                                 .sql_len = 8,
                                 .ts = "T",
                                 .ts_len = 1,
                                 .thread = "main",
                                 .thread_len = 4,
                                 .logger = "L",
                                 .logger_len = 1,
                                 .fingerprint = "select ?",
                                 .fingerprint_len = 8,
                                 .fhash = H};
    out.len = 0;
    CHECK_INT(qsp_query_encode(&out, &f, &bad, NULL), 0);
    want = "{\"QHash\":\"8c6b7778672a4222bf18d91a035cd86e\",\"sql\":\"SELECT 1\",\"ts\":\"T\","
           "\"thread\":\"main\",\"logger\":\"L\",\"fingerprint\":\"select ?\","
           "\"FHash\":\"8c6b7778672a4222bf18d91a035cd86e\"}\n";
    CHECK_MEM(out.data, out.len, want, strlen(want));

    /* Round trip through the parser, a 5 MB statement included. */
    size_t big = 5u << 20;
    char *s = malloc(big);
    for (size_t i = 0; i < big; i++)
        s[i] = "ab\"\\\n\t\x01\xc3\xa9"[i % 9];
    bad = 0;
    encode_one(s, big, &out, &bad);
    CHECK_INT(bad, 0);
    char hash[33];
    char *sql = malloc(out.len);
    size_t n = 0;
    CHECK_INT(qs_query_record_parse(out.data, out.len, hash, sql, out.len, &n), 0);
    CHECK_STR(hash, H);
    CHECK(n == big && memcmp(sql, s, big) == 0);
    CHECK_INT(qs_query_record_parse(out.data, out.len, hash, sql, 10, &n), QS_ERANGE);
    free(sql);
    free(s);
    qsp_buf_free(&out);
}

static void test_parse_rejects(void)
{
    char hash[33], sql[64];
    size_t n;
    const char *bad[] = {
        "",
        "not json",
        "{\"QHash\":\"8c6b\",\"sql\":\"x\"}",
        "{\"QHash\":\"8C6B7778672A4222BF18D91A035CD86E\",\"sql\":\"x\"}",
        "{\"QHash\":\"8c6b7778672a4222bf18d91a035cd86e\"}",
        "{\"QHash\":\"8c6b7778672a4222bf18d91a035cd86e\",\"sql\":5}",
        "[\"8c6b7778672a4222bf18d91a035cd86e\"]",
        "{\"QHash\":\"8c6b7778672a4222bf18d91a035cd86e\",\"sql\":\"unterminated}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK_INT(qs_query_record_parse(bad[i], strlen(bad[i]), hash, sql, sizeof sql, &n),
                  QS_ENOTFOUND);
    const char *ok = "{\"QHash\":\"8c6b7778672a4222bf18d91a035cd86e\",\"sql\":\"a\\u0000b\","
                     "\"ts\":\"x\"}\n";
    CHECK_INT(qs_query_record_parse(ok, strlen(ok), hash, sql, sizeof sql, &n), 0);
    CHECK_MEM(sql, n, "a\0b", 3);
}

static void test_errors(void)
{
    struct qs_querylog *q = NULL;
    struct qs_error err = QS_ERROR_INIT;
    CHECK_INT(qs_querylog_open(&q, "/nonexistent-dir/query.log", 0, &err), QS_EIO);
    CHECK_INT(err.sys_errno, ENOENT);
    CHECK(strstr(err.text, "/nonexistent-dir/query.log") != NULL);
    CHECK(q == NULL);

    qs_error_clear(&err);
    if (qs_querylog_open(&q, "/dev/full", 0, &err) == 0) {
        CHECK_INT(qs_querylog_append(q, "x\n", 2, &err), QS_ENOSPC);
        CHECK_INT(err.sys_errno, ENOSPC);
        CHECK(strstr(err.text, "No space left") != NULL);
        CHECK_INT(qs_querylog_close(&q, NULL), 0);
    }

    /* A file size limit surfaces as QS_ENOSPC (EFBIG), not a silent loss or a signal. */
    char path[] = "/tmp/qs-test-fsize-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    pid_t pid = fork();
    if (pid == 0) {
        signal(SIGXFSZ, SIG_IGN);
        struct rlimit rl = {4096, 4096};
        setrlimit(RLIMIT_FSIZE, &rl);
        struct qs_querylog *w = NULL;
        struct qs_error e = QS_ERROR_INIT;
        if (qs_querylog_open(&w, path, 0, &e))
            _exit(3);
        char rec[1000];
        memset(rec, 'x', sizeof rec - 1);
        rec[sizeof rec - 1] = '\n';
        for (int i = 0; i < 10; i++)
            if (qs_querylog_append(w, rec, sizeof rec, &e) != 0)
                _exit(e.code == QS_ENOSPC && e.sys_errno == EFBIG ? 0 : 4);
        _exit(5);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    unlink(path);

    CHECK_INT(qs_querylog_append(NULL, "x", 1, NULL), QS_EINVAL);
    CHECK_INT(qs_querylog_close(NULL, NULL), 0);
}

/* Writers hammer one file; every record must come out whole, exactly once. */
#define THREADS 8
#define PER_THREAD 1500
static int per_thread; /* PER_THREAD, a tenth under valgrind: set by test_concurrent */

struct writer {
    struct qs_querylog *q;
    int proc, id;
};

static void *write_records(void *arg)
{
    struct writer *w = arg;
    struct qsp_buf out = {0};
    char sql[70000];
    for (int i = 0; i < per_thread; i++) {
        /* Sizes up to 64 KiB: larger than a pipe buffer, the classic tearing case. */
        size_t len = (size_t)snprintf(sql, sizeof sql, "SELECT %d, %d, %d", w->proc, w->id, i);
        size_t pad = (size_t)(i % 16 == 0 ? (i * 7919) % 65536 : i % 512);
        memset(sql + len, 'p', pad);
        len += pad;
        struct qsp_query_fields f = {.qhash = H, .sql = sql, .sql_len = len};
        out.len = 0;
        if (qsp_query_encode(&out, &f, NULL, NULL) != 0 ||
            qs_querylog_append(w->q, out.data, out.len, NULL) != 0)
            abort();
    }
    qsp_buf_free(&out);
    return NULL;
}

static void run_writers(const char *path, int proc)
{
    struct qs_querylog *q = NULL;
    if (qs_querylog_open(&q, path, 0, NULL) != 0)
        abort();
    pthread_t t[THREADS];
    struct writer w[THREADS];
    for (int i = 0; i < THREADS; i++) {
        w[i] = (struct writer){q, proc, i};
        pthread_create(&t[i], NULL, write_records, &w[i]);
    }
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    qs_querylog_close(&q, NULL);
}

static void test_concurrent(void)
{
    per_thread = (int)qst_light(PER_THREAD);
    char path[] = "/tmp/qs-test-concurrent-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    pid_t pid = fork();
    if (pid == 0) {
        run_writers(path, 1);
        _exit(0);
    }
    run_writers(path, 0);
    int status;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    static unsigned char seen[2][THREADS][PER_THREAD];
    memset(seen, 0, sizeof seen);
    FILE *f = fopen(path, "rb");
    char *line = NULL, *sql = malloc(1 << 20);
    size_t cap = 0, n;
    ssize_t got;
    int lines = 0, broken = 0, dups = 0;
    char hash[33];
    while ((got = getline(&line, &cap, f)) > 0) {
        lines++;
        int p, t, i;
        int rc = qs_query_record_parse(line, (size_t)got, hash, sql, (1 << 20) - 1, &n);
        if (rc == 0)
            sql[n] = '\0';
        if (rc != 0 || sscanf(sql, "SELECT %d, %d, %d", &p, &t, &i) != 3 || p < 0 || p > 1 ||
            t < 0 || t >= THREADS || i < 0 || i >= per_thread) {
            broken++;
            continue;
        }
        dups += seen[p][t][i]++ > 0;
    }
    int missing = 0;
    for (int p = 0; p < 2; p++)
        for (int t = 0; t < THREADS; t++)
            for (int i = 0; i < per_thread; i++)
                missing += !seen[p][t][i];
    CHECK_INT(lines, 2 * THREADS * per_thread);
    CHECK_INT(broken, 0);
    CHECK_INT(dups, 0);
    CHECK_INT(missing, 0);
    fprintf(stderr, "concurrent: %d records from 2 processes x %d threads, %d torn, %d lost\n",
            lines, THREADS, broken, missing);
    free(line);
    free(sql);
    fclose(f);
    unlink(path);
}

/* Deleted or replaced while open: appends reach a new file at the path within a second. */
static void test_reopen(void)
{
    char dir[] = "/tmp/qs-test-reopen-XXXXXX", path[64];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/query.log", dir);
    struct qs_querylog *q = NULL;
    CHECK_INT(qs_querylog_open(&q, path, 0, NULL), 0);
    CHECK_INT(qs_querylog_append(q, "a\n", 2, NULL), 0);
    CHECK_INT(unlink(path), 0); /* deleted: the very next append finds a new file */
    CHECK_INT(qs_querylog_append(q, "b\n", 2, NULL), 0);
    size_t n = 0;
    FILE *f = fopen(path, "rb");
    CHECK(f != NULL);
    if (f) {
        fclose(f);
        char *back = qst_slurp(path, &n);
        CHECK_MEM(back, n, "b\n", 2);
        free(back);
    }
    /* replaced by a rename: appends follow the path within a second */
    char moved[80];
    snprintf(moved, sizeof moved, "%s.1", path);
    CHECK_INT(rename(path, moved), 0);
    usleep(1100 * 1000);
    CHECK_INT(qs_querylog_append(q, "c\n", 2, NULL), 0);
    char *back = qst_slurp(path, &n);
    CHECK_MEM(back, n, "c\n", 2);
    free(back);
    unlink(moved);
    CHECK_INT(qs_querylog_close(&q, NULL), 0);
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    test_reopen();
    test_encode();
    test_parse_rejects();
    test_errors();
    test_concurrent();
    return qst_done("test-querylog");
}
