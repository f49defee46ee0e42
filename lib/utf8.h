/* utf8.h — the query.log UTF-8 policy: every byte that is not part of a well-formed UTF-8
 * sequence becomes U+FFFD, so the JSON is always valid and no byte is silently dropped. */
#ifndef QS_UTF8_H
#define QS_UTF8_H

#include <stddef.h>

/* Length of the well-formed UTF-8 sequence at s (1 to 4 bytes, avail >= 1), or 0 if the
 * byte at s does not start one. */
size_t qsp_utf8_seq_len(const unsigned char *s, size_t avail);

/* Length of the longest prefix of s that is well-formed UTF-8 (RFC 3629: no overlongs, no
 * surrogates, nothing above U+10FFFF). Equals len when s is valid. */
size_t qsp_utf8_valid_prefix(const char *s, size_t len);

/* Largest output of qsp_utf8_sanitize: every bad byte may become 3 bytes. */
#define QSP_UTF8_SANITIZE_BOUND(len) ((len)*3)

/* Copy s into out, replacing each byte of an ill-formed sequence by U+FFFD (EF BF BD).
 * Returns the output length; *replaced gets the number of bytes replaced. */
size_t qsp_utf8_sanitize(const char *s, size_t len, char *out, size_t *replaced);

#endif
