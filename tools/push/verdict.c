/* verdict.c — what Loki's answer means for a batch: sent, retried, or dropped for good.
 * Kept apart from the send loop so that it can be fuzzed on its own (fuzz-pushresponse). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "push.h"

/* "… total ignored: 3 out of 10" in a 400 names how many entries Loki refused. */
static uint64_t ignored_count(const char *answer, uint64_t all)
{
    const char *p = strstr(answer, "total ignored: ");
    unsigned long long n;
    if (p && sscanf(p + 15, "%llu", &n) == 1 && n <= all)
        return n;
    return all;
}

enum push_verdict push_http_verdict(const struct push_http_result *r, uint64_t entries,
                                    uint64_t *dropped)
{
    *dropped = 0;
    /* curl hands on whatever number a status line holds ("HTTP/2 -01" is -1, "HTTP/2 4001"
     * is 4001): no such answer is Loki's, so it counts as no answer and is retried, never
     * taken as a refusal that drops the batch. */
    if (r->status < 100 || r->status > 599)
        return PUSH_VERDICT_RETRY;
    if (r->status >= 200 && r->status < 300)
        return PUSH_VERDICT_SENT;
    if ((r->status == 500 && strstr(r->answer, "larger than max")) || r->status == 413) {
        /* Retrying a push over Loki's message limit, or a proxy's body limit (nginx's
         * client_max_body_size answers 413), never succeeds: the sender halves it. */
        *dropped = entries;
        return PUSH_VERDICT_TOO_LARGE;
    }
    if (r->status == 429 || r->status >= 500)
        return PUSH_VERDICT_RETRY;
    /* Other answers (4xx, and 1xx/3xx that curl did not follow) are never retried: a 400
     * may already have stored the good entries. */
    *dropped = ignored_count(r->answer, entries);
    return PUSH_VERDICT_REFUSED;
}

/* "… oldest acceptable timestamp is: 2026-11-21T06:11:38Z" (RFC 3339, UTC, whole seconds
 * as Loki 2.8 writes it) into ns; 0 when absent or unreadable. */
static int64_t oldest_acceptable(const char *answer)
{
    const char *p = strstr(answer, "oldest acceptable timestamp is: ");
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    if (!p)
        return 0;
    const char *end = strptime(p + 32, "%Y-%m-%dT%H:%M:%S", &tm);
    if (!end)
        return 0;
    time_t t = timegm(&tm);
    return t > 0 ? (int64_t)t * 1000000000 : 0;
}

enum push_refusal push_refusal_reason(const char *answer, int64_t *param)
{
    unsigned long long v;
    const char *p;
    *param = 0;
    /* The ingester's answer: out-of-order entries, counted by Loki itself. */
    if (strstr(answer, "total ignored: "))
        return strstr(answer, "too far behind") ? PUSH_REFUSED_TOO_FAR_BEHIND
                                                : PUSH_REFUSED_OUT_OF_ORDER;
    /* The distributor's: only the last refused entry's reason, no count. */
    if ((p = strstr(answer, "Max entry size '")) && sscanf(p + 16, "%llu", &v) == 1 && v > 0 &&
        v < ((unsigned long long)1 << 40)) {
        *param = (int64_t)v;
        return PUSH_REFUSED_LINE_TOO_LONG;
    }
    if (strstr(answer, "timestamp too old")) {
        *param = oldest_acceptable(answer);
        return PUSH_REFUSED_TOO_OLD;
    }
    if (strstr(answer, "timestamp too new"))
        return PUSH_REFUSED_TOO_NEW;
    return PUSH_REFUSED_OTHER;
}

const char *push_refusal_name(enum push_refusal r)
{
    static const char *const names[PUSH_NREFUSALS] = {
        "other", "line_too_long", "too_old", "too_new", "too_far_behind", "out_of_order",
    };
    return r < PUSH_NREFUSALS ? names[r] : "other";
}
