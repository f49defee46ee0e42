/* jsonevent.h — one JSON log event per line (logstash-logback-encoder, logback's
 * JsonEncoder, log4j2 JsonTemplateLayout/EcsLayout, Spring Boot structured logging): where
 * its message, logger, thread and timestamp values lie, so that the splitter can split the
 * message and leave every other byte of the line as it was. */
#ifndef QS_JSONEVENT_H
#define QS_JSONEVENT_H

#include <stddef.h>

#include "jsonscan.h" /* qsp_json_field, qsp_json_unescape: what its callers use */

struct qsp_json_event {
    size_t msg_start, msg_end; /* the message value, quotes included: what is replaced */
    struct qsp_json_field msg, logger, thread, ts;
};

/* Is line[0..n) exactly one JSON object (RFC 8259; blanks may follow it) whose message
 * ("message", else "msg") is a string, given once? 1 and *ev filled, else 0: not JSON, an
 * array, nesting deeper than 64 (jansson's count: every value), no message, a message that is not a string. Bytes >= 0x80
 * are taken as they are (invalid UTF-8 is the U+FFFD policy's business, not a reason to
 * leave the line alone). Linear in n. */
int qsp_json_event_scan(const char *line, size_t n, struct qsp_json_event *ev);

/* The length of the first line of r[0..n) without its terminator ('\n' or "\r\n"): the
 * JSON event of a record (a message's line breaks are escaped, so the event is one line;
 * lines glued to it are no part of it). */
size_t qsp_json_first_line(const char *r, size_t n);

#endif
