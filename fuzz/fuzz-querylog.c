/* fuzz-querylog.c — libFuzzer target: the query.log encoding and its parser.
 *
 * The same input is used twice:
 *  1. as a query.log line for qs_query_record_parse: no crash; the same outcome as the
 *     jansson-based parse it replaced (return code, QHash, sql bytes); when it is accepted,
 *     the QHash is 32 lowercase hex digits, the sql fits what was reported, and a record
 *     re-encoded from them (by jansson) parses back to the same QHash and sql;
 *  2. as a logging event for qs_splitter_event (byte 0 picks the flags and the logger,
 *     byte 1 where the message ends and the thread begins): the console carries one
 *     "QHash":"<hash>" per statement; every query line produced (one per statement not
 *     deduped) is valid JSON (checked by jansson) whose QHash is the console's next one;
 *     unless redacted or repaired as invalid UTF-8, its sql is a piece of the message and
 *     hashes to that QHash. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qsplit.h"
#include "fuzz-check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int is_qhash(const char *h)
{
    for (int i = 0; i < QS_HASH_HEX_LEN; i++)
        if (!((h[i] >= '0' && h[i] <= '9') || (h[i] >= 'a' && h[i] <= 'f')))
            return 0;
    return h[QS_HASH_HEX_LEN] == '\0';
}

/* What jansson makes of a line as qs_query_record_parse did before it read lines itself
 * (json_loadb with JSON_ALLOW_NUL; the last of duplicate keys): 0 and the QHash and the
 * decoded sql (malloc'ed, *sql_len bytes) in *sql, or QS_ENOTFOUND. */
static int jansson_parse(const char *line, size_t len, char qhash[QS_HASH_HEX_LEN + 1],
                         char **sql, size_t *sql_len)
{
    json_error_t jerr;
    json_t *root = json_loadb(line, len, JSON_ALLOW_NUL, &jerr);
    if (!root)
        return QS_ENOTFOUND;
    json_t *h = json_object_get(root, "QHash"), *s = json_object_get(root, "sql");
    int rc = QS_ENOTFOUND;
    if (json_is_string(h) && json_string_length(h) == QS_HASH_HEX_LEN && json_is_string(s) &&
        is_qhash(json_string_value(h))) {
        memcpy(qhash, json_string_value(h), QS_HASH_HEX_LEN + 1);
        *sql_len = json_string_length(s);
        *sql = malloc(*sql_len + 1);
        CHECK(*sql != NULL);
        memcpy(*sql, json_string_value(s), *sql_len);
        rc = 0;
    }
    json_decref(root);
    return rc;
}

static void parse_arbitrary(const uint8_t *data, size_t size)
{
    char qhash[QS_HASH_HEX_LEN + 1], jqhash[QS_HASH_HEX_LEN + 1];
    size_t need = 0, jlen = 0;
    char *jsql = NULL;
    int rc = qs_query_record_parse((const char *)data, size, qhash, NULL, 0, &need);
    CHECK(rc == 0 || rc == QS_ENOTFOUND);
    CHECK(jansson_parse((const char *)data, size, jqhash, &jsql, &jlen) == rc);
    if (rc == 0)
        CHECK(strcmp(qhash, jqhash) == 0 && need == jlen);
    if (rc)
        return;
    CHECK(is_qhash(qhash));
    char *sql = malloc(need + 1);
    CHECK(sql != NULL);
    size_t sql_len = 0;
    CHECK(qs_query_record_parse((const char *)data, size, qhash, sql, need, &sql_len) == 0);
    CHECK(sql_len == need);
    CHECK(need == 0 || memcmp(sql, jsql, need) == 0);
    free(jsql);
    if (need > 0) /* one byte too small must be refused, not overrun */
        CHECK(qs_query_record_parse((const char *)data, size, qhash, sql, need - 1,
                                    &sql_len) == QS_ERANGE);

    /* round trip through an independent encoding */
    json_t *obj = json_object();
    CHECK(obj != NULL);
    json_object_set_new(obj, "QHash", json_string(qhash));
    json_object_set_new(obj, "sql", json_stringn(sql, need));
    char *line = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
    CHECK(line != NULL);
    char qhash2[QS_HASH_HEX_LEN + 1];
    char *sql2 = malloc(need + 1);
    CHECK(sql2 != NULL);
    size_t len2 = 0;
    CHECK(qs_query_record_parse(line, strlen(line), qhash2, sql2, need, &len2) == 0);
    CHECK(strcmp(qhash, qhash2) == 0);
    CHECK(len2 == need && (need == 0 || memcmp(sql, sql2, need) == 0));
    free(sql2);
    free(line);
    json_decref(obj);
    free(sql);
}

static const char *const loggers[] = {
    "c.e.mapper.UserMapper.selectById",
    "p6spy",
    "com.example.SqlInterceptor",
    "",
    "jdbc.sql",
    "org.hibernate.SQL",
    "p6spy.custom",
    "x",
};

static const unsigned flag_sets[] = {
    0,
    QS_FLAG_DEDUPE,
    QS_FLAG_REDACT,
    QS_FIELD_TIMESTAMP | QS_FIELD_THREAD | QS_FIELD_LOGGER | QS_FIELD_FINGERPRINT,
};

/* Compiling the patterns (PCRE2 JIT) costs more than a run: one config per flag set and
 * dialect, made once and kept for the process, like the hasher. */
static struct qs_config *event_config(unsigned set, unsigned dialect)
{
    static struct qs_config *cfgs[4][3];
    struct qs_config *cfg = cfgs[set][dialect];
    if (!cfg) {
        CHECK(qs_config_new(&cfg, NULL) == 0);
        CHECK(qs_config_set_flags(cfg, flag_sets[set]) == 0);
        CHECK(qs_config_set_dialect(cfg, dialect) == 0);
        CHECK(qs_config_add_sql_logger(cfg, "jdbc.sql*", NULL) == 0);
        CHECK(qs_config_add_sql_regex(cfg, "executing: (?<sql>.+)", NULL) == 0);
        /* the default table (65536 entries) is cleared per splitter: costlier than a run */
        CHECK(qs_config_set_limit(cfg, QS_LIMIT_DEDUPE_ENTRIES, 16) == 0);
        cfgs[set][dialect] = cfg;
    }
    return cfg;
}

#define TOK_MAX 1024

/* The console's QHash tokens, in order, into tok; returns their number. */
static size_t console_qhashes(const char *console, size_t len,
                              char (*tok)[QS_HASH_HEX_LEN + 1])
{
    size_t ntok = 0;
    for (const char *p = console; ntok < TOK_MAX && (p = memmem(p, (size_t)(console + len - p),
                                                                "\"QHash\":\"", 9)) != NULL;
         p++) {
        if ((size_t)(console + len - p) < 9 + QS_HASH_HEX_LEN + 1 ||
            p[9 + QS_HASH_HEX_LEN] != '"')
            continue;
        memcpy(tok[ntok], p + 9, QS_HASH_HEX_LEN);
        tok[ntok][QS_HASH_HEX_LEN] = '\0';
        if (is_qhash(tok[ntok]))
            ntok++;
    }
    return ntok;
}

/* What a query line is checked against: the event's message, how it was split, and the
 * console's QHashes that the query lines must follow in order. */
struct expect {
    const char *msg;
    size_t msg_len;
    unsigned flags, dialect;
    int repaired; /* invalid UTF-8 was replaced: the sql is no longer a piece of msg */
    char (*tok)[QS_HASH_HEX_LEN + 1];
    size_t ntok, t; /* t: the next console QHash a query line may take */
};

/* One query line: valid JSON, its QHash the console's next one; unless redacted or
 * repaired, its sql a piece of the message that hashes to that QHash. */
static void check_query_line(struct expect *x, struct qs_hasher *h, const char *line,
                             size_t ln)
{
    json_error_t jerr;
    json_t *root = json_loadb(line, ln, JSON_ALLOW_NUL, &jerr);
    CHECK(root != NULL && json_is_object(root));
    json_decref(root);

    char qhash[QS_HASH_HEX_LEN + 1];
    char *sql = malloc(ln);
    CHECK(sql != NULL);
    size_t sql_len = 0;
    CHECK(qs_query_record_parse(line, ln, qhash, sql, ln, &sql_len) == 0);
    while (x->t < x->ntok && strcmp(x->tok[x->t], qhash) != 0)
        x->t++;
    CHECK(x->t < x->ntok);
    x->t++;
    if (!(x->flags & QS_FLAG_REDACT) && !x->repaired) {
        CHECK(sql_len <= x->msg_len);
        char again[QS_HASH_HEX_LEN + 1];
        CHECK(qs_hasher_qhash(h, sql, sql_len, x->dialect, again) == 0);
        CHECK(strcmp(again, qhash) == 0);
        /* a piece of the message, but for colours a highlighted statement had and the
         * escapes of datasource-proxy's JSON entries */
        if (!memchr(x->msg, 0x1b, x->msg_len) && !(x->msg_len && x->msg[0] == '{'))
            CHECK(sql_len == 0 || memmem(x->msg, x->msg_len, sql, sql_len) != NULL);
    }
    free(sql);
}

/* One qs_splitter_event call (round 0, then 1 for the same event) and its checks. */
static void event_round(struct qs_splitter *s, const struct qs_event *ev, int round,
                        struct expect *x, struct qs_hasher *h)
{
    static char tok[TOK_MAX][QS_HASH_HEX_LEN + 1];
    const char *console = NULL, *query = NULL;
    size_t console_len = 0, query_len = 0;
    struct qs_stats before = QS_STATS_INIT, after = QS_STATS_INIT;
    qs_splitter_get_stats(s, &before);
    int rc = qs_splitter_event(s, ev, &console, &console_len, &query, &query_len, NULL);
    qs_splitter_get_stats(s, &after);
    CHECK(rc == 0 || rc == 1);
    if (rc == 0) {
        CHECK(console == NULL && query == NULL);
        return;
    }
    CHECK(console != NULL && console_len >= QS_HASH_HEX_LEN + 10);
    x->tok = tok;
    x->ntok = console_qhashes(console, console_len, tok);
    x->t = 0;
    x->repaired = after.invalid_utf8 != before.invalid_utf8;
    CHECK(x->ntok >= 1);
    if (round == 1 && (x->flags & QS_FLAG_DEDUPE)) {
        CHECK(query == NULL);
        return;
    }
    if (query == NULL) { /* every statement a repeat of an earlier one in the event */
        CHECK((x->flags & QS_FLAG_DEDUPE) && x->ntok >= 2);
        return;
    }
    CHECK(query_len > 0 && query[query_len - 1] == '\n');
    for (size_t at = 0; at < query_len;) {
        const char *nl = memchr(query + at, '\n', query_len - at);
        CHECK(nl != NULL);
        size_t ln = (size_t)(nl - query) + 1 - at;
        check_query_line(x, h, query + at, ln);
        at += ln;
    }
}

static void split_event(const uint8_t *data, size_t size)
{
    if (size < 2)
        return;
    unsigned ctl = data[0];
    const char *rest = (const char *)data + 2;
    size_t rest_len = size - 2;
    size_t msg_len = rest_len ? (size_t)data[1] * rest_len / 255 : 0;
    struct expect x = {.msg = rest,
                       .msg_len = msg_len,
                       .flags = flag_sets[ctl & 3],
                       .dialect = (ctl >> 2) % 3};
    static struct qs_hasher *h;
    if (!h)
        CHECK(qs_hasher_new(&h, NULL) == 0);
    /* A fresh splitter per input, so --dedupe starts empty. */
    struct qs_splitter *s = NULL;
    CHECK(qs_splitter_new(&s, event_config(ctl & 3, x.dialect), NULL, NULL, NULL) == 0);

    const char *logger = loggers[(ctl >> 4) & 7];
    struct qs_event ev = {
        .struct_size = sizeof(struct qs_event),
        .logger = logger,
        .logger_len = strlen(logger),
        .message = rest,
        .message_len = msg_len,
        .thread = rest + msg_len,
        .thread_len = rest_len - msg_len,
        .ts = "2021-05-25 18:32:35.710",
        .ts_len = 23,
    };
    /* twice: the second time --dedupe must leave the query out */
    for (int round = 0; round < 2; round++)
        event_round(s, &ev, round, &x, h);
    qs_splitter_free(&s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    parse_arbitrary(data, size);
    split_event(data, size);
    return 0;
}
