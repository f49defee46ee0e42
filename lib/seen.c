/* seen.c — bounded QHash set for --dedupe (see seen.h). */
#include "seen.h"

#include <stdlib.h>
#include <string.h>

#include "qsplit.h"

int qsp_seen_init(struct qsp_seen *s, size_t limit)
{
    memset(s, 0, sizeof *s);
    if (limit == 0)
        limit = 1;
    size_t slots = 16;
    while (slots < 2 * limit)
        slots *= 2;
    s->keys = malloc(slots * sizeof *s->keys);
    s->used = calloc(slots, 1);
    if (!s->keys || !s->used) {
        qsp_seen_destroy(s);
        return QS_ENOMEM;
    }
    s->mask = slots - 1;
    s->limit = limit;
    return 0;
}

void qsp_seen_destroy(struct qsp_seen *s)
{
    free(s->keys);
    free(s->used);
    s->keys = NULL;
    s->used = NULL;
}

int qsp_seen_insert(struct qsp_seen *s, const unsigned char digest[16])
{
    uint64_t h;
    memcpy(&h, digest, sizeof h); /* MD5 output is already uniformly distributed */
    size_t i = (size_t)h & s->mask;
    while (s->used[i]) {
        if (memcmp(s->keys[i], digest, 16) == 0)
            return 0;
        i = (i + 1) & s->mask;
    }
    if (s->count == s->limit) {
        memset(s->used, 0, s->mask + 1);
        s->count = 0;
        s->resets++;
        i = (size_t)h & s->mask;
    }
    memcpy(s->keys[i], digest, 16);
    s->used[i] = 1;
    s->count++;
    return 1;
}
