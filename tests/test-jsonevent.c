/* test-jsonevent.c — the JSON event scan: it accepts exactly the lines jansson reads as an
 * object (valid UTF-8 given), finds the message and the logger of every common encoder,
 * and leaves alone what is ambiguous; decoding matches jansson's. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonevent.h"
#include "qstest.h"

/* What jansson says: 1 when the line is one object with a top-level "message" string
 * (jansson keeps the last of duplicate keys; the generator below writes "message" once,
 * and the doubled key is a hand-written case). */
static int jansson_event(const char *s, size_t n)
{
    json_error_t e;
    json_t *j = json_loadb(s, n, JSON_ALLOW_NUL, &e);
    int ok = j && json_is_object(j) && json_is_string(json_object_get(j, "message"));
    json_decref(j);
    return ok;
}

static void field_is(const char *line, const struct qsp_json_field *f, const char *want)
{
    char out[256];
    CHECK(f->len < sizeof out);
    size_t n = qsp_json_unescape(line + f->off, f->len, out);
    CHECK_MEM(out, n, want, strlen(want));
}

static void test_encoders(void)
{
    struct qsp_json_event ev;
    /* logstash-logback-encoder */
    const char *l = "{\"@timestamp\":\"2025-12-26T11:55:35.113+01:00\",\"@version\":\"1\","
                    "\"message\":\"select 1\",\"logger_name\":\"org.hibernate.SQL\","
                    "\"thread_name\":\"main\",\"level\":\"DEBUG\",\"level_value\":10000}";
    CHECK_INT(qsp_json_event_scan(l, strlen(l), &ev), 1);
    field_is(l, &ev.msg, "select 1");
    field_is(l, &ev.logger, "org.hibernate.SQL");
    field_is(l, &ev.thread, "main");
    field_is(l, &ev.ts, "2025-12-26T11:55:35.113+01:00");
    CHECK_MEM(l + ev.msg_start, ev.msg_end - ev.msg_start, "\"select 1\"", 10);
    /* logback 1.5 JsonEncoder: loggerName, threadName, epoch-millisecond timestamp */
    l = "{\"sequenceNumber\":1,\"timestamp\":1780665436218,\"nanoseconds\":218159415,"
        "\"level\":\"DEBUG\",\"threadName\":\"main\",\"loggerName\":\"c.e.M\",\"context\":"
        "{\"name\":\"default\",\"birthdate\":1,\"properties\":{}},\"mdc\": {},\"message\":"
        "\"==>  Preparing: select \\\"a\\\"\",\"throwable\":null}";
    CHECK_INT(qsp_json_event_scan(l, strlen(l), &ev), 1);
    field_is(l, &ev.msg, "==>  Preparing: select \"a\"");
    field_is(l, &ev.logger, "c.e.M");
    field_is(l, &ev.ts, "1780665436218");
    /* ECS dotted (log4j2 EcsLayout.json, Spring Boot 3.4 "ecs") and nested */
    l = "{\"@timestamp\":\"2024-07-30T08:41:10.561Z\",\"log.level\":\"INFO\","
        "\"process.thread.name\":\"main\",\"log.logger\":\"a.B\",\"message\":\"m\"}";
    CHECK_INT(qsp_json_event_scan(l, strlen(l), &ev), 1);
    field_is(l, &ev.logger, "a.B");
    field_is(l, &ev.thread, "main");
    l = "{\"log\":{\"level\":\"INFO\",\"logger\":\"a.C\",\"origin\":{\"logger\":\"x\"}},"
        "\"message\":\"m\",\"logger\":\"later\"}";
    CHECK_INT(qsp_json_event_scan(l, strlen(l), &ev), 1);
    field_is(l, &ev.logger, "a.C");
    /* "msg" when there is no "message"; "message" wins over it */
    l = "{\"level\":\"INFO\",\"msg\":\"a\"}";
    CHECK_INT(qsp_json_event_scan(l, strlen(l), &ev), 1);
    field_is(l, &ev.msg, "a");
    l = "{\"msg\":\"a\",\"message\":\"b\"}";
    CHECK_INT(qsp_json_event_scan(l, strlen(l), &ev), 1);
    field_is(l, &ev.msg, "b");
    /* blanks around it all; a CR before the newline is the caller's to cut */
    l = "{ \"message\" : \"b\" }  \t";
    CHECK_INT(qsp_json_event_scan(l, strlen(l), &ev), 1);
    /* left alone */
    static const char *const no[] = {
        "{\"message\":\"a\",\"message\":\"b\"}", /* doubled */
        "{\"msg\":\"a\",\"msg\":\"b\"}",
        "{\"message\":null}",
        "{\"message\":{\"a\":\"b\"}}",
        "{\"message\\u0000\":\"b\"}", /* not the key */
        "{\"mess\\u0061ge\":\"b\"}",  /* escaped keys are not read */
        "[{\"message\":\"b\"}]",
        "{\"message\":\"b\"} x",
        "{\"message\":\"b\"}{}",
        "{\"message\":\"b\\x\"}",
        "{\"message\":\"b\\u12\"}",
        "{\"message\":\"a\tb\"}", /* a raw control byte */
        "{\"message\":\"b\",}",
        "{\"message\":\"b\" \"level\":1}",
        "{\"message\":\"b\",\"n\":01}",
        "{\"message\":\"b\",\"n\":-}",
        "{\"message\":\"b\",\"n\":1.}",
        "{\"message\":\"b\",\"n\":1e}",
        "{\"message\":\"b\",\"n\":tru}",
        "{\"message\":\"b\"",
        "{\"message\":\"b",
        "{",
        "",
    };
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
        ev.msg_end = 99;
        int rc = qsp_json_event_scan(no[i], strlen(no[i]), &ev);
        CHECK_INT(rc, 0);
        if (rc)
            fprintf(stderr, "accepted: %s\n", no[i]);
        CHECK_INT(ev.msg_end, 0);
    }
    /* nesting: 64 levels are read, 65 are not */
    char deep[400];
    for (int d = 64; d <= 65; d++) {
        int k = snprintf(deep, sizeof deep, "{\"message\":\"m\",\"a\":");
        for (int i = 0; i < d - 1; i++)
            deep[k++] = '[';
        for (int i = 0; i < d - 1; i++)
            deep[k++] = ']';
        deep[k++] = '}';
        CHECK_INT(qsp_json_event_scan(deep, (size_t)k, &ev), d == 64 ? 1 : 0);
    }
}

static void test_decode(void)
{
    /* escapes as jansson decodes them; a lone surrogate as U+FFFD (jansson refuses it) */
    static const char *const in[] = {"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t",
                                     "\\u00e9\\u20ac\\ud83d\\ude00", "\\u0000x", "plain", ""};
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
        char doc[128], out[128];
        int n = snprintf(doc, sizeof doc, "\"%s\"", in[i]);
        json_error_t e;
        json_t *j = json_loadb(doc, (size_t)n, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
        CHECK(j != NULL);
        if (!j)
            continue;
        size_t k = qsp_json_unescape(in[i], strlen(in[i]), out);
        CHECK_MEM(out, k, json_string_value(j), json_string_length(j));
        json_decref(j);
    }
    char out[32];
    size_t k = qsp_json_unescape("x\\ud800y\\udc00", 14, out);
    CHECK_MEM(out, k, "x\xef\xbf\xbdy\xef\xbf\xbd", 8);
    k = qsp_json_unescape("\\q\\u12", 6, out); /* unknown and short escapes stay */
    CHECK_MEM(out, k, "\\q\\u12", 6);
    /* raw offsets of decoded bytes, for --explain */
    const char *m = "a\\nb\\u00e9c";
    CHECK_INT(qsp_json_raw_offset(m, strlen(m), 0), 0);
    CHECK_INT(qsp_json_raw_offset(m, strlen(m), 2), 3);
    CHECK_INT(qsp_json_raw_offset(m, strlen(m), 3), 4);
    CHECK_INT(qsp_json_raw_offset(m, strlen(m), 5), 10);
    CHECK_INT(qsp_json_first_line("ab\r\ncd", 6), 2);
    CHECK_INT(qsp_json_first_line("ab\ncd", 5), 2);
    CHECK_INT(qsp_json_first_line("ab", 2), 2);
}

/* Random documents from a small grammar, some damaged: the scan and jansson agree. */
static uint32_t rng = 2463534242u;
static uint32_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static void put(char *b, size_t *k, size_t cap, const char *s)
{
    size_t n = strlen(s);
    if (*k + n < cap) {
        memcpy(b + *k, s, n);
        *k += n;
    }
}

static void gen_value(char *b, size_t *k, size_t cap, int depth)
{
    static const char *const atoms[] = {"\"s\"", "\"\\u00e9\\n\"", "0",     "-1.5e+3",
                                        "12",    "true",           "false", "null",
                                        "\"\"",  "\"a\\\"b\"",     "0.25",  "-0"};
    unsigned r = next() % (depth > 4 ? 12 : 16);
    if (r < 12) {
        put(b, k, cap, atoms[r]);
    } else if (r < 14) {
        put(b, k, cap, "[");
        for (unsigned i = 0, n = next() % 3; i < n; i++) {
            if (i)
                put(b, k, cap, next() % 2 ? "," : " , ");
            gen_value(b, k, cap, depth + 1);
        }
        put(b, k, cap, "]");
    } else {
        put(b, k, cap, "{");
        for (unsigned i = 0, n = next() % 3; i < n; i++) {
            if (i)
                put(b, k, cap, ",");
            put(b, k, cap, i ? "\"k\":" : "\"j\" : ");
            gen_value(b, k, cap, depth + 1);
        }
        put(b, k, cap, "}");
    }
}

static void test_differential(void)
{
    static const char *const damage[] = {",", "}", "]", "\"", ":", "x", "\\", "1", " "};
    int accepted = 0;
    for (int it = 0; it < 20000; it++) {
        char b[2048];
        size_t k = 0;
        put(b, &k, sizeof b, "{");
        unsigned before = next() % 3;
        for (unsigned i = 0; i < before; i++) {
            put(b, &k, sizeof b, i ? ",\"a\":" : "\"b\":");
            gen_value(b, &k, sizeof b, 1);
            put(b, &k, sizeof b, ",");
        }
        put(b, &k, sizeof b, "\"message\":");
        gen_value(b, &k, sizeof b, 1);
        put(b, &k, sizeof b, next() % 2 ? ",\"logger\":\"L\"}" : "}");
        if (next() % 3 == 0 && k > 2) { /* damage one byte */
            size_t at = 1 + next() % (k - 1);
            b[at] = damage[next() % (sizeof damage / sizeof damage[0])][0];
        }
        struct qsp_json_event ev;
        int ours = qsp_json_event_scan(b, k, &ev), theirs = jansson_event(b, k);
        CHECK_INT(ours, theirs);
        accepted += ours;
        if (ours != theirs) {
            fprintf(stderr, "disagree on: %.*s\n", (int)k, b);
            break;
        }
    }
    CHECK(accepted > 1000 && accepted < 19000); /* both kinds were tried */
    printf("differential: %d of 20000 documents were events\n", accepted);
}

int main(void)
{
    test_encoders();
    test_decode();
    test_differential();
    return qst_done("test-jsonevent");
}
