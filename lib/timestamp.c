/* timestamp.c — record timestamps of the known layouts to nanoseconds since the epoch. */
#include <stdint.h>

#include "qsplit.h"
#include "tz.h"

/* Read exactly n digits at s[*i]; -1 if any is not a digit. */
static int digits(const char *s, size_t len, size_t *i, int n)
{
    if (len - *i < (size_t)n)
        return -1;
    int v = 0;
    for (int k = 0; k < n; k++) {
        unsigned d = (unsigned char)s[*i + (size_t)k] - '0';
        if (d > 9)
            return -1;
        v = v * 10 + (int)d;
    }
    *i += (size_t)n;
    return v;
}

static int days_in_month(int y, int m)
{
    static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : d[m - 1];
}

/* A month's English abbreviation at s[*i] (log4j's %d{DATE}, Tomcat): 1-12, or -1. */
static int month(const char *s, size_t len, size_t *i)
{
    static const char names[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    if (len - *i < 3)
        return -1;
    for (int m = 0; m < 12; m++)
        if (s[*i] == names[3 * m] && s[*i + 1] == names[3 * m + 1] &&
            s[*i + 2] == names[3 * m + 2]) {
            *i += 3;
            return m + 1;
        }
    return -1;
}

/* The date: yyyy-MM-dd, yyyy/MM/dd, dd MMM yyyy or dd-MMM-yyyy. 0, or -1. */
static int date(const char *ts, size_t len, size_t *i, int *y, int *mo, int *d)
{
    size_t j = *i;
    if ((*y = digits(ts, len, &j, 4)) >= 0) {
        char sep = j < len ? ts[j++] : 0;
        if ((sep != '-' && sep != '/') || (*mo = digits(ts, len, &j, 2)) < 0 || j >= len ||
            ts[j++] != sep || (*d = digits(ts, len, &j, 2)) < 0)
            return -1;
    } else {
        j = *i;
        char sep;
        if ((*d = digits(ts, len, &j, 2)) < 0 || j >= len ||
            ((sep = ts[j++]) != ' ' && sep != '-') || (*mo = month(ts, len, &j)) < 0 ||
            j >= len || ts[j++] != sep || (*y = digits(ts, len, &j, 4)) < 0)
            return -1;
    }
    *i = j;
    return 0;
}

/*
 * The instant whose wall-clock time in tz is `local` (seconds since the epoch as if UTC).
 * Start from reading it as UTC and correct by the offset in force there until the offset
 * holds: glibc's mktime search as a fresh process (`TZ=… date -d`) runs it, so an hour
 * repeated when clocks go back is the pass nearer that first guess (the later one east of
 * UTC, the earlier one west of it). An hour skipped when clocks go forward has no such
 * instant (`date -d` refuses it); mktime reads it with the offset before the change when
 * the one after is daylight time, else with the one after, and so do we.
 * test-timestamp compares all of it with the C library, zone by zone.
 */
static int64_t local_to_utc(const struct qs_tz *tz, int64_t local)
{
    int64_t t = local;
    int dst;
    for (int probe = 0; probe < 8; probe++) {
        int64_t next = local - qsp_tz_offset(tz, t, &dst);
        if (next == t)
            return t;
        t = next;
    }
    int32_t before = qsp_tz_offset(tz, local - 90000, &dst);
    int32_t after = qsp_tz_offset(tz, local + 90000, &dst);
    return local - (dst ? before : after);
}

/* Exactly 13 digits: an epoch in milliseconds (2001-09-09 to 2286-11-20), as logback's
 * JsonEncoder and logstash-logback-encoder's [UNIX_TIMESTAMP_AS_NUMBER] / _AS_STRING write
 * it. 1 and *unix_ns set (0 when out of range: *rc), 0 when ts is not that. No text
 * layout's timestamp is all digits, so none is read differently. */
static int epoch_ms(const char *ts, size_t len, int64_t *unix_ns, int *rc)
{
    if (len != 13)
        return 0;
    int64_t ms = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned d = (unsigned char)ts[i] - '0';
        if (d > 9)
            return 0;
        ms = ms * 10 + d;
    }
    /* int64 nanoseconds end in 2262 */
    *rc = ms > INT64_MAX / 1000000 ? QS_ERANGE : 0;
    if (!*rc)
        *unix_ns = ms * 1000000;
    return 1;
}

/*
 * Accepted: a date (yyyy-MM-dd, yyyy/MM/dd, dd MMM yyyy, dd-MMM-yyyy), T or a blank,
 * HH:mm:ss, optionally [.,] and 1-9 fraction digits, optionally Z, ±HH, ±HHMM or ±HH:MM
 * (after a blank too: logback's %d{… Z}); nothing before or after. Without a zone in the
 * text the time is in tz (NULL: UTC). Or an epoch in milliseconds (epoch_ms: JSON events).
 * No process state is read: the zone is the argument.
 */
int qs_timestamp_parse(const char *ts, size_t len, const struct qs_tz *tz, int64_t *unix_ns)
{
    if (!ts || !unix_ns)
        return QS_EINVAL;
    int rc;
    if (epoch_ms(ts, len, unix_ns, &rc))
        return rc;
    size_t i = 0;
    int y, mo, d;
    if (date(ts, len, &i, &y, &mo, &d) < 0 || i >= len || (ts[i] != 'T' && ts[i] != ' '))
        return QS_EINVAL;
    i++;
    int h = digits(ts, len, &i, 2);
    if (h < 0 || i >= len || ts[i++] != ':')
        return QS_EINVAL;
    int mi = digits(ts, len, &i, 2);
    if (mi < 0 || i >= len || ts[i++] != ':')
        return QS_EINVAL;
    int s = digits(ts, len, &i, 2);
    if (s < 0)
        return QS_EINVAL;
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || s > 59)
        return QS_EINVAL;

    int64_t ns = 0;
    if (i < len && (ts[i] == '.' || ts[i] == ',')) {
        i++;
        int n = 0;
        while (i < len && (unsigned)((unsigned char)ts[i] - '0') < 10 && n < 9) {
            ns = ns * 10 + (ts[i] - '0');
            i++;
            n++;
        }
        if (n == 0 || (i < len && (unsigned)((unsigned char)ts[i] - '0') < 10))
            return QS_EINVAL; /* no digits, or more than 9 */
        for (; n < 9; n++)
            ns *= 10;
    }

    int zoned = 0;
    long off = 0; /* seconds east of UTC */
    if (i < len && ts[i] == 'Z') {
        zoned = 1;
        i++;
    } else if (i < len && (ts[i] == '+' || ts[i] == '-' || ts[i] == ' ')) {
        if (ts[i] == ' ') /* logback's %d{yyyy-MM-dd HH:mm:ss.SSS Z}: " +0800" */
            i++;
        if (i >= len || (ts[i] != '+' && ts[i] != '-'))
            return QS_EINVAL;
        int sign = ts[i++] == '-' ? -1 : 1;
        int oh = digits(ts, len, &i, 2), om = 0;
        if (oh < 0)
            return QS_EINVAL;
        if (i < len) {
            if (ts[i] == ':')
                i++;
            om = digits(ts, len, &i, 2);
            if (om < 0)
                return QS_EINVAL;
        }
        if (oh > 18 || om > 59)
            return QS_EINVAL;
        zoned = 1;
        off = sign * (oh * 3600L + om * 60L);
    }
    if (i != len)
        return QS_EINVAL;

    int64_t t = (qsp_days_from_civil(y, mo, d) * 24 + h) * 3600 + mi * 60L + s;
    t = zoned ? t - off : local_to_utc(tz, t);
    /* int64 nanoseconds reach from 1677 to 2262. */
    if (t > INT64_MAX / 1000000000 - 1 || t < INT64_MIN / 1000000000 + 1)
        return QS_ERANGE;
    *unix_ns = t * 1000000000 + ns;
    return 0;
}
