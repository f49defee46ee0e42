/* test-timestamp.c — qs_timestamp_parse: the default layouts' timestamps, zones, strictness. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "qsplit.h"
#include "qstest.h"

static int parse(const char *s, unsigned flags, int64_t *ns)
{
    return qs_timestamp_parse(s, strlen(s), flags, ns);
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
    /* A zone in the text wins over QS_TS_LOCAL. */
    setenv("TZ", "America/New_York", 1);
    tzset();
    CHECK_INT(parse("2023-11-20T14:03:01.123+01:00", QS_TS_LOCAL, &ns), 0);
    CHECK_INT(ns, want);
}

static void test_local(void)
{
    int64_t ns = -1;
    setenv("TZ", "UTC0", 1);
    tzset();
    CHECK_INT(parse("2021-05-25 18:32:35.710", QS_TS_LOCAL, &ns), 0);
    CHECK_INT(ns, NS(1621967555) + 710000000);
    /* POSIX TZ strings need no zoneinfo files: CET-1CEST is UTC+1 in winter, +2 in summer. */
    setenv("TZ", "CET-1CEST,M3.5.0,M10.5.0/3", 1);
    tzset();
    CHECK_INT(parse("2023-11-20T14:03:01.123", QS_TS_LOCAL, &ns), 0);
    CHECK_INT(ns, NS(1700485381) + 123000000);
    CHECK_INT(parse("2021-05-25 20:32:35.710", QS_TS_LOCAL, &ns), 0);
    CHECK_INT(ns, NS(1621967555) + 710000000);
    /* Without the flag the same text is UTC whatever TZ says. */
    CHECK_INT(parse("2021-05-25 18:32:35.710", 0, &ns), 0);
    CHECK_INT(ns, NS(1621967555) + 710000000);
    unsetenv("TZ");
    tzset();
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

int main(void)
{
    test_utc();
    test_offsets();
    test_layout_dates();
    test_local();
    test_invalid();
    return qst_done("test-timestamp");
}
