/* fuzz-pushconfig.c — libFuzzer target: qsplit-push's configuration (tools/push/config.c).
 *
 * The input is the YAML file given with --config. Checked on top of "no crash, no leak,
 * no sanitizer report" (push_config_free runs after every load, failed or not): an accepted
 * configuration holds what the pusher relies on — a URL, one or two inputs (split alone),
 * a positions file, sizes and periods inside the documented bounds, at most 29 labels with
 * valid names, none of them "query", and values of 1 to 2048 bytes. The input as a string
 * also goes through the duration and size parsers. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <getopt.h>

#include "push.h"
#include "fuzz-check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int valid_name(const char *s)
{
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
        return 0;
    for (s++; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
              (*s >= '0' && *s <= '9') || *s == '_'))
            return 0;
    return 1;
}

static void check_accepted(const struct push_config *c)
{
    CHECK(c->url != NULL);
    CHECK(c->ninputs >= 1 && c->ninputs <= PUSH_MAX_FILES);
    for (int i = 0; i < c->ninputs; i++) {
        CHECK(c->inputs[i].path != NULL);
        CHECK(c->inputs[i].kind != PUSH_IN_SPLIT || c->ninputs == 1);
    }
    if (c->ninputs == 2)
        CHECK(c->inputs[0].kind != c->inputs[1].kind);
    CHECK(c->positions_file != NULL);
    CHECK(c->positions_mode >= 1 && c->positions_mode <= 0777);
    CHECK(c->batch_size >= 1024 && c->batch_size <= ((size_t)3 << 20));
    CHECK(c->max_entry_size >= 1 && c->max_entry_size <= c->batch_size);
    CHECK(c->gzip_level >= 0 && c->gzip_level <= 9);
    CHECK(c->backoff_min_ms >= 1 && c->backoff_max_ms >= c->backoff_min_ms);
    CHECK(c->max_retries >= 0);
    CHECK(c->timeout_ms >= 0 && c->batch_wait_ms >= 0 && c->poll_ms >= 0);
    CHECK(c->nlabels >= 0 && c->nlabels < PUSH_MAX_LABELS);
    for (int i = 0; i < c->nlabels; i++) {
        CHECK(valid_name(c->labels[i].name));
        CHECK(strcmp(c->labels[i].name, "query") != 0);
        size_t n = strlen(c->labels[i].value);
        CHECK(n >= 1 && n <= 2048);
        for (int j = 0; j < i; j++)
            CHECK(strcmp(c->labels[i].name, c->labels[j].name) != 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* One memory file for the whole run, rewritten per input: no disk, no temp names. */
    static int fd = -1;
    static char path[64];
    if (fd < 0) {
        fd = memfd_create("fuzz-pushconfig", 0);
        CHECK(fd >= 0);
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    }
    CHECK(ftruncate(fd, 0) == 0);
    CHECK(pwrite(fd, data, size, 0) == (ssize_t)size);

    char *argv[] = {"qsplit-push", "--config", path, NULL};
    struct push_config c;
    optind = 0; /* glibc: start getopt afresh */
    int rc = push_config_load(&c, 3, argv);
    CHECK(rc == 0 || rc == -1 || rc == 2);
    if (rc == 0)
        check_accepted(&c);
    push_config_free(&c);

    char *s = malloc(size + 1);
    CHECK(s != NULL);
    memcpy(s, data, size);
    s[size] = '\0';
    long ms = push_parse_duration(s);
    CHECK(ms >= -1 && ms <= 1000000000000000L);
    size_t sz = 0;
    if (push_parse_size(s, &sz) == 0)
        CHECK(sz <= (size_t)1000000000000000ULL);
    free(s);
    return 0;
}
