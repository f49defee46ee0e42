/* fuzz-layout.c — libFuzzer target: the record-start grammar (lib/layout.c) and the
 * default record start (record.c: Spring Boot's pattern, then the grammar) on one line of
 * arbitrary bytes.
 *
 * Properties checked on top of "no crash, no sanitizer report":
 *  - a line whose first byte the first-byte table excludes (0, or 2 with a blank or tab
 *    after it) is never a record start (the splitter skips such lines without asking);
 *  - every field lies inside the line, and msg_off <= the line's length;
 *  - a prefix-grammar record's fields all end where its message starts, at the latest;
 *    a framework-stdout record has no fields;
 *  - asking for the shape (--explain) gives exactly the same answer and fields, and the
 *    shape is NUL-terminated within its buffer, even a tiny one;
 *  - past the first 1 KiB only a JSON event line may change the answer: the same line with
 *    other bytes after 4 KiB is judged the same (linear cost, no look-ahead). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-check.h"
#include "layout.h"
#include "record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct qsp_recpat *def;
static struct qsp_recmatch *defm;

static void check_fields(const struct qsp_prefix *pf, size_t len)
{
    CHECK(pf->ts_off + pf->ts_len <= len);
    CHECK(pf->level_off + pf->level_len <= len);
    CHECK(pf->thread_off + pf->thread_len <= len);
    CHECK(pf->logger_off + pf->logger_len <= len);
    CHECK(pf->msg_off <= len);
}

static int same(const struct qsp_prefix *a, const struct qsp_prefix *b)
{
    return a->ts_off == b->ts_off && a->ts_len == b->ts_len && a->level_off == b->level_off &&
           a->level_len == b->level_len && a->thread_off == b->thread_off &&
           a->thread_len == b->thread_len && a->logger_off == b->logger_off &&
           a->logger_len == b->logger_len && a->msg_off == b->msg_off &&
           a->layout == b->layout;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!def) {
        CHECK(qsp_recpat_new(&def, NULL, NULL) == 0);
        CHECK(qsp_recmatch_new(&defm, def, NULL) == 0);
    }
    const char *line = (const char *)data;
    const char *nl = memchr(line, '\n', size);
    size_t len = nl ? (size_t)(nl - line) : size; /* the splitter passes one line */

    struct qsp_prefix pf, pf2;
    char shape[96], tiny[3];
    int rc = qsp_layout_match(line, len, &pf, NULL, 0);
    CHECK(rc == 0 || rc == 1);
    if (len && !qsp_layout_first[(unsigned char)line[0]])
        CHECK(rc == 0);
    if (len > 1 && qsp_layout_first[(unsigned char)line[0]] == 2 &&
        (line[1] == ' ' || line[1] == '\t'))
        CHECK(rc == 0);
    if (rc) {
        check_fields(&pf, len);
        if (pf.layout == QSP_LAYOUT_PREFIX) {
            CHECK(pf.ts_off + pf.ts_len <= pf.msg_off);
            CHECK(pf.level_off + pf.level_len <= pf.msg_off);
            CHECK(pf.thread_off + pf.thread_len <= pf.msg_off);
            CHECK(pf.logger_off + pf.logger_len <= pf.msg_off);
        } else {
            CHECK(pf.layout >= QSP_LAYOUT_HIBERNATE && pf.layout <= QSP_LAYOUT_JSON);
            CHECK(!pf.ts_len && !pf.level_len && !pf.thread_len && !pf.logger_len);
        }
    }
    CHECK(qsp_layout_match(line, len, &pf2, shape, sizeof shape) == rc);
    CHECK(memchr(shape, '\0', sizeof shape) != NULL);
    if (rc)
        CHECK(same(&pf, &pf2));
    CHECK(qsp_layout_match(line, len, &pf2, tiny, sizeof tiny) == rc);
    CHECK(memchr(tiny, '\0', sizeof tiny) != NULL);

    /* Bytes far past the prefix change nothing, except for a JSON event (its keys may
     * come anywhere on the line). */
    if (len > 4096 && !(rc && pf.layout == QSP_LAYOUT_JSON)) {
        char *cut = malloc(4096 + 1);
        CHECK(cut != NULL);
        memcpy(cut, line, 4096);
        cut[4096] = 'x';
        int rc2 = qsp_layout_match(cut, 4097, &pf2, NULL, 0);
        CHECK(rc2 == rc);
        if (rc && pf.msg_off < 4096)
            CHECK(same(&pf, &pf2));
        free(cut);
    }

    /* The default record start: the table the splitter skips by, and bounded fields. */
    rc = qsp_recpat_match(def, defm, line, len, &pf);
    CHECK(rc == 0 || rc == 1);
    const unsigned char *first = qsp_recpat_first_bytes(def);
    if (len && !first[(unsigned char)line[0]])
        CHECK(rc == 0);
    if (len > 1 && first[(unsigned char)line[0]] == 2 && (line[1] == ' ' || line[1] == '\t'))
        CHECK(rc == 0);
    if (rc) {
        check_fields(&pf, len);
        CHECK(pf.layout != QSP_LAYOUT_NONE && pf.layout != QSP_LAYOUT_PATTERN);
    }
    return 0;
}
