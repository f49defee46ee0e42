/* p6format.h — recognizing p6spy's CustomLineFormat from its customLogMessageFormat. */
#ifndef QS_P6FORMAT_H
#define QS_P6FORMAT_H

#include "detect-int.h"
#include "qsplit.h"

/* A compiled format. Immutable once built: shareable across threads. */
struct qsp_p6format;
/* Per-thread match data for one format. */
struct qsp_p6match;

/* Compile format ("%(currentTime)|%(executionTime)|%(category)|connection%(connectionId)|
 * %(sqlSingleLine)"): QS_EINVAL naming an unknown %(…) or a format without SQL. */
int qsp_p6format_new(struct qsp_p6format **out, const char *format, struct qs_error *err);
void qsp_p6format_free(struct qsp_p6format **f);
int qsp_p6match_new(struct qsp_p6match **out, const struct qsp_p6format *f);
void qsp_p6match_free(struct qsp_p6match **m);

/* QSP_DET_SQL, QSP_DET_NOSQL (a category without SQL), QSP_DET_NO, or a QS_E* code. */
int qsp_p6format_match(const struct qsp_p6format *f, struct qsp_p6match *mt,
                       struct qsp_det *d);

#endif
