/* options.c — every configuration option by name, with its type and bounds, in one table
 * (the way zstd's ZSTD_CCtx_setParameter works): the CLI's flags go through it, and the
 * pusher's YAML and the appender's setters can, so an option means the same, and a bad
 * value is refused with the same message naming it, in every face. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "error.h"

typedef int (*apply_fn)(struct qs_config *c, const char *value, uint64_t num,
                        struct qs_error *err);

struct option {
    const char *name;
    int type;
    int repeatable;
    uint64_t min, max;
    const char *values;
    const char *help;
    apply_fn apply;
};

static int set_flag(struct qs_config *c, unsigned bit, uint64_t on)
{
    unsigned f = qs_config_get_flags(c);
    return qs_config_set_flags(c, on ? f | bit : f & ~bit);
}

static int a_pattern(struct qs_config *c, const char *v, uint64_t n, struct qs_error *err)
{
    (void)n;
    return qs_config_set_record_pattern(c, v, err);
}

static int a_sql_logger(struct qs_config *c, const char *v, uint64_t n, struct qs_error *err)
{
    (void)n;
    return qs_config_add_sql_logger(c, v, err);
}

static int a_sql_regex(struct qs_config *c, const char *v, uint64_t n, struct qs_error *err)
{
    (void)n;
    return qs_config_add_sql_regex(c, v, err);
}

static int a_p6spy_format(struct qs_config *c, const char *v, uint64_t n, struct qs_error *err)
{
    (void)n;
    return qs_config_set_p6spy_format(c, v, err);
}

static int a_builtin(struct qs_config *c, const char *v, uint64_t n, struct qs_error *err)
{
    (void)v;
    (void)err;
    return qs_config_set_builtin_detectors(c, n != 0);
}

static int a_dialect(struct qs_config *c, const char *v, uint64_t n, struct qs_error *err)
{
    (void)v;
    (void)err;
    return qs_config_set_dialect(c, (unsigned)n);
}

static int a_redact(struct qs_config *c, const char *v, uint64_t n, struct qs_error *err)
{
    (void)v;
    (void)err;
    return set_flag(c, QS_FLAG_REDACT, n);
}

static int a_dedupe(struct qs_config *c, const char *v, uint64_t n, struct qs_error *err)
{
    (void)v;
    (void)err;
    return set_flag(c, QS_FLAG_DEDUPE, n);
}

/* fields: the list replaces the extra keys chosen before */
static int a_fields(struct qs_config *c, const char *v, uint64_t n, struct qs_error *err)
{
    (void)v;
    (void)err;
    const unsigned fields = QS_FIELD_TIMESTAMP | QS_FIELD_THREAD | QS_FIELD_LOGGER |
                            QS_FIELD_FINGERPRINT | QS_FIELD_TOOK_MS;
    return qs_config_set_flags(c, (qs_config_get_flags(c) & ~fields) | (unsigned)n);
}

static int a_dedupe_size(struct qs_config *c, const char *v, uint64_t n, struct qs_error *err)
{
    (void)v;
    (void)err;
    return qs_config_set_limit(c, QS_LIMIT_DEDUPE_ENTRIES, (size_t)n);
}

static int a_max_record(struct qs_config *c, const char *v, uint64_t n, struct qs_error *err)
{
    (void)v;
    (void)err;
    return qs_config_set_limit(c, QS_LIMIT_RECORD_BYTES, (size_t)n);
}

/* The dedupe table costs about 36 bytes an entry: a billion is 36 GB, enough. */
static const struct option options[] = {
    {"pattern", QS_OPT_STRING, 0, 0, 0, NULL,
     "record-start pattern (PCRE2, anchored; named groups ts, level, thread, logger, msg)",
     a_pattern},
    {"sql-logger", QS_OPT_STRING, 1, 0, 0, NULL,
     "the message of this logger is SQL; a trailing * matches a prefix", a_sql_logger},
    {"sql-regex", QS_OPT_STRING, 1, 0, 0, NULL,
     "a message regex whose group (?<sql>...) is the statement", a_sql_regex},
    {"p6spy-format", QS_OPT_STRING, 0, 0, 0, NULL, "p6spy's customLogMessageFormat",
     a_p6spy_format},
    {"builtin", QS_OPT_BOOL, 0, 0, 1, NULL,
     "the built-in recognizers (MyBatis, boundSql, p6spy, Hibernate, log4jdbc, "
     "datasource-proxy)",
     a_builtin},
    {"dialect", QS_OPT_ENUM, 0, 0, 2, "default,mysql,postgres",
     "comment and quote rules of N(sql)", a_dialect},
    {"redact", QS_OPT_BOOL, 0, 0, 1, NULL, "query.log gets the fingerprint, not the SQL",
     a_redact},
    {"dedupe", QS_OPT_BOOL, 0, 0, 1, NULL, "a QHash's record is written the first time only",
     a_dedupe},
    {"fields", QS_OPT_LIST, 0, 0, 0, "ts,thread,logger,fingerprint,took_ms",
     "extra query.log keys", a_fields},
    {"dedupe-size", QS_OPT_SIZE, 0, 1, (uint64_t)1 << 30, NULL, "QHashes remembered by dedupe",
     a_dedupe_size},
    {"max-record", QS_OPT_SIZE, 0, 1024, (uint64_t)1 << 40, NULL,
     "larger records pass through unsplit (bytes; K, M, G)", a_max_record},
};
#define NOPTIONS (sizeof options / sizeof options[0])

int qs_option_info(size_t index, struct qs_option_info *out)
{
    if (!out)
        return QS_EINVAL;
    if (index >= NOPTIONS)
        return QS_ENOTFOUND;
    const struct option *o = &options[index];
    *out = (struct qs_option_info){o->name, o->type,   o->repeatable, o->min,
                                   o->max,  o->values, o->help};
    return 0;
}

/* "8M", "1024", "64k": a count of bytes or entries. */
static int parse_size(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    if (*s < '0' || *s > '9')
        return -1;
    unsigned long long v = strtoull(s, &end, 10);
    unsigned shift = 0;
    switch (*end) {
    case 'k':
    case 'K': shift = 10; break;
    case 'm':
    case 'M': shift = 20; break;
    case 'g':
    case 'G': shift = 30; break;
    default: break;
    }
    end += shift != 0;
    if (errno || *end || v > (UINT64_MAX >> shift))
        return -1;
    *out = (uint64_t)v << shift;
    return 0;
}

static int parse_bool(const char *s, uint64_t *out)
{
    static const char *const yes[] = {"1", "true", "yes", "on"}, *const no[] = {"0", "false",
                                                                                "no", "off"};
    for (int i = 0; i < 4; i++) {
        if (strcasecmp(s, yes[i]) == 0)
            return (*out = 1), 0;
        if (strcasecmp(s, no[i]) == 0)
            return (*out = 0), 0;
    }
    return -1;
}

/* The index of name in a comma-separated list, or -1. Aliases: ts = timestamp, default =
 * ansi, mysql = mariadb, postgres = postgresql. */
static int list_index(const char *values, const char *name, size_t len)
{
    static const char *const alias[][2] = {{"timestamp", "ts"},
                                           {"ansi", "default"},
                                           {"mariadb", "mysql"},
                                           {"postgresql", "postgres"}};
    for (size_t a = 0; a < sizeof alias / sizeof alias[0]; a++)
        if (strlen(alias[a][0]) == len && strncasecmp(name, alias[a][0], len) == 0) {
            name = alias[a][1];
            len = strlen(name);
        }
    int i = 0;
    for (const char *p = values; *p; i++) {
        const char *e = strchr(p, ',');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        if (l == len && strncasecmp(p, name, len) == 0)
            return i;
        p += l + (e != NULL);
    }
    return -1;
}

int qs_config_set_option(struct qs_config *c, const char *name, const char *value,
                         struct qs_error *err)
{
    if (!c || !name || !value)
        return qsp_error(err, QS_EINVAL, "qs_config_set_option: NULL argument");
    const struct option *o = NULL;
    for (size_t i = 0; i < NOPTIONS && !o; i++)
        if (strcmp(options[i].name, name) == 0)
            o = &options[i];
    if (!o)
        return qsp_error(err, QS_EINVAL, "unknown option '%.64s'", name);
    uint64_t num = 0;
    switch (o->type) {
    case QS_OPT_BOOL:
        if (parse_bool(value, &num))
            return qsp_error(err, QS_EINVAL, "%s: '%.64s' is not true or false", o->name,
                             value);
        break;
    case QS_OPT_SIZE:
        if (parse_size(value, &num) || num < o->min || num > o->max)
            return qsp_error(err, QS_EINVAL,
                             "%s: '%.64s' is not a number from %llu to %llu (K, M, G allowed)",
                             o->name, value, (unsigned long long)o->min,
                             (unsigned long long)o->max);
        break;
    case QS_OPT_ENUM: {
        int k = list_index(o->values, value, strlen(value));
        if (k < 0)
            return qsp_error(err, QS_EINVAL, "%s: unknown value '%.64s' (known: %s)", o->name,
                             value, o->values);
        num = (uint64_t)k;
        break;
    }
    case QS_OPT_LIST: {
        static const unsigned bits[] = {QS_FIELD_TIMESTAMP, QS_FIELD_THREAD, QS_FIELD_LOGGER,
                                        QS_FIELD_FINGERPRINT, QS_FIELD_TOOK_MS};
        for (const char *p = value; *p;) {
            const char *e = strchr(p, ',');
            size_t l = e ? (size_t)(e - p) : strlen(p);
            int k = l ? list_index(o->values, p, l) : -1;
            if (k < 0 || (size_t)k >= sizeof bits / sizeof bits[0])
                return qsp_error(err, QS_EINVAL, "%s: unknown value '%.*s' (known: %s)",
                                 o->name, (int)(l > 64 ? 64 : l), p, o->values);
            num |= bits[k];
            p += l + (e != NULL);
        }
        break;
    }
    default: break;
    }
    struct qs_error inner = QS_ERROR_INIT;
    int rc = o->apply(c, value, num, &inner);
    if (rc)
        return qsp_error(err, rc, "%s: %s", o->name,
                         inner.code ? inner.text : qs_strerror(rc));
    return 0;
}
