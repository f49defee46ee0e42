/* buf.c — growable buffers (see buf.h). */
#include "buf.h"

#include <stdint.h>
#include <stdlib.h>

int qsp_buf_reserve(struct qsp_buf *b, size_t extra)
{
    if (extra <= b->cap - b->len)
        return 0;
    if (extra > SIZE_MAX - b->len)
        return QS_ENOMEM;
    size_t need = b->len + extra;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    char *p = realloc(b->data, cap);
    if (!p)
        return QS_ENOMEM;
    b->data = p;
    b->cap = cap;
    return 0;
}

void qsp_buf_free(struct qsp_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}
