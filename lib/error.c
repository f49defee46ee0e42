/* error.c — stable error codes, their texts, and recording into struct qs_error. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "error.h"

#include <errno.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <pcre2.h>

const char *qs_version(void)
{
    return QS_VERSION_STRING;
}

const char *qs_strerror(int code)
{
    switch (code) {
    case QS_OK: return "success";
    case QS_EINVAL: return "invalid argument";
    case QS_ENOMEM: return "out of memory";
    case QS_EIO: return "input/output error";
    case QS_ENOSPC: return "no space left (disk full or file size limit)";
    case QS_ERANGE: return "buffer too small or limit exceeded";
    case QS_EPATTERN: return "invalid regular expression";
    case QS_ECRYPTO: return "libcrypto error";
    case QS_EJSON: return "JSON error";
    case QS_ECALLBACK: return "stopped by callback";
    case QS_ESTATE: return "call out of order";
    case QS_ENOTFOUND: return "not found";
    default: return "unknown error";
    }
}

/* The size of struct qs_error as QSPLIT_0.1 defined it; struct_size 0 means this. Frozen:
 * when a field is appended, write the 0.1 size here as a number (docs/abi.md). */
#define ERROR_V01_SIZE sizeof(struct qs_error)

/* A struct too small for the 0.1 fields cannot be written without overrunning the caller's
 * memory; the return code still reports the error. */
static int writable(const struct qs_error *err)
{
    return err && (err->struct_size == 0 || err->struct_size >= ERROR_V01_SIZE);
}

/* Keeps struct_size: it says what the caller's struct is, not what it holds. */
void qs_error_clear(struct qs_error *err)
{
    if (writable(err)) {
        err->code = QS_OK;
        err->sys_errno = 0;
        err->text[0] = '\0';
    }
}

static void set_text(struct qs_error *err, int code, int sys_errno, const char *fmt,
                     va_list ap)
{
    err->code = code;
    err->sys_errno = sys_errno;
    vsnprintf(err->text, sizeof err->text, fmt, ap);
}

int qsp_error(struct qs_error *err, int code, const char *fmt, ...)
{
    if (writable(err) && err->code == QS_OK) {
        va_list ap;
        va_start(ap, fmt);
        set_text(err, code, 0, fmt, ap);
        va_end(ap);
    }
    return code;
}

/* errno's text into buf: in English whatever locale the application chose (the library
 * reads no process-wide setting, and a message reads the same in every log), and without
 * strerror()'s buffer shared by all threads. strerror_l() with the "C" locale, which glibc
 * and musl hand out without allocating. glibc before 2.32 writes an unknown number's text
 * into one static buffer even there, so on glibc the GNU strerror_r(), which writes such a
 * number's text into the caller's buffer, tells unknown numbers apart first. Only symbols
 * of GLIBC_2.17 or older (the JNI library's floor, jni/check-portable.sh). */
static const char *errno_text(int e, char *buf, size_t cap)
{
#ifdef __GLIBC__
    char probe[64];
    const char *local = strerror_r(e, probe, sizeof probe);
    if (local == probe) {
        snprintf(buf, cap, "Unknown error %d", e);
        return buf;
    }
#endif
    locale_t c = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    if (c) {
        snprintf(buf, cap, "%s", strerror_l(e, c));
        freelocale(c);
        return buf;
    }
    /* No "C" locale object (out of memory): the thread-safe text, in the locale's words. */
#ifdef __GLIBC__
    snprintf(buf, cap, "%s", local);
#else
    if (strerror_r(e, buf, cap) != 0)
        snprintf(buf, cap, "Unknown error %d", e);
#endif
    return buf;
}

int qsp_error_errno(struct qs_error *err, int sys_errno, const char *fmt, ...)
{
    int code;
    switch (sys_errno) {
    case ENOSPC:
    case EFBIG:
#ifdef EDQUOT
    case EDQUOT:
#endif
        code = QS_ENOSPC;
        break;
    case ENOMEM: code = QS_ENOMEM; break;
    default: code = QS_EIO; break;
    }
    if (writable(err) && err->code == QS_OK) {
        va_list ap;
        va_start(ap, fmt);
        set_text(err, code, sys_errno, fmt, ap);
        va_end(ap);
        size_t n = strlen(err->text);
        char text[128];
        if (n < sizeof err->text - 1)
            snprintf(err->text + n, sizeof err->text - n, ": %s",
                     errno_text(sys_errno, text, sizeof text));
    }
    return code;
}

int qsp_error_pcre2(struct qs_error *err, int pcre2_code, size_t offset, const char *what)
{
    PCRE2_UCHAR msg[160];
    if (pcre2_get_error_message(pcre2_code, msg, sizeof msg) < 0)
        strcpy((char *)msg, "unknown PCRE2 error");
    if (pcre2_code == PCRE2_ERROR_NOMEMORY)
        return qsp_error(err, QS_ENOMEM, "%s: %s", what, (char *)msg);
    return qsp_error(err, QS_EPATTERN, "%s: %s at offset %zu", what, (char *)msg, offset);
}
