/*
 * qsplit_jni.c — the JNI shim over libqsplit: marshalling only.
 *
 * Strings cross as UTF-8 byte[] (never modified UTF-8), copied with GetByteArrayRegion
 * into native scratch (no pinning), so embedded NULs and non-BMP characters arrive
 * intact. Every C error becomes an io.qsplit.QsplitException carrying the code and the C
 * message. Handles are jlong pointers owned by AutoCloseable Java objects. Each native
 * method is one library call (a splitter writes its own query.log: qs_splitter_set_querylog);
 * the shim composes none. Its scratch is the core's qsp_buf (lib/buf.h): this module links
 * the core in statically (jni/meson.build, qsplit-jni-core), so the buffer is there.
 */
#include <jni.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "qsplit.h"

#define JQ_EXPORT __attribute__((visibility("default")))

/* Scratch above this size is given back after the call: a 20 MB statement must not pin
 * 20 MB per pooled handle forever. */
#define JQ_SCRATCH_KEEP (1u << 20)

static jclass g_exc_class;   /* io.qsplit.QsplitException (global ref) */
static jmethodID g_exc_ctor; /* QsplitException(int code, byte[] utf8Message) */
static jclass g_oom_class;   /* java.lang.OutOfMemoryError (global ref) */
static jclass g_bytes_class; /* byte[] (global ref), for byte[][] results */

static jclass global_class(JNIEnv *env, const char *name)
{
    jclass local = (*env)->FindClass(env, name);
    if (local == NULL)
        return NULL;
    jclass global = (*env)->NewGlobalRef(env, local);
    (*env)->DeleteLocalRef(env, local);
    return global;
}

JQ_EXPORT jint JNI_OnLoad(JavaVM *vm, void *reserved)
{
    (void)reserved;
    JNIEnv *env;
    if ((*vm)->GetEnv(vm, (void **)&env, JNI_VERSION_1_8) != JNI_OK)
        return JNI_ERR;
    g_exc_class = global_class(env, "io/qsplit/QsplitException");
    g_oom_class = global_class(env, "java/lang/OutOfMemoryError");
    g_bytes_class = global_class(env, "[B");
    if (g_exc_class == NULL || g_oom_class == NULL || g_bytes_class == NULL)
        return JNI_ERR;
    g_exc_ctor = (*env)->GetMethodID(env, g_exc_class, "<init>", "(I[B)V");
    if (g_exc_ctor == NULL)
        return JNI_ERR;
    return JNI_VERSION_1_8;
}

JQ_EXPORT void JNI_OnUnload(JavaVM *vm, void *reserved)
{
    (void)reserved;
    JNIEnv *env;
    if ((*vm)->GetEnv(vm, (void **)&env, JNI_VERSION_1_8) != JNI_OK)
        return;
    (*env)->DeleteGlobalRef(env, g_exc_class);
    (*env)->DeleteGlobalRef(env, g_oom_class);
    (*env)->DeleteGlobalRef(env, g_bytes_class);
    g_exc_class = g_oom_class = g_bytes_class = NULL;
}

/* The one place that throws. The message goes up as UTF-8 bytes (a path in it may be any
 * bytes; the Java side decodes with replacement). Returns code: `return jq_throw(…)`. */
static int jq_throw(JNIEnv *env, int code, const char *msg)
{
    if ((*env)->ExceptionCheck(env))
        return code; /* a pending exception (e.g. OOM from a JNI call) wins */
    if (code == QS_ENOMEM) {
        (*env)->ThrowNew(env, g_oom_class, "qsplit: out of native memory");
        return code;
    }
    if (msg == NULL || msg[0] == '\0')
        msg = qs_strerror(code);
    jsize len = (jsize)strlen(msg);
    jbyteArray bytes = (*env)->NewByteArray(env, len);
    if (bytes == NULL)
        return code;
    (*env)->SetByteArrayRegion(env, bytes, 0, len, (const jbyte *)msg);
    jobject exc = (*env)->NewObject(env, g_exc_class, g_exc_ctor, (jint)code, bytes);
    (*env)->DeleteLocalRef(env, bytes);
    if (exc != NULL) {
        (*env)->Throw(env, (jthrowable)exc);
        (*env)->DeleteLocalRef(env, exc);
    }
    return code;
}

static int jq_throw_err(JNIEnv *env, int code, const struct qs_error *err)
{
    return jq_throw(env, code, err != NULL && err->code != QS_OK ? err->text : NULL);
}

/* ---- native scratch: the core's growable buffer ------------------------------------ */

static void scratch_trim(struct qsp_buf *s)
{
    if (s->cap > JQ_SCRATCH_KEEP)
        qsp_buf_free(s);
}

/* A byte[] (may be NULL) of the Java side, copied into native memory. */
struct jq_bytes {
    const char *p;
    size_t len;
    int present;
};

/* Copy arrays a[0..n) into one scratch buffer, each followed by a NUL so that C-string
 * arguments need no second copy. Returns 0 or throws and returns <0. */
static int copy_arrays(JNIEnv *env, struct qsp_buf *s, jbyteArray *a, struct jq_bytes *out,
                       int n)
{
    size_t total = 0;
    for (int i = 0; i < n; i++)
        total += (a[i] ? (size_t)(*env)->GetArrayLength(env, a[i]) : 0) + 1;
    s->len = 0;
    if (qsp_buf_reserve(s, total) != 0)
        return jq_throw(env, QS_ENOMEM, NULL);
    size_t off = 0;
    for (int i = 0; i < n; i++) {
        jsize len = a[i] ? (*env)->GetArrayLength(env, a[i]) : 0;
        if (a[i])
            (*env)->GetByteArrayRegion(env, a[i], 0, len, (jbyte *)s->data + off);
        out[i].p = s->data + off;
        out[i].len = (size_t)len;
        out[i].present = a[i] != NULL;
        s->data[off + (size_t)len] = '\0';
        off += (size_t)len + 1;
    }
    return 0;
}

/* A C string argument must not hold a NUL: the C API would silently cut it there. */
static int check_cstring(JNIEnv *env, const struct jq_bytes *b, const char *what)
{
    if (!b->present)
        return jq_throw(env, QS_EINVAL, what);
    if (memchr(b->p, '\0', b->len) != NULL)
        return jq_throw(env, QS_EINVAL, "argument contains a NUL byte");
    return 0;
}

static jbyteArray new_bytes(JNIEnv *env, const char *p, size_t len)
{
    if (len > INT32_MAX) {
        jq_throw(env, QS_ERANGE, "result larger than a Java array");
        return NULL;
    }
    jbyteArray a = (*env)->NewByteArray(env, (jsize)len);
    if (a != NULL && len > 0)
        (*env)->SetByteArrayRegion(env, a, 0, (jsize)len, (const jbyte *)p);
    return a;
}

static void *handle_ptr(jlong h)
{
    return (void *)(uintptr_t)h;
}

static jlong ptr_handle(void *p)
{
    return (jlong)(uintptr_t)p;
}

/* ---- io.qsplit.Qsplit: stateless functions ----------------------------------------- */

JQ_EXPORT jbyteArray JNICALL Java_io_qsplit_Qsplit_nVersion(JNIEnv *env, jclass cls)
{
    (void)cls;
    const char *v = qs_version();
    return new_bytes(env, v, strlen(v));
}

JQ_EXPORT jbyteArray JNICALL Java_io_qsplit_Qsplit_nStrerror(JNIEnv *env, jclass cls,
                                                             jint code)
{
    (void)cls;
    const char *t = qs_strerror(code);
    return new_bytes(env, t, strlen(t));
}

typedef int (*jq_transform_fn)(const char *, size_t, unsigned, char *, size_t, size_t *);

static jbyteArray transform(JNIEnv *env, jbyteArray sql, jint dialect, jq_transform_fn fn,
                            size_t bound)
{
    struct qsp_buf s = {0};
    struct jq_bytes in;
    jbyteArray res = NULL;
    if (copy_arrays(env, &s, &sql, &in, 1) != 0)
        goto out;
    char *outbuf = malloc(bound ? bound : 1);
    if (outbuf == NULL) {
        jq_throw(env, QS_ENOMEM, NULL);
        goto out;
    }
    size_t out_len = 0;
    int rc = fn(in.p, in.len, (unsigned)dialect, outbuf, bound ? bound : 1, &out_len);
    if (rc < 0)
        jq_throw(env, rc, NULL);
    else
        res = new_bytes(env, outbuf, out_len);
    free(outbuf);
out:
    qsp_buf_free(&s);
    return res;
}

JQ_EXPORT jbyteArray JNICALL Java_io_qsplit_Qsplit_nNormalize(JNIEnv *env, jclass cls,
                                                              jbyteArray sql, jint dialect)
{
    (void)cls;
    size_t len = sql ? (size_t)(*env)->GetArrayLength(env, sql) : 0;
    return transform(env, sql, dialect, qs_normalize, qs_normalize_bound(len));
}

JQ_EXPORT jbyteArray JNICALL Java_io_qsplit_Qsplit_nFingerprint(JNIEnv *env, jclass cls,
                                                                jbyteArray sql, jint dialect)
{
    (void)cls;
    size_t len = sql ? (size_t)(*env)->GetArrayLength(env, sql) : 0;
    return transform(env, sql, dialect, qs_fingerprint, qs_fingerprint_bound(len));
}

/* ---- io.qsplit.Hasher -------------------------------------------------------------- */

struct jq_hasher {
    struct qs_hasher *h;
    struct qsp_buf s;
};

/* NativeLoader's check right after loading. The library's one run-time dependency is the
 * libcrypto it opens for MD5 (lib/crypto-dl.h): without one, every split would fail, so the
 * library must count as not loaded and the appender forward events unchanged. */
JQ_EXPORT void JNICALL Java_io_qsplit_NativeLoader_nCheck(JNIEnv *env, jclass cls)
{
    (void)cls;
    struct qs_error err = QS_ERROR_INIT;
    struct qs_hasher *h = NULL;
    int rc = qs_hasher_new(&h, &err);
    if (rc < 0) {
        jq_throw_err(env, rc, &err);
        return;
    }
    qs_hasher_free(&h);
}

JQ_EXPORT jlong JNICALL Java_io_qsplit_Hasher_nNew(JNIEnv *env, jclass cls)
{
    (void)cls;
    struct qs_error err = QS_ERROR_INIT;
    struct jq_hasher *jh = calloc(1, sizeof(*jh));
    if (jh == NULL)
        return jq_throw(env, QS_ENOMEM, NULL), 0;
    int rc = qs_hasher_new(&jh->h, &err);
    if (rc < 0) {
        free(jh);
        return jq_throw_err(env, rc, &err), 0;
    }
    return ptr_handle(jh);
}

JQ_EXPORT void JNICALL Java_io_qsplit_Hasher_nFree(JNIEnv *env, jclass cls, jlong handle)
{
    (void)env;
    (void)cls;
    struct jq_hasher *jh = handle_ptr(handle);
    if (jh == NULL)
        return;
    qs_hasher_free(&jh->h);
    qsp_buf_free(&jh->s);
    free(jh);
}

#define JQ_HASH_MD5 0
#define JQ_HASH_QHASH 1
#define JQ_HASH_FINGERPRINT 2

/* Returns the 32 hex digits as bytes (ASCII; the Java side makes the String). */
JQ_EXPORT jbyteArray JNICALL Java_io_qsplit_Hasher_nHash(JNIEnv *env, jclass cls, jlong handle,
                                                         jint kind, jbyteArray data,
                                                         jint dialect)
{
    (void)cls;
    struct jq_hasher *jh = handle_ptr(handle);
    struct jq_bytes in;
    char hex[QS_HASH_HEX_LEN + 1];
    jbyteArray res = NULL;
    if (copy_arrays(env, &jh->s, &data, &in, 1) != 0)
        return NULL;
    int rc;
    switch (kind) {
    case JQ_HASH_MD5: rc = qs_hasher_md5_hex(jh->h, in.p, in.len, hex); break;
    case JQ_HASH_QHASH:
        rc = qs_hasher_qhash(jh->h, in.p, in.len, (unsigned)dialect, hex);
        break;
    case JQ_HASH_FINGERPRINT:
        rc = qs_hasher_fingerprint_hash(jh->h, in.p, in.len, (unsigned)dialect, hex);
        break;
    default: rc = QS_EINVAL;
    }
    if (rc < 0)
        jq_throw(env, rc, NULL);
    else
        res = new_bytes(env, hex, QS_HASH_HEX_LEN);
    scratch_trim(&jh->s);
    return res;
}

/* ---- io.qsplit.SplitConfig --------------------------------------------------------- */

JQ_EXPORT jlong JNICALL Java_io_qsplit_SplitConfig_nNew(JNIEnv *env, jclass cls)
{
    (void)cls;
    struct qs_error err = QS_ERROR_INIT;
    struct qs_config *cfg = NULL;
    int rc = qs_config_new(&cfg, &err);
    if (rc < 0)
        return jq_throw_err(env, rc, &err), 0;
    return ptr_handle(cfg);
}

JQ_EXPORT void JNICALL Java_io_qsplit_SplitConfig_nFree(JNIEnv *env, jclass cls, jlong handle)
{
    (void)env;
    (void)cls;
    struct qs_config *cfg = handle_ptr(handle);
    qs_config_free(&cfg);
}

#define JQ_CFG_LOGGER 0
#define JQ_CFG_REGEX 1
#define JQ_CFG_RECORD_PATTERN 2

JQ_EXPORT void JNICALL Java_io_qsplit_SplitConfig_nAddString(JNIEnv *env, jclass cls,
                                                             jlong handle, jint what,
                                                             jbyteArray value)
{
    (void)cls;
    struct qs_config *cfg = handle_ptr(handle);
    struct qsp_buf s = {0};
    struct jq_bytes v;
    struct qs_error err = QS_ERROR_INIT;
    if (copy_arrays(env, &s, &value, &v, 1) != 0)
        goto out;
    if (value != NULL && check_cstring(env, &v, "missing value") != 0)
        goto out;
    int rc;
    switch (what) {
    case JQ_CFG_LOGGER: rc = qs_config_add_sql_logger(cfg, v.p, &err); break;
    case JQ_CFG_REGEX: rc = qs_config_add_sql_regex(cfg, v.p, &err); break;
    case JQ_CFG_RECORD_PATTERN:
        rc = qs_config_set_record_pattern(cfg, value ? v.p : NULL, &err);
        break;
    default: rc = QS_EINVAL;
    }
    if (rc < 0)
        jq_throw_err(env, rc, &err);
out:
    qsp_buf_free(&s);
}

#define JQ_CFG_FLAGS 0
#define JQ_CFG_DIALECT 1
#define JQ_CFG_BUILTIN 2
#define JQ_CFG_LIMIT_RECORD 3
#define JQ_CFG_LIMIT_DEDUPE 4

JQ_EXPORT void JNICALL Java_io_qsplit_SplitConfig_nSet(JNIEnv *env, jclass cls, jlong handle,
                                                       jint what, jlong value)
{
    (void)cls;
    struct qs_config *cfg = handle_ptr(handle);
    int rc;
    if (value < 0) {
        jq_throw(env, QS_EINVAL, "negative value");
        return;
    }
    switch (what) {
    case JQ_CFG_FLAGS: rc = qs_config_set_flags(cfg, (unsigned)value); break;
    case JQ_CFG_DIALECT: rc = qs_config_set_dialect(cfg, (unsigned)value); break;
    case JQ_CFG_BUILTIN: rc = qs_config_set_builtin_detectors(cfg, value != 0); break;
    case JQ_CFG_LIMIT_RECORD:
        rc = qs_config_set_limit(cfg, QS_LIMIT_RECORD_BYTES, (size_t)value);
        break;
    case JQ_CFG_LIMIT_DEDUPE:
        rc = qs_config_set_limit(cfg, QS_LIMIT_DEDUPE_ENTRIES, (size_t)value);
        break;
    default: rc = QS_EINVAL;
    }
    if (rc < 0)
        jq_throw(env, rc, NULL);
}

/* An option by its name in the core's table (qs_config_set_option): the appender's setters
 * go through it, so they mean what the CLI's flags mean and are refused with the same
 * message naming the option. */
JQ_EXPORT void JNICALL Java_io_qsplit_SplitConfig_nSetOption(JNIEnv *env, jclass cls,
                                                             jlong handle, jbyteArray name,
                                                             jbyteArray value)
{
    (void)cls;
    struct qs_config *cfg = handle_ptr(handle);
    struct qsp_buf s = {0};
    jbyteArray a[2] = {name, value};
    struct jq_bytes v[2];
    struct qs_error err = QS_ERROR_INIT;
    if (copy_arrays(env, &s, a, v, 2) != 0)
        goto out;
    if (check_cstring(env, &v[0], "missing option name") != 0 ||
        check_cstring(env, &v[1], "missing option value") != 0)
        goto out;
    int rc = qs_config_set_option(cfg, v[0].p, v[1].p, &err);
    if (rc < 0)
        jq_throw_err(env, rc, &err);
out:
    qsp_buf_free(&s);
}

JQ_EXPORT jlong JNICALL Java_io_qsplit_SplitConfig_nGetFlags(JNIEnv *env, jclass cls,
                                                             jlong handle)
{
    (void)env;
    (void)cls;
    return (jlong)qs_config_get_flags(handle_ptr(handle));
}

/* The core's quick test (qs_config_quick_rule), read once when the appender starts: one
 * byte[] per term, [test, 1 if it ends its rule, text...]. */
JQ_EXPORT jobjectArray JNICALL Java_io_qsplit_SplitConfig_nQuickRules(JNIEnv *env, jclass cls,
                                                                      jlong handle)
{
    (void)cls;
    const struct qs_config *cfg = handle_ptr(handle);
    struct qs_quick_rule r;
    size_t nterms = 0;
    for (size_t i = 0; qs_config_quick_rule(cfg, i, &r) == 0; i++)
        nterms += r.nterms;
    if (nterms > INT32_MAX / 2) {
        jq_throw(env, QS_ERANGE, "too many quick-test rules");
        return NULL;
    }
    jobjectArray res = (*env)->NewObjectArray(env, (jsize)nterms, g_bytes_class, NULL);
    if (res == NULL)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; qs_config_quick_rule(cfg, i, &r) == 0 && k < nterms; i++) {
        for (unsigned t = 0; t < r.nterms; t++, k++) {
            const struct qs_quick_term *q = &r.term[t];
            char *buf = malloc(q->len + 2);
            if (!buf) {
                jq_throw(env, QS_ENOMEM, "out of memory for the quick test");
                return NULL;
            }
            buf[0] = (char)q->test;
            buf[1] = (char)(t + 1 == r.nterms);
            if (q->len)
                memcpy(buf + 2, q->text, q->len);
            jbyteArray b = new_bytes(env, buf, q->len + 2);
            free(buf);
            if (b == NULL)
                return NULL;
            (*env)->SetObjectArrayElement(env, res, (jsize)k, b);
            (*env)->DeleteLocalRef(env, b);
        }
    }
    return res;
}

/* ---- io.qsplit.QueryLog ------------------------------------------------------------ */

JQ_EXPORT jlong JNICALL Java_io_qsplit_QueryLog_nOpen(JNIEnv *env, jclass cls, jbyteArray path,
                                                      jint mode)
{
    (void)cls;
    struct qsp_buf s = {0};
    struct jq_bytes p;
    struct qs_error err = QS_ERROR_INIT;
    struct qs_querylog *q = NULL;
    if (copy_arrays(env, &s, &path, &p, 1) == 0 && check_cstring(env, &p, "no path") == 0) {
        int rc = qs_querylog_open(&q, p.p, (unsigned)mode, &err);
        if (rc < 0)
            jq_throw_err(env, rc, &err);
    }
    qsp_buf_free(&s);
    return ptr_handle(q);
}

JQ_EXPORT void JNICALL Java_io_qsplit_QueryLog_nClose(JNIEnv *env, jclass cls, jlong handle)
{
    (void)cls;
    struct qs_querylog *q = handle_ptr(handle);
    struct qs_error err = QS_ERROR_INIT;
    int rc = qs_querylog_close(&q, &err);
    if (rc < 0)
        jq_throw_err(env, rc, &err);
}

JQ_EXPORT void JNICALL Java_io_qsplit_QueryLog_nAppend(JNIEnv *env, jclass cls, jlong handle,
                                                       jbyteArray data, jint off, jint len)
{
    (void)cls;
    struct qs_querylog *q = handle_ptr(handle);
    struct qs_error err = QS_ERROR_INIT;
    if (data == NULL || off < 0 || len < 0 || off > (*env)->GetArrayLength(env, data) - len) {
        jq_throw(env, QS_EINVAL, "bad array range");
        return;
    }
    char *buf = malloc(len ? (size_t)len : 1);
    if (buf == NULL) {
        jq_throw(env, QS_ENOMEM, NULL);
        return;
    }
    (*env)->GetByteArrayRegion(env, data, off, len, (jbyte *)buf);
    int rc = qs_querylog_append(q, buf, (size_t)len, &err);
    free(buf);
    if (rc < 0)
        jq_throw_err(env, rc, &err);
}

/* {qhash, sql} of one query.log line, null when it is not a record. */
JQ_EXPORT jobjectArray JNICALL Java_io_qsplit_QueryLog_nParse(JNIEnv *env, jclass cls,
                                                              jbyteArray line)
{
    (void)cls;
    struct qsp_buf s = {0};
    struct jq_bytes in;
    char qhash[QS_HASH_HEX_LEN + 1];
    jobjectArray res = NULL;
    jbyteArray h = NULL, q = NULL;
    char *sql = NULL;
    size_t sql_len = 0;
    if (copy_arrays(env, &s, &line, &in, 1) != 0)
        goto out;
    if ((sql = malloc(in.len + 1)) == NULL) {
        jq_throw(env, QS_ENOMEM, NULL);
        goto out;
    }
    int rc = qs_query_record_parse(in.p, in.len, qhash, sql, in.len + 1, &sql_len);
    if (rc == QS_ENOTFOUND)
        goto out;
    if (rc < 0) {
        jq_throw(env, rc, NULL);
        goto out;
    }
    if ((h = new_bytes(env, qhash, QS_HASH_HEX_LEN)) == NULL ||
        (q = new_bytes(env, sql, sql_len)) == NULL)
        goto out;
    res = (*env)->NewObjectArray(env, 2, g_bytes_class, NULL);
    if (res != NULL) {
        (*env)->SetObjectArrayElement(env, res, 0, h);
        (*env)->SetObjectArrayElement(env, res, 1, q);
    }
out:
    if (h != NULL)
        (*env)->DeleteLocalRef(env, h);
    if (q != NULL)
        (*env)->DeleteLocalRef(env, q);
    free(sql);
    qsp_buf_free(&s);
    return res;
}

/* ---- io.qsplit.Splitter ------------------------------------------------------------ */

struct jq_splitter {
    struct qs_splitter *s;
    struct qsp_buf scratch;
};

/* Event-only use: records never come through the callback, but a splitter is made with
 * one so that it does not depend on the core accepting fn == NULL. */
static int jq_no_output(void *user, const struct qs_output *out)
{
    (void)user;
    (void)out;
    return 0;
}

JQ_EXPORT jlong JNICALL Java_io_qsplit_Splitter_nNew(JNIEnv *env, jclass cls, jlong config)
{
    (void)cls;
    struct qs_error err = QS_ERROR_INIT;
    struct jq_splitter *js = calloc(1, sizeof(*js));
    if (js == NULL)
        return jq_throw(env, QS_ENOMEM, NULL), 0;
    int rc = qs_splitter_new(&js->s, handle_ptr(config), jq_no_output, NULL, &err);
    if (rc < 0) {
        free(js);
        return jq_throw_err(env, rc, &err), 0;
    }
    return ptr_handle(js);
}

JQ_EXPORT void JNICALL Java_io_qsplit_Splitter_nFree(JNIEnv *env, jclass cls, jlong handle)
{
    (void)env;
    (void)cls;
    struct jq_splitter *js = handle_ptr(handle);
    if (js == NULL)
        return;
    qs_splitter_free(&js->s);
    qsp_buf_free(&js->scratch);
    free(js);
}

/* Run qs_splitter_event on the four byte[]s. Returns 1 with *console / *query set (owned
 * by the splitter), 0 without SQL, <0 after throwing. */
static int split_event(JNIEnv *env, struct jq_splitter *js, jbyteArray logger,
                       jbyteArray message, jbyteArray thread, jbyteArray ts,
                       const char **console, size_t *console_len, const char **query,
                       size_t *query_len)
{
    jbyteArray in[4] = {logger, message, thread, ts};
    struct jq_bytes b[4];
    struct qs_error err = QS_ERROR_INIT;
    if (copy_arrays(env, &js->scratch, in, b, 4) != 0)
        return QS_ENOMEM;
    struct qs_event ev = {
        .struct_size = sizeof(struct qs_event),
        .logger = b[0].p,
        .logger_len = b[0].len,
        .message = b[1].p,
        .message_len = b[1].len,
        .thread = b[2].present ? b[2].p : NULL,
        .thread_len = b[2].len,
        .ts = b[3].present ? b[3].p : NULL,
        .ts_len = b[3].len,
    };
    int rc = qs_splitter_event(js->s, &ev, console, console_len, query, query_len, &err);
    if (rc < 0)
        return jq_throw_err(env, rc, &err);
    return rc;
}

/* Split one event and hand both outputs back: null without SQL, else {console, query}
 * where query is null when deduped. With a query log set (nSetQueryLog) the record has
 * been appended by the same call, and comes back for a caller that caches it. */
JQ_EXPORT jobjectArray JNICALL Java_io_qsplit_Splitter_nEvent(JNIEnv *env, jclass cls,
                                                              jlong handle, jbyteArray logger,
                                                              jbyteArray message,
                                                              jbyteArray thread, jbyteArray ts)
{
    (void)cls;
    struct jq_splitter *js = handle_ptr(handle);
    const char *console = NULL, *query = NULL;
    size_t console_len = 0, query_len = 0;
    jobjectArray res = NULL;
    jbyteArray c = NULL, q = NULL;
    if (split_event(env, js, logger, message, thread, ts, &console, &console_len, &query,
                    &query_len) <= 0)
        goto out;
    if ((c = new_bytes(env, console, console_len)) == NULL)
        goto out;
    if (query != NULL && (q = new_bytes(env, query, query_len)) == NULL)
        goto out;
    res = (*env)->NewObjectArray(env, 2, g_bytes_class, NULL);
    if (res != NULL) {
        (*env)->SetObjectArrayElement(env, res, 0, c);
        (*env)->SetObjectArrayElement(env, res, 1, q);
    }
out:
    if (c != NULL)
        (*env)->DeleteLocalRef(env, c);
    if (q != NULL)
        (*env)->DeleteLocalRef(env, q);
    scratch_trim(&js->scratch);
    return res;
}

/* The splitter's own query.log (qs_splitter_set_querylog, batch 0: each event's record
 * is written by the split that made it); 0 removes it. ql is kept alive by the Java side. */
JQ_EXPORT void JNICALL Java_io_qsplit_Splitter_nSetQueryLog(JNIEnv *env, jclass cls,
                                                            jlong handle, jlong ql)
{
    (void)cls;
    struct jq_splitter *js = handle_ptr(handle);
    struct qs_error err = QS_ERROR_INIT;
    int rc = qs_splitter_set_querylog(js->s, handle_ptr(ql), 0, &err);
    if (rc < 0)
        jq_throw_err(env, rc, &err);
}

/* The appender's hot path: qs_splitter_event, whose sink has appended the query.log record,
 * and the replacement message back (null without SQL). A failed append throws, so the
 * caller forwards the original event and the SQL is not lost. */
JQ_EXPORT jbyteArray JNICALL Java_io_qsplit_Splitter_nSplit(JNIEnv *env, jclass cls,
                                                            jlong handle, jbyteArray logger,
                                                            jbyteArray message,
                                                            jbyteArray thread, jbyteArray ts)
{
    (void)cls;
    struct jq_splitter *js = handle_ptr(handle);
    const char *console = NULL, *query = NULL;
    size_t console_len = 0, query_len = 0;
    jbyteArray res = NULL;
    if (split_event(env, js, logger, message, thread, ts, &console, &console_len, &query,
                    &query_len) > 0)
        res = new_bytes(env, console, console_len);
    scratch_trim(&js->scratch);
    return res;
}

JQ_EXPORT jlongArray JNICALL Java_io_qsplit_Splitter_nStats(JNIEnv *env, jclass cls,
                                                            jlong handle)
{
    (void)cls;
    struct jq_splitter *js = handle_ptr(handle);
    struct qs_stats st = QS_STATS_INIT;
    qs_splitter_get_stats(js->s, &st);
    jlong v[] = {(jlong)st.sql_records, (jlong)st.query_records, (jlong)st.distinct_qhash,
                 (jlong)st.invalid_utf8};
    jlongArray a = (*env)->NewLongArray(env, 4);
    if (a != NULL)
        (*env)->SetLongArrayRegion(env, a, 0, 4, v);
    return a;
}
