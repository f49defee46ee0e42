/* tz.h — a time zone's UTC offset at an instant, for timestamp.c. */
#ifndef QSP_TZ_H
#define QSP_TZ_H

#include <stdint.h>

#include "qsplit.h"

/* Seconds east of UTC in force at t (seconds since the epoch), and whether it is daylight
 * saving time. tz NULL is UTC. */
int32_t qsp_tz_offset(const struct qs_tz *tz, int64_t t, int *is_dst);

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
int64_t qsp_days_from_civil(int64_t y, int m, int d);

#endif
