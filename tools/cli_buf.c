/* cli_buf.c — the tools' growable buffer (see cli_buf.h): lib/buf.c's qsp_buf, on the tools'
 * side of the public header. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli_buf.h"

int cli_buf_reserve(struct cli_buf *b, size_t extra)
{
    if (extra <= b->cap - b->len)
        return 0;
    if (extra > SIZE_MAX - b->len)
        return -1;
    size_t need = b->len + extra;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    char *p = realloc(b->data, cap);
    if (!p)
        return -1;
    b->data = p;
    b->cap = cap;
    return 0;
}

int cli_buf_append(struct cli_buf *b, const void *data, size_t len)
{
    if (cli_buf_reserve(b, len) != 0)
        return -1;
    if (len)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    return 0;
}

void cli_buf_free(struct cli_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}
