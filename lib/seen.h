/* seen.h — the bounded set of QHashes behind --dedupe. */
#ifndef QS_SEEN_H
#define QS_SEEN_H

#include <stddef.h>
#include <stdint.h>

/* Open addressing over 16-byte digests. When it holds `limit` entries it is cleared, so
 * memory stays bounded; a statement may then be written again (never lost). */
struct qsp_seen {
    unsigned char (*keys)[16];
    uint8_t *used;
    size_t mask; /* slots - 1, slots a power of two >= 2 * limit */
    size_t count;
    size_t limit;
    uint64_t resets;
};

int qsp_seen_init(struct qsp_seen *s, size_t limit);
void qsp_seen_destroy(struct qsp_seen *s);
/* Insert digest; returns 1 if it was new, 0 if already present. */
int qsp_seen_insert(struct qsp_seen *s, const unsigned char digest[16]);

#endif
