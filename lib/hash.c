/* hash.c — MD5 through libcrypto, fetched once per hasher, over N(sql). */
#include "hash.h"

#ifdef QSP_CRYPTO_DLOPEN
#include "crypto-dl.h" /* the JNI library: libcrypto opened at run time, see there */
#else
#include <openssl/err.h>
#include <openssl/evp.h>
#endif
#include <stdlib.h>

#include "buf.h"
#include "error.h"

struct qs_hasher {
    EVP_MD *md; /* fetched once: EVP_MD_fetch per call costs a provider lookup */
    EVP_MD_CTX *ctx;
    struct qsp_buf scratch; /* normalized or fingerprinted text */
};

static int crypto_error(struct qs_error *err, const char *what)
{
    unsigned long e = ERR_get_error();
    char buf[160] = "no details";
    if (e)
        ERR_error_string_n(e, buf, sizeof buf);
    ERR_clear_error();
    return qsp_error(err, QS_ECRYPTO, "%s: %s", what, buf);
}

int qs_hasher_new(struct qs_hasher **out, struct qs_error *err)
{
    if (!out)
        return qsp_error(err, QS_EINVAL, "qs_hasher_new: out is NULL");
    *out = NULL;
    struct qs_hasher *h = calloc(1, sizeof *h);
    if (!h)
        return qsp_error(err, QS_ENOMEM, "qs_hasher_new: out of memory");
    h->md = EVP_MD_fetch(NULL, "MD5", NULL);
    if (!h->md) {
        free(h);
        return crypto_error(err, "MD5 is not available from libcrypto");
    }
    h->ctx = EVP_MD_CTX_new();
    if (!h->ctx) {
        EVP_MD_free(h->md);
        free(h);
        return qsp_error(err, QS_ENOMEM, "qs_hasher_new: out of memory");
    }
    *out = h;
    return 0;
}

void qs_hasher_free(struct qs_hasher **hp)
{
    if (!hp || !*hp)
        return;
    struct qs_hasher *h = *hp;
    EVP_MD_CTX_free(h->ctx);
    EVP_MD_free(h->md);
    qsp_buf_free(&h->scratch);
    free(h);
    *hp = NULL;
}

static void to_hex(const unsigned char raw[16], char hex[QS_HASH_HEX_LEN + 1])
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 16; i++) {
        hex[2 * i] = digits[raw[i] >> 4];
        hex[2 * i + 1] = digits[raw[i] & 15];
    }
    hex[QS_HASH_HEX_LEN] = '\0';
}

static int md5(struct qs_hasher *h, const void *data, size_t len, unsigned char raw[16])
{
    unsigned int n = 0;
    if (EVP_DigestInit_ex2(h->ctx, h->md, NULL) != 1 ||
        EVP_DigestUpdate(h->ctx, data, len) != 1 || EVP_DigestFinal_ex(h->ctx, raw, &n) != 1 ||
        n != 16)
        return crypto_error(NULL, "MD5");
    return 0;
}

/* Room for need bytes of scratch (its old contents are not kept). */
static int reserve(struct qs_hasher *h, size_t need)
{
    h->scratch.len = 0;
    return qsp_buf_reserve(&h->scratch, need);
}

int qs_hasher_md5_hex(struct qs_hasher *h, const void *data, size_t len,
                      char out[QS_HASH_HEX_LEN + 1])
{
    if (!h || !out || (!data && len))
        return QS_EINVAL;
    unsigned char raw[16];
    int rc = md5(h, data ? data : "", len, raw);
    if (rc == 0)
        to_hex(raw, out);
    return rc;
}

int qsp_hasher_qhash_raw(struct qs_hasher *h, const char *sql, size_t len, unsigned dialect,
                         unsigned char raw[16], char hex[QS_HASH_HEX_LEN + 1])
{
    if (!h || (!sql && len))
        return QS_EINVAL;
    size_t n = 0;
    int rc = reserve(h, qs_normalize_bound(len) + 1);
    if (rc == 0)
        rc = qs_normalize(sql, len, dialect, h->scratch.data, h->scratch.cap, &n);
    if (rc == 0)
        rc = md5(h, h->scratch.data, n, raw);
    if (rc == 0 && hex)
        to_hex(raw, hex);
    return rc;
}

int qs_hasher_qhash(struct qs_hasher *h, const char *sql, size_t len, unsigned dialect,
                    char out[QS_HASH_HEX_LEN + 1])
{
    unsigned char raw[16];
    if (!out)
        return QS_EINVAL;
    return qsp_hasher_qhash_raw(h, sql, len, dialect, raw, out);
}

/* The fingerprint of sql in the hasher's scratch (valid until the next call on h). */
static int fingerprint(struct qs_hasher *h, const char *sql, size_t len, unsigned dialect,
                       const char **fp, size_t *fp_len)
{
    if (!h || (!sql && len))
        return QS_EINVAL;
    int rc = reserve(h, qs_fingerprint_bound(len) + 1);
    if (rc == 0)
        rc = qs_fingerprint(sql, len, dialect, h->scratch.data, h->scratch.cap, fp_len);
    if (rc == 0)
        *fp = h->scratch.data;
    return rc;
}

int qs_hasher_fingerprint_hash(struct qs_hasher *h, const char *sql, size_t len,
                               unsigned dialect, char out[QS_HASH_HEX_LEN + 1])
{
    const char *fp;
    size_t n;
    unsigned char raw[16];
    if (!out)
        return QS_EINVAL;
    int rc = fingerprint(h, sql, len, dialect, &fp, &n);
    if (rc == 0)
        rc = md5(h, fp, n, raw);
    if (rc == 0)
        to_hex(raw, out);
    return rc;
}
