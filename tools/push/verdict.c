/* verdict.c — what Loki's answer means for a batch: sent, retried, or dropped for good.
 * Kept apart from the send loop so that it can be fuzzed on its own (fuzz-pushresponse). */
#include <stdio.h>
#include <string.h>

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
