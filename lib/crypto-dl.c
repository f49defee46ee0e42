/* crypto-dl.c — libcrypto opened at run time for the JNI library (see crypto-dl.h).
 *
 * The one process-wide state in the core: a shared library is loaded once per process, and
 * the table below is written once (under pthread_once) and only read after that. */
#include "crypto-dl.h"

#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "error.h"

/* ERR_get_error's answer when no libcrypto could be loaded: ERR_error_string_n then gives
 * the loader's message, so qs_hasher_new's error says which files were tried. */
#define NOT_LOADED ULONG_MAX

static struct {
    int tried;
    void *handle;
    const char *name;
    char error[256];
    /* OpenSSL 3 only (NULL with 1.1): an explicitly fetched MD5 saves a provider lookup per
     * EVP_DigestInit. */
    EVP_MD *(*md_fetch)(OSSL_LIB_CTX *, const char *, const char *);
    void (*md_free)(EVP_MD *);
    int (*init_ex2)(EVP_MD_CTX *, const EVP_MD *, const OSSL_PARAM *);
    /* Both. */
    const EVP_MD *(*md5)(void);
    EVP_MD_CTX *(*ctx_new)(void);
    void (*ctx_free)(EVP_MD_CTX *);
    int (*init_ex)(EVP_MD_CTX *, const EVP_MD *, ENGINE *);
    int (*update)(EVP_MD_CTX *, const void *, size_t);
    int (*final_ex)(EVP_MD_CTX *, unsigned char *, unsigned int *);
    unsigned long (*err_get)(void);
    void (*err_string_n)(unsigned long, char *, size_t);
    void (*err_clear)(void);
} crypto;

static pthread_once_t default_once = PTHREAD_ONCE_INIT;

/* dlsym into a function pointer (POSIX guarantees the conversion works). */
#define RESOLVE(field, sym) (*(void **)&crypto.field = dlsym(crypto.handle, sym))

static int resolve_all(unsigned flags)
{
    if (!(flags & QSP_CRYPTO_DL_API_1_1)) {
        RESOLVE(md_fetch, "EVP_MD_fetch");
        RESOLVE(md_free, "EVP_MD_free");
        RESOLVE(init_ex2, "EVP_DigestInit_ex2");
        if (!crypto.md_fetch || !crypto.md_free || !crypto.init_ex2)
            crypto.md_fetch = NULL, crypto.md_free = NULL, crypto.init_ex2 = NULL;
    }
    const char *missing = NULL;
    if (!RESOLVE(md5, "EVP_md5"))
        missing = "EVP_md5";
    else if (!RESOLVE(ctx_new, "EVP_MD_CTX_new"))
        missing = "EVP_MD_CTX_new";
    else if (!RESOLVE(ctx_free, "EVP_MD_CTX_free"))
        missing = "EVP_MD_CTX_free";
    else if (!RESOLVE(init_ex, "EVP_DigestInit_ex"))
        missing = "EVP_DigestInit_ex";
    else if (!RESOLVE(update, "EVP_DigestUpdate"))
        missing = "EVP_DigestUpdate";
    else if (!RESOLVE(final_ex, "EVP_DigestFinal_ex"))
        missing = "EVP_DigestFinal_ex";
    else if (!RESOLVE(err_get, "ERR_get_error"))
        missing = "ERR_get_error";
    else if (!RESOLVE(err_string_n, "ERR_error_string_n"))
        missing = "ERR_error_string_n";
    else if (!RESOLVE(err_clear, "ERR_clear_error"))
        missing = "ERR_clear_error";
    if (missing)
        snprintf(crypto.error, sizeof crypto.error, "%s has no %s", crypto.name, missing);
    return missing ? QS_ECRYPTO : 0;
}

int qsp_crypto_dl_load(const char *const *names, size_t n, unsigned flags)
{
    if (crypto.tried)
        return crypto.handle ? 0 : QS_ECRYPTO;
    crypto.tried = 1;
    size_t used = (size_t)snprintf(crypto.error, sizeof crypto.error, "no libcrypto loads:");
    for (size_t i = 0; i < n && !crypto.handle; i++) {
        crypto.handle = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
        if (crypto.handle) {
            crypto.name = names[i];
        } else if (used < sizeof crypto.error) {
            const char *why = dlerror();
            used += (size_t)snprintf(crypto.error + used, sizeof crypto.error - used, " %s",
                                     why ? why : names[i]);
        }
    }
    if (!crypto.handle)
        return QS_ECRYPTO;
    if (resolve_all(flags) != 0) {
        /* Half a table is worse than none: every call then reports the error. */
        dlclose(crypto.handle);
        crypto.handle = NULL;
        crypto.name = NULL;
        return QS_ECRYPTO;
    }
    return 0;
}

static void load_default(void)
{
    static const char *const names[] = {"libcrypto.so.3", "libcrypto.so.1.1"};
    qsp_crypto_dl_load(names, sizeof names / sizeof names[0], 0);
}

static int loaded(void)
{
    pthread_once(&default_once, load_default);
    return crypto.handle != NULL;
}

const char *qsp_crypto_dl_name(void)
{
    return loaded() ? crypto.name : NULL;
}

unsigned long qsp_dl_ERR_get_error(void)
{
    return loaded() ? crypto.err_get() : NOT_LOADED;
}

void qsp_dl_ERR_error_string_n(unsigned long e, char *buf, size_t len)
{
    if (loaded())
        crypto.err_string_n(e, buf, len);
    else if (len)
        snprintf(buf, len, "%s", crypto.error);
}

void qsp_dl_ERR_clear_error(void)
{
    if (loaded())
        crypto.err_clear();
}

/* With 1.1 (or QSP_CRYPTO_DL_API_1_1) the "fetched" MD5 is EVP_md5()'s static object;
 * EVP_MD_free then does nothing, as EVP_MD_free does for such an object in OpenSSL 3. */
EVP_MD *qsp_dl_EVP_MD_fetch(OSSL_LIB_CTX *libctx, const char *algorithm, const char *props)
{
    if (!loaded() || strcmp(algorithm, "MD5") != 0)
        return NULL;
    if (crypto.md_fetch)
        return crypto.md_fetch(libctx, algorithm, props);
    return (EVP_MD *)crypto.md5();
}

void qsp_dl_EVP_MD_free(EVP_MD *md)
{
    if (md && crypto.md_free)
        crypto.md_free(md);
}

EVP_MD_CTX *qsp_dl_EVP_MD_CTX_new(void)
{
    return loaded() ? crypto.ctx_new() : NULL;
}

void qsp_dl_EVP_MD_CTX_free(EVP_MD_CTX *ctx)
{
    if (ctx)
        crypto.ctx_free(ctx);
}

int qsp_dl_EVP_DigestInit_ex2(EVP_MD_CTX *ctx, const EVP_MD *type, const OSSL_PARAM *params)
{
    if (crypto.init_ex2)
        return crypto.init_ex2(ctx, type, params);
    return crypto.init_ex(ctx, type, NULL);
}

int qsp_dl_EVP_DigestUpdate(EVP_MD_CTX *ctx, const void *d, size_t cnt)
{
    return crypto.update(ctx, d, cnt);
}

int qsp_dl_EVP_DigestFinal_ex(EVP_MD_CTX *ctx, unsigned char *md, unsigned int *s)
{
    return crypto.final_ex(ctx, md, s);
}
