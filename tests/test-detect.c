/* test-detect.c — every SQL recognizer on messages as MyBatis, p6spy and interceptors write
 * them, configured loggers and regexes, and hostile bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "detect.h"
#include "qstest.h"

static struct qsp_detector *bi; /* built-ins only */
static struct qsp_detect_ctx *bictx;

/* Detect in msg[0..len) and check the result: want_sql NULL means "no SQL". */
static void expect_len(int line, const struct qsp_detector *d, struct qsp_detect_ctx *c,
                       const char *logger, const char *msg, size_t len, enum qsp_sql_kind kind,
                       const char *keep, const char *sep, const char *want_sql,
                       size_t want_len)
{
    struct qsp_sql_span sp;
    memset(&sp, 0x5a, sizeof sp);
    int rc = qsp_detect(d, c, logger, strlen(logger), msg, len, &sp);
    int ok = rc == (want_sql ? 1 : 0);
    if (ok && want_sql) {
        size_t kl = strlen(keep);
        ok = sp.kind == kind && sp.keep_len == kl && memcmp(msg, keep, kl) == 0 &&
             strcmp(sp.sep, sep) == 0 && sp.sql_off <= len && sp.sql_len <= len - sp.sql_off &&
             sp.sql_len == want_len && memcmp(msg + sp.sql_off, want_sql, want_len) == 0;
    }
    qst_checks++;
    if (!ok) {
        qst_failures++;
        fprintf(stderr, "test-detect.c:%d: [%.*s]: rc %d", line, (int)(len > 80 ? 80 : len),
                msg, rc);
        if (rc == 1)
            fprintf(stderr, " kind %d keep [%.*s] sep [%s] sql [%.*s]", sp.kind,
                    (int)sp.keep_len, msg, sp.sep, (int)sp.sql_len, msg + sp.sql_off);
        fprintf(stderr, "\n");
    }
}

static size_t slen(const char *s)
{
    return s ? strlen(s) : 0;
}

#define EXPECT(lg, msg, kind, keep, sep, sql)                                                 \
    expect_len(__LINE__, bi, bictx, (lg), (msg), strlen(msg), (kind), (keep), (sep), (sql),   \
               slen(sql))
#define NONE(lg, msg) EXPECT((lg), (msg), QSP_SQL_NONE, "", "", NULL)
#define MAPPER "c.e.mapper.UserMapper.selectById"

static void test_mybatis(void)
{
    EXPECT(MAPPER, "==>  Preparing: SELECT id, name FROM t_user WHERE id = ?", QSP_SQL_MYBATIS,
           "==>  Preparing: ", "", "SELECT id, name FROM t_user WHERE id = ?");
    /* Nested selects (queryStack 2 and 3) put more '=' before the arrow. */
    EXPECT(MAPPER, "====>  Preparing: SELECT * FROM t_role WHERE user_id = ?", QSP_SQL_MYBATIS,
           "====>  Preparing: ", "", "SELECT * FROM t_role WHERE user_id = ?");
    EXPECT(MAPPER, "======>  Preparing: SELECT 1", QSP_SQL_MYBATIS, "======>  Preparing: ", "",
           "SELECT 1");
    EXPECT(MAPPER, "==> Preparing: select 1", QSP_SQL_MYBATIS, "==> Preparing: ", "",
           "select 1");
    /* Older MyBatis keeps the mapper XML's line breaks. */
    EXPECT(MAPPER,
           "==>  Preparing: SELECT\n        id, user_name\n    FROM t_user\n    WHERE id = ?",
           QSP_SQL_MYBATIS, "==>  Preparing: ", "",
           "SELECT\n        id, user_name\n    FROM t_user\n    WHERE id = ?");
    EXPECT(MAPPER, "==>  Preparing: SELECT\r\n  id\r\n FROM t\r", QSP_SQL_MYBATIS,
           "==>  Preparing: ", "", "SELECT\r\n  id\r\n FROM t");
    NONE(MAPPER, "==> Parameters: 42(Long), alice(String)");
    NONE(MAPPER, "====> Parameters: 42(Long)");
    NONE(MAPPER, "<==      Total: 1");
    NONE(MAPPER, "<==    Updates: 1");
    NONE(MAPPER, "<==    Columns: id, name");
    NONE(MAPPER, "<==        Row: 42, alice");
    NONE(MAPPER, "==>  Preparing: ");
    NONE(MAPPER, "==>  Preparing:  \t \r");
    NONE(MAPPER, "==>   Preparing: SELECT 1"); /* three blanks: not MyBatis */
    NONE(MAPPER, "Preparing: SELECT 1");
    NONE(MAPPER, ">  Preparing: SELECT 1");
    NONE("o.s.w.s.DispatcherServlet", "Completed 200 OK");
    NONE("", "");
    /* BaseJdbcLogger's arrow opens the message: a marker inside data is data. */
    NONE(MAPPER, "Preparing: x ==>  Preparing: SELECT 2");
    NONE(MAPPER, "<==        Row: 1, ==>  Preparing: DROP TABLE memo");
    NONE(MAPPER, "==> Parameters: Preparing: lunch(String)");
    /* ... unless the layout left some of its text before the message, ended by a
     * separator. A later marker counts when an earlier "Preparing: " is not one. */
    EXPECT(MAPPER, "159 -- ==>  Preparing: SELECT 1", QSP_SQL_MYBATIS,
           "159 -- ==>  Preparing: ", "", "SELECT 1");
    EXPECT(MAPPER, "DEBUG findOne(BaseJdbcLogger.java:159) - ==>  Preparing: select 1",
           QSP_SQL_MYBATIS, "DEBUG findOne(BaseJdbcLogger.java:159) - ==>  Preparing: ", "",
           "select 1");
    NONE(MAPPER, "==> Parameters: x - ==>  Preparing: SELECT 1");
    EXPECT("", "[DEBUG][c.e.M][query][63] -> ==>  Preparing: SELECT 2", QSP_SQL_MYBATIS,
           "[DEBUG][c.e.M][query][63] -> ==>  Preparing: ", "", "SELECT 2");
    EXPECT("", "x Preparing: y - ==>  Preparing: SELECT 3", QSP_SQL_MYBATIS,
           "x Preparing: y - ==>  Preparing: ", "", "SELECT 3");
    NONE("", "Row: 1, ==>  Preparing: DROP TABLE memo");
    static const char bad[] = "==>  Preparing: SELECT '\xff\xfe\0x' FROM t";
    expect_len(__LINE__, bi, bictx, MAPPER, bad, sizeof bad - 1, QSP_SQL_MYBATIS,
               "==>  Preparing: ", "", "SELECT '\xff\xfe\0x' FROM t", 20);
}

static void test_boundsql(void)
{
    EXPECT("c.e.i.SqlLogInterceptor", "boundSql : select * from item where id = 1",
           QSP_SQL_BOUNDSQL, "boundSql : ", "", "select * from item where id = 1");
    EXPECT("c.e.i.SqlLogInterceptor",
           "mapper c.e.ItemMapper.list took 12ms, boundSql: select 1 from dual",
           QSP_SQL_BOUNDSQL, "mapper c.e.ItemMapper.list took 12ms, boundSql: ", "",
           "select 1 from dual");
    EXPECT("x", "BoundSql:select 1", QSP_SQL_BOUNDSQL, "BoundSql:", "", "select 1");
    /* The keep stays on the marker's line; the statement starts on the next one. */
    EXPECT("x", "boundSql :\nselect\n  1\n", QSP_SQL_BOUNDSQL, "boundSql :", "",
           "select\n  1");
    EXPECT("x", "boundSql : select a\r\nfrom b", QSP_SQL_BOUNDSQL, "boundSql : ", "",
           "select a\r\nfrom b");
    NONE("x", "boundSql : ");
    NONE("x", "boundSql :  \r\n ");
    NONE("x", "boundSql is null for mapper c.e.X");
    NONE("x", "oundSql : select 1");
}

#define P6URL "url jdbc:mysql://db:3306/app?useSSL=false"
#define P6HEAD "1700485381123|3|statement|connection 7|" P6URL "|"

static void test_p6spy_single(void)
{
    EXPECT("p6spy", P6HEAD "select id from t where a=?|select id from t where a=5",
           QSP_SQL_P6SPY_SINGLE, P6HEAD, "", "select id from t where a=5");
    EXPECT("p6spy", P6HEAD "select 1|select 1", QSP_SQL_P6SPY_SINGLE, P6HEAD, "", "select 1");
    /* '|' inside the SQL: || concatenation, with and without placeholders. */
    EXPECT("p6spy", P6HEAD "select a||b from t where id=?|select a||b from t where id=3",
           QSP_SQL_P6SPY_SINGLE, P6HEAD, "", "select a||b from t where id=3");
    EXPECT("p6spy", P6HEAD "select a||b from t|select a||b from t", QSP_SQL_P6SPY_SINGLE,
           P6HEAD, "", "select a||b from t");
    EXPECT("p6spy", P6HEAD "select a||? from t|select a||'x' from t", QSP_SQL_P6SPY_SINGLE,
           P6HEAD, "", "select a||'x' from t");
    /* ... and inside a bound value. */
    EXPECT("p6spy", P6HEAD "update t set v=? where id=?|update t set v='x|y||z' where id=2",
           QSP_SQL_P6SPY_SINGLE, P6HEAD, "", "update t set v='x|y||z' where id=2");
    EXPECT("p6spy", P6HEAD "select ?|?|select '|'|'|'", QSP_SQL_P6SPY_SINGLE, P6HEAD, "",
           "select '|'|'|'");
    /* An empty statement field: the prepared one is the SQL. */
    EXPECT("p6spy", P6HEAD "select now()|", QSP_SQL_P6SPY_SINGLE, P6HEAD, "", "select now()");
    EXPECT("p6spy",
           "1700485381123|12|batch|connection 7|" P6URL
           "|insert into t(a) values(?)|insert into t(a) values(9)",
           QSP_SQL_P6SPY_SINGLE, "1700485381123|12|batch|connection 7|" P6URL "|", "",
           "insert into t(a) values(9)");
    /* commit and rollback carry no SQL. */
    NONE("p6spy", "1700485381130|0|commit|connection 7|" P6URL "||");
    NONE("p6spy", "1700485381131|1|rollback|connection 7|" P6URL "||");
    NONE("p6spy", "1700485381131|1|rollback|connection 7|" P6URL "| | ");
    /* Any logger: the shape is unambiguous when it starts with a digit. */
    EXPECT("com.example.Other", P6HEAD "select 1|select 1", QSP_SQL_P6SPY_SINGLE, P6HEAD, "",
           "select 1");
    /* p6spy's dateformat may make "now" text; trusted only from the p6spy logger. */
    EXPECT("p6spy",
           "Nov 20, 2023 14:03:01|3|statement|connection 7|" P6URL "|select 1|select 1",
           QSP_SQL_P6SPY_SINGLE, "Nov 20, 2023 14:03:01|3|statement|connection 7|" P6URL "|",
           "", "select 1");
    NONE("com.example.Other",
         "Nov 20, 2023 14:03:01|3|statement|connection 7|" P6URL "|select 1|select 1");
    /* Before the url field existed. */
    EXPECT("p6spy", "1700485381123|3|statement|connection 7|select 1|select 1",
           QSP_SQL_P6SPY_SINGLE, "1700485381123|3|statement|connection 7|", "", "select 1");
    /* Not p6spy: '|' in ordinary messages. */
    NONE("com.example.Table", "42|foo|bar|baz");
    NONE("com.example.Table", "2023|x|statement|connection 1|select 1|select 1");
    NONE("com.example.Table", "2023|1|state ment|connection 1|select 1|select 1");
    NONE("com.example.Table", "2023|1|statement|conn 1|select 1|select 1");
    NONE("com.example.Table", "2023|1|statement\n|connection 1|select 1|select 1");
    NONE("com.example.Table", "| a | b |");
    NONE("p6spy", "|||||");
    NONE("p6spy", "1|2|3");
}

#define MHEAD "#1700485381123 | took 3ms | statement | connection 7| " P6URL

static void test_p6spy_multi(void)
{
    EXPECT("p6spy", MHEAD "\nselect id from t where a=?\nselect id from t where a=5;",
           QSP_SQL_P6SPY_MULTI, MHEAD, " | ", "select id from t where a=5");
    /* The prepared statement spans lines: as many as the statement with values. */
    EXPECT("p6spy",
           MHEAD
           "\nselect id,\n  name\nfrom t where a=?\nselect id,\n  name\nfrom t where a=5;",
           QSP_SQL_P6SPY_MULTI, MHEAD, " | ", "select id,\n  name\nfrom t where a=5");
    /* A bound value holds a newline: the line counts differ, the text decides. */
    EXPECT("p6spy", MHEAD "\ninsert into t(v) values(?)\ninsert into t(v) values('a\nb');",
           QSP_SQL_P6SPY_MULTI, MHEAD, " | ", "insert into t(v) values('a\nb')");
    EXPECT("p6spy", MHEAD "\nselect 1\nfrom dual\nselect 1\nfrom dual;", QSP_SQL_P6SPY_MULTI,
           MHEAD, " | ", "select 1\nfrom dual");
    EXPECT("p6spy", MHEAD "\r\nselect 1\r\nselect 1;", QSP_SQL_P6SPY_MULTI, MHEAD, " | ",
           "select 1");
    /* One statement only. */
    EXPECT("p6spy", MHEAD "\nselect 1;", QSP_SQL_P6SPY_MULTI, MHEAD, " | ", "select 1");
    /* Statement empty: the prepared one. */
    EXPECT("p6spy", MHEAD "\nselect 2\n;", QSP_SQL_P6SPY_MULTI, MHEAD, " | ", "select 2");
    NONE("p6spy", "#1700485381130 | took 0ms | commit | connection 7| " P6URL "\n\n;");
    NONE("p6spy", "#1700485381130 | took 0ms | rollback | connection 7| " P6URL "\r\n\r\n;");
    NONE("p6spy", "#1700485381130 | took 0ms | commit | connection 7| " P6URL);
    EXPECT("com.example.Other", MHEAD "\nselect 1\nselect 1;", QSP_SQL_P6SPY_MULTI, MHEAD,
           " | ", "select 1");
    NONE("com.example.Other", "#TODO | took 3ms | fix | connection 7| x\nselect 1\nselect 1;");
    NONE("com.example.Other", "# heading\nselect 1");
    NONE("p6spy", "#");
}

static void test_p6spy_custom(void)
{
    EXPECT("p6spy", "1700485381123|3|statement|connection7|select id from t where a=5",
           QSP_SQL_P6SPY_CUSTOM, "1700485381123|3|statement|connection7|", "",
           "select id from t where a=5");
    EXPECT("p6spy", "1700485381123|3|statement|connection7|select a||b from t",
           QSP_SQL_P6SPY_CUSTOM, "1700485381123|3|statement|connection7|", "",
           "select a||b from t");
    EXPECT("com.example.X", "1700485381123|3|statement|connection12|select 1",
           QSP_SQL_P6SPY_CUSTOM, "1700485381123|3|statement|connection12|", "", "select 1");
    NONE("p6spy", "1700485381123|0|commit|connection7|");
    NONE("p6spy", "1700485381123|0|rollback|connection7| \r");
    NONE("p6spy", "1700485381123|0|statement|connection|select 1");
}

static void test_loggers_and_regexes(void)
{
    struct qs_error err = QS_ERROR_INIT;
    qs_error_clear(&err);
    struct qsp_detector *d = NULL;
    struct qsp_detect_ctx *c = NULL;
    CHECK_INT(qsp_detector_new(&d, &err), 0);
    CHECK_INT(qsp_detector_add_logger(d, "org.hibernate.SQL", &err), 0);
    CHECK_INT(qsp_detector_add_logger(d, "com.example.sql.*", &err), 0);
    CHECK_INT(qsp_detector_add_regex(d, "(?s)Executing SQL \\[(?<sql>.*?)\\]", &err), 0);
    CHECK_INT(qsp_detector_add_regex(d, "(?s)^SQL: (?<sql>.*)", &err), 0);
    CHECK_INT(qsp_detector_add_regex(d, "^Query \\((?<ms>\\d+) ms\\) (?<sql>.*)$", &err), 0);
    CHECK_INT(err.code, QS_OK);
    CHECK_INT(qsp_detect_ctx_new(&c, d, &err), 0);
    struct qsp_sql_span sp;
#define DEXPECT(lg, msg, kind, keep, sep, sql)                                                \
    expect_len(__LINE__, d, c, (lg), (msg), strlen(msg), (kind), (keep), (sep), (sql),        \
               slen(sql))

    /* Hibernate's format_sql output: the whole message is SQL. */
    DEXPECT("org.hibernate.SQL", "\n    select\n        u.id \n    from\n        users u",
            QSP_SQL_HIBERNATE, "", "", "select\n        u.id \n    from\n        users u");
    DEXPECT("com.example.sql.Audit", "delete from audit where ts < ?", QSP_SQL_LOGGER, "", "",
            "delete from audit where ts < ?");
    DEXPECT("com.example.sql.", "select 1", QSP_SQL_LOGGER, "", "", "select 1");
    /* A configured logger with p6spy shapes keeps the metadata. */
    DEXPECT("com.example.sql.Spy", P6HEAD "select 1|select 1", QSP_SQL_P6SPY_SINGLE, P6HEAD,
            "", "select 1");
    DEXPECT("com.example.sql.Spy", "Mon|3|statement|connection7|select 2",
            QSP_SQL_P6SPY_CUSTOM, "Mon|3|statement|connection7|", "", "select 2");
    /* ... and so do the other tools' metadata: a timing, a location suffix */
    DEXPECT("com.example.sql.Timed", "select 1 \n {executed in 3 msec}", QSP_SQL_LOG4JDBC, "",
            "", "select 1");
    DEXPECT("com.example.sql.Loc", "select 2   (Dao.java:12)", QSP_SQL_LOGGER, "", "",
            "select 2");
    expect_len(__LINE__, d, c, "com.example.sql.Spy", "1|0|commit|connection7|", 23,
               QSP_SQL_NONE, "", "", NULL, 0);
    expect_len(__LINE__, d, c, "org.hibernate.SQL", " \r\n ", 4, QSP_SQL_NONE, "", "", NULL,
               0);
    /* Not configured: exact names only, the prefix ends where the '*' was. */
    expect_len(__LINE__, d, c, "org.hibernate.SQLx", "select 1", 8, QSP_SQL_NONE, "", "", NULL,
               0);
    expect_len(__LINE__, d, c, "org.hibernate", "select 1", 8, QSP_SQL_NONE, "", "", NULL, 0);
    expect_len(__LINE__, d, c, "com.example.sqlx", "select 1", 8, QSP_SQL_NONE, "", "", NULL,
               0);

    /* Regexes: keep is everything before the group. */
    DEXPECT("o.s.jdbc.core.JdbcTemplate", "Executing SQL [select * from t\n where a = 1] now",
            QSP_SQL_REGEX, "Executing SQL [", "", "select * from t\n where a = 1");
    DEXPECT("x", "SQL: update t set a = 1", QSP_SQL_REGEX, "SQL: ", "", "update t set a = 1");
    DEXPECT("x", "Query (12 ms) select 2", QSP_SQL_REGEX, "Query (12 ms) ", "", "select 2");
    /* Invalid UTF-8 and NUL never make a regex fail. */
    static const char bad[] = "SQL: select '\xff\xc3\0' from t";
    expect_len(__LINE__, d, c, "x", bad, sizeof bad - 1, QSP_SQL_REGEX, "SQL: ", "",
               "select '\xff\xc3\0' from t", 19);
    /* An empty group is no SQL; the next recognizer may still find some. */
    expect_len(__LINE__, d, c, "x", "Executing SQL []", 16, QSP_SQL_NONE, "", "", NULL, 0);
    DEXPECT("x", "Executing SQL [ ] boundSql: select 3", QSP_SQL_BOUNDSQL,
            "Executing SQL [ ] boundSql: ", "", "select 3");
    /* Built-ins still run after the configured rules. */
    DEXPECT(MAPPER, "==>  Preparing: select 4", QSP_SQL_MYBATIS, "==>  Preparing: ", "",
            "select 4");

    /* Built-ins off: configured rules only. */
    qsp_detector_set_builtin(d, 0);
    expect_len(__LINE__, d, c, MAPPER, "==>  Preparing: select 4", 24, QSP_SQL_NONE, "", "",
               NULL, 0);
    expect_len(__LINE__, d, c, "p6spy", "1|3|statement|connection7|select 1", 34, QSP_SQL_NONE,
               "", "", NULL, 0);
    DEXPECT("x", "SQL: select 5", QSP_SQL_REGEX, "SQL: ", "", "select 5");
    qsp_detector_set_builtin(d, 1);

    /* Pattern errors name the cause and the offset; a pattern needs the group sql. */
    qs_error_clear(&err);
    CHECK_INT(qsp_detector_add_regex(d, "SQL: (?<sql>.*", &err), QS_EPATTERN);
    CHECK(strstr(err.text, "missing closing parenthesis") != NULL);
    CHECK(strstr(err.text, "offset 14") != NULL);
    qs_error_clear(&err);
    CHECK_INT(qsp_detector_add_regex(d, "SQL: (?<query>.*)", &err), QS_EPATTERN);
    CHECK(strstr(err.text, "sql") != NULL);
    CHECK_INT(qsp_detector_add_regex(d, NULL, NULL), QS_EINVAL);
    CHECK_INT(qsp_detector_add_logger(d, "", NULL), QS_EINVAL);
    CHECK_INT(qsp_detector_add_logger(NULL, "x", NULL), QS_EINVAL);

    /* A regex with more groups added after the context was made: the context is stale. */
    CHECK_INT(qsp_detector_add_regex(d, "(a)(b)(c)(d)(e)(?<sql>f)", NULL), 0);
    CHECK_INT(qsp_detect(d, c, "x", 1, "zzz", 3, &sp), QS_ESTATE);
    CHECK_INT(qsp_detect(d, bictx, "x", 1, "zzz", 3, &sp), QS_EINVAL); /* another's ctx */
    qsp_detect_ctx_free(&c);
    CHECK_INT(qsp_detect_ctx_new(&c, d, NULL), 0);
    DEXPECT("x", "abcdef", QSP_SQL_REGEX, "abcde", "", "f");
    qsp_detect_ctx_free(&c);
    qsp_detector_free(&d);
    CHECK(c == NULL && d == NULL);
    qsp_detector_free(&d);
    qsp_detect_ctx_free(NULL);
#undef DEXPECT
}

/* Detect with the built-ins and check every statement: kind, the duration, the SQL of each
 * in order, each inside its region, regions in order. sqls ends with NULL; none: no SQL. */
static void expect_stmts(int line, const char *logger, const char *msg, enum qsp_sql_kind kind,
                         long long took, const char *const *sqls)
{
    struct qsp_sql_span sp;
    size_t len = strlen(msg), want = 0;
    while (sqls && sqls[want])
        want++;
    int rc = qsp_detect(bi, bictx, logger, strlen(logger), msg, len, &sp);
    int ok = rc == (want ? 1 : 0);
    if (ok && want) {
        ok = sp.kind == kind && sp.n == want && sp.took_ms == took;
        size_t prev = 0;
        for (size_t i = 0; ok && i < want; i++) {
            const struct qsp_stmt *t = &sp.stmt[i];
            ok = t->from >= prev && t->from <= t->sql_off &&
                 t->sql_off + t->sql_len <= t->to && t->to <= len &&
                 t->sql_len == strlen(sqls[i]) &&
                 memcmp(msg + t->sql_off, sqls[i], t->sql_len) == 0;
            prev = t->to;
        }
    }
    qst_checks++;
    if (!ok) {
        qst_failures++;
        fprintf(stderr, "test-detect.c:%d: [%.60s]: rc %d kind %d n %zu took %lld\n", line,
                msg, rc, rc == 1 ? (int)sp.kind : 0, rc == 1 ? sp.n : 0,
                rc == 1 ? (long long)sp.took_ms : -1);
        for (size_t i = 0; rc == 1 && i < sp.n; i++)
            fprintf(stderr, "  stmt %zu [%zu,%zu) sql [%.*s]\n", i, sp.stmt[i].from,
                    sp.stmt[i].to, (int)sp.stmt[i].sql_len, msg + sp.stmt[i].sql_off);
    }
}

#define STMTS(lg, msg, kind, took, ...)                                                       \
    do {                                                                                      \
        static const char *const w_[] = {__VA_ARGS__, NULL};                                  \
        expect_stmts(__LINE__, (lg), (msg), (kind), (took), w_);                              \
    } while (0)
#define NOSTMT(lg, msg) expect_stmts(__LINE__, (lg), (msg), QSP_SQL_NONE, -1, NULL)

/* MyBatis beyond "Preparing:": StatementLogger's "Executing:", a log4j location suffix. */
static void test_mybatis_more(void)
{
    STMTS(MAPPER, "==>  Executing: SELECT * FROM t WHERE id = 5", QSP_SQL_MYBATIS, -1,
          "SELECT * FROM t WHERE id = 5");
    STMTS(MAPPER, "====>  Executing: select 2", QSP_SQL_MYBATIS, -1, "select 2");
    /* log4j "%m   (%F:%L)" and "%m %l": the location is no part of the statement */
    STMTS(MAPPER, "==>  Preparing: SELECT id FROM t WHERE id=?   (BaseJdbcLogger.java:145)",
          QSP_SQL_MYBATIS, -1, "SELECT id FROM t WHERE id=?");
    STMTS(MAPPER,
          "==>  Preparing: select 1 "
          "org.apache.ibatis.logging.jdbc.BaseJdbcLogger.debug(BaseJdbcLogger.java:137)",
          QSP_SQL_MYBATIS, -1, "select 1");
    /* a call in the SQL is not a location */
    STMTS(MAPPER, "==>  Preparing: select f(a.java:1)", QSP_SQL_MYBATIS, -1,
          "select f(a.java:1)");
    STMTS(MAPPER, "==>  Preparing: select count(x)", QSP_SQL_MYBATIS, -1, "select count(x)");
    NOSTMT(MAPPER, "==> Executing:");
    NOSTMT(MAPPER, "Executing: select 1");
    /* MyBatis-Plus's p6spy formatter, one entry or many in one record */
    STMTS("p6spy",
          " Consume Time\xef\xbc\x9a"
          "24 ms 2022-04-07 20:04:20\n Execute SQL\xef\xbc\x9a"
          "SELECT a FROM student WHERE (sex = '\xe7\x94\xb7')",
          QSP_SQL_P6SPY_CUSTOM, 24, "SELECT a FROM student WHERE (sex = '\xe7\x94\xb7')");
    STMTS("",
          " Consume Time: 3 ms 2022-04-07\n Execute SQL: select 1\n\n Consume Time: 4 ms x\n"
          " Execute SQL: select 2",
          QSP_SQL_P6SPY_CUSTOM, 4, "select 1", "select 2");
    NOSTMT("c.e.X", "Execute SQL failed: retry");
}

/* p6spy categories, MultiLineFormat before 3.8, other '|' layouts, the duration. */
static void test_p6spy_more(void)
{
    STMTS("p6spy", P6HEAD "select 1|select 1", QSP_SQL_P6SPY_SINGLE, 3, "select 1");
    /* result and resultset repeat a statement or print values: left alone */
    NOSTMT("p6spy",
           "1700485381123|0|result|connection 7|" P6URL "|select a from t|A = 1, B = x");
    NOSTMT("p6spy", "1700485381123|5|resultset|connection 7|" P6URL "|select a from t|A = 1");
    NOSTMT("p6spy", "1700485381123|5|resultset|connection7|select a from t");
    NOSTMT("p6spy",
           "#1700485381123 | took 0ms | result | connection 7| " P6URL "\nselect 1\nA = 1;");
    /* before 3.8: the prepared statement on the header line after "connection N|" */
    STMTS("p6spy",
          "#1700485381123 | took 4ms | statement | connection 7|select a from t where b=?\n"
          "select a from t where b=5;",
          QSP_SQL_P6SPY_MULTI, 4, "select a from t where b=5");
    STMTS("",
          "#1700485381123 | took 4ms | batch | connection 2|insert into t values(?)\n"
          "insert into t values(1);",
          QSP_SQL_P6SPY_MULTI, 4, "insert into t values(1)");
    NOSTMT("p6spy", "#1700485381123 | took 0ms | commit | connection 7|\n;");
    /* custom formats: a category and a connection before the statement */
    STMTS("p6spy",
          "autocommit(true)|2024-01-01 10:00:00|1ms|statement|connection5|SELECT 1 FROM t",
          QSP_SQL_P6SPY_CUSTOM, 1, "SELECT 1 FROM t");
    STMTS("com.example.Spy", "2024-01-01 10:00:00|12|statement|connection 5|select 3|select 3",
          QSP_SQL_P6SPY_SINGLE, 12, "select 3");
    NOSTMT("p6spy", "autocommit(true)|x|1ms|commit|connection5|");
    NOSTMT("c.e.Table", "a|b|c|connection5|select 1"); /* no category */
    /* p6spy's shape from another logger needs a statement after it */
    NOSTMT("c.e.csv.Exporter", "12|34|statement|connection 5|exported rows");
    NOSTMT("c.e.csv.Exporter",
           "#12 | took 3ms | statement | connection 5| url x\nrow 1\nrow 1;");
    /* StdoutLogger with a dateformat: trusted on a line of its own, not from other loggers */
    STMTS("", "Nov 20, 2023 14:03:01|3|statement|connection 7|" P6URL "|select 1|select 1",
          QSP_SQL_P6SPY_SINGLE, 3, "select 1");
}

/* Hibernate's SqlStatementLogger: show_sql, org.hibernate.SQL, format_sql, highlight, slow. */
static void test_hibernate(void)
{
    STMTS("", "Hibernate: select u1_0.id from users u1_0 where u1_0.id=?", QSP_SQL_HIBERNATE,
          -1, "select u1_0.id from users u1_0 where u1_0.id=?");
    STMTS("", "Hibernate: \n    select\n        u1_0.id \n    from\n        users u1_0",
          QSP_SQL_HIBERNATE, -1, "select\n        u1_0.id \n    from\n        users u1_0");
    /* a pasted log lost the blank after the colon */
    STMTS(
        "",
        "Hibernate:\n    insert \n    into\n        t\n        (a) \n    values\n        (?)",
        QSP_SQL_HIBERNATE, -1,
        "insert \n    into\n        t\n        (a) \n    values\n        (?)");
    /* stdout glued after the statement is not part of it */
    STMTS("", "Hibernate: \n    select\n        t.id \n    from\n        Team t\nteamname = A",
          QSP_SQL_HIBERNATE, -1, "select\n        t.id \n    from\n        Team t");
    STMTS("", "Hibernate: select 1\nEnd debug", QSP_SQL_HIBERNATE, -1, "select 1");
    /* use_sql_comments */
    STMTS("", "Hibernate: /* load Team */ select t.id from Team t", QSP_SQL_HIBERNATE, -1,
          "/* load Team */ select t.id from Team t");
    STMTS("", "\x1b[35m[Hibernate]\x1b[0m \x1b[34mselect\x1b[0m 1", QSP_SQL_HIBERNATE, -1,
          "\x1b[34mselect\x1b[0m 1");
    NOSTMT("c.e.Svc", "Hibernate: this is not sql");
    /* show_sql prints on a line of its own: inside another logger's message it is text */
    NOSTMT("c.e.health.DbHealth", "Hibernate: select 1 took 3 s, check the pool");
    NOSTMT("", "Hibernate: 6.4.4.Final");
    NOSTMT("", "Hibernate:");
    STMTS("org.hibernate.SQL", "\n    select\n        a.id \n    from\n        a a",
          QSP_SQL_HIBERNATE, -1, "select\n        a.id \n    from\n        a a");
    STMTS("o.h.SQL", "insert into t (a) values (?)", QSP_SQL_HIBERNATE, -1,
          "insert into t (a) values (?)");
    STMTS("org.hibernate.SQL", "\"/* insert A */ insert into A (id) values (?)\"",
          QSP_SQL_HIBERNATE, -1, "/* insert A */ insert into A (id) values (?)");
    STMTS("SQL", "select 1", QSP_SQL_HIBERNATE, -1, "select 1");
    NOSTMT("SQL", "Connection refused");
    /* format_sql from a logger the layout hides */
    STMTS("unknown", "\n    select\n        r.rating \n    from\n        review r",
          QSP_SQL_HIBERNATE, -1, "select\n        r.rating \n    from\n        review r");
    STMTS("org.hibernate.SQL_SLOW", "Slow query took 1250 milliseconds [select * from big]",
          QSP_SQL_HIBERNATE, 1250, "select * from big");
    STMTS("", "Slow query took 7 milliseconds [select a[1] from t]", QSP_SQL_HIBERNATE, 7,
          "select a[1] from t");
    /* statistics print HQL, not SQL sent to the database */
    NOSTMT("org.hibernate.stat.internal.StatisticsImpl",
           "HHH000117: HQL: SELECT a FROM Author a WHERE a.lastName = :lastName, time: 26ms");
}

/* log4jdbc and log4jdbc-log4j2 (Slf4jSpyLogDelegator and its log4j2 twin). */
static void test_log4jdbc(void)
{
    STMTS("jdbc.sqlonly", "select * from board where bno = 1", QSP_SQL_LOG4JDBC, -1,
          "select * from board where bno = 1");
    STMTS("jdbc.sqltiming", "select * from board where bno = 1 \n {executed in 13 msec}",
          QSP_SQL_LOG4JDBC, 13, "select * from board where bno = 1");
    /* debug level: the caller's line, then the connection number */
    STMTS("jdbc.sqltiming",
          " com.zaxxer.hikari.pool.ProxyStatement.executeQuery(ProxyStatement.java:52)\n"
          "1. select a from b {executed in 2 msec}",
          QSP_SQL_LOG4JDBC, 2, "select a from b");
    STMTS("jdbc.sqlonly",
          " org.apache.ibatis.executor.SimpleExecutor.doQuery(SimpleExecutor.java:63)\n"
          "5. select 1",
          QSP_SQL_LOG4JDBC, -1, "select 1");
    /* failures: the header, the timing and the trace stay */
    STMTS("jdbc.sqltiming",
          "5. PreparedStatement.executeQuery() FAILED! select * from nope {FAILED after 2 "
          "msec}\njava.sql.SQLSyntaxErrorException: Table \"NOPE\" not found\n\tat "
          "x.y(Z.java:1)",
          QSP_SQL_LOG4JDBC, 2, "select * from nope");
    STMTS("jdbc.sqlonly",
          "5. Statement.executeQuery(select 9) select 9\njava.sql.SQLException: x\n\tat "
          "a.b(C.java:1)",
          QSP_SQL_LOG4JDBC, -1, "select 9");
    /* batches: one statement per "k:" item, whatever processSql did to the lines */
    STMTS(
        "jdbc.sqlonly",
        "batching 3 statements:\n1:  insert into t values (1)\n2:  insert into t values (2)\n"
        "3:  insert into t values (3)",
        QSP_SQL_LOG4JDBC, -1, "insert into t values (1)", "insert into t values (2)",
        "insert into t values (3)");
    STMTS("jdbc.sqltiming",
          "batching 2 statements: 1: insert into t values (1) 2: insert into\nt values (2) "
          "{executed in 5 msec}",
          QSP_SQL_LOG4JDBC, 5, "insert into t values (1)", "insert into\nt values (2)");
    /* jdbc.audit: the statement inside the call */
    STMTS("jdbc.audit",
          "5. Connection.prepareStatement(select * from q where id = ?) returned "
          "net.sf.log4jdbc.PreparedStatementSpy@1a2b",
          QSP_SQL_LOG4JDBC, -1, "select * from q where id = ?");
    STMTS("jdbc.audit",
          "5. Connection.prepareStatement(insert into q values (?), 1) returned x",
          QSP_SQL_LOG4JDBC, -1, "insert into q values (?)");
    STMTS("jdbc.audit", "3. Statement.execute(create table t (a int)) returned false",
          QSP_SQL_LOG4JDBC, -1, "create table t (a int)");
    NOSTMT("jdbc.audit", "5. PreparedStatement.setInt(1, 4) returned ");
    NOSTMT("jdbc.audit", "5. PreparedStatement.executeQuery() returned net.sf.log4jdbc.R@1");
    NOSTMT("jdbc.audit", "5. Connection.close() returned ");
    /* the log4j2 delegator logs everything through one logger: the content decides */
    STMTS("log4jdbc.log4j2", "1. select 1 from dual {executed in 0 msec}", QSP_SQL_LOG4JDBC, 0,
          "select 1 from dual");
    NOSTMT("log4jdbc.log4j2", "1. Connection opened");
    NOSTMT("log4jdbc.log4j2", "\n|---|\n|id |\n|---|\n|1  |\n|---|");
    /* resultsettable and connection are not looked at */
    NOSTMT("jdbc.resultsettable", "\n|----|\n|select |\n|----|");
    NOSTMT("jdbc.connection", "1. Connection opened");
    /* a layout without the logger: the timing says it */
    STMTS("", "SELECT a FROM b \n {executed in 1 msec}", QSP_SQL_LOG4JDBC, 1,
          "SELECT a FROM b");
    NOSTMT("c.e.Job", "Nightly run done {executed in 5 msec}");
}

/* datasource-proxy's DefaultQueryLogEntryCreator, single- and multi-line. */
static void test_dsproxy(void)
{
    STMTS("n.t.d.l.l.SLF4JQueryLoggingListener",
          "Name:dataSource, Connection:3, Time:1, Success:True, Type:Prepared, Batch:False, "
          "QuerySize:1, BatchSize:0, Query:[\"select * from t where id=?\"], Params:[(1)]",
          QSP_SQL_DSPROXY, 1, "select * from t where id=?");
    STMTS(
        "x",
        "Name:, Time:3, Success:True, Type:Statement, Batch:True, QuerySize:2, BatchSize:0, "
        "Query:[\"insert into a values (1)\",\"insert into b values (\"\"q\"\")\"], Params:[]",
        QSP_SQL_DSPROXY, 3, "insert into a values (1)", "insert into b values (\"\"q\"\")");
    STMTS(
        "x",
        "\nName:ds, Connection:1, Time:4, Success:True\nType:Prepared, Batch:False, "
        "QuerySize:1, BatchSize:0\nQuery:[\"select \"\"a\"\",\"\"b\"\" from t\"]\nParams:[()]",
        QSP_SQL_DSPROXY, 4, "select \"\"a\"\",\"\"b\"\" from t");
    STMTS("x",
          "\r\nName:ds, Time:4, Success:True\r\nType:Prepared, Batch:False, QuerySize:1, "
          "BatchSize:0\r\nQuery:[\"select 1\"]\r\nParams:[()]",
          QSP_SQL_DSPROXY, 4, "select 1");
    /* DefaultJsonQueryLogEntryCreator: JSON strings, split by the JSON grammar */
    STMTS("x",
          "{\"name\":\"ds\", \"connection\":1, \"time\":7, \"success\":true, \"type\":"
          "\"Statement\", \"batch\":true, \"querySize\":2, \"batchSize\":0, \"query\":"
          "[\"insert into a values (\\\"x\\\",\\\"y\\\")\",\"select 2\"], \"params\":[]}",
          QSP_SQL_DSPROXY, 7, "insert into a values (\\\"x\\\",\\\"y\\\")", "select 2");
    NOSTMT("x", "{\"time\":1, \"query\":[\"\"]}");
    NOSTMT("x", "{\"query\":[\"select 1\"], \"time\":1}");
    NOSTMT("x", "Response Time:12ms, Query:[none]");
    NOSTMT("x", "Time:1, Query:[\"");
}

/* A bare statement counts only from a record without a logger, and only as a statement. */
static void test_bare(void)
{
    STMTS("", "SELECT A.ID\tAS ID,\n\t  A.NM\n\t FROM TB A", QSP_SQL_BARE, -1,
          "SELECT A.ID\tAS ID,\n\t  A.NM\n\t FROM TB A");
    STMTS("", "update t set a = 1 where id = 2", QSP_SQL_BARE, -1,
          "update t set a = 1 where id = 2");
    NOSTMT("", "Select a user from the list");
    NOSTMT("", "update complete");
    NOSTMT("", "DELETE requested by admin");
    NOSTMT("c.e.Svc", "select * from t");
}

/* p6spy's customLogMessageFormat, compiled (--p6spy-format). */
static void test_p6spy_format(void)
{
    struct qs_error err = QS_ERROR_INIT;
    qs_error_clear(&err);
    struct qsp_detector *d = NULL;
    struct qsp_detect_ctx *c = NULL;
    CHECK_INT(qsp_detector_new(&d, &err), 0);
    CHECK_INT(qsp_detector_set_p6spy_format(d, "%(foo)|%(sql)", &err), QS_EINVAL);
    CHECK(strstr(err.text, "%(foo)") != NULL);
    qs_error_clear(&err);
    CHECK_INT(qsp_detector_set_p6spy_format(d, "%(currentTime)|%(category)", &err), QS_EINVAL);
    qs_error_clear(&err);
    CHECK_INT(
        qsp_detector_set_p6spy_format(
            d,
            "took %(executionTime)ms | %(category) | %(sqlSingleLine) ; conn=%(connectionId)",
            &err),
        0);
    CHECK_INT(qsp_detect_ctx_new(&c, d, &err), 0);
#define FEXPECT(lg, msg, kind, keep, sql)                                                     \
    expect_len(__LINE__, d, c, (lg), (msg), strlen(msg), (kind), (keep), "", (sql), slen(sql))
    FEXPECT("p6spy", "took 12ms | statement | select a|b from t ; conn=3",
            QSP_SQL_P6SPY_CUSTOM, "took 12ms | statement | ", "select a|b from t");
    FEXPECT("p6spy", "took 0ms | commit |  ; conn=3", QSP_SQL_NONE, "", NULL);
    FEXPECT("p6spy", "took 1ms | result | select 1 ; conn=3", QSP_SQL_NONE, "", NULL);
    /* another logger: the format's literal must be there first */
    FEXPECT("c.e.X", "took 12ms | statement | select 1 ; conn=3", QSP_SQL_P6SPY_CUSTOM,
            "took 12ms | statement | ", "select 1");
    struct qsp_sql_span sp;
    const char *m = "took 12ms | statement | select 1 ; conn=3";
    CHECK_INT(qsp_detect(d, c, "p6spy", 5, m, strlen(m), &sp), 1);
    CHECK_INT(sp.took_ms, 12);
    CHECK_INT(sp.stmt[0].to, strlen("took 12ms | statement | select 1"));
    qsp_detect_ctx_free(&c);
    /* the prepared and the statement side by side: the '?'-aware split */
    CHECK_INT(qsp_detector_set_p6spy_format(d,
                                            "%(currentTime)|%(executionTime)|%(category)|%("
                                            "effectiveSqlSingleLine)|%(sqlSingleLine)",
                                            &err),
              0);
    CHECK_INT(qsp_detect_ctx_new(&c, d, &err), 0);
    FEXPECT("p6spy",
            "2024-01-01|3|statement|select a||b from t where x=?|select a||b from t where x=5",
            QSP_SQL_P6SPY_CUSTOM, "2024-01-01|3|statement|", "select a||b from t where x=5");
    CHECK_INT(qsp_detector_set_p6spy_format(d, NULL, &err), 0);
    qsp_detect_ctx_free(&c);
    qsp_detector_free(&d);
#undef FEXPECT
}

/* "--" comments in statements logged on one line. */
static void test_line_comment(void)
{
    CHECK_INT(qsp_sql_has_line_comment("UPDATE t SET a = ?, -- note b = ? WHERE id = ?", 46),
              1);
    CHECK_INT(qsp_sql_has_line_comment("select '--' from t", 18), 0);
    CHECK_INT(qsp_sql_has_line_comment("select /* -- */ 1", 17), 0);
    CHECK_INT(qsp_sql_has_line_comment("select 1 -- x\nfrom t", 20), 0); /* not collapsed */
    CHECK_INT(qsp_sql_has_line_comment("select a-b from t", 17), 0);
    CHECK_INT(qsp_sql_has_line_comment("select 'x", 9), 0);
}

/* Append to a 64 KiB test buffer; returns the bytes written. */
static size_t app(char *buf, size_t *n, const char *fmt, int i, int j, const char *tail)
{
    int k = snprintf(buf + *n, 65536 - *n, fmt, i, j, tail);
    if (k < 0 || (size_t)k >= 65536 - *n)
        exit(2);
    *n += (size_t)k;
    return (size_t)k;
}

/* Statements longer than the split candidates tried from the start. */
static void test_p6spy_long(void)
{
    static char m[65536], want[65536];
    size_t n = 0, wn = 0;
    app(m, &n, "%.0d%.0d%s\n", 0, 0, MHEAD);
    for (int i = 0; i < 300; i++)
        app(m, &n, "  or c%d = ?%.0d%s", i, 0, "\n");
    for (int i = 0; i < 300; i++) {
        size_t at = n, k = app(m, &n, "  or c%d = %d%s", i, i, i < 299 ? "\n" : "");
        memcpy(want + wn, m + at, k);
        wn += k;
    }
    m[n++] = ';';
    expect_len(__LINE__, bi, bictx, "p6spy", m, n, QSP_SQL_P6SPY_MULTI, MHEAD, " | ", want + 2,
               wn - 2);
    /* Single-line with 300 || in each half and values longer than their '?'. */
    n = 0;
    app(m, &n, "%.0d%.0d%s", 0, 0, P6HEAD);
    for (int i = 0; i < 300; i++)
        app(m, &n, "a%d||?%.0d%s", i, 0, "");
    m[n++] = '|';
    size_t s0 = n;
    for (int i = 0; i < 300; i++)
        app(m, &n, "a%d||'value %d'%s", i, i, "");
    expect_len(__LINE__, bi, bictx, "p6spy", m, n, QSP_SQL_P6SPY_SINGLE, P6HEAD, "", m + s0,
               n - s0);
}

/* Seeded random messages, from bytes and from recognizer fragments: never a crash (run it
 * under ASan), always a span inside the message. */
static void test_garbage(void)
{
    static const char *frag[] = {
        "==>  Preparing: ",
        "====> ",
        " Preparing: ",
        "boundSql",
        " : ",
        "|",
        "||",
        "connection ",
        "connection7",
        "url jdbc:x",
        "#1700 | took 3ms | statement | connection 7| url u",
        "\n",
        "\r\n",
        "?",
        "select ",
        "1700485381123",
        "3",
        "statement",
        "commit",
        ";",
        "\0",
        "\xff",
        "\xc3",
        " ",
        "'",
        "p6spy",
    };
    const size_t nfrag = sizeof frag / sizeof frag[0];
    struct qs_error err = QS_ERROR_INIT;
    qs_error_clear(&err);
    struct qsp_detector *d = NULL;
    struct qsp_detect_ctx *c = NULL;
    CHECK_INT(qsp_detector_new(&d, &err), 0);
    CHECK_INT(qsp_detector_add_logger(d, "p6spy*", &err), 0);
    CHECK_INT(qsp_detector_add_regex(d, "(?s)X(?<sql>.*?)Y", &err), 0);
    CHECK_INT(qsp_detect_ctx_new(&c, d, &err), 0);
    char buf[2048];
    unsigned seed = 99;
    int bad = 0;
    for (int round = 0; round < 200000; round++) {
        size_t n = 0;
        int mode = round % 3;
        while (n < 1500) {
            seed = seed * 1103515245u + 12345u;
            unsigned r = seed >> 16;
            if (mode == 0) {
                buf[n++] = (char)r;
            } else {
                const char *f = frag[r % nfrag];
                size_t fl = f[0] ? strlen(f) : 1;
                memcpy(buf + n, f, fl);
                n += fl;
            }
            if (r % 23 == 0)
                break;
        }
        struct qsp_sql_span sp;
        const struct qsp_detector *dd = round % 2 ? d : bi;
        struct qsp_detect_ctx *cc = round % 2 ? c : bictx;
        int rc = qsp_detect(dd, cc, round % 5 ? "p6spy" : "x", round % 5 ? 5 : 1, buf, n, &sp);
        if (rc != 0 && rc != 1)
            bad++;
        else if (rc == 1 && (sp.keep_len > n || sp.sql_off > n || sp.sql_len == 0 ||
                             sp.sql_len > n - sp.sql_off || !sp.sep))
            bad++;
    }
    CHECK_INT(bad, 0);
    qsp_detect_ctx_free(&c);
    qsp_detector_free(&d);
}

/* Not a timed test: prints how fast a record is dismissed or split. */
static void measure(void)
{
    static const char *nosql[] = {
        "Completed 200 OK",
        "Started DemoApplication in 4.211 seconds (JVM running for 4.9)",
        "==> Parameters: 42(Long), alice(String), 2021-05-25 18:32:35.0(Timestamp)",
        "<==      Total: 1",
        "HikariPool-1 - Thread starvation or clock leap detected (housekeeper delta=1m2s).",
        "GET \"/api/users/42\", parameters={}, headers={masked} in DispatcherServlet 'x'",
    };
    const size_t n = sizeof nosql / sizeof nosql[0];
    size_t lens[8];
    for (size_t i = 0; i < n; i++)
        lens[i] = strlen(nosql[i]);
    struct qsp_sql_span sp;
    long iters = (long)qst_light(3000000), hits = 0;
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (long i = 0; i < iters; i++)
        hits +=
            qsp_detect(bi, bictx, MAPPER, sizeof MAPPER - 1, nosql[i % n], lens[i % n], &sp);
    clock_gettime(CLOCK_MONOTONIC, &b);
    double s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
    CHECK_INT(hits, 0);
    fprintf(stderr, "detect, no SQL: %.1f M messages/s\n", (double)iters / s / 1e6);
    const char *q = P6HEAD "select a||b from t where id=? and x in (?,?,?)|"
                           "select a||b from t where id=3 and x in (1,2,3)";
    size_t ql = strlen(q);
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (long i = 0; i < iters; i++)
        hits += qsp_detect(bi, bictx, "p6spy", 5, q, ql, &sp);
    clock_gettime(CLOCK_MONOTONIC, &b);
    s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
    CHECK_INT(hits, iters);
    fprintf(stderr, "detect, p6spy single-line with ||: %.1f M messages/s\n",
            (double)iters / s / 1e6);
}

int main(void)
{
    struct qs_error err = QS_ERROR_INIT;
    qs_error_clear(&err);
    CHECK_INT(qsp_detector_new(&bi, &err), 0);
    CHECK_INT(qsp_detect_ctx_new(&bictx, bi, &err), 0);
    if (!bi || !bictx)
        return qst_done("test-detect");
    test_mybatis();
    test_boundsql();
    test_p6spy_single();
    test_p6spy_multi();
    test_p6spy_custom();
    test_p6spy_long();
    test_mybatis_more();
    test_p6spy_more();
    test_hibernate();
    test_log4jdbc();
    test_dsproxy();
    test_bare();
    test_p6spy_format();
    test_line_comment();
    test_loggers_and_regexes();
    test_garbage();
    measure();
    qsp_detect_ctx_free(&bictx);
    qsp_detector_free(&bi);
    return qst_done("test-detect");
}
