/* crypto-dl.h — the libcrypto calls of hash.c, resolved at run time (QSP_CRYPTO_DLOPEN).
 *
 * The JNI library must load on hosts with OpenSSL 3 (Debian 12, RHEL 9, Ubuntu 22.04) and
 * with OpenSSL 1.1 (RHEL 8, Ubuntu 20.04, Amazon Linux 2's openssl11), so it cannot NEED one
 * soname. It opens libcrypto.so.3, else libcrypto.so.1.1, on the first hasher. Included
 * instead of the OpenSSL headers: the names hash.c calls become qsp_dl_* functions, with the
 * same prototypes, declared by the OpenSSL 3 headers themselves (used for the types only). */
#ifndef QSP_CRYPTO_DL_H
#define QSP_CRYPTO_DL_H

#define ERR_get_error qsp_dl_ERR_get_error
#define ERR_error_string_n qsp_dl_ERR_error_string_n
#define ERR_clear_error qsp_dl_ERR_clear_error
#define EVP_MD_fetch qsp_dl_EVP_MD_fetch
#define EVP_MD_free qsp_dl_EVP_MD_free
#define EVP_MD_CTX_new qsp_dl_EVP_MD_CTX_new
#define EVP_MD_CTX_free qsp_dl_EVP_MD_CTX_free
#define EVP_DigestInit_ex2 qsp_dl_EVP_DigestInit_ex2
#define EVP_DigestUpdate qsp_dl_EVP_DigestUpdate
#define EVP_DigestFinal_ex qsp_dl_EVP_DigestFinal_ex

#include <openssl/err.h>
#include <openssl/evp.h>

/* Ignore the OpenSSL 3 calls (EVP_MD_fetch, EVP_DigestInit_ex2) even where they exist: the
 * path taken with libcrypto.so.1.1, testable on a host that has only OpenSSL 3. */
#define QSP_CRYPTO_DL_API_1_1 1u

/* Open the first of names[0..n) that loads and resolve the calls above; 0 or QS_ECRYPTO.
 * Called once, implicitly, with {"libcrypto.so.3", "libcrypto.so.1.1"} and no flags; a test
 * may call it before the first hasher to choose. Not thread-safe: the first call wins. */
int qsp_crypto_dl_load(const char *const *names, size_t n, unsigned flags);

/* The file that was loaded ("libcrypto.so.3"), or NULL. */
const char *qsp_crypto_dl_name(void);

#endif
