/* test-sink.c — a splitter writing its own query.log (qs_splitter_set_querylog): batches of
 * whole records, what flush, finish and free write, the event path, a failing write naming
 * the file, rotation, and many splitters sharing one query log. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "qsplit.h"
#include "qstest.h"

#define P "2021-05-25 18:32:35.710 DEBUG 10788 --- [main] c.e.mapper.UserMapper.find : "

static struct qs_config *cfg;

/* What the callback saw of the query side: every record's lines, in order. */
struct seen {
    char *query;
    size_t len, cap;
};

static int on_output(void *user, const struct qs_output *o)
{
    struct seen *s = user;
    if (!o->query)
        return 0;
    if (s->len + o->query_len > s->cap) {
        s->cap = (s->len + o->query_len) * 2;
        s->query = realloc(s->query, s->cap);
        if (!s->query)
            abort();
    }
    memcpy(s->query + s->len, o->query, o->query_len);
    s->len += o->query_len;
    return 0;
}

/* One MyBatis record whose statement is SELECT id, tag, then pad bytes of 'x'. */
static size_t record(char *buf, size_t cap, int id, int tag, size_t pad)
{
    int n = snprintf(buf, cap, P "==>  Preparing: SELECT %d, %d, '", id, tag);
    size_t len = (size_t)n;
    memset(buf + len, 'x', pad);
    len += pad;
    memcpy(buf + len, "'\n", 2);
    return len + 2;
}

static long long fsize(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

static char *tmp_path(char *dir, size_t dcap, char *path, size_t pcap)
{
    snprintf(dir, dcap, "/tmp/qs-test-sink-XXXXXX");
    if (!mkdtemp(dir))
        abort();
    snprintf(path, pcap, "%s/query.log", dir);
    return path;
}

/* Every line of data[0..n) is a whole query.log record. */
static int whole_records(const char *data, size_t n)
{
    char qhash[QS_HASH_HEX_LEN + 1];
    size_t sql_len;
    for (size_t i = 0; i < n;) {
        const char *nl = memchr(data + i, '\n', n - i);
        if (!nl || qs_query_record_parse(data + i, (size_t)(nl + 1 - (data + i)), qhash, NULL,
                                         0, &sql_len) != 0)
            return 0;
        i = (size_t)(nl + 1 - data);
    }
    return 1;
}

/* Batches: nothing written until a batch is full; each write is whole records and at most
 * the batch (a record larger than it goes on its own); finish writes the rest; the file
 * is exactly what the callback was shown. */
static void test_batches(void)
{
    enum { BATCH = 4096, BIG = 100 };
    char dir[64], path[96], buf[16384];
    tmp_path(dir, sizeof dir, path, sizeof path);
    struct qs_querylog *ql = NULL;
    struct qs_splitter *sp = NULL;
    struct seen seen = {0};
    struct qs_error err = QS_ERROR_INIT;
    CHECK_INT(qs_querylog_open(&ql, path, 0, &err), 0);
    CHECK_INT(qs_splitter_new(&sp, cfg, on_output, &seen, &err), 0);
    CHECK_INT(qs_splitter_set_querylog(sp, ql, BATCH, &err), 0);
    long long before = 0;
    int writes = 0, bad_growth = 0, not_whole = 0;
    for (int i = 0; i < 200; i++) {
        size_t pad = i == BIG ? 9000 : (size_t)(i * 37 % 300);
        size_t n = record(buf, sizeof buf, i, 0, pad);
        CHECK_INT(qs_splitter_feed(sp, buf, n, &err), 0);
        long long now = fsize(path);
        if (now == before)
            continue;
        writes++;
        /* A record is emitted when the next one starts: the big one leaves at i = BIG + 1,
         * after the batch it does not fit in. */
        if (now - before > BATCH && i != BIG + 1)
            bad_growth++;
        size_t got;
        char *data = qst_slurp(path, &got);
        CHECK_INT(got, now);
        if (!whole_records(data + before, (size_t)(now - before)))
            not_whole++;
        /* Batched: the file only grows once a batch's worth was queued. */
        if (writes == 1)
            CHECK(seen.len > BATCH - 400);
        free(data);
        before = now;
    }
    CHECK_INT(bad_growth, 0);
    CHECK_INT(not_whole, 0);
    CHECK(writes > 5 && writes < 40);
    CHECK(fsize(path) < (long long)seen.len); /* the last batch waits... */
    CHECK_INT(qs_splitter_finish(sp, &err), 0);
    size_t got;
    char *data = qst_slurp(path, &got);
    CHECK_MEM(data, got, seen.query, seen.len); /* ...for finish, and nothing is lost */
    struct qs_stats st = QS_STATS_INIT;
    qs_splitter_get_stats(sp, &st);
    CHECK_INT(st.query_records, 200);
    CHECK_INT(st.bytes_query, got);
    free(data);
    qs_splitter_free(&sp);
    CHECK_INT(qs_querylog_close(&ql, &err), 0);
    free(seen.query);
    unlink(path);
    rmdir(dir);
}

/* flush writes what is queued and keeps the splitter going; free writes what is still
 * queued; replacing the sink writes the old one's batch first. */
static void test_flush_free(void)
{
    char dir[64], path[96], path2[112], buf[1024];
    tmp_path(dir, sizeof dir, path, sizeof path);
    snprintf(path2, sizeof path2, "%s/other.log", dir);
    struct qs_querylog *ql = NULL, *ql2 = NULL;
    struct qs_splitter *sp = NULL;
    struct seen seen = {0};
    CHECK_INT(qs_querylog_open(&ql, path, 0, NULL), 0);
    CHECK_INT(qs_querylog_open(&ql2, path2, 0, NULL), 0);
    CHECK_INT(qs_splitter_new(&sp, cfg, on_output, &seen, NULL), 0);
    CHECK_INT(qs_splitter_set_querylog(sp, ql, 1 << 20, NULL), 0);
    for (int i = 0; i < 3; i++)
        CHECK_INT(qs_splitter_feed(sp, buf, record(buf, sizeof buf, i, 1, 10), NULL), 0);
    CHECK_INT(fsize(path), 0);
    CHECK_INT(qs_splitter_flush(sp, NULL), 0); /* the held third record is emitted too */
    CHECK_INT(fsize(path), (long long)seen.len);
    size_t three = seen.len;
    for (int i = 3; i < 5; i++)
        CHECK_INT(qs_splitter_feed(sp, buf, record(buf, sizeof buf, i, 1, 10), NULL), 0);
    CHECK_INT(fsize(path), (long long)three); /* record 3 is queued, 4 held */
    CHECK_INT(qs_splitter_set_querylog(sp, ql2, 1 << 20, NULL), 0);
    CHECK_INT(fsize(path),
              (long long)seen.len); /* the old sink's batch went to the old file */
    size_t four = seen.len;
    CHECK_INT(qs_splitter_feed(sp, buf, record(buf, sizeof buf, 5, 1, 10), NULL), 0);
    CHECK_INT(fsize(path2), 0);
    qs_splitter_free(&sp); /* record 4 was queued for ql2: free writes it */
    CHECK_INT(fsize(path2), (long long)(seen.len - four));
    CHECK_INT(qs_querylog_close(&ql, NULL), 0);
    CHECK_INT(qs_querylog_close(&ql2, NULL), 0);
    CHECK_INT(qs_splitter_set_querylog(NULL, NULL, 0, NULL), QS_EINVAL);
    free(seen.query);
    unlink(path);
    unlink(path2);
    rmdir(dir);
}

/* One event, batch 0: written by the call, *query still returned; deduped writes nothing. */
static void test_event(void)
{
    char dir[64], path[96];
    tmp_path(dir, sizeof dir, path, sizeof path);
    struct qs_config *dc = NULL;
    struct qs_querylog *ql = NULL;
    struct qs_splitter *sp = NULL;
    CHECK_INT(qs_config_new(&dc, NULL), 0);
    CHECK_INT(qs_config_set_option(dc, "dedupe", "true", NULL), 0);
    CHECK_INT(qs_querylog_open(&ql, path, 0, NULL), 0);
    CHECK_INT(qs_splitter_new(&sp, dc, NULL, NULL, NULL), 0);
    CHECK_INT(qs_splitter_set_querylog(sp, ql, 0, NULL), 0);
    struct qs_event ev = QS_EVENT_INIT;
    ev.logger = "c.e.mapper.UserMapper.find";
    ev.logger_len = strlen(ev.logger);
    ev.message = "==>  Preparing: SELECT a FROM t WHERE id = ?";
    ev.message_len = strlen(ev.message);
    const char *console, *query;
    size_t console_len, query_len;
    CHECK_INT(qs_splitter_event(sp, &ev, &console, &console_len, &query, &query_len, NULL), 1);
    CHECK(query != NULL);
    size_t got;
    char *data = qst_slurp(path, &got);
    CHECK_MEM(data, got, query, query_len);
    free(data);
    CHECK_INT(qs_splitter_event(sp, &ev, &console, &console_len, &query, &query_len, NULL), 1);
    CHECK(query == NULL); /* deduped */
    CHECK_INT(fsize(path), (long long)got);
    qs_splitter_free(&sp);
    CHECK_INT(qs_querylog_close(&ql, NULL), 0);
    qs_config_free(&dc);
    unlink(path);
    rmdir(dir);
}

/* /dev/full: the splitter's error, naming the file; sticky for a stream, per event for
 * events. */
static void test_full(void)
{
    struct qs_querylog *ql = NULL;
    if (qs_querylog_open(&ql, "/dev/full", 0, NULL) != 0) {
        fprintf(stderr, "test-sink: no /dev/full, its checks skipped\n");
        return;
    }
    char buf[1024];
    struct qs_splitter *sp = NULL;
    struct qs_error err = QS_ERROR_INIT;
    /* batch 0: the first emitted record fails the feed that emits it */
    CHECK_INT(qs_splitter_new(&sp, cfg, NULL, NULL, NULL), 0);
    CHECK_INT(qs_splitter_set_querylog(sp, ql, 0, NULL), 0);
    CHECK_INT(qs_splitter_feed(sp, buf, record(buf, sizeof buf, 1, 2, 5), &err), 0);
    CHECK_INT(qs_splitter_feed(sp, buf, record(buf, sizeof buf, 2, 2, 5), &err), QS_ENOSPC);
    CHECK_INT(err.sys_errno, ENOSPC);
    CHECK(strstr(err.text, "/dev/full") != NULL);
    CHECK(strstr(err.text, "No space left") != NULL);
    qs_error_clear(&err);
    CHECK_INT(qs_splitter_feed(sp, buf, record(buf, sizeof buf, 3, 2, 5), &err), QS_ENOSPC);
    CHECK(strstr(err.text, "earlier error") != NULL); /* sticky */
    CHECK_INT(qs_splitter_finish(sp, NULL), QS_ENOSPC);
    qs_splitter_free(&sp);

    /* batched: the failure shows at finish, which writes the last batch */
    qs_error_clear(&err);
    CHECK_INT(qs_splitter_new(&sp, cfg, NULL, NULL, NULL), 0);
    CHECK_INT(qs_splitter_set_querylog(sp, ql, 65536, NULL), 0);
    for (int i = 0; i < 5; i++)
        CHECK_INT(qs_splitter_feed(sp, buf, record(buf, sizeof buf, i, 3, 5), &err), 0);
    CHECK_INT(qs_splitter_finish(sp, &err), QS_ENOSPC);
    CHECK(strstr(err.text, "/dev/full") != NULL);
    qs_splitter_free(&sp);

    /* events: each fails on its own, the next is tried again */
    CHECK_INT(qs_splitter_new(&sp, cfg, NULL, NULL, NULL), 0);
    CHECK_INT(qs_splitter_set_querylog(sp, ql, 0, NULL), 0);
    struct qs_event ev = QS_EVENT_INIT;
    ev.logger = "m.Mapper";
    ev.logger_len = 8;
    ev.message = "==>  Preparing: SELECT 1";
    ev.message_len = strlen(ev.message);
    const char *console, *query;
    size_t console_len, query_len;
    for (int i = 0; i < 2; i++) {
        qs_error_clear(&err);
        CHECK_INT(qs_splitter_event(sp, &ev, &console, &console_len, &query, &query_len, &err),
                  QS_ENOSPC);
        CHECK(strstr(err.text, "/dev/full: write failed") != NULL);
    }
    qs_splitter_free(&sp);
    CHECK_INT(qs_querylog_close(&ql, NULL), 0);
}

/* Deleted, then replaced by a rename: the splitter's records follow the path. */
static void test_rotation(void)
{
    char dir[64], path[96], moved[112], buf[1024];
    tmp_path(dir, sizeof dir, path, sizeof path);
    snprintf(moved, sizeof moved, "%s.1", path);
    struct qs_querylog *ql = NULL;
    struct qs_splitter *sp = NULL;
    struct seen seen = {0};
    CHECK_INT(qs_querylog_open(&ql, path, 0, NULL), 0);
    CHECK_INT(qs_splitter_new(&sp, cfg, on_output, &seen, NULL), 0);
    CHECK_INT(qs_splitter_set_querylog(sp, ql, 0, NULL), 0);
    CHECK_INT(qs_splitter_feed(sp, buf, record(buf, sizeof buf, 1, 4, 0), NULL), 0);
    CHECK_INT(qs_splitter_flush(sp, NULL), 0);
    CHECK_INT(fsize(path), (long long)seen.len);
    CHECK_INT(unlink(path), 0);
    size_t mark = seen.len;
    CHECK_INT(qs_splitter_feed(sp, buf, record(buf, sizeof buf, 2, 4, 0), NULL), 0);
    CHECK_INT(qs_splitter_flush(sp, NULL), 0);
    CHECK_INT(fsize(path), (long long)(seen.len - mark)); /* a new file at once */
    CHECK_INT(rename(path, moved), 0);
    usleep(1100 * 1000);
    mark = seen.len;
    CHECK_INT(qs_splitter_feed(sp, buf, record(buf, sizeof buf, 3, 4, 0), NULL), 0);
    CHECK_INT(qs_splitter_finish(sp, NULL), 0);
    size_t got;
    char *data = qst_slurp(path, &got);
    CHECK_MEM(data, got, seen.query + mark, seen.len - mark);
    free(data);
    qs_splitter_free(&sp);
    CHECK_INT(qs_querylog_close(&ql, NULL), 0);
    free(seen.query);
    unlink(path);
    unlink(moved);
    rmdir(dir);
}

/* Splitters in threads sharing one query log, small batches: every record whole, once. */
#define THREADS 4
static int per_thread;

struct worker {
    struct qs_querylog *ql;
    int id, rc;
};

static void *work(void *arg)
{
    struct worker *w = arg;
    struct qs_splitter *sp = NULL;
    char buf[4096];
    w->rc = qs_splitter_new(&sp, cfg, NULL, NULL, NULL);
    if (!w->rc)
        w->rc = qs_splitter_set_querylog(sp, w->ql, 1000, NULL);
    for (int i = 0; i < per_thread && !w->rc; i++)
        w->rc = qs_splitter_feed(sp, buf, record(buf, sizeof buf, i, w->id, (size_t)(i % 700)),
                                 NULL);
    if (!w->rc)
        w->rc = qs_splitter_finish(sp, NULL);
    qs_splitter_free(&sp);
    return NULL;
}

static void test_threads(void)
{
    per_thread = (int)qst_light(2000);
    char dir[64], path[96];
    tmp_path(dir, sizeof dir, path, sizeof path);
    struct qs_querylog *ql = NULL;
    CHECK_INT(qs_querylog_open(&ql, path, 0, NULL), 0);
    pthread_t t[THREADS];
    struct worker w[THREADS];
    for (int i = 0; i < THREADS; i++) {
        w[i] = (struct worker){ql, i + 10, 0};
        pthread_create(&t[i], NULL, work, &w[i]);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        CHECK_INT(w[i].rc, 0);
    }
    CHECK_INT(qs_querylog_close(&ql, NULL), 0);
    size_t got;
    char *data = qst_slurp(path, &got);
    CHECK(whole_records(data, got));
    static unsigned char seen[THREADS][2000];
    memset(seen, 0, sizeof seen);
    int lines = 0, dups = 0, missing = 0;
    char qhash[QS_HASH_HEX_LEN + 1], sql[1024];
    for (size_t i = 0; i < got;) {
        const char *nl = memchr(data + i, '\n', got - i);
        size_t n = (size_t)(nl + 1 - (data + i)), sql_len = 0;
        int id, tag;
        if (qs_query_record_parse(data + i, n, qhash, sql, sizeof sql - 1, &sql_len) == 0) {
            sql[sql_len] = '\0';
            if (sscanf(sql, "SELECT %d, %d", &id, &tag) == 2 && tag >= 10 &&
                tag < 10 + THREADS && id >= 0 && id < per_thread)
                dups += seen[tag - 10][id]++ > 0;
        }
        lines++;
        i += n;
    }
    for (int k = 0; k < THREADS; k++)
        for (int i = 0; i < per_thread; i++)
            missing += !seen[k][i];
    CHECK_INT(lines, THREADS * per_thread);
    CHECK_INT(dups, 0);
    CHECK_INT(missing, 0);
    free(data);
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    CHECK_INT(qs_config_new(&cfg, NULL), 0);
    test_batches();
    test_flush_free();
    test_event();
    test_full();
    test_rotation();
    test_threads();
    qs_config_free(&cfg);
    return qst_done("test-sink");
}
