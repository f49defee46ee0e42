/* test-record.c — the record-start pattern over every sample layout in data/layouts, custom
 * patterns, pattern errors, and hostile bytes. */
#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "qstest.h"
#include "record.h"

static struct qsp_recpat *def;
static struct qsp_recmatch *defm;

static int match(const char *line, size_t len, struct qsp_prefix *pf)
{
    return qsp_recpat_match(def, defm, line, len, pf);
}

static int match_str(const char *line, struct qsp_prefix *pf)
{
    return match(line, strlen(line), pf);
}

/* Split s at tabs into at most n fields; returns the count. */
static size_t split_tabs(char *s, char **f, size_t n)
{
    size_t k = 0;
    f[k++] = s;
    for (char *p = s; *p && k < n; p++)
        if (*p == '\t') {
            *p = '\0';
            f[k++] = p + 1;
        }
    return k;
}

static char *next_line(char **cur, char *end, size_t *len)
{
    if (*cur >= end)
        return NULL;
    char *s = *cur, *nl = memchr(s, '\n', (size_t)(end - s));
    char *e = nl ? nl : end;
    *len = (size_t)(e - s);
    *cur = nl ? nl + 1 : end;
    *e = '\0';
    return s;
}

/* What a splitter emits: every record's bytes and end offset, concatenated. */
struct emitted {
    char *console;
    size_t len, cap;
    uint64_t ends[256];
    size_t n;
    int partial;
};

static int collect(void *user, const struct qs_output *o)
{
    struct emitted *e = user;
    if (e->len + o->console_len > e->cap) {
        e->cap = (e->len + o->console_len) * 2 + 64;
        e->console = realloc(e->console, e->cap);
        if (!e->console)
            return 1;
    }
    memcpy(e->console + e->len, o->console, o->console_len);
    e->len += o->console_len;
    e->partial |= (o->flags & QS_OUT_PARTIAL) != 0;
    if (e->n < 256)
        e->ends[e->n++] = o->end_offset;
    return 0;
}

/* Split log in chunks of `chunk` bytes (0: at once) with the default configuration. */
static void split_log(const struct qs_config *cfg, const char *log, size_t len, size_t chunk,
                      struct emitted *e)
{
    struct qs_splitter *sp = NULL;
    memset(e, 0, sizeof *e);
    CHECK_INT(qs_splitter_new(&sp, cfg, collect, e, NULL), 0);
    if (!sp)
        return;
    for (size_t off = 0; off < len;) {
        size_t n = chunk && len - off > chunk ? chunk : len - off;
        CHECK_INT(qs_splitter_feed(sp, log + off, n, NULL), 0);
        off += n;
    }
    CHECK_INT(qs_splitter_finish(sp, NULL), 0);
    qs_splitter_free(&sp);
}

/* Through the splitter: records begin exactly at the "start" lines of the expectations,
 * whatever the chunking (the splitter skips lines by their first bytes, and must agree
 * with the grammar), and the output is the same in every chunking. */
static void check_layout_split(const char *log, size_t loglen, const char *exp, size_t explen,
                               const char *name)
{
    struct qs_config *cfg = NULL;
    CHECK_INT(qs_config_new(&cfg, NULL), 0);
    if (!cfg)
        return;
    uint64_t want[256];
    size_t nwant = 0, lineno = 0;
    const char *l = log, *x = exp;
    for (; l < log + loglen && x < exp + explen; lineno++) {
        const char *lnl = memchr(l, '\n', (size_t)(log + loglen - l));
        const char *xnl = memchr(x, '\n', (size_t)(exp + explen - x));
        if (strncmp(x, "start", 5) == 0 && l > log && nwant < 256)
            want[nwant++] = (uint64_t)(l - log);
        l = lnl ? lnl + 1 : log + loglen;
        x = xnl ? xnl + 1 : exp + explen;
    }
    if (nwant < 256)
        want[nwant++] = loglen;
    struct emitted whole, piece;
    split_log(cfg, log, loglen, 0, &whole);
    CHECK_INT(whole.n, nwant);
    for (size_t i = 0; i < whole.n && i < nwant; i++)
        if (whole.ends[i] != want[i]) {
            fprintf(stderr, "%s: record %zu ends at %llu, expected %llu\n", name, i + 1,
                    (unsigned long long)whole.ends[i], (unsigned long long)want[i]);
            CHECK(0);
            break;
        }
    /* Under valgrind (QS_TEST_LIGHT) chunks of 1, 3, 5 and 7 bytes: the same paths. */
    size_t step = qst_light(10) ? 1 : 2;
    for (size_t chunk = 1; chunk <= 7; chunk += step) {
        split_log(cfg, log, loglen, chunk, &piece);
        CHECK_MEM(piece.console, piece.len, whole.console, whole.len);
        CHECK_INT(piece.n, whole.n);
        free(piece.console);
    }
    free(whole.console);
    qs_config_free(&cfg);
}

static void check_layout(const char *dir, const char *name)
{
    char path[2048];
    size_t loglen, explen;
    snprintf(path, sizeof path, "%s/%s.log", dir, name);
    char *log = qst_slurp(path, &loglen);
    snprintf(path, sizeof path, "%s/%s.expected", dir, name);
    char *exp = qst_slurp(path, &explen);
    char *lc = log, *ec = exp, *le = log + loglen, *ee = exp + explen;
    size_t ll, el, lineno = 0, starts = 0;
    char *line, *eline;
    while ((line = next_line(&lc, le, &ll)) != NULL) {
        lineno++;
        eline = next_line(&ec, ee, &el);
        CHECK(eline != NULL);
        if (!eline)
            break;
        char *f[7];
        size_t nf = split_tabs(eline, f, 7);
        struct qsp_prefix pf;
        int rc = match(line, ll, &pf); /* with a CR at the end in the CRLF sample */
        size_t n = ll;
        if (n && line[n - 1] == '\r')
            n--;
        if (strcmp(f[0], "cont") == 0) {
            if (rc != 0)
                fprintf(stderr, "%s:%zu: continuation line taken as a record start\n", name,
                        lineno);
            CHECK_INT(rc, 0);
            continue;
        }
        starts++;
        if (rc != 1)
            fprintf(stderr, "%s:%zu: record start not recognized\n", name, lineno);
        CHECK_INT(rc, 1);
        CHECK(nf == 6 || nf == 7); /* a 7th field names the layout */
        if (rc != 1 || nf < 6)
            continue;
        if (nf == 7 && strcmp(qsp_layout_name(pf.layout), f[6]) != 0) {
            fprintf(stderr, "%s:%zu: layout %s, expected %s\n", name, lineno,
                    qsp_layout_name(pf.layout), f[6]);
            CHECK(0);
        }
        CHECK_MEM(line + pf.ts_off, pf.ts_len, f[1], strlen(f[1]));
        CHECK_MEM(line + pf.level_off, pf.level_len, f[2], strlen(f[2]));
        CHECK_MEM(line + pf.thread_off, pf.thread_len, f[3], strlen(f[3]));
        CHECK_MEM(line + pf.logger_off, pf.logger_len, f[4], strlen(f[4]));
        CHECK(pf.msg_off <= n);
        CHECK_MEM(line + pf.msg_off, n - pf.msg_off, f[5], strlen(f[5]));
    }
    CHECK(next_line(&ec, ee, &el) == NULL); /* as many expectations as lines */
    CHECK(starts > 0);
    free(log);
    free(exp);
    /* Again through the splitter (next_line wrote NULs over the newlines). */
    snprintf(path, sizeof path, "%s/%s.log", dir, name);
    log = qst_slurp(path, &loglen);
    snprintf(path, sizeof path, "%s/%s.expected", dir, name);
    exp = qst_slurp(path, &explen);
    check_layout_split(log, loglen, exp, explen, name);
    free(log);
    free(exp);
}

static void test_layouts(void)
{
    const char *data = getenv("QS_TEST_DATA");
    if (!data)
        data = "tests/data";
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/layouts", data);
    DIR *d = opendir(dir);
    CHECK(d != NULL);
    if (!d)
        return;
    struct dirent *de;
    int layouts = 0;
    while ((de = readdir(d)) != NULL) {
        size_t n = strlen(de->d_name);
        if (n > 4 && strcmp(de->d_name + n - 4, ".log") == 0) {
            char name[256];
            snprintf(name, sizeof name, "%.*s", (int)(n - 4), de->d_name);
            check_layout(dir, name);
            layouts++;
        }
    }
    closedir(d);
    CHECK(layouts >= 8);
}

static void test_default_edges(void)
{
    struct qsp_prefix pf;
    /* Not records: fragments. */
    CHECK_INT(match_str("", &pf), 0);
    CHECK_INT(match_str("2021-05-25", &pf), 0);
    CHECK_INT(match_str("\x1b[2m", &pf), 0);
    CHECK_INT(match_str("\x1b[2m\x1b[0;39m", &pf), 0);
    /* Almost Spring Boot: not its pattern, but a timestamp starts a record of the prefix
     * grammar, which reads what it can. */
    CHECK_INT(match_str("2021-05-25 18:32:35.710 DEBUG", &pf), 1);
    CHECK_INT(pf.layout, QSP_LAYOUT_PREFIX);
    CHECK_INT(pf.level_len, 5);
    CHECK_INT(pf.msg_off, 29);
    const char *l = "2021-05-25 18:32:35.710 LOUD 1 --- [main] a.B : x";
    CHECK_INT(match_str(l, &pf), 1);
    CHECK_INT(pf.layout, QSP_LAYOUT_PREFIX);
    CHECK_INT(pf.level_len, 0);
    CHECK_STR(l + pf.msg_off, "LOUD 1 --- [main] a.B : x");
    l = "2021-05-25 18:32:35.710 INFO 1 --- [main] a.B x";
    CHECK_INT(match_str(l, &pf), 1);
    CHECK_INT(pf.layout, QSP_LAYOUT_PREFIX);
    CHECK_MEM(l + pf.logger_off, pf.logger_len, "a.B", 3);
    CHECK_STR(l + pf.msg_off, "x");
    CHECK_INT(match_str("2021-05-25 18:32:35.710 INFO 1 -- [main] a.B : x", &pf), 1);
    CHECK_INT(pf.layout, QSP_LAYOUT_PREFIX);
    /* A framework's stdout line: no fields, the whole line is the message. */
    CHECK_INT(match_str("==>  Preparing: SELECT 1", &pf), 1);
    CHECK_INT(pf.layout, QSP_LAYOUT_MYBATIS);
    CHECK_INT(pf.msg_off, 0);
    CHECK_INT(pf.logger_len, 0);
    /* Nine fraction digits, a comma, no fraction. */
    CHECK_INT(match_str("2021-05-25 18:32:35,710123456 INFO 1 --- [main] a.B : x", &pf), 1);
    CHECK_MEM("2021-05-25 18:32:35,710123456", 29, "2021-05-25 18:32:35,710123456", pf.ts_len);
    CHECK_INT(match_str("2021-05-25 18:32:35 INFO 1 --- [main] a.B : x", &pf), 1);
    /* The message starts after ": " even when it holds " : " itself. */
    l = "2021-05-25 18:32:35.710  INFO 1 --- [main] a.B : k : v";
    CHECK_INT(match_str(l, &pf), 1);
    CHECK_STR(l + pf.msg_off, "k : v");
    /* An empty message after "logger :" with nothing following. */
    l = "2021-05-25 18:32:35.710  INFO 1 --- [main] a.B :";
    CHECK_INT(match_str(l, &pf), 1);
    CHECK_INT(pf.msg_off, strlen(l));
}

/* NUL bytes, invalid UTF-8, CR and binary garbage never fail and never crash. */
static void test_bad_bytes(void)
{
    struct qsp_prefix pf;
    static const char l1[] =
        "2021-05-25 18:32:35.710 DEBUG 1 --- [ma\xff\xfein] c.e.X\xc3 : a\0b\xff\r";
    CHECK_INT(match(l1, sizeof l1 - 1, &pf), 1);
    CHECK_MEM(l1 + pf.thread_off, pf.thread_len, "ma\xff\xfein", 6);
    CHECK_MEM(l1 + pf.logger_off, pf.logger_len, "c.e.X\xc3", 6);
    CHECK_MEM(l1 + pf.msg_off, sizeof l1 - 1 - pf.msg_off, "a\0b\xff\r", 5);
    static const char l2[] = "2021-05-25 18:32:35.710 DEBUG 1 --- [main\0] a.B : x";
    CHECK_INT(match(l2, sizeof l2 - 1, &pf), 1);
    static const char l3[] = "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0";
    CHECK_INT(match(l3, sizeof l3 - 1, &pf), 0);
    /* A seeded stream of random bytes, and random bytes after a valid timestamp. */
    unsigned seed = 12345;
    char buf[512];
    for (int round = 0; round < 20000; round++) {
        size_t n = (size_t)(round % 500);
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            buf[i] = (char)(seed >> 16);
        }
        if (round % 2 && n > 30)
            memcpy(buf, "2021-05-25 18:32:35.710 INFO ", 29);
        int rc = match(buf, n, &pf);
        CHECK(rc == 0 || rc == 1);
        if (rc == 1)
            CHECK(pf.msg_off <= n && pf.ts_off + pf.ts_len <= n &&
                  pf.logger_off + pf.logger_len <= n && pf.thread_off + pf.thread_len <= n);
    }
    /* A huge line that almost matches Spring Boot's pattern costs linear time; the
     * grammar reads its first KiB at most (a timestamp and a level: a record). */
    size_t big = qst_light((size_t)32 << 20);
    char *h = malloc(big);
    CHECK(h != NULL);
    if (h) {
        memset(h, ' ', big);
        memcpy(h, "2021-05-25 18:32:35.710 INFO 1 --- [", 36);
        CHECK_INT(match(h, big, &pf), 1);
        CHECK_INT(pf.layout, QSP_LAYOUT_PREFIX);
        memset(h + 36, '[', big - 36);
        CHECK_INT(match(h, big, &pf), 1);
        CHECK(pf.msg_off <= big);
        /* Neither Spring Boot nor the grammar: a long run of digits and brackets. */
        memset(h, '1', big / 2);
        memset(h + big / 2, '[', big - big / 2);
        CHECK_INT(match(h, big, &pf), 0);
        memset(h, '[', big);
        CHECK_INT(match(h, big, &pf), 0);
        memset(h, '{', big);
        h[1] = '"';
        CHECK_INT(match(h, big, &pf), 0);
        free(h);
    }
}

static void test_custom(void)
{
    struct qs_error err = QS_ERROR_INIT;
    struct qsp_recpat *p = NULL;
    struct qsp_recmatch *m = NULL;
    qs_error_clear(&err);
    /* logback's "%d{HH:mm:ss.SSS} [%thread] %-5level %logger{36} - %msg%n". */
    CHECK_INT(qsp_recpat_new(&p,
                             "(?<ts>\\d\\d:\\d\\d:\\d\\d\\.\\d{3}) \\[(?<thread>[^\\]]*)\\] "
                             "(?<level>[A-Z]+) +(?<logger>\\S+) - (?<msg>)",
                             &err),
              0);
    CHECK_INT(qsp_recmatch_new(&m, p, &err), 0);
    struct qsp_prefix pf;
    const char *l = "18:32:35.710 [http-nio-8081-exec-1] DEBUG c.e.m.UserMapper.selectById - "
                    "==>  Preparing: SELECT 1";
    CHECK_INT(qsp_recpat_match(p, m, l, strlen(l), &pf), 1);
    CHECK_MEM(l + pf.ts_off, pf.ts_len, "18:32:35.710", 12);
    CHECK_MEM(l + pf.thread_off, pf.thread_len, "http-nio-8081-exec-1", 20);
    CHECK_MEM(l + pf.level_off, pf.level_len, "DEBUG", 5);
    CHECK_MEM(l + pf.logger_off, pf.logger_len, "c.e.m.UserMapper.selectById", 27);
    CHECK_STR(l + pf.msg_off, "==>  Preparing: SELECT 1");
    /* Anchored: a match later in the line does not count. */
    l = "x 18:32:35.710 [main] INFO a.B - y";
    CHECK_INT(qsp_recpat_match(p, m, l, strlen(l), &pf), 0);
    /* The default's lines are not records here. */
    l = "2021-05-25 18:32:35.710 DEBUG 1 --- [main] a.B : x";
    CHECK_INT(qsp_recpat_match(p, m, l, strlen(l), &pf), 0);
    /* A match data object belongs to its own pattern. */
    CHECK(qsp_recpat_match(def, m, l, strlen(l), &pf) < 0);
    qsp_recmatch_free(&m);
    qsp_recpat_free(&p);
    CHECK(m == NULL && p == NULL);

    /* Without a msg group the message starts at the end of the match; colour codes a user
     * pattern captures are not part of the fields. */
    CHECK_INT(qsp_recpat_new(&p, "(?<level>\\S+) (?<logger>\\S+ *): ", &err), 0);
    CHECK_INT(qsp_recmatch_new(&m, p, &err), 0);
    l = "\x1b[32mINFO\x1b[0;39m \x1b[36mcom.example.A\x1b[0;39m   : hello";
    CHECK_INT(qsp_recpat_match(p, m, l, strlen(l), &pf), 1);
    CHECK_MEM(l + pf.level_off, pf.level_len, "INFO", 4);
    CHECK_MEM(l + pf.logger_off, pf.logger_len, "com.example.A", 13);
    CHECK_STR(l + pf.msg_off, "hello");
    CHECK_INT(pf.thread_len, 0);
    CHECK_INT(pf.ts_len, 0);
    qsp_recmatch_free(&m);
    qsp_recpat_free(&p);
    CHECK_INT(err.code, QS_OK);

    /* Passing the default's text is the default. */
    CHECK_INT(qsp_recpat_new(&p, qsp_default_record_pattern, &err), 0);
    CHECK_INT(qsp_recmatch_new(&m, p, &err), 0);
    l = "2021-05-25 18:32:35.710 DEBUG 1 --- [main] a.B : x";
    CHECK_INT(qsp_recpat_match(p, m, l, strlen(l), &pf), 1);
    qsp_recmatch_free(&m);
    qsp_recpat_free(&p);
    qsp_recmatch_free(&m); /* NULL is a no-op */
    qsp_recpat_free(NULL);
}

static void test_bad_pattern(void)
{
    struct qs_error err = QS_ERROR_INIT;
    struct qsp_recpat *p = (struct qsp_recpat *)&err;
    qs_error_clear(&err);
    CHECK_INT(qsp_recpat_new(&p, "(?<ts>\\d+", &err), QS_EPATTERN);
    CHECK(p == NULL);
    CHECK_INT(err.code, QS_EPATTERN);
    CHECK(strstr(err.text, "missing closing parenthesis") != NULL);
    CHECK(strstr(err.text, "offset 9") != NULL);
    qs_error_clear(&err);
    CHECK_INT(qsp_recpat_new(&p, "ab[", &err), QS_EPATTERN);
    CHECK(strstr(err.text, "offset 3") != NULL);
    /* err may be NULL. */
    CHECK_INT(qsp_recpat_new(&p, "*", NULL), QS_EPATTERN);
    CHECK_INT(qsp_recpat_new(NULL, "x", NULL), QS_EINVAL);
}

/* Not a timed test: prints the default pattern's speed over a realistic line mix. */
static void measure(void)
{
    static const char *mix[] = {
        "2021-05-25 18:32:35.710 DEBUG 10788 --- [http-nio-8081-exec-595] "
        "c.e.mapper.UserMapper.selectById         : ==>  Preparing: SELECT",
        "        id, user_name, email, created_at",
        "    FROM t_user WHERE id = ?",
        "\x1b[2m2023-11-20T14:03:01.123+01:00\x1b[0;39m \x1b[32m INFO\x1b[0;39m \x1b[35m4711"
        "\x1b[0;39m \x1b[2m---\x1b[0;39m \x1b[2m[myapp] [           main]\x1b[0;39m "
        "\x1b[2m\x1b[0;39m\x1b[36mcom.example.shop.ShopApplication        \x1b[0;39m "
        "\x1b[2m:\x1b[0;39m Started",
        "\tat com.example.service.UserService.create(UserService.java:55)",
        "2021-05-25 18:32:35.711 DEBUG 10788 --- [http-nio-8081-exec-595] "
        "c.e.mapper.UserMapper.selectById         : ==> Parameters: 42(Long)",
    };
    size_t nmix = sizeof mix / sizeof mix[0], lens[8];
    for (size_t i = 0; i < nmix; i++)
        lens[i] = strlen(mix[i]);
    struct qsp_prefix pf;
    long n = (long)qst_light(3000000), hits = 0;
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (long i = 0; i < n; i++)
        hits += match(mix[i % nmix], lens[i % nmix], &pf);
    clock_gettime(CLOCK_MONOTONIC, &b);
    double s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
    CHECK_INT(hits, n / 2);
    fprintf(stderr, "record pattern: %.1f M lines/s (half record starts, half continuation)\n",
            (double)n / s / 1e6);
}

/* qs_config_explain: the layout and fields of a record's first line, the recognizer or
 * why none took it. */
static void test_explain(void)
{
    struct qs_config *cfg = NULL;
    struct qs_explain x;
    struct qs_error err = QS_ERROR_INIT;
    qs_error_clear(&err);
    CHECK_INT(qs_config_new(&cfg, &err), 0);
    if (!cfg)
        return;
    const char *r = "18:32:35.710 [main] DEBUG c.e.M.sel - ==>  Preparing: SELECT 1\n"
                    "  FROM t\n";
    CHECK_INT(qs_config_explain(cfg, r, strlen(r), &x, &err), 1);
    CHECK_STR(x.layout, "%d [%t] %p %c - %m");
    CHECK_MEM(r + x.ts_off, x.ts_len, "18:32:35.710", 12);
    CHECK_MEM(r + x.level_off, x.level_len, "DEBUG", 5);
    CHECK_MEM(r + x.thread_off, x.thread_len, "main", 4);
    CHECK_MEM(r + x.logger_off, x.logger_len, "c.e.M.sel", 9);
    CHECK_STR(x.recognizer, "mybatis");
    CHECK_MEM(r + x.sql_off, x.sql_len, "SELECT 1\n  FROM t", 17);
    CHECK_MEM(r, x.keep_len, r, (size_t)(strstr(r, "SELECT") - r));
    CHECK(x.why == NULL);
    CHECK_INT(x.line_comment, 0);
    /* A statement logged on one line with a -- comment: the comment swallows the rest. */
    r = "2021-05-25 18:32:35.710 DEBUG 1 --- [main] c.e.M : ==>  Preparing: UPDATE t SET a = "
        "?, -- note b = ? WHERE id = ?\n";
    CHECK_INT(qs_config_explain(cfg, r, strlen(r), &x, &err), 1);
    CHECK_INT(x.line_comment, 1);
    r = "2021-05-25 18:32:35.710 DEBUG 1 --- [main] c.e.M : ==>  Preparing: SELECT '--' FROM "
        "t\n";
    CHECK_INT(qs_config_explain(cfg, r, strlen(r), &x, &err), 1);
    CHECK_INT(x.line_comment, 0);
    r = "2021-05-25 18:32:35.710 DEBUG 1 --- [main] c.e.M : ==> Parameters: 1(Long)\n";
    CHECK_INT(qs_config_explain(cfg, r, strlen(r), &x, &err), 0);
    CHECK_STR(x.layout, "spring-boot");
    CHECK_STR(x.recognizer, "");
    CHECK_STR(x.why, "no recognizer found SQL in the message");
    r = "18:32:35.710 [main] DEBUG c.e.Repo - select a from b\n";
    CHECK_INT(qs_config_explain(cfg, r, strlen(r), &x, &err), 0);
    CHECK(strstr(x.why, "looks like SQL") != NULL);
    static const char *const sqlish[] = {"update t_user  set a = 1",
                                         "INSERT INTO t VALUES (1)", "delete\n from t",
                                         "with x as (select 1) select 2"};
    for (size_t i = 0; i < sizeof sqlish / sizeof sqlish[0]; i++) {
        char line[128];
        snprintf(line, sizeof line, "18:32:35.710 [main] DEBUG c.e.Dao - %s\n", sqlish[i]);
        CHECK_INT(qs_config_explain(cfg, line, strlen(line), &x, &err), 0);
        CHECK(strstr(x.why, "looks like SQL") != NULL);
    }
    r = "18:32:35.710 [main] DEBUG o.s.w.s.DispatcherServlet - DELETE \"/api/s/1\", p={}\n";
    CHECK_INT(qs_config_explain(cfg, r, strlen(r), &x, &err), 0);
    CHECK_STR(x.why, "no recognizer found SQL in the message");
    r = "18:32:35.710 [main] INFO  c.e.Job - update available: 2.4.1\n";
    CHECK_INT(qs_config_explain(cfg, r, strlen(r), &x, &err), 0);
    CHECK_STR(x.why, "no recognizer found SQL in the message");
    r = "Hibernate: select a from b";
    CHECK_INT(qs_config_explain(cfg, r, strlen(r), &x, &err), 1);
    CHECK_STR(x.layout, "hibernate-stdout");
    CHECK_INT(x.msg_off, 0);
    CHECK_STR(x.recognizer, "hibernate");
    CHECK_MEM(r + x.sql_off, x.sql_len, "select a from b", 15);
    /* a JSON event: its message is read decoded; offsets are of the raw line */
    r = "{\"message\":\"==>  Preparing: select \\\"a\\\" from t\",\"level\":\"DEBUG\"}\n";
    CHECK_INT(qs_config_explain(cfg, r, strlen(r), &x, &err), 1);
    CHECK_STR(x.layout, "json");
    CHECK_STR(x.recognizer, "mybatis");
    CHECK_INT(x.msg_off, 12);
    CHECK_MEM(r + x.sql_off, x.sql_len, "select \\\"a\\\" from t", 19);
    r = "{\"message\":\"==>  Preparing: select 1\",\"level\":\"DEBUG\",}\n";
    CHECK_INT(qs_config_explain(cfg, r, strlen(r), &x, &err), 0);
    CHECK_STR(x.layout, "json");
    CHECK(strstr(x.why, "not one JSON object") != NULL);
    r = "\tat a.B.c(B.java:1)\n";
    CHECK_INT(qs_config_explain(cfg, r, strlen(r), &x, &err), 0);
    CHECK_STR(x.layout, "");
    CHECK(strstr(x.why, "no record prefix") != NULL);
    CHECK_INT(qs_config_explain(cfg, NULL, 0, &x, &err), 0);
    CHECK_INT(err.code, QS_OK);
    CHECK_INT(qs_config_explain(NULL, "x", 1, &x, NULL), QS_EINVAL);
    CHECK_INT(qs_config_explain(cfg, NULL, 1, &x, NULL), QS_EINVAL);
    /* Over the record limit: read, never split. */
    CHECK_INT(qs_config_set_limit(cfg, QS_LIMIT_RECORD_BYTES, 1024), 0);
    size_t big = 4096;
    char *b = malloc(big);
    CHECK(b != NULL);
    if (b) {
        memset(b, 'x', big);
        memcpy(b, "DEBUG - ==>  Preparing: SELECT ", 31);
        CHECK_INT(qs_config_explain(cfg, b, big, &x, &err), 0);
        CHECK(strstr(x.why, "--max-record") != NULL);
        free(b);
    }
    /* With --pattern the layout is the user's. */
    CHECK_INT(qs_config_set_record_pattern(cfg, "(?<level>[A-Z]+) ", &err), 0);
    r = "DEBUG ==>  Preparing: SELECT 1";
    CHECK_INT(qs_config_explain(cfg, r, strlen(r), &x, &err), 1);
    CHECK_STR(x.layout, "--pattern");
    qs_config_free(&cfg);
}

int main(void)
{
    struct qs_error err = QS_ERROR_INIT;
    qs_error_clear(&err);
    CHECK_INT(qsp_recpat_new(&def, NULL, &err), 0);
    CHECK_INT(qsp_recmatch_new(&defm, def, &err), 0);
    if (!def || !defm)
        return qst_done("test-record");
    test_layouts();
    test_default_edges();
    test_bad_bytes();
    test_custom();
    test_bad_pattern();
    test_explain();
    measure();
    qsp_recmatch_free(&defm);
    qsp_recpat_free(&def);
    return qst_done("test-record");
}
