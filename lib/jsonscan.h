/* jsonscan.h — a strict RFC 8259 scan of one JSON object that reports where its members'
 * values lie, without building the document or allocating; and the string decoder. The
 * JSON event reader (jsonevent.c) and the query.log parser (querylog.c) are its callers. */
#ifndef QS_JSONSCAN_H
#define QS_JSONSCAN_H

#include <stddef.h>

/* A value's raw bytes in the line: for a string, its contents without the quotes (still
 * JSON-escaped); for a number, its text; len 0 and off 0 otherwise. */
struct qsp_json_field {
    size_t off, len;
    int escaped; /* holds a backslash: decode before use */
};

enum qsp_json_type { QSP_JSON_STRING = 1, QSP_JSON_NUMBER, QSP_JSON_OBJECT, QSP_JSON_OTHER };

/* One member of an object, reported once its value has been read. */
struct qsp_json_member {
    int level;                           /* 0: of the top-level object; 1: of an object
                                          * that is the value of a top-level member */
    const struct qsp_json_field *parent; /* level 1: that top-level member's key */
    struct qsp_json_field key;           /* raw contents */
    enum qsp_json_type type;
    size_t start, end;         /* the value's bytes, quotes or brackets included */
    struct qsp_json_field val; /* a string's contents or a number's text */
};

/* Refuse, beyond RFC 8259's grammar, what jansson (json_loadb, JSON_ALLOW_NUL) refuses:
 * ill-formed UTF-8 inside strings, a lone or misordered \u surrogate, \u0000 in a key, an
 * integer outside int64_t, a real number that overflows a double. Without it, bytes
 * >= 0x80 are taken as they are and a lone surrogate is left to the decoder (U+FFFD). */
#define QSP_JSON_STRICT 1u

/* The deepest nesting a scanner may allow: objects whose members are reported recurse (at
 * most `levels` deep), everything below is read with a bit per level, so the stack a scan
 * uses stays small whatever the input. */
#define QSP_JSON_MAX_DEPTH 4096

struct qsp_json_scanner {
    unsigned flags;
    int max_depth; /* a value nested deeper fails the scan; the top-level object is at
                    * depth 1, its members' values at 2 (jansson's count); at most
                    * QSP_JSON_MAX_DEPTH */
    int levels;    /* members reported: 1 the top-level object's, 2 those one level down
                    * too (objects only, not objects inside arrays) */
    void (*member)(void *ctx, const char *s, const struct qsp_json_member *m); /* not NULL */
    void *ctx;
};

/* Is s[0..n) exactly one JSON object, starting at s[0], blanks (space, tab, CR, LF) only
 * after it? 1 after reporting its members in document order, else 0 (members may have
 * been reported before the fault was found). Linear in n; recursion as deep as max_depth. */
int qsp_json_scan(const struct qsp_json_scanner *sc, const char *s, size_t n);

/* Does the key k (raw contents in s) decode to the NUL-terminated name? Escaped keys are
 * decoded, as jansson compares them. */
int qsp_json_key_is(const char *s, const struct qsp_json_field *k, const char *name);

/* Decode the contents of a JSON string (p[0..n), without quotes) into out, which has room
 * for n bytes (decoding never grows): \" \\ \/ \b \f \n \r \t \uXXXX, a surrogate pair as
 * one character, a lone surrogate as U+FFFD; an unknown or short escape stays as written.
 * Returns the decoded length. On contents a QSP_JSON_STRICT scan accepted, the bytes are
 * jansson's. */
size_t qsp_json_unescape(const char *p, size_t n, char *out);

/* The length qsp_json_unescape would return, without writing. */
size_t qsp_json_unescaped_len(const char *p, size_t n);

/* The offset in p[0..n) (escaped contents) where decoded byte dec_off comes from: what
 * --explain shows of a statement found in the decoded message. */
size_t qsp_json_raw_offset(const char *p, size_t n, size_t dec_off);

#endif
