/* error.h — recording errors into the caller's optional struct qs_error. */
#ifndef QS_ERROR_H
#define QS_ERROR_H

#include <stddef.h>

#include "qsplit.h"

/* Record code and a printf-style message in err (if err is non-NULL and still QS_OK);
 * returns code so callers can write `return qsp_error(err, QS_EINVAL, "...")`. */
int qsp_error(struct qs_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Like qsp_error for a failed system call: maps errno (ENOSPC/EFBIG/EDQUOT to QS_ENOSPC,
 * ENOMEM to QS_ENOMEM, anything else to QS_EIO), appends strerror, keeps sys_errno. */
int qsp_error_errno(struct qs_error *err, int sys_errno, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A failed pcre2_compile, translated where PCRE2 comes in (STYLE.md): "<what>: <PCRE2's
 * message> at offset N" as QS_EPATTERN, or QS_ENOMEM when PCRE2 ran out of memory. The one
 * place the library turns PCRE2's compile errors into its own; returns the code. */
int qsp_error_pcre2(struct qs_error *err, int pcre2_code, size_t offset, const char *what);

#endif
