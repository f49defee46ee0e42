/* test-quick.c — the quick test (qs_config_quick_rule) is a necessary condition: whenever
 * qsp_detect finds SQL in an event, one of its rules holds. Checked on every record of the
 * real-world corpus (tests/data/realworld/ * /input.log) under several loggers, on each of
 * their lines alone, and on random events built from their pieces; and it must still
 * filter (an ordinary message fails it), or it would be a test that cannot fail. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "detect.h"
#include "layout.h"
#include "qstest.h"

struct face {
    const char *name;
    struct qs_config *cfg;
    struct qsp_detect_ctx *ctx;
    long found; /* events in which SQL was found: the claim was put to the test */
};

static struct face faces[4];
static size_t nfaces;

static void add_face(const char *name, const char *const *opts)
{
    struct face *f = &faces[nfaces++];
    struct qs_error err = QS_ERROR_INIT;
    f->name = name;
    CHECK_INT(qs_config_new(&f->cfg, &err), 0);
    for (size_t i = 0; opts[i]; i += 2) {
        int rc = qs_config_set_option(f->cfg, opts[i], opts[i + 1], &err);
        if (rc)
            fprintf(stderr, "%s: %s\n", name, err.text);
        CHECK_INT(rc, 0);
    }
    CHECK_INT(qsp_detect_ctx_new(&f->ctx, f->cfg->detector, &err), 0);
}

/* The claim, on one event, for every configuration. */
static void claim(const char *lg, size_t lgn, const char *m, size_t n)
{
    for (size_t i = 0; i < nfaces; i++) {
        struct face *f = &faces[i];
        struct qsp_sql_span sp;
        int rc = qsp_detect(f->cfg->detector, f->ctx, lg, lgn, m, n, &sp);
        CHECK(rc >= 0);
        if (rc != 1)
            continue;
        f->found++;
        int q = qs_config_quick_test(f->cfg, lg, lgn, m, n);
        qst_checks++;
        if (q != 1) {
            qst_failures++;
            fprintf(stderr,
                    "%s: SQL found (%s) but the quick test fails: logger [%.*s] "
                    "message [%.*s]\n",
                    f->name, qsp_sql_kind_name(sp.kind), (int)lgn, lg,
                    (int)(n > 300 ? 300 : n), m);
        }
    }
}

static const char *const loggers[] = {"",
                                      "p6spy",
                                      "com.acme.web.OrderController",
                                      "org.hibernate.SQL",
                                      "com.acme.mapper.OrderMapper",
                                      "com.acme.sql.Audit"};
#define NLOGGERS (sizeof loggers / sizeof loggers[0])

/* Pieces of the corpus, for the random events. */
static char *pieces[20000];
static size_t piece_len[20000], npieces;

static void keep_piece(const char *s, size_t n)
{
    if (npieces < sizeof pieces / sizeof pieces[0] && n) {
        pieces[npieces] = malloc(n);
        memcpy(pieces[npieces], s, n);
        piece_len[npieces++] = n;
    }
}

/* One record: as logged, under other loggers, and each of its lines from the second on as
 * a message of its own (a layout may cut a record anywhere). */
static void record(const char *r, size_t n)
{
    while (n && (r[n - 1] == '\n' || r[n - 1] == '\r'))
        n--;
    const char *nl = memchr(r, '\n', n);
    size_t first = nl ? (size_t)(nl - r) : n;
    struct qsp_prefix pf;
    if (qsp_layout_match(r, first, &pf, NULL, 0) == 1 && pf.layout != QSP_LAYOUT_JSON) {
        size_t mo = pf.msg_off <= n ? pf.msg_off : n;
        claim(r + pf.logger_off, pf.logger_len, r + mo, n - mo);
        for (size_t k = 0; k < NLOGGERS; k++)
            claim(loggers[k], strlen(loggers[k]), r + mo, n - mo);
        keep_piece(r + mo, n - mo);
        if (pf.logger_len)
            keep_piece(r + pf.logger_off, pf.logger_len);
    }
    for (size_t k = 0; k < NLOGGERS; k++)
        claim(loggers[k], strlen(loggers[k]), r, n);
    for (const char *p = r; (p = memchr(p, '\n', (size_t)(r + n - p))) != NULL;) {
        p++;
        for (size_t k = 0; k < NLOGGERS; k++)
            claim(loggers[k], strlen(loggers[k]), p, (size_t)(r + n - p));
        const char *e = memchr(p, '\n', (size_t)(r + n - p));
        keep_piece(p, e ? (size_t)(e - p) : (size_t)(r + n - p));
    }
}

static void corpus_file(const char *path)
{
    size_t n;
    char *s = qst_slurp(path, &n);
    size_t start = 0;
    for (size_t i = 0; i < n;) {
        const char *nl = memchr(s + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - s) + 1 : n;
        struct qsp_prefix pf;
        size_t l = e - i - (nl != NULL);
        if (i > start && qsp_layout_match(s + i, l, &pf, NULL, 0) == 1) {
            record(s + start, i - start);
            start = i;
        }
        i = e;
    }
    if (start < n)
        record(s + start, n - start);
    free(s);
}

static int test_corpus(void)
{
    const char *data = getenv("QS_TEST_DATA");
    char dir[1024], path[2048];
    snprintf(dir, sizeof dir, "%s/realworld", data ? data : "tests/data");
    DIR *d = opendir(dir);
    CHECK(d != NULL);
    if (!d)
        return 0;
    int logs = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s/input.log", dir, de->d_name);
        FILE *f = fopen(path, "rb");
        if (!f)
            continue;
        fclose(f);
        corpus_file(path);
        logs++;
    }
    closedir(d);
    return logs;
}

static uint64_t rng = 0x9e3779b97f4a7c15u;
static uint32_t rnd(uint32_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng % n);
}

/* Random events: corpus pieces cut, joined and flipped, with the recognizers' own words. */
static void test_random(size_t rounds)
{
    static const char *const words[] = {
        "==>  Preparing: ",
        "==>  Executing: ",
        "boundSql : ",
        "Time:1, ",
        "Query:[\"",
        "\"]",
        "Params:[]",
        "Hibernate: ",
        "select * from t",
        " {executed in 3 msec}",
        "1. ",
        "|",
        "connection 5|",
        " | took 3ms | statement | connection 1| url x\n",
        "#1690000000000",
        "{\"name\":\"\", \"time\":1, \"query\":[\"select 1\"]}",
        "Execute SQL：",
        " Consume Time：1 ms\n",
        "\n",
        "\r\n",
        "    ",
        "\t",
        "update t set a=?",
        "insert into t values(1)",
        "1690000000000|3|statement|connection 1|url|select 1|select 1",
        "batching 2 statements:\n1: select 1;\n2: select 2;",
        "\x1b[34m",
        "\xff\xfe",
        "?",
        "SQL: ",
        "Executing SQL: ",
    };
    char buf[4096];
    for (size_t r = 0; r < rounds; r++) {
        size_t n = 0;
        for (int parts = 1 + (int)rnd(4); parts > 0; parts--) {
            const char *p;
            size_t l;
            if (npieces && rnd(2)) {
                size_t k = rnd((uint32_t)npieces);
                p = pieces[k];
                l = piece_len[k];
                size_t b = rnd(3) ? 0 : rnd((uint32_t)l);
                p += b;
                l -= b;
            } else {
                p = words[rnd(sizeof words / sizeof words[0])];
                l = strlen(p);
            }
            if (l > sizeof buf - n)
                l = sizeof buf - n;
            memcpy(buf + n, p, l);
            n += l;
        }
        for (int flips = (int)rnd(3); flips > 0 && n; flips--)
            buf[rnd((uint32_t)n)] = (char)rnd(256);
        if (n && rnd(4) == 0)
            n = rnd((uint32_t)n) + 1;
        const char *lg = loggers[rnd(NLOGGERS)];
        claim(lg, strlen(lg), buf, n);
    }
}

static void test_literal_start(void)
{
    static const char *const cases[][2] = {
        {"SQL\\:[ \\t]*+(?<sql>(?s:.+))", "SQL:"},
        {"^Executing (?<sql>.+)", "Executing "},
        {"ab?c(?<sql>.+)", "a"},
        {"abc|(?<sql>.+)", NULL},
        {"(?i)sql: (?<sql>.+)", NULL},
        {"\\d+ (?<sql>.+)", NULL},
        {"what\\? (?<sql>.+)", "what"},
        {"주문 SQL: (?<sql>.+)", "주문 SQL: "},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *l = qsp_regex_literal_start(cases[i][0]);
        if (cases[i][1])
            CHECK(l && strcmp(l, cases[i][1]) == 0);
        else
            CHECK(l == NULL);
        free(l);
    }
}

/* It must filter: ordinary messages fail it, the configured names pass it. */
static void test_filters(void)
{
    struct qs_config *c = faces[0].cfg;
    CHECK_INT(qs_config_quick_test(c, "com.acme.App", 12, "Started App in 3.2 seconds", 26),
              0);
    CHECK_INT(qs_config_quick_test(c, "com.acme.App", 12, "", 0), 0);
    CHECK_INT(qs_config_quick_test(c, "", 0, "Started", 7), 1);
    CHECK_INT(qs_config_quick_test(c, "org.hibernate.SQL", 17, "x", 1), 1);
    CHECK_INT(qs_config_quick_test(NULL, "", 0, "", 0), QS_EINVAL);
    struct qs_config *o = faces[1].cfg; /* loggers and a marker-like regex, no built-ins */
    CHECK_INT(qs_config_quick_test(o, "com.acme.sql.Audit", 18, "x", 1), 1);
    CHECK_INT(qs_config_quick_test(o, "com.acme.App", 12, "SQL: select 1", 13), 1);
    CHECK_INT(qs_config_quick_test(o, "com.acme.App", 12, "Preparing: select 1", 19), 0);
    struct qs_quick_rule r;
    size_t n = 0;
    while (qs_config_quick_rule(c, n, &r) == 0)
        n++;
    CHECK(n > 10);
    CHECK_INT(qs_config_quick_rule(c, n, &r), QS_ENOTFOUND);
    /* An unanchored regex with no literal start: the one rule is "anything". */
    CHECK_INT(qs_config_quick_rule(faces[2].cfg, 0, &r), 0);
    CHECK_INT(r.term[0].test, QS_QUICK_ANY);
    CHECK_INT(qs_config_quick_rule(faces[2].cfg, 1, &r), QS_ENOTFOUND);
    /* Nothing configured and no built-ins: no rule, nothing passes. */
    struct qs_config *none = NULL;
    CHECK_INT(qs_config_new(&none, NULL), 0);
    CHECK_INT(qs_config_set_option(none, "builtin", "false", NULL), 0);
    CHECK_INT(qs_config_quick_rule(none, 0, &r), QS_ENOTFOUND);
    CHECK_INT(qs_config_quick_test(none, "", 0, "select 1", 8), 0);
    qs_config_free(&none);
}

int main(void)
{
    static const char *const dflt[] = {NULL};
    static const char *const named[] = {"sql-logger",  "com.acme.sql*", "sql-logger",
                                        "jdbc.custom", "sql-regex",     "SQL\\: (?<sql>.+)",
                                        "builtin",     "false",         NULL};
    static const char *const anyre[] = {"sql-regex", "(?i)query=(?<sql>.+)", NULL};
    static const char *const both[] = {"sql-logger", "com.acme.mapper*", "sql-regex",
                                       "Executing SQL: (?<sql>.+)", NULL};
    add_face("default", dflt);
    add_face("loggers+regex, no built-ins", named);
    add_face("a regex with no literal", anyre);
    add_face("built-ins+logger+regex", both);
    test_literal_start();
    int logs = test_corpus();
    CHECK(logs >= 40);
    test_random(qst_light(300000));
    test_filters();
    /* The claim was really put to the test: SQL was found often, by each configuration. */
    for (size_t i = 0; i < nfaces; i++) {
        fprintf(stderr, "%s: SQL found in %ld events\n", faces[i].name, faces[i].found);
        CHECK(faces[i].found > 100);
    }
    fprintf(stderr, "%d corpus logs, %zu pieces\n", logs, npieces);
    for (size_t i = 0; i < nfaces; i++) {
        qsp_detect_ctx_free(&faces[i].ctx);
        qs_config_free(&faces[i].cfg);
    }
    for (size_t i = 0; i < npieces; i++)
        free(pieces[i]);
    return qst_done("test-quick");
}
