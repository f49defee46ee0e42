/* hash.h — internal view of the hasher: raw digests for the dedupe table. */
#ifndef QS_HASH_H
#define QS_HASH_H

#include "qsplit.h"

/* The QHash as 16 raw bytes and as hex (hex may be NULL). */
int qsp_hasher_qhash_raw(struct qs_hasher *h, const char *sql, size_t len, unsigned dialect,
                         unsigned char raw[16], char hex[QS_HASH_HEX_LEN + 1]);
/* The fingerprint of sql in the hasher's scratch (valid until the next call on h). */
int qsp_hasher_fingerprint(struct qs_hasher *h, const char *sql, size_t len, unsigned dialect,
                           const char **fp, size_t *fp_len);

#endif
