/* detect-quick.c — the quick test (qs_config_quick_rule): what an event must hold before
 * the recognizers can find SQL in it, handed to callers that filter many events cheaply
 * (the logback appender) so that they keep no copy of the recognizers' rules. The rules
 * themselves sit next to what they describe: the built-ins' in detect.c beside builtins(),
 * a configured regex's its literal start, computed here. */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "detect-int.h"
#include "utf8.h"

/* The longest literal start kept: a longer needle would filter no better. */
#define LITERAL_MAX 64

/* PCRE2 syntax (compiled with no options, byte mode, see qsp_detector_add_regex): these
 * bytes are not themselves unescaped. */
static int meta(char c)
{
    return c && strchr("\\^$.|?*+()[]{}", c) != NULL;
}

static int quantifier(char c)
{
    return c == '?' || c == '*' || c == '+' || c == '{';
}

char *qsp_regex_literal_start(const char *p)
{
    /* An alternation anywhere may be at the top level: no literal is then required. The
     * scan is conservative ('|' in a class or in \Q…\E also counts). */
    for (const char *q = p; *q; q++) {
        if (*q == '\\' && q[1])
            q++;
        else if (*q == '|')
            return NULL;
    }
    char lit[LITERAL_MAX];
    size_t n = 0;
    const char *q = p;
    if (*q == '^')
        q++; /* at the start: still contained */
    while (*q && n < LITERAL_MAX) {
        char c;
        const char *next;
        if (*q == '\\') {
            /* \ and a non-alphanumeric ASCII character is that character; \d, \Q, \x… end
             * the literal. */
            unsigned char e = (unsigned char)q[1];
            if (!e || e >= 0x80 || qsp_is_alpha(e) || qsp_is_digit(e))
                break;
            c = (char)e;
            next = q + 2;
        } else if (meta(*q)) {
            break;
        } else {
            c = *q;
            next = q + 1;
        }
        if (quantifier(*next))
            break; /* the character may occur zero times (or is repeated): not ours */
        lit[n++] = c;
        q = next;
    }
    /* A prefix of what every match begins with is contained too: cut where the test could
     * not hold it (a '?' stands for a Java lone surrogate; a cut UTF-8 sequence). */
    const char *qm = memchr(lit, '?', n);
    if (qm)
        n = (size_t)(qm - lit);
    n = qsp_utf8_valid_prefix(lit, n);
    if (n == 0)
        return NULL;
    char *out = malloc(n + 1);
    if (out) {
        memcpy(out, lit, n);
        out[n] = '\0';
    }
    return out;
}

int qsp_quick_rule_holds(const struct qs_quick_rule *r, const char *lg, size_t lgn,
                         const char *m, size_t n)
{
    for (unsigned i = 0; i < r->nterms; i++) {
        const struct qs_quick_term *t = &r->term[i];
        int ok;
        switch (t->test) {
        case QS_QUICK_ANY: ok = 1; break;
        case QS_QUICK_NO_LOGGER: ok = lgn == 0; break;
        case QS_QUICK_LOGGER_IS: ok = lgn == t->len && memcmp(lg, t->text, lgn) == 0; break;
        case QS_QUICK_LOGGER_STARTS:
            ok = lgn >= t->len && memcmp(lg, t->text, t->len) == 0;
            break;
        case QS_QUICK_LOGGER_ENDS:
            ok = lgn >= t->len && memcmp(lg + lgn - t->len, t->text, t->len) == 0;
            break;
        case QS_QUICK_MSG_HAS: ok = qsp_find(m, n, t->text, t->len, 0) != NULL; break;
        case QS_QUICK_MSG_FIRST: ok = n > 0 && memchr(t->text, m[0], t->len) != NULL; break;
        default: ok = 1; break; /* unknown: never filter out */
        }
        if (!ok)
            return 0;
    }
    return 1;
}

int qs_config_quick_rule(const struct qs_config *cfg, size_t index, struct qs_quick_rule *out)
{
    if (!cfg || !out)
        return QS_EINVAL;
    return qsp_detector_quick_rule(cfg->detector, index, out);
}

int qs_config_quick_test(const struct qs_config *cfg, const char *logger, size_t logger_len,
                         const char *msg, size_t msg_len)
{
    if (!cfg || (!logger && logger_len) || (!msg && msg_len))
        return QS_EINVAL;
    struct qs_quick_rule r;
    for (size_t i = 0; qsp_detector_quick_rule(cfg->detector, i, &r) == 0; i++)
        if (qsp_quick_rule_holds(&r, logger ? logger : "", logger_len, msg ? msg : "",
                                 msg_len))
            return 1;
    return 0;
}
