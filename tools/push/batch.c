/* batch.c — entries waiting to be sent, per stream, with their file offsets. */
#include <stdlib.h>
#include <string.h>

#include "push.h"

int push_batch_add(struct push_batch *b, enum push_stream s, int64_t ts_ns, const char *line,
                   size_t len)
{
    /* Loki orders a stream by timestamp only: equal or earlier stamps (records logged in
     * the same millisecond, or slightly out of order by threads) would lose file order. */
    if (ts_ns <= b->last_ts[s])
        ts_ns = b->last_ts[s] + 1;
    if (push_json_entry(&b->values[s], ts_ns, line, len, &b->repaired))
        return -1;
    b->last_ts[s] = ts_ns;
    b->n[s]++;
    b->bytes += len;
    if (!b->entries++)
        b->first_add_ms = push_now_ms();
    return 0;
}

void push_batch_reset(struct push_batch *b)
{
    for (int s = 0; s < PUSH_NSTREAMS; s++) {
        b->n[s] = 0;
        b->values[s].len = 0;
        /* A batch that once grew large (a burst of escapes) gives its memory back. */
        if (b->values[s].cap > ((size_t)8 << 20))
            push_buf_free(&b->values[s]);
    }
    b->bytes = 0;
    b->entries = 0;
    b->first_add_ms = 0;
    memset(b->has_offset, 0, sizeof b->has_offset);
}

void push_batch_free(struct push_batch *b)
{
    for (int s = 0; s < PUSH_NSTREAMS; s++)
        push_buf_free(&b->values[s]);
    memset(b, 0, sizeof *b);
}
