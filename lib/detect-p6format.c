/* detect-p6format.c — p6spy's CustomLineFormat: the customLogMessageFormat a user gives
 * (--p6spy-format) becomes an anchored PCRE2 pattern, one group per placeholder, so the
 * statement is found wherever the format puts it and the text around it stays. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "p6format.h"

#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "error.h"

struct qsp_p6format {
    pcre2_code *code;
    int g_took, g_cat, g_sql, g_prep;
    int single; /* the statement placeholder is a SingleLine one: its line breaks collapsed */
    int prep_first; /* prepared then statement, one separator byte apart */
    char lit[64];   /* the longest literal: a cheap test before the pattern runs */
    size_t lit_len;
};

struct qsp_p6match {
    pcre2_match_data *md;
};

/* CustomLineFormat's placeholders and what each matches. */
static const struct {
    const char *name;
    const char *first; /* the first occurrence: a named group */
    const char *again; /* later ones */
} ph[] = {
    {"%(connectionId)", "\\d+", "\\d+"},
    {"%(currentTime)", "[^\\n]*?", "[^\\n]*?"},
    {"%(executionTime)", "(?<took>-?\\d+)", "-?\\d+"},
    {"%(category)", "(?<cat>[a-z]+)", "[a-z]+"},
    {"%(effectiveSqlSingleLine)", "(?<prep>[^\\n]*?)", "[^\\n]*?"},
    {"%(effectiveSql)", "(?<prep>.*?)", ".*?"},
    {"%(sqlSingleLine)", "(?<sql>[^\\n]*)", "[^\\n]*"},
    {"%(sql)", "(?<sql>.*)", ".*"},
    {"%(url)", "[^\\n]*?", "[^\\n]*?"},
};
#define NPH (sizeof ph / sizeof ph[0])

static int group(const pcre2_code *c, const char *name)
{
    int g = pcre2_substring_number_from_name(c, (PCRE2_SPTR)name);
    return g > 0 ? g : 0;
}

/* A format translated to its pattern, and what the translation learnt on the way. */
struct p6_translation {
    struct qsp_buf re; /* the pattern, NUL-terminated */
    int used[NPH];     /* which placeholders the format holds */
    int single, order; /* the statement one is single-line; order: 1 prep seen, 2 then sql */
    size_t lit_b, lit_len; /* the longest literal run, a cheap first test */
};

/* One placeholder at p (known: k) into t's pattern: its group the first time, a plain
 * match after. last_ph_end is where the previous placeholder ended. */
static int translate_placeholder(struct p6_translation *t, size_t k, size_t at,
                                 size_t last_ph_end)
{
    /* the prepared and the statement placeholders share a group each */
    int is_prep = k == 4 || k == 5, is_sql = k == 6 || k == 7;
    int *used = t->used;
    int firstuse = !(is_prep ? used[4] || used[5] : is_sql ? used[6] || used[7] : used[k]);
    if (is_sql && firstuse) {
        t->single = k == 6;
        t->order = t->order == 1 && at == last_ph_end + 1 ? 2 : 0;
    }
    if (is_prep && firstuse)
        t->order = 1;
    used[k] = 1;
    const char *x = firstuse ? ph[k].first : ph[k].again;
    return qsp_buf_append(&t->re, x, strlen(x));
}

/* The format as an anchored pattern: placeholders become groups, everything else is
 * matched literally. 0, or an error (t->re is the caller's to free either way). */
static int translate(const char *format, struct p6_translation *t, struct qs_error *err)
{
    size_t cur_b = 0, last_ph_end = 0;
    int rc = qsp_buf_append(&t->re, "(?s)\\A", 6);
    const char *p = format;
    while (!rc && *p) {
        if (p[0] == '%' && p[1] == '(') {
            size_t k = 0;
            while (k < NPH && strncmp(p, ph[k].name, strlen(ph[k].name)) != 0)
                k++;
            if (k == NPH) {
                const char *e = strchr(p, ')');
                int len = e ? (int)(e - p + 1) : (int)strlen(p);
                return qsp_error(err, QS_EINVAL,
                                 "p6spy format: unknown placeholder '%.*s' (known: "
                                 "%%(currentTime) %%(executionTime) %%(category) "
                                 "%%(connectionId) %%(url) %%(sql) %%(sqlSingleLine) "
                                 "%%(effectiveSql) %%(effectiveSqlSingleLine))",
                                 len > 60 ? 60 : len, p);
            }
            rc = translate_placeholder(t, k, (size_t)(p - format), last_ph_end);
            p += strlen(ph[k].name);
            last_ph_end = (size_t)(p - format);
            cur_b = last_ph_end;
            continue;
        }
        unsigned char c = (unsigned char)*p;
        if (c < 0x80 && !qsp_is_alpha(c) && !qsp_is_digit(c) && c != ' ')
            rc = qsp_buf_append(&t->re, "\\", 1);
        if (!rc)
            rc = qsp_buf_append(&t->re, p, 1);
        p++;
        size_t here = (size_t)(p - format);
        if (here - cur_b > t->lit_len) {
            t->lit_b = cur_b;
            t->lit_len = here - cur_b;
        }
    }
    if (!rc)
        rc = qsp_buf_append(&t->re, "", 1);
    if (rc)
        return qsp_error(err, QS_ENOMEM, "p6spy format: out of memory");
    if (!(t->used[4] || t->used[5] || t->used[6] || t->used[7]))
        return qsp_error(err, QS_EINVAL,
                         "p6spy format: no statement placeholder (%%(sql), "
                         "%%(sqlSingleLine), %%(effectiveSql) or %%(effectiveSqlSingleLine))");
    return 0;
}

int qsp_p6format_new(struct qsp_p6format **out, const char *format, struct qs_error *err)
{
    if (!out || !format)
        return qsp_error(err, QS_EINVAL, "p6spy format: NULL argument");
    *out = NULL;
    struct p6_translation t;
    memset(&t, 0, sizeof t);
    int rc = translate(format, &t, err);
    if (rc) {
        qsp_buf_free(&t.re);
        return rc;
    }
    struct qsp_p6format *f = calloc(1, sizeof *f);
    if (!f) {
        qsp_buf_free(&t.re);
        return qsp_error(err, QS_ENOMEM, "p6spy format: out of memory");
    }
    int ecode;
    PCRE2_SIZE eoff;
    f->code =
        pcre2_compile((PCRE2_SPTR)t.re.data, PCRE2_ZERO_TERMINATED, 0, &ecode, &eoff, NULL);
    qsp_buf_free(&t.re);
    if (!f->code) {
        free(f);
        return qsp_error_pcre2(err, ecode, (size_t)eoff, "p6spy format");
    }
    (void)pcre2_jit_compile(f->code, PCRE2_JIT_COMPLETE);
    f->g_took = group(f->code, "took");
    f->g_cat = group(f->code, "cat");
    f->g_sql = group(f->code, "sql");
    f->g_prep = group(f->code, "prep");
    f->single = f->g_sql ? t.single : (t.used[4] && !t.used[5]);
    f->prep_first = t.order == 2;
    size_t lit_len = t.lit_len > sizeof f->lit ? sizeof f->lit : t.lit_len;
    memcpy(f->lit, format + t.lit_b, lit_len);
    f->lit_len = lit_len;
    *out = f;
    return 0;
}

void qsp_p6format_free(struct qsp_p6format **fp)
{
    if (!fp || !*fp)
        return;
    pcre2_code_free((*fp)->code);
    free(*fp);
    *fp = NULL;
}

int qsp_p6match_new(struct qsp_p6match **out, const struct qsp_p6format *f)
{
    *out = calloc(1, sizeof **out);
    if (!*out)
        return QS_ENOMEM;
    (*out)->md = pcre2_match_data_create_from_pattern(f->code, NULL);
    if (!(*out)->md) {
        free(*out);
        *out = NULL;
        return QS_ENOMEM;
    }
    return 0;
}

void qsp_p6match_free(struct qsp_p6match **mp)
{
    if (!mp || !*mp)
        return;
    pcre2_match_data_free((*mp)->md);
    free(*mp);
    *mp = NULL;
}

/* Did group g of the format (0: the format has no such group) take part in the match? */
static int matched(const PCRE2_SIZE *ov, int g)
{
    return g && ov[2 * g] != PCRE2_UNSET;
}

int qsp_p6format_match(const struct qsp_p6format *f, struct qsp_p6match *mt, struct qsp_det *d)
{
    /* p6spy logs through the "p6spy" logger or stdout; from other loggers the format's
     * longest literal must be there first (a format of placeholders alone matches all). */
    int own = d->lgn == 0 || (d->lgn == 5 && memcmp(d->lg, "p6spy", 5) == 0) || d->trusted;
    if (!own && (f->lit_len < 2 || !qsp_find(d->m, d->n, f->lit, f->lit_len, 0)))
        return QSP_DET_NO;
    int rc = pcre2_match(f->code, (PCRE2_SPTR)d->m, d->n, 0, 0, mt->md, NULL);
    if (rc == PCRE2_ERROR_NOMEMORY)
        return QS_ENOMEM;
    if (rc < 0) /* no match, or PCRE2's match limit on a pathological line: not p6spy's */
        return QSP_DET_NO;
    const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(mt->md);
    if (matched(ov, f->g_took)) {
        size_t i = ov[2 * f->g_took] + (d->m[ov[2 * f->g_took]] == '-');
        int64_t ms;
        if (qsp_parse_uint(d->m, ov[2 * f->g_took + 1], &i, &ms))
            d->out->took_ms = ms;
    }
    if (matched(ov, f->g_cat) &&
        qsp_p6spy_category(d->m + ov[2 * f->g_cat], ov[2 * f->g_cat + 1] - ov[2 * f->g_cat]) ==
            0)
        return QSP_DET_NOSQL;
    size_t b, e;
    int g = matched(ov, f->g_sql) ? f->g_sql : f->g_prep;
    if (!matched(ov, g))
        return QSP_DET_NO;
    b = ov[2 * g];
    e = ov[2 * g + 1];
    qsp_det_begin(d, QSP_SQL_P6SPY_CUSTOM);
    if (f->prep_first && matched(ov, f->g_prep) && matched(ov, f->g_sql) &&
        ov[2 * f->g_prep + 1] + 1 == b) {
        /* prepared<sep>statement: a '?'-aware split, as for SingleLineFormat */
        size_t pb = ov[2 * f->g_prep], n = e - pb;
        size_t k = qsp_p6spy_split_pair(d->m + pb, n, d->m[b - 1]);
        if (k < n) {
            rc = qsp_det_add(d, pb, e, pb + k + 1, n - k - 1, "");
            if (rc == 0)
                rc = qsp_det_add(d, pb, e, pb, k, "");
            goto done;
        }
    }
    rc = qsp_det_add(d, b, e, b, e - b, "");
done:
    if (rc < 0)
        return rc;
    if (rc > 0 && f->single)
        qsp_det_mark_collapsed(d);
    return qsp_det_end(d);
}
