/* test-config.c — docs/push.md's settings and flag tables against config.c's settings
 * table: every key documented and every documented key known, with the same default (the
 * numeric ones parsed as the pusher parses them), every flag listed. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "push.h"

static int failed;

/* main.c's, which this test does not link: config.c reports through it. */
void push_err(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

#define FAIL(...)                                                                             \
    do {                                                                                      \
        fprintf(stderr, "test-config: " __VA_ARGS__);                                         \
        fputc('\n', stderr);                                                                  \
        failed++;                                                                             \
    } while (0)

/* The doc's default, read as the setting reads a value, equals the field's default. */
static void check_numeric(const struct push_setting *s)
{
    long got = 0;
    size_t sz = 0;
    switch (s->kind) {
    case PUSH_SET_MS: got = push_parse_duration(s->doc_default); break;
    case PUSH_SET_SIZE: got = push_parse_size(s->doc_default, &sz) ? -1 : (long)sz; break;
    case PUSH_SET_INT: got = strtol(s->doc_default, NULL, 10); break;
    case PUSH_SET_MODE: got = strtol(s->doc_default, NULL, 8); break;
    case PUSH_SET_BOOL: got = !strcmp(s->doc_default, "true"); break;
    case PUSH_SET_FORMAT: got = !strcmp(s->doc_default, "protobuf"); break;
    default: return;
    }
    if (got != s->dflt)
        FAIL("%s: the documented default %s is %ld, the field starts at %ld", s->key,
             s->doc_default, got, s->dflt);
}

static const struct push_setting *find(const char *key)
{
    size_t n;
    const struct push_setting *t = push_settings(&n);
    for (size_t i = 0; i < n; i++)
        if (!strcmp(t[i].key, key))
            return &t[i];
    return NULL;
}

/* "| `a.b` / `a.c`, `d` | default | …": each key of the first column (a name without a dot
 * is beside the previous key: `key_file` after `client.tls_config.cert_file`; `x.<name>`
 * is the prefix key `x.`), checked against the table; marks the ones seen. */
static void check_row(char *line, unsigned char *seen)
{
    char *col1 = line + 1, *bar = strchr(col1, '|');
    if (!bar)
        return;
    *bar = '\0';
    char *dflt = bar + 1, *end = strchr(dflt, '|');
    if (!end)
        return;
    *end = '\0';
    while (*dflt == ' ')
        dflt++;
    for (char *e = dflt + strlen(dflt); e > dflt && e[-1] == ' ';)
        *--e = '\0';
    char prev[256] = "";
    size_t n;
    const struct push_setting *t = push_settings(&n);
    for (char *p = strchr(col1, '`'); p; p = strchr(p + 1, '`')) {
        char *q = strchr(p + 1, '`');
        if (!q)
            break;
        char key[256];
        size_t len = (size_t)(q - p - 1);
        if (len >= sizeof key)
            len = sizeof key - 1;
        memcpy(key, p + 1, len);
        key[len] = '\0';
        p = q;
        char *lt = strstr(key, "<name>");
        if (lt)
            *lt = '\0';
        if (!strchr(key, '.') && strrchr(prev, '.')) {
            size_t plen = (size_t)(strrchr(prev, '.') - prev) + 1, klen = strlen(key);
            if (plen + klen < sizeof key) {
                memmove(key + plen, key, klen + 1);
                memcpy(key, prev, plen);
            }
        }
        strcpy(prev, key);
        const struct push_setting *s = find(key);
        if (!s) {
            FAIL("docs/push.md documents %s, which the pusher does not know", key);
            continue;
        }
        seen[s - t] = 1;
        if (strcmp(s->doc_default, dflt))
            FAIL("%s: docs/push.md says the default is \"%s\", the table \"%s\"", key, dflt,
                 s->doc_default);
    }
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test-config docs/push.md\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "r");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    size_t n;
    const struct push_setting *t = push_settings(&n);
    unsigned char *seen = calloc(n, 1);
    char line[8192], flags[4096] = "";
    int in_settings = 0, in_flags = 0;
    while (fgets(line, sizeof line, f)) {
        if (!strncmp(line, "| key | default | meaning |", 27))
            in_settings = 1;
        else if (!strncmp(line, "| flag | setting |", 18))
            in_flags = 1;
        else if (line[0] != '|')
            in_settings = in_flags = 0;
        else if (in_settings && !strncmp(line, "| `", 3))
            check_row(line, seen);
        else if (in_flags && strlen(flags) + strlen(line) < sizeof flags)
            strcat(flags, line);
    }
    fclose(f);
    for (size_t i = 0; i < n; i++) {
        if (!seen[i])
            FAIL("%s is not in docs/push.md's settings table", t[i].key);
        check_numeric(&t[i]);
        char flag[64];
        snprintf(flag, sizeof flag, "`--%s", t[i].flag ? t[i].flag : "");
        if (t[i].flag && !strstr(flags, flag))
            FAIL("--%s (%s) is not in docs/push.md's flag table", t[i].flag, t[i].key);
    }
    free(seen);
    printf("test-config: %zu settings against docs/push.md, %d problem(s)\n", n, failed);
    return failed ? 1 : 0;
}
