/* test-timestamp.c — qs_timestamp_parse: the default layouts' timestamps, zones, strictness;
 * qs_tz against the C library's own reading of the same zones. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "qsplit.h"
#include "qstest.h"

static int parse(const char *s, const struct qs_tz *tz, int64_t *ns)
{
    return qs_timestamp_parse(s, strlen(s), tz, ns);
}

static struct qs_tz *zone(const char *name)
{
    struct qs_tz *tz = NULL;
    struct qs_error err = {0};
    if (qs_tz_new(name, &tz, &err) < 0)
        fprintf(stderr, "qs_tz_new(%s): %s\n", name, err.text);
    return tz;
}

#define NS(sec) ((int64_t)(sec)*1000000000)

static void test_utc(void)
{
    int64_t ns = -1;
    /* 2021-05-25T18:32:35Z is 1621967555 (date -u -d ... +%s). */
    CHECK_INT(parse("2021-05-25 18:32:35.710", 0, &ns), 0);
    CHECK_INT(ns, NS(1621967555) + 710000000);
    CHECK_INT(parse("2021-05-25T18:32:35.710", 0, &ns), 0);
    CHECK_INT(ns, NS(1621967555) + 710000000);
    CHECK_INT(parse("2021-05-25 18:32:35,710", 0, &ns), 0);
    CHECK_INT(ns, NS(1621967555) + 710000000);
    CHECK_INT(parse("2021-05-25 18:32:35", 0, &ns), 0);
    CHECK_INT(ns, NS(1621967555));
    CHECK_INT(parse("2021-05-25 18:32:35.7", 0, &ns), 0);
    CHECK_INT(ns, NS(1621967555) + 700000000);
    CHECK_INT(parse("2021-05-25 18:32:35.000000001", 0, &ns), 0);
    CHECK_INT(ns, NS(1621967555) + 1);
    CHECK_INT(parse("2021-05-25 18:32:35.123456789", 0, &ns), 0);
    CHECK_INT(ns, NS(1621967555) + 123456789);
    CHECK_INT(parse("1970-01-01T00:00:00.000Z", 0, &ns), 0);
    CHECK_INT(ns, 0);
    CHECK_INT(parse("1969-12-31T23:59:59.500Z", 0, &ns), 0);
    CHECK_INT(ns, -500000000);
    CHECK_INT(parse("2024-02-29 12:00:00.000", 0, &ns), 0);
    CHECK_INT(ns, NS(1709208000));
    CHECK_INT(parse("2000-02-29 00:00:00", 0, &ns), 0);
    CHECK_INT(ns, NS(951782400));
}

/* The date forms of the prefix grammar's layouts (docs/layouts.md). */
static void test_layout_dates(void)
{
    int64_t ns = -1;
    CHECK_INT(parse("2021/05/25 18:32:35", 0, &ns), 0);
    CHECK_INT(ns, NS(1621967555));
    CHECK_INT(parse("25 May 2021 18:32:35,710", 0, &ns), 0);
    CHECK_INT(ns, NS(1621967555) + 710000000);
    CHECK_INT(parse("25-May-2021 18:32:35.710", 0, &ns), 0);
    CHECK_INT(ns, NS(1621967555) + 710000000);
    CHECK_INT(parse("2021-05-26 02:32:35.710 +0800", 0, &ns), 0);
    CHECK_INT(ns, NS(1621967555) + 710000000);
    CHECK_INT(parse("2021-05-25 13:32:35 -05:00", 0, &ns), 0);
    CHECK_INT(ns, NS(1621967555));
    /* Still strict: mixed separators, unknown months, a blank without a zone. */
    CHECK_INT(parse("2021/05-25 18:32:35", 0, &ns), QS_EINVAL);
    CHECK_INT(parse("25 Mai 2021 18:32:35", 0, &ns), QS_EINVAL);
    CHECK_INT(parse("25-May 2021 18:32:35", 0, &ns), QS_EINVAL);
    CHECK_INT(parse("2021-05-25 18:32:35 ", 0, &ns), QS_EINVAL);
    CHECK_INT(parse("2021-05-25 18:32:35 Z", 0, &ns), QS_EINVAL);
    CHECK_INT(parse("25 May 21 18:32:35", 0, &ns), QS_EINVAL);
    /* A time alone has no date: the pusher stamps such records with the read time. */
    CHECK_INT(parse("18:32:35.710", 0, &ns), QS_EINVAL);
}

static void test_offsets(void)
{
    int64_t ns = -1;
    /* 2023-11-20T13:03:01.123Z = 1700485381.123 */
    const int64_t want = NS(1700485381) + 123000000;
    CHECK_INT(parse("2023-11-20T14:03:01.123+01:00", 0, &ns), 0);
    CHECK_INT(ns, want);
    CHECK_INT(parse("2023-11-20T14:03:01.123+0100", 0, &ns), 0);
    CHECK_INT(ns, want);
    CHECK_INT(parse("2023-11-20T14:03:01.123+01", 0, &ns), 0);
    CHECK_INT(ns, want);
    CHECK_INT(parse("2023-11-20T13:03:01.123Z", 0, &ns), 0);
    CHECK_INT(ns, want);
    CHECK_INT(parse("2023-11-20T08:03:01.123-05:00", 0, &ns), 0);
    CHECK_INT(ns, want);
    CHECK_INT(parse("2023-11-20T18:33:01.123+05:30", 0, &ns), 0);
    CHECK_INT(ns, want);
    CHECK_INT(parse("2023-11-20 14:03:01,123+01:00", 0, &ns), 0);
    CHECK_INT(ns, want);
    /* A zone in the text wins over the zone given. */
    struct qs_tz *ny = zone("EST5EDT,M3.2.0,M11.1.0");
    CHECK(ny != NULL);
    CHECK_INT(parse("2023-11-20T14:03:01.123+01:00", ny, &ns), 0);
    CHECK_INT(ns, want);
    qs_tz_free(&ny);
}

static void test_local(void)
{
    int64_t ns = -1;
    struct qs_tz *utc = zone("UTC");
    CHECK(utc != NULL);
    CHECK_INT(parse("2021-05-25 18:32:35.710", utc, &ns), 0);
    CHECK_INT(ns, NS(1621967555) + 710000000);
    qs_tz_free(&utc);
    /* POSIX TZ strings need no zoneinfo files: CET-1CEST is UTC+1 in winter, +2 in summer. */
    struct qs_tz *cet = zone("CET-1CEST,M3.5.0,M10.5.0/3");
    CHECK(cet != NULL);
    CHECK_INT(parse("2023-11-20T14:03:01.123", cet, &ns), 0);
    CHECK_INT(ns, NS(1700485381) + 123000000);
    CHECK_INT(parse("2021-05-25 20:32:35.710", cet, &ns), 0);
    CHECK_INT(ns, NS(1621967555) + 710000000);
    /* Without a zone the same text is UTC. */
    CHECK_INT(parse("2021-05-25 18:32:35.710", NULL, &ns), 0);
    CHECK_INT(ns, NS(1621967555) + 710000000);
    /* The changes themselves, as `TZ=CET-1CEST,M3.5.0,M10.5.0/3 date -d '…' +%s` says:
     * 02:30 on 2023-10-29 happens twice: read as UTC it is after the change, so the second
     * pass, +01:00. */
    CHECK_INT(parse("2023-10-29 02:30:00", cet, &ns), 0);
    CHECK_INT(ns, NS(1698543000));
    CHECK_INT(parse("2023-10-29 03:30:00", cet, &ns), 0);
    CHECK_INT(ns, NS(1698546600));
    CHECK_INT(parse("2023-03-26 01:59:59", cet, &ns), 0);
    CHECK_INT(ns, NS(1679792399));
    CHECK_INT(parse("2023-03-26 03:00:00", cet, &ns), 0);
    CHECK_INT(ns, NS(1679792400));
    /* 02:30 on 2023-03-26 never happens: `date -d` refuses it, mktime (and we) read it
     * with the winter offset, 03:30 summer time. */
    CHECK_INT(parse("2023-03-26 02:30:00", cet, &ns), 0);
    CHECK_INT(ns, NS(1679794200));
    qs_tz_free(&cet);
    /* West of UTC the same search lands on the first pass: `TZ=America/New_York date -d
     * '2023-11-05 01:30' +%s%z` is 1699162200-0400. */
    struct qs_tz *ny =
        access("/usr/share/zoneinfo/America/New_York", R_OK) ? NULL : zone("America/New_York");
    if (ny) {
        CHECK_INT(parse("2023-11-05 01:30:00", ny, &ns), 0);
        CHECK_INT(ns, NS(1699162200));
        CHECK_INT(parse("2050-07-01 12:00:00", ny, &ns), 0); /* past the table: the rule */
        CHECK_INT(ns, NS(2540304000));
        qs_tz_free(&ny);
    }

    struct qs_error err = {0};
    struct qs_tz *tz = (struct qs_tz *)&err;
    CHECK_INT(qs_tz_new("No/Such_Zone", &tz, &err), QS_EINVAL);
    CHECK(tz == NULL && strstr(err.text, "No/Such_Zone"));
    CHECK_INT(qs_tz_new("../../etc/passwd", &tz, NULL), QS_EINVAL);
    CHECK_INT(qs_tz_new("/etc/passwd", &tz, NULL), QS_EINVAL); /* not TZif */
    CHECK_INT(qs_tz_new("/no/such/file", &tz, NULL), QS_EIO);
    CHECK_INT(qs_tz_new("CET-1CEST,M3.5.0", &tz, NULL), QS_EINVAL);
    CHECK_INT(qs_tz_new("", &tz, NULL), QS_EINVAL);
    CHECK_INT(qs_tz_new(NULL, &tz, NULL), QS_EINVAL);
    qs_tz_free(NULL);
    struct qs_tz *none = NULL;
    qs_tz_free(&none);
}

/* The C library's instant for a wall time in the zone `name` (the test sets TZ; the library
 * under test never reads it): mktime with tm_isdst -1 as in a fresh process, which is what
 * `date -d` prints. glibc's mktime starts its search from the offset of its previous
 * result, so a call in UTC first makes that 0, as it is in a new process. */
static int64_t libc_local(const char *name, int64_t y, int mo, int d, int h, int mi)
{
    struct tm tm = {0};
    tm.tm_year = 100;
    tm.tm_mday = 1;
    setenv("TZ", "UTC0", 1);
    tzset();
    mktime(&tm);
    setenv("TZ", name, 1);
    tzset();
    tm = (struct tm){0};
    tm.tm_year = (int)(y - 1900);
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_isdst = -1;
    return (int64_t)mktime(&tm);
}

/* Every half hour from an hour before to an hour after each of the zone's offset changes from 1970 to
 * 2070 (so past the TZif table's last entry in 2037, where its rule takes over), read by
 * qs_tz and by the C library: the same instant. Returns the changes seen, -1 if none. */
static int compare_zone(const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", name);
    if (access(path, R_OK) != 0 && strchr(name, '/') && !strchr(name, ',')) {
        printf("skip %s: no %s (tzdata not installed)\n", name, path);
        return -1;
    }
    struct qs_tz *tz = zone(name);
    CHECK(tz != NULL);
    if (!tz)
        return -1;
    setenv("TZ", name, 1);
    tzset();
    int changes = 0, bad = 0;
    struct tm a, b;
    time_t day = 0;
    localtime_r(&day, &a);
    for (; day < (time_t)3155760000; day += 86400, a = b) {
        time_t next = day + 86400;
        localtime_r(&next, &b);
        if (a.tm_gmtoff == b.tm_gmtoff)
            continue;
        /* the change within this day, to the second: the last instant before it is t */
        time_t t = day, u = next;
        while (u - t > 1) {
            time_t mid = t + (u - t) / 2, m_off;
            struct tm m;
            localtime_r(&mid, &m);
            m_off = m.tm_gmtoff;
            if (m_off == a.tm_gmtoff)
                t = mid;
            else
                u = mid;
        }
        changes++;
        for (int64_t w = (int64_t)t - 3600; w <= (int64_t)u + 3600; w += 1800) {
            time_t wt = (time_t)w;
            struct tm l;
            localtime_r(&wt, &l); /* a wall time near the change, in this zone */
            /* it, and half an hour and an hour later: into an hour skipped or repeated */
            for (int shift = 0; shift <= 3600; shift += 1800) {
                int64_t ns = 0;
                struct tm s = l;
                s.tm_min += shift / 60;
                s.tm_hour += s.tm_min / 60;
                s.tm_min %= 60;
                if (s.tm_hour > 23)
                    continue;
                char text[64];
                snprintf(text, sizeof text, "%04d-%02d-%02d %02d:%02d:00", s.tm_year + 1900,
                         s.tm_mon + 1, s.tm_mday, s.tm_hour, s.tm_min);
                int64_t want = libc_local(name, s.tm_year + 1900, s.tm_mon + 1, s.tm_mday,
                                          s.tm_hour, s.tm_min);
                if (parse(text, tz, &ns) != 0 || ns != want * 1000000000) {
                    if (bad++ < 5)
                        fprintf(stderr, "%s %s: qs_tz %lld, libc %lld\n", name, text,
                                (long long)(ns / 1000000000), (long long)want);
                }
            }
        }
    }
    CHECK_INT(bad, 0);
    qs_tz_free(&tz);
    unsetenv("TZ");
    tzset();
    return changes;
}

/* A TZif file cut short at every length, or with a count or byte changed, is refused or
 * read, never read past its end (ASan and valgrind run this test). */
static void test_damaged_tzif(void)
{
    FILE *f = fopen("/usr/share/zoneinfo/Europe/Paris", "rb");
    if (!f) {
        printf("skip damaged TZif: no /usr/share/zoneinfo/Europe/Paris\n");
        return;
    }
    static unsigned char img[65536], copy[65536];
    size_t len = fread(img, 1, sizeof img, f);
    fclose(f);
    char path[] = "/tmp/test-timestamp-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd < 0)
        return;
    close(fd);
    int accepted = 0, tries = 0;
    for (size_t n = 0; n <= len; n += n < 64 ? 1 : 7) {
        for (int flip = -1; flip < 3; flip++) {
            memcpy(copy, img, len);
            if (flip >= 0 && n < len)
                copy[n] ^= (unsigned char)(flip == 0 ? 0x01 : flip == 1 ? 0x80 : 0xff);
            size_t keep = flip < 0 ? n : len; /* cut at n, or whole with byte n changed */
            FILE *w = fopen(path, "wb");
            CHECK(w != NULL);
            if (!w)
                break;
            fwrite(copy, 1, keep, w);
            fclose(w);
            struct qs_tz *tz = NULL;
            int rc = qs_tz_new(path, &tz, NULL);
            CHECK(rc == 0 || rc == QS_EINVAL);
            if (rc == 0) {
                int64_t ns;
                accepted++;
                parse("2023-10-29 02:30:00", tz, &ns);
                parse("2090-07-01 12:00:00", tz, &ns);
            }
            qs_tz_free(&tz);
            tries++;
        }
    }
    unlink(path);
    printf("damaged TZif: %d of %d variants read\n", accepted, tries);
}

static void test_zones_against_libc(void)
{
    /* North and south, half-hour DST (Lord Howe), DST dropped (Sao Paulo 2019), a skipped
     * day (Apia 2011), non-hour offsets (Tehran, St Johns), standard time moved (Moscow 2011,
     * 2014), and POSIX strings. */
    static const char *zones[] = {"Europe/Paris",
                                  "America/New_York",
                                  "Australia/Sydney",
                                  "Australia/Lord_Howe",
                                  "America/Sao_Paulo",
                                  "Pacific/Apia",
                                  "Asia/Tehran",
                                  "America/St_Johns",
                                  "Europe/London",
                                  "Europe/Moscow",
                                  "CET-1CEST,M3.5.0,M10.5.0/3",
                                  "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0"};
    for (size_t i = 0; i < sizeof zones / sizeof zones[0]; i++) {
        int n = compare_zone(zones[i]);
        if (n >= 0)
            printf("%s: %d offset changes compared\n", zones[i], n);
    }
}

static void test_invalid(void)
{
    static const char *bad[] = {
        "",
        "2021",
        "2021-05-25",
        "2021-05-25 18:32",
        "2021-13-25 18:32:35.710",
        "2021-00-25 18:32:35.710",
        "2021-02-29 18:32:35.710", /* not a leap year */
        "1900-02-29 00:00:00",     /* neither is 1900 */
        "2021-04-31 00:00:00",
        "2021-05-00 18:32:35.710",
        "2021-05-25 24:00:00.000",
        "2021-05-25 18:60:35.710",
        "2021-05-25 18:32:60.710",
        "2021-05-25 18:32:35.",
        "2021-05-25 18:32:35.1234567890",
        "2021-05-25 18:32:35.710 ",
        " 2021-05-25 18:32:35.710",
        "2021-05-25 18:32:35.710\r",
        "2021-05-25_18:32:35.710",
        "21-05-25 18:32:35.710",
        "2021-5-25 18:32:35.710",
        "2021-05-25 18:32:35.710+1",
        "2021-05-25 18:32:35.710+01:",
        "2021-05-25 18:32:35.710+01:0",
        "2021-05-25 18:32:35.710+19:00",
        "2021-05-25 18:32:35.710+01:60",
        "2021-05-25 18:32:35.710ZZ",
        "2021-05-25 18:32:35.710z",
        "2021-05-25 18:32:35.710 UTC",
        "2021-05-25T18:32:35.7x0",
        "２021-05-25 18:32:35.710",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t ns = 42;
        int rc = parse(bad[i], 0, &ns);
        if (rc != QS_EINVAL)
            fprintf(stderr, "accepted: [%s]\n", bad[i]);
        CHECK_INT(rc, QS_EINVAL);
        CHECK_INT(ns, 42); /* untouched on failure */
    }
    int64_t ns;
    CHECK_INT(qs_timestamp_parse(NULL, 0, 0, &ns), QS_EINVAL);
    CHECK_INT(qs_timestamp_parse("2021-05-25 18:32:35", 19, 0, NULL), QS_EINVAL);
    /* The length counts: a NUL or more text after it is not looked at. */
    CHECK_INT(qs_timestamp_parse("2021-05-25 18:32:35.710\0junk", 23, 0, &ns), 0);
    CHECK_INT(qs_timestamp_parse("2021-05-25 18:32:35.710\0junk", 24, 0, &ns), QS_EINVAL);
    CHECK_INT(qs_timestamp_parse("2021-05-25 18:32:35.710", 19, 0, &ns), 0);
    CHECK_INT(ns, NS(1621967555));
    /* Beyond what int64 nanoseconds hold. */
    CHECK_INT(parse("2300-01-01 00:00:00", 0, &ns), QS_ERANGE);
    CHECK_INT(parse("1600-01-01 00:00:00", 0, &ns), QS_ERANGE);
    CHECK_INT(parse("2262-01-01 00:00:00", 0, &ns), 0);
    /* Truncations of a valid stamp never read past len. */
    const char *full = "2023-11-20T14:03:01.123456789+01:00";
    for (size_t n = 0; n < strlen(full); n++) {
        char *copy = malloc(n ? n : 1);
        memcpy(copy, full, n);
        int rc = qs_timestamp_parse(copy, n, 0, &ns);
        CHECK(rc == 0 || rc == QS_EINVAL);
        free(copy);
    }
}

/* What JSON layouts write in their time field (tests/data/realworld/json-*): ISO-8601 with
 * Z or an offset and 6 to 9 fraction digits, and logback JsonEncoder's epoch milliseconds
 * (13 digits, the zone argument not used). Values from `date -u -d … +%s`. */
static void test_json_forms(void)
{
    int64_t ns = -1, ns2 = -2;
    CHECK_INT(parse("2024-07-30T08:41:10.561295200Z", 0, &ns), 0); /* Boot 3.4 ecs */
    CHECK_INT(ns, NS(1722328870) + 561295200);
    CHECK_INT(parse("2026-01-25T11:27:31.1899177+05:30", 0, &ns), 0); /* logstash */
    CHECK_INT(ns, NS(1769320651) + 189917700);
    CHECK_INT(parse("2025-12-26T11:55:35.113103+01:00", 0, &ns), 0);
    CHECK_INT(ns, NS(1766746535) + 113103000);
    CHECK_INT(parse("1780665436218", 0, &ns), 0); /* JsonEncoder: 2026-06-05T13:17:16.218Z */
    CHECK_INT(ns, NS(1780665436) + 218000000);
    struct qs_tz *paris = zone("Europe/Paris");
    CHECK(paris != NULL);
    CHECK_INT(parse("1700000000000", paris, &ns), 0); /* an epoch has no zone to apply */
    CHECK_INT(parse("2023-11-14T22:13:20Z", 0, &ns2), 0);
    CHECK_INT(ns, ns2);
    qs_tz_free(&paris);
    CHECK_INT(parse("1000000000000", 0, &ns), 0); /* the first 13-digit one: 2001-09-09 */
    CHECK_INT(ns, NS(1000000000));
    CHECK_INT(parse("9223372036854", 0, &ns), 0); /* the last whole ms int64 ns hold */
    CHECK_INT(ns, (int64_t)9223372036854 * 1000000);
    ns = 42;
    CHECK_INT(parse("9223372036855", 0, &ns), QS_ERANGE);
    CHECK_INT(parse("9999999999999", 0, &ns), QS_ERANGE);
    CHECK_INT(ns, 42);
    /* Other numbers are not read as times: seconds, micro- and nanoseconds are ambiguous
     * by length, and a JSON number may be written with a sign, fraction or exponent. */
    static const char *bad[] = {
        "178066543621",   "17806654362180", "1780665436",      "1780665436.218",
        "-1780665436218", "+1780665436218", "1780665436218.0", "1.780665436218E12",
        " 1780665436218", "1780665436218 ", "178066543621x",   "1780665436218Z",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ns = 42;
        int rc = parse(bad[i], 0, &ns);
        if (rc != QS_EINVAL)
            fprintf(stderr, "accepted: [%s]\n", bad[i]);
        CHECK_INT(rc, QS_EINVAL);
        CHECK_INT(ns, 42);
    }
}

int main(void)
{
    test_utc();
    test_offsets();
    test_layout_dates();
    test_local();
    test_zones_against_libc();
    test_damaged_tzif();
    test_invalid();
    test_json_forms();
    return qst_done("test-timestamp");
}
