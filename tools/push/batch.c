/* batch.c — entries waiting to be sent, per stream, with their file offsets. */
#include <stdlib.h>
#include <string.h>

#include "push.h"

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap : 64;
    while (n < need)
        n *= 2;
    void *q = realloc(*p, n * elem);
    if (!q)
        return -1;
    *p = q;
    *cap = n;
    return 0;
}

int push_batch_add(struct push_batch *b, enum push_stream s, int64_t ts_ns, const char *line,
                   size_t len)
{
    if (grow((void **)&b->e[s], &b->cap[s], b->n[s] + 1, sizeof(struct push_entry)) ||
        grow((void **)&b->data, &b->datacap, b->len + len, 1))
        return -1;
    /* Loki orders a stream by timestamp only: equal or earlier stamps (records logged in
     * the same millisecond, or slightly out of order by threads) would lose file order. */
    if (ts_ns <= b->last_ts[s])
        ts_ns = b->last_ts[s] + 1;
    b->last_ts[s] = ts_ns;
    struct push_entry *e = &b->e[s][b->n[s]++];
    e->ts_ns = ts_ns;
    e->off = b->len;
    e->len = len;
    if (len)
        memcpy(b->data + b->len, line, len);
    b->len += len;
    if (!b->entries++)
        b->first_add_ms = push_now_ms();
    return 0;
}

void push_batch_reset(struct push_batch *b)
{
    for (int s = 0; s < PUSH_NSTREAMS; s++)
        b->n[s] = 0;
    b->len = 0;
    b->entries = 0;
    b->first_add_ms = 0;
    memset(b->has_offset, 0, sizeof b->has_offset);
    /* A batch that once grew large (a burst) gives its memory back. */
    if (b->datacap > ((size_t)8 << 20)) {
        free(b->data);
        b->data = NULL;
        b->datacap = 0;
    }
}

void push_batch_free(struct push_batch *b)
{
    for (int s = 0; s < PUSH_NSTREAMS; s++)
        free(b->e[s]);
    free(b->data);
    memset(b, 0, sizeof *b);
}
