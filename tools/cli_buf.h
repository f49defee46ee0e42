/* cli_buf.h — the tools' one growable byte buffer, for qsplit and qsplit-push alike. */
#ifndef QSPLIT_CLI_BUF_H
#define QSPLIT_CLI_BUF_H

#include <stddef.h>

/* The tools' one growable buffer: lib/buf.c's qsp_buf on this side of the public header.
 * tools/ include only qsplit.h, and the library exports only qs_ symbols (libqsplit.map),
 * so qsp_buf cannot be linked from here; this is its twin, not a second design. Start
 * zeroed; cli_buf_free leaves it zeroed again. Reserve and append return 0 or -1 (out of
 * memory, the buffer unchanged); they report nothing. qsplit-push builds its batches,
 * request bodies, positions file and pending query.log line in it too. */
struct cli_buf {
    char *data;
    size_t len, cap;
};

int cli_buf_reserve(struct cli_buf *b, size_t extra);
int cli_buf_append(struct cli_buf *b, const void *data, size_t len);
void cli_buf_free(struct cli_buf *b);

#endif
