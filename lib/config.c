/* config.c — building a configuration (record pattern, detectors, flags, limits). */
#include "config.h"

#include <stdlib.h>

#include "error.h"

int qs_config_new(struct qs_config **out, struct qs_error *err)
{
    if (!out)
        return qsp_error(err, QS_EINVAL, "qs_config_new: out is NULL");
    *out = NULL;
    struct qs_config *c = calloc(1, sizeof *c);
    if (!c)
        return qsp_error(err, QS_ENOMEM, "qs_config_new: out of memory");
    int rc = qsp_recpat_new(&c->recpat, NULL, err);
    if (rc == 0)
        rc = qsp_detector_new(&c->detector, err);
    if (rc) {
        qs_config_free(&c);
        return rc;
    }
    c->dialect = QS_DIALECT_DEFAULT;
    c->max_record = QSP_DEFAULT_MAX_RECORD;
    c->dedupe_entries = QSP_DEFAULT_DEDUPE_ENTRIES;
    *out = c;
    return 0;
}

void qs_config_free(struct qs_config **cp)
{
    if (!cp || !*cp)
        return;
    qsp_recpat_free(&(*cp)->recpat);
    qsp_detector_free(&(*cp)->detector);
    free(*cp);
    *cp = NULL;
}

int qs_config_set_record_pattern(struct qs_config *c, const char *pattern,
                                 struct qs_error *err)
{
    if (!c)
        return qsp_error(err, QS_EINVAL, "qs_config_set_record_pattern: cfg is NULL");
    struct qsp_recpat *p = NULL;
    int rc = qsp_recpat_new(&p, pattern, err);
    if (rc)
        return rc; /* the old pattern stays */
    qsp_recpat_free(&c->recpat);
    c->recpat = p;
    return 0;
}

int qs_config_add_sql_logger(struct qs_config *c, const char *logger, struct qs_error *err)
{
    if (!c || !logger || !*logger)
        return qsp_error(err, QS_EINVAL, "qs_config_add_sql_logger: empty logger name");
    return qsp_detector_add_logger(c->detector, logger, err);
}

int qs_config_add_sql_regex(struct qs_config *c, const char *pattern, struct qs_error *err)
{
    if (!c || !pattern)
        return qsp_error(err, QS_EINVAL, "qs_config_add_sql_regex: NULL argument");
    return qsp_detector_add_regex(c->detector, pattern, err);
}

int qs_config_set_p6spy_format(struct qs_config *c, const char *format, struct qs_error *err)
{
    if (!c)
        return qsp_error(err, QS_EINVAL, "qs_config_set_p6spy_format: cfg is NULL");
    return qsp_detector_set_p6spy_format(c->detector, format, err);
}

int qs_config_set_builtin_detectors(struct qs_config *c, int enabled)
{
    if (!c)
        return QS_EINVAL;
    qsp_detector_set_builtin(c->detector, enabled);
    return 0;
}

int qs_config_set_dialect(struct qs_config *c, unsigned dialect)
{
    if (!c || dialect > QS_DIALECT_POSTGRES)
        return QS_EINVAL;
    c->dialect = dialect;
    return 0;
}

int qs_config_set_flags(struct qs_config *c, unsigned flags)
{
    const unsigned known = QS_FLAG_REDACT | QS_FLAG_DEDUPE | QS_FIELD_TIMESTAMP |
                           QS_FIELD_THREAD | QS_FIELD_LOGGER | QS_FIELD_FINGERPRINT |
                           QS_FIELD_TOOK_MS;
    if (!c || (flags & ~known))
        return QS_EINVAL;
    c->flags = flags;
    return 0;
}

unsigned qs_config_get_flags(const struct qs_config *c)
{
    return c ? c->flags : 0;
}

int qs_config_set_limit(struct qs_config *c, int which, size_t value)
{
    if (!c || value == 0)
        return QS_EINVAL;
    switch (which) {
    case QS_LIMIT_RECORD_BYTES:
        if (value < 1024)
            return QS_EINVAL; /* a record prefix alone can be a few hundred bytes */
        c->max_record = value;
        return 0;
    case QS_LIMIT_DEDUPE_ENTRIES: c->dedupe_entries = value; return 0;
    default: return QS_EINVAL;
    }
}
