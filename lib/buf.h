/* buf.h — a growable byte buffer with a maximum, for records and output lines. */
#ifndef QS_BUF_H
#define QS_BUF_H

#include <stddef.h>
#include <string.h>

#include "qsplit.h"

struct qsp_buf {
    char *data;
    size_t len;
    size_t cap;
};

/* Make room for `extra` more bytes; QS_ENOMEM on failure (the buffer is unchanged). */
int qsp_buf_reserve(struct qsp_buf *b, size_t extra);
void qsp_buf_free(struct qsp_buf *b);

static inline int qsp_buf_append(struct qsp_buf *b, const void *data, size_t len)
{
    if (len > b->cap - b->len) {
        int rc = qsp_buf_reserve(b, len);
        if (rc)
            return rc;
    }
    if (len)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    return 0;
}

#endif
