/* batch.c — entries waiting to be sent, per stream, with their file offsets, and the
 * parts a batch is cut into when a push of all of it is refused as too large. */
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
    size_t at = b->values[s].len;
    struct push_entry_meta m = {at ? at + 1 : 0 /* after the separating comma */, ts_ns, 0};
    uint64_t bad = 0;
    if (b->proto) {
        m.start = at; /* protobuf entries follow each other without a separator */
        m.dlen = push_decoded_len(line, len);
        if (qsp_buf_reserve(&b->starts[s], sizeof m) ||
            push_proto_entry(&b->values[s], ts_ns, line, len, m.dlen, &bad))
            return -1;
    } else {
        if (qsp_buf_reserve(&b->starts[s], sizeof m) ||
            push_json_entry(&b->values[s], ts_ns, line, len, &bad))
            return -1;
        m.dlen = len + 2 * (size_t)bad; /* a bad byte is a 3-byte U+FFFD */
    }
    qsp_buf_append(&b->starts[s], &m, sizeof m); /* reserved: cannot fail */
    b->repaired += bad;
    b->last_ts[s] = ts_ns;
    b->n[s]++;
    b->bytes += len + 2 * (size_t)bad + PUSH_ENTRY_OVERHEAD;
    if (!b->entries++)
        b->first_add_ms = push_now_ms();
    return 0;
}

void push_batch_reset(struct push_batch *b)
{
    for (int s = 0; s < PUSH_NSTREAMS; s++) {
        b->n[s] = 0;
        b->values[s].len = b->starts[s].len = 0;
        /* A batch that once grew large (a burst of escapes) gives its memory back. */
        if (b->values[s].cap > ((size_t)8 << 20))
            qsp_buf_free(&b->values[s]);
        if (b->starts[s].cap > ((size_t)8 << 20))
            qsp_buf_free(&b->starts[s]);
    }
    b->bytes = 0;
    b->entries = 0;
    b->first_add_ms = 0;
    memset(b->has_offset, 0, sizeof b->has_offset);
}

void push_batch_free(struct push_batch *b)
{
    for (int s = 0; s < PUSH_NSTREAMS; s++) {
        qsp_buf_free(&b->values[s]);
        qsp_buf_free(&b->starts[s]);
    }
    memset(b, 0, sizeof *b);
}

void push_part_all(const struct push_batch *b, struct push_part *p)
{
    for (int s = 0; s < PUSH_NSTREAMS; s++) {
        p->from[s] = 0;
        p->to[s] = b->n[s];
    }
}

size_t push_part_entries(const struct push_part *p)
{
    size_t n = 0;
    for (int s = 0; s < PUSH_NSTREAMS; s++)
        n += p->to[s] - p->from[s];
    return n;
}

int push_part_halve(const struct push_part *p, struct push_part *lo, struct push_part *hi)
{
    size_t n = push_part_entries(p);
    if (n < 2)
        return -1;
    /* The first n/2 entries, console's before query's, go to lo; the rest to hi. */
    size_t left = n / 2;
    for (int s = 0; s < PUSH_NSTREAMS; s++) {
        size_t k = p->to[s] - p->from[s];
        if (k > left)
            k = left;
        left -= k;
        lo->from[s] = p->from[s];
        lo->to[s] = hi->from[s] = p->from[s] + k;
        hi->to[s] = p->to[s];
    }
    return 0;
}
