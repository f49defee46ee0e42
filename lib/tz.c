/* tz.c — time zones as values: TZif files (RFC 8536) and POSIX TZ strings, read once. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "tz.h"

#define TZ_DIR "/usr/share/zoneinfo/"
#define TZ_MAX_FILE (1 << 20) /* the largest TZif file shipped is ~4 KB */

/* A POSIX TZ rule's date: Mm.w.d, Jn (1-365, no Feb 29) or n (0-365), and its local time. */
struct rule_date {
    char kind; /* 'M', 'J' or 'n' */
    int m, w, d, day;
    int32_t time; /* seconds after local midnight, -167h..167h */
};

/* The footer rule, in force after the last transition (or alone, for a TZ string). */
struct rule {
    int32_t std_off, dst_off; /* seconds east of UTC */
    int has_dst;
    struct rule_date start, end;
};

/*
 * The zone: its transitions (ascending) and the offset after each; before the first one
 * the offset is first_off; after the last one the rule if has_rule, else the last offset.
 * Immutable once made, so one object serves any number of threads.
 */
struct qs_tz {
    size_t n;
    int64_t *at;
    int32_t *off;
    unsigned char *dst; /* whether off is daylight time */
    int32_t first_off;
    int first_dst;
    int has_rule;
    struct rule rule;
};

int64_t qsp_days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* ---- POSIX TZ strings ---------------------------------------------------------------- */

/* A zone abbreviation: 3+ letters, or <...> (e.g. <+08>). */
static int parse_name(const char **p)
{
    const char *s = *p;
    if (*s == '<') {
        const char *e = strchr(s, '>');
        if (!e || e - s < 4)
            return -1;
        *p = e + 1;
        return 0;
    }
    int n = 0;
    while ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z'))
        s++, n++;
    if (n < 3)
        return -1;
    *p = s;
    return 0;
}

/* [+-]hh[:mm[:ss]] in seconds, hh up to max_h. */
static int parse_hms(const char **p, int max_h, int32_t *out)
{
    const char *s = *p;
    int sign = 1;
    if (*s == '+' || *s == '-')
        sign = *s++ == '-' ? -1 : 1;
    int32_t part[3] = {0, 0, 0};
    for (int k = 0; k < 3; k++) {
        if (k && *s != ':')
            break;
        if (k)
            s++;
        int nd = 0;
        while (*s >= '0' && *s <= '9' && nd < 3)
            part[k] = part[k] * 10 + (*s++ - '0'), nd++;
        if (!nd || (k && part[k] > 59) || (!k && part[k] > max_h))
            return -1;
    }
    *out = sign * (part[0] * 3600 + part[1] * 60 + part[2]);
    *p = s;
    return 0;
}

static int parse_num(const char **p, int lo, int hi, int *out)
{
    const char *s = *p;
    int v = 0, nd = 0;
    while (*s >= '0' && *s <= '9' && nd < 4)
        v = v * 10 + (*s++ - '0'), nd++;
    if (!nd || v < lo || v > hi)
        return -1;
    *out = v;
    *p = s;
    return 0;
}

static int parse_date(const char **p, struct rule_date *r)
{
    const char *s = *p;
    if (*s == 'M') {
        s++;
        r->kind = 'M';
        if (parse_num(&s, 1, 12, &r->m) < 0 || *s++ != '.' || parse_num(&s, 1, 5, &r->w) < 0 ||
            *s++ != '.' || parse_num(&s, 0, 6, &r->d) < 0)
            return -1;
    } else if (*s == 'J') {
        s++;
        r->kind = 'J';
        if (parse_num(&s, 1, 365, &r->day) < 0)
            return -1;
    } else {
        r->kind = 'n';
        if (parse_num(&s, 0, 365, &r->day) < 0)
            return -1;
    }
    r->time = 2 * 3600;
    if (*s == '/') {
        s++;
        if (parse_hms(&s, 167, &r->time) < 0)
            return -1;
    }
    *p = s;
    return 0;
}

/* std offset [dst [offset] [,start[/time],end[/time]]]; POSIX offsets count west. */
static int parse_rule(const char *s, struct rule *r)
{
    int32_t off;
    memset(r, 0, sizeof *r);
    if (parse_name(&s) < 0 || parse_hms(&s, 24, &off) < 0)
        return -1;
    r->std_off = -off;
    if (!*s)
        return 0;
    if (parse_name(&s) < 0)
        return -1;
    r->has_dst = 1;
    r->dst_off = r->std_off + 3600;
    if (*s && *s != ',') {
        if (parse_hms(&s, 24, &off) < 0)
            return -1;
        r->dst_off = -off;
    }
    if (!*s) { /* no rule: the US rule, as glibc assumes */
        r->start = (struct rule_date){'M', 3, 2, 0, 0, 7200};
        r->end = (struct rule_date){'M', 11, 1, 0, 0, 7200};
        return 0;
    }
    if (*s++ != ',' || parse_date(&s, &r->start) < 0 || *s++ != ',' ||
        parse_date(&s, &r->end) < 0 || *s)
        return -1;
    return 0;
}

/* Local midnight of the rule's day in year y, as days since the epoch. */
static int64_t rule_day(const struct rule_date *r, int64_t y)
{
    if (r->kind == 'J')
        return qsp_days_from_civil(y, 1, 1) + r->day - 1 + (leap(y) && r->day >= 60);
    if (r->kind == 'n')
        return qsp_days_from_civil(y, 1, 1) + r->day;
    int64_t first = qsp_days_from_civil(y, r->m, 1);
    int wd = (int)(((first + 4) % 7 + 7) % 7); /* 1970-01-01 was a Thursday */
    int64_t day = first + (r->d - wd + 7) % 7 + 7 * (r->w - 1);
    int mdays = r->m == 12 ? 31 : (int)(qsp_days_from_civil(y, r->m + 1, 1) - first);
    while (day >= first + mdays)
        day -= 7;
    return day;
}

static int32_t rule_offset(const struct rule *r, int64_t t, int *is_dst)
{
    *is_dst = 0;
    if (!r->has_dst)
        return r->std_off;
    /* The year of t in standard time; a rule's instants are in the year's local time. */
    int64_t days = (t + r->std_off) / 86400 - ((t + r->std_off) % 86400 < 0);
    int64_t y = 1970 + days / 366 - 1;
    while (qsp_days_from_civil(y + 1, 1, 1) <= days)
        y++;
    int64_t start = rule_day(&r->start, y) * 86400 + r->start.time - r->std_off;
    int64_t end = rule_day(&r->end, y) * 86400 + r->end.time - r->dst_off;
    int dst = start < end ? (t >= start && t < end) : !(t >= end && t < start);
    *is_dst = dst;
    return dst ? r->dst_off : r->std_off;
}

/* ---- TZif files ---------------------------------------------------------------------- */

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
    return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

/* Parse a TZif image (v1 data only, or the v2+ 64-bit block and its footer rule). */
static int parse_tzif(struct qs_tz *z, const unsigned char *b, size_t len)
{
    if (len < 44 || memcmp(b, "TZif", 4))
        return -1;
    int v2 = b[4] >= '2';
    size_t tsize = 4;
    if (v2) { /* skip the 32-bit block */
        size_t isut = be32(b + 20), isstd = be32(b + 24), leapc = be32(b + 28);
        size_t timec = be32(b + 32), typec = be32(b + 36), charc = be32(b + 40);
        size_t skip = 44 + timec * 5 + typec * 6 + charc + leapc * 8 + isstd + isut;
        if (timec > 65536 || typec > 256 || charc > 65536 || leapc > 65536 || skip + 44 > len)
            return -1;
        b += skip;
        len -= skip;
        if (memcmp(b, "TZif", 4))
            return -1;
        tsize = 8;
    }
    size_t isut = be32(b + 20), isstd = be32(b + 24), leapc = be32(b + 28);
    size_t timec = be32(b + 32), typec = be32(b + 36), charc = be32(b + 40);
    if (timec > 65536 || typec == 0 || typec > 256 || charc > 65536 || leapc > 65536)
        return -1;
    if (leapc) /* right/… zones count leap seconds; the logs' clocks do not */
        return -1;
    size_t data = 44 + timec * tsize + timec + typec * 6 + charc + isstd + isut;
    if (data > len)
        return -1;
    const unsigned char *times = b + 44, *idx = times + timec * tsize, *types = idx + timec;
    z->n = timec;
    z->at = malloc((timec ? timec : 1) * sizeof *z->at);
    z->off = malloc((timec ? timec : 1) * sizeof *z->off);
    z->dst = malloc(timec ? timec : 1);
    if (!z->at || !z->off || !z->dst)
        return QS_ENOMEM;
    for (size_t k = 0; k < timec; k++) {
        if (idx[k] >= typec)
            return -1;
        z->at[k] = tsize == 8 ? be64(times + 8 * k) : (int32_t)be32(times + 4 * k);
        z->off[k] = (int32_t)be32(types + 6 * idx[k]);
        z->dst[k] = types[6 * idx[k] + 4] != 0;
        if (k && z->at[k] <= z->at[k - 1])
            return -1;
    }
    z->first_off = (int32_t)be32(types); /* RFC 8536 3.2: type 0 before the first */
    z->first_dst = types[4] != 0;
    if (v2 && data < len && b[data] == '\n') {
        const char *s = (const char *)b + data + 1;
        const char *e = memchr(s, '\n', len - data - 1);
        if (!e)
            return -1;
        if (e > s) {
            char footer[256];
            if ((size_t)(e - s) >= sizeof footer)
                return -1;
            memcpy(footer, s, (size_t)(e - s));
            footer[e - s] = 0;
            if (parse_rule(footer, &z->rule) < 0)
                return -1;
            z->has_rule = 1;
        }
    }
    return 0;
}

/* The whole file, or NULL with errno. */
static unsigned char *slurp(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct stat st;
    unsigned char *b = NULL;
    if (fstat(fd, &st) < 0)
        goto out;
    if (!S_ISREG(st.st_mode) || st.st_size > TZ_MAX_FILE) {
        errno = EINVAL;
        goto out;
    }
    b = malloc((size_t)st.st_size + 1);
    if (!b)
        goto out;
    size_t got = 0;
    while (got < (size_t)st.st_size) {
        ssize_t r = read(fd, b + got, (size_t)st.st_size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            free(b);
            b = NULL;
            goto out;
        }
        got += (size_t)r;
    }
    *len = got;
out:;
    int e = errno;
    close(fd);
    errno = e;
    return b;
}

void qs_tz_free(struct qs_tz **tz)
{
    if (!tz || !*tz)
        return;
    free((*tz)->at);
    free((*tz)->off);
    free((*tz)->dst);
    free(*tz);
    *tz = NULL;
}

int qs_tz_new(const char *name, struct qs_tz **out, struct qs_error *err)
{
    if (!name || !out)
        return qsp_error(err, QS_EINVAL, "time zone: no name");
    *out = NULL;
    struct qs_tz *z = calloc(1, sizeof *z);
    if (!z)
        return qsp_error(err, QS_ENOMEM, "time zone: out of memory");
    if (!strcmp(name, "UTC")) {
        *out = z;
        return 0;
    }
    /* A zone name stays inside the zoneinfo directory; a path is taken as given. */
    int rc = 0;
    if (*name && strlen(name) < 256 && !strstr(name, "..")) {
        char path[sizeof TZ_DIR + 256];
        if (*name == '/')
            strcpy(path, name);
        else
            strcat(strcpy(path, TZ_DIR), name);
        size_t len;
        unsigned char *b = slurp(path, &len);
        if (b) {
            rc = parse_tzif(z, b, len);
            free(b);
            if (rc == 0) {
                *out = z;
                return 0;
            }
            qs_tz_free(&z);
            if (rc == QS_ENOMEM)
                return qsp_error(err, QS_ENOMEM, "time zone %s: out of memory", name);
            return qsp_error(err, QS_EINVAL, "time zone %s: %s is not a usable TZif file",
                             name, path);
        }
        if (*name == '/') {
            rc = qsp_error_errno(err, errno, "time zone %s", name);
            qs_tz_free(&z);
            return rc;
        }
    }
    /* Not a file: a POSIX TZ string such as CET-1CEST,M3.5.0,M10.5.0/3. */
    if (parse_rule(name, &z->rule) == 0) {
        z->has_rule = 1;
        *out = z;
        return 0;
    }
    qs_tz_free(&z);
    return qsp_error(err, QS_EINVAL,
                     "time zone %s: no such zone in " TZ_DIR " and not a POSIX TZ string",
                     name);
}

int32_t qsp_tz_offset(const struct qs_tz *tz, int64_t t, int *is_dst)
{
    *is_dst = 0;
    if (!tz)
        return 0;
    if (tz->n == 0)
        return tz->has_rule ? rule_offset(&tz->rule, t, is_dst) : 0;
    if (t < tz->at[0]) {
        *is_dst = tz->first_dst;
        return tz->first_off;
    }
    if (t >= tz->at[tz->n - 1] && tz->has_rule)
        return rule_offset(&tz->rule, t, is_dst);
    size_t lo = 0, hi = tz->n; /* the last transition at or before t */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (tz->at[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    *is_dst = tz->dst[lo];
    return tz->off[lo];
}
