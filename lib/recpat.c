/* recpat.c — the record-start pattern: which lines begin a log record, and its fields.
 *
 * Apart from record.c, which assembles lines into records with it, because the two jobs
 * change for different reasons: this file is about one line and PCRE2 (the Spring Boot
 * pattern, JIT, the layout grammar as fallback); record.c is about a byte stream (lines
 * across chunks, records used in place, the size limit) and never looks inside a line. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "recpat.h"

#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

/*
 * The default knows the Spring Boot console layouts (2.x, 3.0-3.1, 3.2-3.3, 3.4+), with and
 * without %clr colours, and the "-DEBUG" dash layout. %clr wraps every field in ANSI SGR
 * sequences (\e[…m), even empty ones ("\e[35m \e[0;39m" for a missing PID), so between
 * fields B allows any mix of blanks and SGR sequences; E allows SGR sequences only. Every
 * repetition is bounded or possessive, so a 100 MB line costs linear time.
 *
 *   E ts B [-] B level B pid B --- B [app] [group] [thread] [trace-span] B logger B : E
 */
#define RECORD_PATTERN(E, B)                                                                                                                \
    E "(?<ts>\\d{4}-\\d\\d-\\d\\d[T ]\\d\\d:\\d\\d:\\d\\d(?:[.,]\\d{1,9})?"                                                                 \
      "(?:Z|[+-]\\d\\d(?::?\\d\\d)?)?)" B "-?" B                                                                                            \
      "(?<level>TRACE|DEBUG|INFO|WARN|ERROR|FATAL)" B "(?<pid>\\d{0,10}+)" B                                                                \
      "---" B /* Spring Boot 3.2+: [app] and 3.4+: [group] come before the thread; lazy, so a     \
       * lone bracket is the thread. */                                         \
      "(?:\\[[^\\]\\e\\n]{0,256}+\\]" B "){0,2}?"                                                                                           \
      "\\[ {0,256}+(?<thread>[^\\]\\e\\n]{0,1024}+)\\]" B /* Spring Boot 3.2+ correlation: [traceId-spanId] or the same width of blanks. */ \
      "(?:\\[[0-9a-fA-F -]{0,256}+\\]" B ")?"                                                                                               \
      "(?<logger>[^\\s\\e\\[][^\\s\\e]{0,1023}+)" B ":" E " ?"
const char qsp_default_record_pattern[] =
    RECORD_PATTERN("(?:\\e\\[[0-9;]{0,16}m)*+", "(?: |\\e\\[[0-9;]{0,16}m){0,64}+");
/* The same pattern without the colour alternatives, for lines with no ESC byte: there the
 * two match exactly the same (an escape alternative cannot match without ESC), and this one
 * is a third faster; the record pattern is tried on every record of multi-GB logs. The
 * capture groups are the same, in the same order. */
static const char plain_record_pattern[] = RECORD_PATTERN("", " {0,64}+");
#undef RECORD_PATTERN

struct qsp_recpat {
    pcre2_code *code;
    pcre2_code *plain; /* the default only: plain_record_pattern, for lines without ESC */
    int jit;           /* JIT-compiled (both codes): match with pcre2_jit_match */
    int is_default;    /* the default: a cheap byte pre-check rejects most lines first */
    int g_ts, g_level, g_thread, g_logger, g_msg; /* group numbers, 0 = absent */
    unsigned char first[256];                     /* see qsp_recpat_first_bytes */
};

struct qsp_recmatch {
    const struct qsp_recpat *pat;
    pcre2_match_data *md;
    pcre2_match_context *mctx;
    pcre2_jit_stack *stack; /* own JIT stack: user patterns may need more than 32 KiB */
};

static int group_number(const pcre2_code *code, const char *name)
{
    int n = pcre2_substring_number_from_name(code, (PCRE2_SPTR)name);
    return n > 0 ? n : 0;
}

/* Which bytes can begin a match: a fixed first code unit, or PCRE2's first-unit bitmap. */
static void first_bytes(const pcre2_code *code, unsigned char first[256])
{
    uint32_t type = 0, unit = 0, minlen = 0;
    const uint8_t *map = NULL;
    memset(first, 1, 256);
    if (pcre2_pattern_info(code, PCRE2_INFO_MINLENGTH, &minlen) != 0 || minlen == 0 ||
        pcre2_pattern_info(code, PCRE2_INFO_FIRSTCODETYPE, &type) != 0)
        return;
    if (type == 1 && pcre2_pattern_info(code, PCRE2_INFO_FIRSTCODEUNIT, &unit) == 0 &&
        unit < 256) {
        memset(first, 0, 256);
        first[unit] = 1;
        /* a letter may be caseless (PCRE2 does not say): allow both cases */
        if (unit < 128 && ((unit | 0x20) >= 'a' && (unit | 0x20) <= 'z'))
            first[unit ^ 0x20] = 1;
    } else if (type == 0 && pcre2_pattern_info(code, PCRE2_INFO_FIRSTBITMAP, &map) == 0 &&
               map) {
        for (int b = 0; b < 256; b++)
            first[b] = (map[b / 8] >> (b % 8)) & 1;
    }
}

const unsigned char *qsp_recpat_first_bytes(const struct qsp_recpat *p)
{
    return p->first;
}

int qsp_recpat_new(struct qsp_recpat **out, const char *pattern, struct qs_error *err)
{
    if (!out)
        return qsp_error(err, QS_EINVAL, "qsp_recpat_new: NULL argument");
    *out = NULL;
    const char *src = pattern ? pattern : qsp_default_record_pattern;
    struct qsp_recpat *p = calloc(1, sizeof *p);
    if (!p)
        return qsp_error(err, QS_ENOMEM, "out of memory compiling the record pattern");
    int ecode;
    PCRE2_SIZE eoff;
    /* No PCRE2_UTF: log lines may hold any bytes, and the pattern then matches bytes. */
    p->code = pcre2_compile((PCRE2_SPTR)src, PCRE2_ZERO_TERMINATED, PCRE2_ANCHORED, &ecode,
                            &eoff, NULL);
    if (!p->code) {
        free(p);
        return qsp_error_pcre2(err, ecode, (size_t)eoff, "record pattern");
    }
    /* JIT is an optimisation only: without it (no JIT support, SELinux execmem denied) the
     * interpreter gives the same results. */
    p->jit = pcre2_jit_compile(p->code, PCRE2_JIT_COMPLETE) == 0;
    p->is_default = pattern == NULL || strcmp(pattern, qsp_default_record_pattern) == 0;
    if (p->is_default) {
        /* Optional: without it every line takes the full pattern, with the same result. */
        p->plain = pcre2_compile((PCRE2_SPTR)plain_record_pattern, PCRE2_ZERO_TERMINATED,
                                 PCRE2_ANCHORED, &ecode, &eoff, NULL);
        if (p->plain && p->jit && pcre2_jit_compile(p->plain, PCRE2_JIT_COMPLETE) != 0) {
            pcre2_code_free(p->plain);
            p->plain = NULL;
        }
    }
    first_bytes(p->code, p->first);
    if (p->is_default) /* the grammar's lines too */
        for (int b = 0; b < 256; b++)
            if (!p->first[b])
                p->first[b] = qsp_layout_first[b];
    p->g_ts = group_number(p->code, "ts");
    p->g_level = group_number(p->code, "level");
    p->g_thread = group_number(p->code, "thread");
    p->g_logger = group_number(p->code, "logger");
    p->g_msg = group_number(p->code, "msg");
    *out = p;
    return 0;
}

void qsp_recpat_free(struct qsp_recpat **pp)
{
    if (!pp || !*pp)
        return;
    pcre2_code_free((*pp)->code);
    pcre2_code_free((*pp)->plain);
    free(*pp);
    *pp = NULL;
}

int qsp_recmatch_new(struct qsp_recmatch **out, const struct qsp_recpat *p,
                     struct qs_error *err)
{
    if (!out || !p)
        return qsp_error(err, QS_EINVAL, "qsp_recmatch_new: NULL argument");
    *out = NULL;
    struct qsp_recmatch *m = calloc(1, sizeof *m);
    if (!m)
        return qsp_error(err, QS_ENOMEM, "out of memory for record match data");
    m->pat = p;
    m->md = pcre2_match_data_create_from_pattern(p->code, NULL);
    m->mctx = pcre2_match_context_create(NULL);
    if (!m->md || !m->mctx)
        goto nomem;
    if (p->jit) {
        m->stack = pcre2_jit_stack_create(32 * 1024, 1024 * 1024, NULL);
        if (!m->stack)
            goto nomem;
        pcre2_jit_stack_assign(m->mctx, NULL, m->stack);
    }
    *out = m;
    return 0;
nomem:
    qsp_recmatch_free(&m);
    return qsp_error(err, QS_ENOMEM, "out of memory for record match data");
}

void qsp_recmatch_free(struct qsp_recmatch **mp)
{
    if (!mp || !*mp)
        return;
    struct qsp_recmatch *m = *mp;
    pcre2_match_data_free(m->md);
    pcre2_match_context_free(m->mctx);
    pcre2_jit_stack_free(m->stack);
    free(m);
    *mp = NULL;
}

/*
 * The default pattern needs, after optional SGR sequences, "dddd-". Checking that by hand
 * rejects continuation lines (SQL, stack frames) without entering PCRE2.
 */
static int default_precheck(const char *s, size_t n)
{
    size_t i = 0, k;
    while ((k = qsp_sgr_len(s + i, n - i)) > 0)
        i += k;
    if (n - i < 24)
        return 0;
    const unsigned char *u = (const unsigned char *)s + i;
    return (unsigned)(u[0] - '0') < 10 && (unsigned)(u[1] - '0') < 10 &&
           (unsigned)(u[2] - '0') < 10 && (unsigned)(u[3] - '0') < 10 && u[4] == '-';
}

/* Narrow a field to its text: no SGR sequences or blanks around it (user patterns may
 * capture them; the logger and thread are compared and written without them). */
static void field(const char *line, const PCRE2_SIZE *ov, int g, size_t *off, size_t *len)
{
    *off = *len = 0;
    if (g <= 0 || ov[2 * g] == PCRE2_UNSET)
        return;
    size_t b = ov[2 * g], e = ov[2 * g + 1];
    for (;;) {
        size_t k;
        if (b < e && (line[b] == ' ' || line[b] == '\t'))
            b++;
        else if ((k = qsp_sgr_len(line + b, e - b)) > 0)
            b += k;
        else
            break;
    }
    for (;;) {
        if (e > b && (line[e - 1] == ' ' || line[e - 1] == '\t' || line[e - 1] == '\r')) {
            e--;
            continue;
        }
        /* A trailing SGR sequence ends in 'm' and starts at the last ESC. */
        if (e > b && line[e - 1] == 'm') {
            const char *esc = memrchr(line + b, '\x1b', e - b);
            if (esc &&
                qsp_sgr_len(esc, (size_t)(line + e - esc)) == (size_t)(line + e - esc)) {
                e = (size_t)(esc - line);
                continue;
            }
        }
        break;
    }
    *off = b;
    *len = e - b;
}

int qsp_recpat_match_shape(const struct qsp_recpat *p, struct qsp_recmatch *m,
                           const char *line, size_t len, struct qsp_prefix *pf, char *shape,
                           size_t cap)
{
    if (!p || !m || m->pat != p || (!line && len) || !pf)
        return QS_EINVAL;
    if (shape && cap)
        shape[0] = '\0';
    if (!line)
        line = "";
    if (p->is_default && !default_precheck(line, len)) /* not Spring Boot's: the grammar's? */
        return len && qsp_layout_first[(unsigned char)line[0]]
                   ? qsp_layout_match(line, len, pf, shape, cap)
                   : 0;
    const pcre2_code *code = p->plain && !memchr(line, 0x1b, len) ? p->plain : p->code;
    int rc;
    if (p->jit)
        rc = pcre2_jit_match(code, (PCRE2_SPTR)line, len, 0, 0, m->md, m->mctx);
    else
        rc = pcre2_match(code, (PCRE2_SPTR)line, len, 0, PCRE2_ANCHORED, m->md, m->mctx);
    if (rc == PCRE2_ERROR_NOMATCH)
        return p->is_default ? qsp_layout_match(line, len, pf, shape, cap) : 0;
    if (rc < 0)
        return rc == PCRE2_ERROR_NOMEMORY ? QS_ENOMEM : QS_ERANGE; /* limits, JIT stack */
    const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(m->md);
    field(line, ov, p->g_ts, &pf->ts_off, &pf->ts_len);
    field(line, ov, p->g_level, &pf->level_off, &pf->level_len);
    field(line, ov, p->g_thread, &pf->thread_off, &pf->thread_len);
    field(line, ov, p->g_logger, &pf->logger_off, &pf->logger_len);
    if (p->g_msg > 0 && ov[2 * p->g_msg] != PCRE2_UNSET)
        pf->msg_off = ov[2 * p->g_msg];
    else
        pf->msg_off = ov[1];
    if (pf->msg_off > len)
        pf->msg_off = len;
    pf->layout = p->is_default ? QSP_LAYOUT_SPRING : QSP_LAYOUT_PATTERN;
    if (shape && cap)
        snprintf(shape, cap, "%s", qsp_layout_name(pf->layout));
    return 1;
}

int qsp_recpat_match(const struct qsp_recpat *p, struct qsp_recmatch *m, const char *line,
                     size_t len, struct qsp_prefix *pf)
{
    return qsp_recpat_match_shape(p, m, line, len, pf, NULL, 0);
}
