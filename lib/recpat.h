/* recpat.h — the record-start pattern: which lines start a log record, and the fields of
 * its prefix (PCRE2). record.h assembles lines into records with it. */
#ifndef QS_RECPAT_H
#define QS_RECPAT_H

#include <stddef.h>

#include "layout.h"
#include "qsplit.h"

/* A compiled record-start pattern. Immutable after creation: shareable across threads. */
struct qsp_recpat;
/* Per-thread match state (PCRE2 match data) for one recpat. */
struct qsp_recmatch;

/* The default pattern: Spring Boot 2.x/3.x console layouts (ANSI colours optional, 3.x ISO
 * timestamps and [app] group, the "-DEBUG" layout). The default record start is this
 * pattern, then the prefix grammar of layout.h for the lines it does not match. */
extern const char qsp_default_record_pattern[];

/* Compile pattern (NULL = default) anchored, JIT when available. */
int qsp_recpat_new(struct qsp_recpat **out, const char *pattern, struct qs_error *err);
void qsp_recpat_free(struct qsp_recpat **p);
int qsp_recmatch_new(struct qsp_recmatch **out, const struct qsp_recpat *p,
                     struct qs_error *err);
void qsp_recmatch_free(struct qsp_recmatch **m);

/* A 256-entry table: 1 for each byte a line this pattern matches can begin with (from
 * PCRE2's first code unit information; all 1 when PCRE2 cannot tell, or the pattern can
 * match an empty line). A line beginning with a 0 byte never starts a record; with a 2
 * byte (the default's blank, see layout.h), not when a blank or tab follows it. */
const unsigned char *qsp_recpat_first_bytes(const struct qsp_recpat *p);

/* Does this line (without its '\n'; may contain '\r', NUL, invalid UTF-8) start a record?
 * Returns 1 and fills *pf (struct qsp_prefix, layout.h), 0 if not, <0 on a matching error
 * (e.g. PCRE2 limits). */
int qsp_recpat_match(const struct qsp_recpat *p, struct qsp_recmatch *m, const char *line,
                     size_t len, struct qsp_prefix *pf);
/* The same, and when shape is not NULL the layout that matched as text (see
 * qsp_layout_match; "spring-boot" or "--pattern" for the PCRE2 patterns). */
int qsp_recpat_match_shape(const struct qsp_recpat *p, struct qsp_recmatch *m,
                           const char *line, size_t len, struct qsp_prefix *pf, char *shape,
                           size_t cap);

#endif
