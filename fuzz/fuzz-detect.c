/* fuzz-detect.c — libFuzzer target: the SQL recognizers (lib/detect*.c) on arbitrary
 * messages, under the loggers each family logs through.
 *
 * Input layout: byte 0 picks the logger (low 4 bits) and the detector (bit 4: with a
 * configured SQL logger and regex, bit 5: with a p6spy custom format); the rest is the
 * message. Properties checked on top of "no crash, no leak, no sanitizer report":
 *  - the result is 0 or 1; with 1 there is at least one statement;
 *  - statements are in message order, their regions do not overlap and lie inside the
 *    message, each statement lies inside its region, is not empty and has no blank at
 *    either end; the first statement's fields repeat in the span's keep_len/sql_off/…;
 *  - took_ms is -1 or a duration >= 0;
 *  - the quick test (qsp_detector_quick_rule, what the appender filters with) holds
 *    whenever SQL is found: it is a necessary condition;
 *  - detecting again gives the same answer (no state leaks between messages). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "detect.h"
#include "fuzz-check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const loggers[16] = {
    "",
    "p6spy",
    "c.e.mapper.UserMapper.selectById",
    "org.hibernate.SQL",
    "o.h.SQL",
    "org.hibernate.SQL_SLOW",
    "jdbc.sqlonly",
    "jdbc.sqltiming",
    "jdbc.audit",
    "log4jdbc.log4j2",
    "jdbc.resultsettable",
    "n.t.d.l.l.SLF4JQueryLoggingListener",
    "SQL",
    "com.example.sql.Audit",
    "unknown",
    "c.e.Svc",
};

static int blank(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

static void check_span(const struct qsp_sql_span *sp, size_t n)
{
    CHECK(sp->n >= 1 && sp->stmt != NULL);
    CHECK(sp->took_ms >= -1);
    size_t prev = 0;
    for (size_t i = 0; i < sp->n; i++) {
        const struct qsp_stmt *t = &sp->stmt[i];
        CHECK(t->from >= prev && t->from <= t->to && t->to <= n);
        CHECK(t->sql_off >= t->from && t->sql_len > 0 && t->sql_off + t->sql_len <= t->to);
        CHECK(t->sep != NULL);
        prev = t->to;
    }
    CHECK(sp->keep_len == sp->stmt[0].from && sp->sql_off == sp->stmt[0].sql_off &&
          sp->sql_len == sp->stmt[0].sql_len);
}

static int quick_holds(const struct qsp_detector *d, const char *lg, const char *m, size_t n)
{
    struct qs_quick_rule r;
    for (size_t i = 0; qsp_detector_quick_rule(d, i, &r) == 0; i++)
        if (qsp_quick_rule_holds(&r, lg, strlen(lg), m, n))
            return 1;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned ctl = data[0];
    const char *msg = (const char *)data + 1;
    size_t n = size - 1;
    const char *lg = loggers[ctl & 15];
    /* Compiling patterns costs more than a detection: the four detectors live as long as
     * the process. */
    static struct qsp_detector *det[4];
    static struct qsp_detect_ctx *ctx[4];
    unsigned which = (ctl >> 4) & 3;
    if (!det[which]) {
        CHECK(qsp_detector_new(&det[which], NULL) == 0);
        if (which & 1) {
            CHECK(qsp_detector_add_logger(det[which], "com.example.sql.*", NULL) == 0);
            CHECK(qsp_detector_add_regex(det[which], "SQL \\[(?<sql>[^\\]]*)\\]", NULL) == 0);
        }
        if (which & 2)
            CHECK(qsp_detector_set_p6spy_format(
                      det[which],
                      "%(currentTime)|%(executionTime)|%(category)|connection%(connectionId)|"
                      "%(effectiveSqlSingleLine)|%(sqlSingleLine)",
                      NULL) == 0);
        CHECK(qsp_detect_ctx_new(&ctx[which], det[which], NULL) == 0);
    }
    struct qsp_sql_span a, b;
    int rc = qsp_detect(det[which], ctx[which], lg, strlen(lg), msg, n, &a);
    CHECK(rc == 0 || rc == 1);
    if (rc == 1) {
        check_span(&a, n);
        CHECK(quick_holds(det[which], lg, msg, n));
        for (size_t i = 0; i < a.n; i++) {
            const struct qsp_stmt *t = &a.stmt[i];
            CHECK(!blank((unsigned char)msg[t->sql_off]) &&
                  !blank((unsigned char)msg[t->sql_off + t->sql_len - 1]));
        }
    }
    /* the same again: copy the first answer out of the context first */
    size_t an = rc == 1 ? a.n : 0;
    struct qsp_stmt *saved = an ? malloc(an * sizeof *saved) : NULL;
    CHECK(an == 0 || saved != NULL);
    if (an)
        memcpy(saved, a.stmt, an * sizeof *saved);
    int rc2 = qsp_detect(det[which], ctx[which], lg, strlen(lg), msg, n, &b);
    CHECK(rc2 == rc);
    if (rc == 1) {
        CHECK(b.n == an && b.kind == a.kind && b.took_ms == a.took_ms);
        for (size_t i = 0; i < an; i++)
            CHECK(memcmp(&saved[i], &b.stmt[i], sizeof saved[i]) == 0);
    }
    free(saved);
    return 0;
}
