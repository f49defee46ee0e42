/* hash.h — internal view of the hasher: raw digests for the dedupe table. */
#ifndef QS_HASH_H
#define QS_HASH_H

#include "qsplit.h"

/* The QHash as 16 raw bytes and as hex (hex may be NULL). */
int qsp_hasher_qhash_raw(struct qs_hasher *h, const char *sql, size_t len, unsigned dialect,
                         unsigned char raw[16], char hex[QS_HASH_HEX_LEN + 1]);

#endif
