/* test-jsonts.c — a JSON event's time (qs_record.ts, qs_output.ts): for every record of the
 * real JSON logs (tests/data/realworld/ *json*), the record reader and the splitter give
 * the text of the event's @timestamp/timestamp/time as jansson reads the same line, and
 * qs_timestamp_parse reads it; an escaped time is NULL; a text record keeps its own. */
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qsplit.h"
#include "qstest.h"

struct seen {
    int records, checked, with_sql;
    const char *file;
};

/* The event's time as jansson reads the record's first line: the value of the one time
 * key, a string as decoded or an integer in decimal; NULL when the line is not an event
 * (no string "message"/"msg") or has no time. *is_event = 0 when it is no JSON object. */
static char *expected_ts(const char *r, size_t n, int *is_event)
{
    const char *nl = memchr(r, '\n', n);
    size_t k = nl ? (size_t)(nl - r) : n;
    if (k && r[k - 1] == '\r')
        k--;
    *is_event = 0;
    json_t *j = json_loadb(r, k, JSON_ALLOW_NUL, NULL);
    if (!j || !json_is_object(j)) {
        json_decref(j);
        return NULL;
    }
    json_t *msg = json_object_get(j, "message");
    if (!msg)
        msg = json_object_get(j, "msg");
    *is_event = json_is_string(msg);
    char *out = NULL;
    static const char *const keys[] = {"@timestamp", "timestamp", "time"};
    int found = 0;
    for (size_t i = 0; i < 3; i++) {
        json_t *v = json_object_get(j, keys[i]);
        if (!v || found++)
            continue;
        if (json_is_string(v))
            out = strdup(json_string_value(v));
        else if (json_is_integer(v) &&
                 asprintf(&out, "%" JSON_INTEGER_FORMAT, json_integer_value(v)) < 0)
            out = NULL;
    }
    CHECK(found <= 1); /* the samples name their time once */
    json_decref(j);
    if (!*is_event) {
        free(out);
        return NULL;
    }
    return out;
}

static void check(struct seen *s, const char *data, size_t len, const char *ts, size_t ts_len)
{
    s->records++;
    if (!len || data[0] != '{')
        return;
    int is_event;
    char *want = expected_ts(data, len, &is_event);
    if (!is_event || !want) { /* not an event, or one without a time */
        CHECK(ts == NULL);
        free(want);
        return;
    }
    s->checked++;
    CHECK(ts != NULL);
    if (!ts) {
        fprintf(stderr, "%s: no time for record [%.80s]\n", s->file, data);
        free(want);
        return;
    }
    CHECK_MEM(ts, ts_len, want, strlen(want));
    int64_t ns;
    CHECK_INT(qs_timestamp_parse(ts, ts_len, NULL, &ns), 0);
    free(want);
}

static int on_record(void *user, const struct qs_record *r)
{
    check(user, r->data, r->len, r->ts, r->ts_len);
    return 0;
}

static int on_output(void *user, const struct qs_output *o)
{
    struct seen *s = user;
    s->with_sql += (o->flags & QS_OUT_SQL) != 0;
    check(s, o->console, o->console_len, o->ts, o->ts_len);
    return 0;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *buf = malloc(n > 0 ? (size_t)n : 1);
    *len = buf ? fread(buf, 1, (size_t)n, f) : 0;
    fclose(f);
    return buf;
}

/* One sample through the record reader and the splitter, fed in 7-byte chunks. */
static int test_sample(const char *dir, const char *name)
{
    char *path = NULL;
    size_t len = 0;
    char *in = asprintf(&path, "%s/%s/input.log", dir, name) < 0 ? NULL : slurp(path, &len);
    free(path);
    CHECK(in != NULL);
    if (!in)
        return 0;
    struct qs_config *cfg = NULL;
    CHECK_INT(qs_config_new(&cfg, NULL), 0);
    struct seen rs = {.file = name}, ss = {.file = name};
    struct qs_records *r = NULL;
    CHECK_INT(qs_records_new(&r, cfg, 0, on_record, &rs, NULL), 0);
    struct qs_splitter *sp = NULL;
    CHECK_INT(qs_splitter_new(&sp, cfg, on_output, &ss, NULL), 0);
    for (size_t at = 0; at < len; at += 7) {
        size_t n = len - at < 7 ? len - at : 7;
        CHECK_INT(qs_records_feed(r, in + at, n, NULL), 0);
        CHECK_INT(qs_splitter_feed(sp, in + at, n, NULL), 0);
    }
    CHECK_INT(qs_records_finish(r, NULL), 0);
    CHECK_INT(qs_splitter_finish(sp, NULL), 0);
    CHECK(rs.checked > 0);
    CHECK_INT(rs.records, ss.records);
    CHECK_INT(rs.checked, ss.checked);
    printf("%s: %d records, %d JSON events with their time (%d with SQL split)\n", name,
           rs.records, rs.checked, ss.with_sql);
    qs_records_free(&r);
    qs_splitter_free(&sp);
    qs_config_free(&cfg);
    free(in);
    return 1;
}

static void test_realworld(void)
{
    const char *data = getenv("QS_TEST_DATA");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/realworld", data ? data : "tests/data");
    DIR *d = opendir(dir);
    CHECK(d != NULL);
    if (!d)
        return;
    int samples = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strstr(e->d_name, "json"))
            samples += test_sample(dir, e->d_name);
    closedir(d);
    CHECK(samples >= 6);
}

/* Lines of one's own: a JSON event's time with escapes is NULL (no copy is made), a number
 * time is its text, an event without a time has none, and a text record next to them
 * keeps its prefix's time. */
struct times {
    char *ts[8];
    int n;
};

static void note(struct times *t, const char *ts, size_t len)
{
    if (t->n < 8)
        t->ts[t->n] = ts ? strndup(ts, len) : NULL;
    t->n++;
}

static int note_record(void *user, const struct qs_record *r)
{
    note(user, r->ts, r->ts_len);
    return 0;
}

static int note_output(void *user, const struct qs_output *o)
{
    note(user, o->ts, o->ts_len);
    return 0;
}

static void test_forms(void)
{
    static const char in[] =
        "{\"@timestamp\":\"2024-03-05T10:15:00Z\",\"level\":\"INFO\",\"message\":\"a\"}\n"
        "{\"timestamp\":1700000000000,\"level\":\"INFO\",\"message\":\"select 1 from t\","
        "\"logger_name\":\"org.hibernate.SQL\"}\r\n"
        "{\"time\":\"2024-03-05T10:15:0\\u0031Z\",\"level\":\"INFO\",\"message\":\"c\"}\n"
        "{\"level\":\"INFO\",\"message\":\"no time\"}\n"
        "2021-05-25 18:32:35.710  INFO 1 --- [main] c.e.App : text\n";
    static const char *const want[] = {"2024-03-05T10:15:00Z", "1700000000000", NULL, NULL,
                                       "2021-05-25 18:32:35.710"};
    struct qs_config *cfg = NULL;
    CHECK_INT(qs_config_new(&cfg, NULL), 0);
    struct times tr = {{0}, 0}, ts = {{0}, 0};
    struct qs_records *r = NULL;
    CHECK_INT(qs_records_new(&r, cfg, 0, note_record, &tr, NULL), 0);
    CHECK_INT(qs_records_feed(r, in, sizeof in - 1, NULL), 0);
    CHECK_INT(qs_records_finish(r, NULL), 0);
    qs_records_free(&r);
    struct qs_splitter *sp = NULL;
    struct qs_stats st = QS_STATS_INIT;
    CHECK_INT(qs_splitter_new(&sp, cfg, note_output, &ts, NULL), 0);
    CHECK_INT(qs_splitter_feed(sp, in, sizeof in - 1, NULL), 0);
    CHECK_INT(qs_splitter_finish(sp, NULL), 0);
    qs_splitter_get_stats(sp, &st);
    CHECK_INT(st.sql_records, 1); /* the time of a split event too */
    qs_splitter_free(&sp);
    CHECK_INT(tr.n, 5);
    CHECK_INT(ts.n, 5);
    for (int i = 0; i < 5 && i < tr.n && i < ts.n; i++) {
        const struct times *t[2] = {&tr, &ts};
        for (int f = 0; f < 2; f++) {
            if (!want[i])
                CHECK(t[f]->ts[i] == NULL);
            else if (t[f]->ts[i])
                CHECK_STR(t[f]->ts[i], want[i]);
            else
                CHECK(!"a time is missing");
        }
    }
    for (int i = 0; i < 8; i++) {
        free(tr.ts[i]);
        free(ts.ts[i]);
    }
    qs_config_free(&cfg);
}

int main(void)
{
    test_realworld();
    test_forms();
    return qst_done("test-jsonts");
}
