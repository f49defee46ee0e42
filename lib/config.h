/* config.h — what a splitter reads from its configuration. */
#ifndef QS_CONFIG_H
#define QS_CONFIG_H

#include "detect.h"
#include "qsplit.h"
#include "recpat.h"

struct qs_config {
    struct qsp_recpat *recpat;
    struct qsp_detector *detector;
    unsigned dialect;
    unsigned flags;
    size_t max_record;
    size_t dedupe_entries;
};

#define QSP_DEFAULT_MAX_RECORD ((size_t)8 << 20)
#define QSP_DEFAULT_DEDUPE_ENTRIES ((size_t)65536)

#endif
