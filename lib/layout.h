/* layout.h — the built-in log prefix grammar: which lines of a logback, log4j 1/2 or
 * framework-stdout log start a record, and the fields of their prefix. */
#ifndef QS_LAYOUT_H
#define QS_LAYOUT_H

#include <stddef.h>

/* Which rule made a line a record start (struct qsp_prefix.layout). */
enum qsp_layout {
    QSP_LAYOUT_NONE = 0,  /* not a record start */
    QSP_LAYOUT_SPRING,    /* the Spring Boot console pattern (PCRE2, record.c) */
    QSP_LAYOUT_PREFIX,    /* the general prefix grammar: date/time, level, thread, logger */
    QSP_LAYOUT_HIBERNATE, /* Hibernate show_sql on stdout: "Hibernate: …" */
    QSP_LAYOUT_MYBATIS, /* MyBatis StdOutImpl: "==>  Preparing: …", "<==      Total: …" */
    QSP_LAYOUT_P6SPY,   /* p6spy StdoutLogger: "#ts | took …", "ts|ms|category|…" */
    QSP_LAYOUT_DSPROXY, /* datasource-proxy SystemOut: "Name:…, Connection:…, Time:…" */
    QSP_LAYOUT_JSON,    /* one JSON log event per line (a "level" key) */
    QSP_LAYOUT_PATTERN, /* a --pattern of the user's */
};

/* A static name for a layout ("spring-boot", "prefix", "hibernate-stdout", …). */
const char *qsp_layout_name(unsigned layout);

/* Length of the ANSI SGR sequence (\e[…m) at s, or 0. */
size_t qsp_sgr_len(const char *s, size_t n);

/* 1 for each byte a line the grammar accepts can begin with; a line beginning with a 0 byte
 * is never a record start (the splitter skips such lines without calling the grammar). The
 * blank is 2: a line opening with one blank may start a record (log4j's %5p writes
 * " INFO"), one opening with two blanks or a blank and a tab may not. */
extern const unsigned char qsp_layout_first[256];

/* Offsets into a record's first line; a field that is absent has len 0. */
struct qsp_prefix {
    size_t ts_off, ts_len;
    size_t level_off, level_len;
    size_t thread_off, thread_len;
    size_t logger_off, logger_len;
    size_t msg_off;  /* where the message starts (<= line length) */
    unsigned layout; /* enum qsp_layout */
};

/* Does this line (without its '\n'; may hold '\r', NUL, invalid UTF-8) start a record by
 * the grammar? 1 and *pf filled, or 0. Linear in the first 1 KiB of the line at most. When
 * shape is not NULL it gets (NUL-terminated, cut to cap) the prefix as a logback-like
 * pattern, e.g. "%d [%t] %p %c - %m", for `qsplit split --explain`. */
int qsp_layout_match(const char *line, size_t len, struct qsp_prefix *pf, char *shape,
                     size_t cap);

#endif
