/* layout.c — the built-in log prefix grammar.
 *
 * One grammar for the layouts people write, rather than one pattern per layout or a layout
 * learned from the file's first records: each line is judged alone, so the answer never
 * depends on where a file (or a tailer's saved position, or a rotated segment) begins, and
 * the CLI, the pusher and a restarted pusher cut a log into the same records.
 *
 * A line starts a record when, after optional ANSI SGR sequences, it begins with
 *   - a timestamp: ISO date and time (T or blank, [.,] fraction, zone), a time alone
 *     (HH:mm:ss[.SSS], mm:ss.SSS), log4j's "dd MMM yyyy HH:mm:ss,SSS", Tomcat's
 *     "dd-MMM-yyyy HH:mm:ss.SSS", or a date alone;
 *   - a level (TRACE DEBUG INFO WARN WARNING ERROR FATAL), bare, bracketed or with a colon;
 *   - either of them in brackets, or a bracket group followed by one of them;
 *   - log4j's relative time (%r) followed by a bracket group or a level;
 *   - the marker of a framework printing to stdout without any prefix: "Hibernate: ",
 *     MyBatis' "==>" / "<==" (any number of '='), p6spy's "#ts | took " and "ts|ms|cat|".
 * Stack frames ("\tat", "Caused by:", "... 3 more", exception class lines) and
 * continuation lines (indented or plain SQL) begin with none of these.
 *
 * The fields are then read token by token: timestamp, level, pid and "---", bracket groups
 * (the first that is not a timestamp, level, logger or source location is the thread), a
 * logger (a dotted Java name, or any name followed by a separator), source locations
 * ("(X.java:12)", "[X.java:12]"), until a separator (" - ", " -- ", " : ", " -> ", " | ")
 * or the first token that is none of these: there the message starts.
 */
#include "layout.h"

#include <string.h>

#define SCAN_MAX 1024 /* a prefix longer than this is not a prefix */
#define TOKENS_MAX 16
#define BRACKET_MAX 256

const unsigned char qsp_layout_first[256] = {
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1,  ['5'] = 1, ['6'] = 1,
    ['7'] = 1, ['8'] = 1, ['9'] = 1, ['['] = 1, [0x1b] = 1, ['T'] = 1, ['D'] = 1,
    ['I'] = 1, ['W'] = 1, ['E'] = 1, ['F'] = 1, ['H'] = 1,  ['='] = 1, ['<'] = 1,
    ['#'] = 1, ['N'] = 1, ['{'] = 1, [' '] = 2,
};

const char *qsp_layout_name(unsigned layout)
{
    switch (layout) {
    case QSP_LAYOUT_SPRING: return "spring-boot";
    case QSP_LAYOUT_PREFIX: return "prefix";
    case QSP_LAYOUT_HIBERNATE: return "hibernate-stdout";
    case QSP_LAYOUT_MYBATIS: return "mybatis-stdout";
    case QSP_LAYOUT_P6SPY: return "p6spy-stdout";
    case QSP_LAYOUT_DSPROXY: return "datasource-proxy-stdout";
    case QSP_LAYOUT_JSON: return "json";
    case QSP_LAYOUT_PATTERN: return "--pattern";
    default: return "none";
    }
}

size_t qsp_sgr_len(const char *s, size_t n)
{
    if (n < 3 || s[0] != '\x1b' || s[1] != '[')
        return 0;
    for (size_t i = 2; i < n && i < 24; i++) {
        if (s[i] == 'm')
            return i + 1;
        if (!((s[i] >= '0' && s[i] <= '9') || s[i] == ';'))
            return 0;
    }
    return 0;
}

static int dig(const char *s, size_t n, size_t i)
{
    return i < n && (unsigned)((unsigned char)s[i] - '0') < 10;
}

static int blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* Blanks and SGR sequences from i. */
static size_t skip_gap(const char *s, size_t n, size_t i)
{
    for (;;) {
        size_t k;
        if (i < n && blank(s[i]))
            i++;
        else if (i < n && (k = qsp_sgr_len(s + i, n - i)) > 0)
            i += k;
        else
            return i;
    }
}

/* A field ends here: end of line, a blank, ESC, or a closing bracket or bar. */
static int field_end(const char *s, size_t n, size_t i)
{
    return i >= n || blank(s[i]) || s[i] == '\x1b' || s[i] == ']' || s[i] == ')' ||
           s[i] == '|';
}

/* ---- timestamps ------------------------------------------------------------------------ */

/* HH:mm:ss[.,]f{1,9}, HH:mm:ss, HH:mm:ss:SSS, or mm:ss.SSS (a fraction is then
 * required). */
static size_t time_len(const char *s, size_t n, size_t i)
{
    if (!(dig(s, n, i) && dig(s, n, i + 1) && i + 2 < n && s[i + 2] == ':' &&
          dig(s, n, i + 3) && dig(s, n, i + 4)))
        return 0;
    size_t j = i + 5;
    int seconds = j < n && s[j] == ':' && dig(s, n, j + 1) && dig(s, n, j + 2);
    if (seconds)
        j += 3;
    if (seconds && j + 3 < n && s[j] == ':' && dig(s, n, j + 1) && dig(s, n, j + 2) &&
        dig(s, n, j + 3) && !dig(s, n, j + 4))
        return j + 4 - i; /* SimpleDateFormat "HH:mm:ss:SSS" */
    if (j + 1 < n && (s[j] == '.' || s[j] == ',') && dig(s, n, j + 1)) {
        size_t k = j + 1;
        while (k < n && k - j <= 9 && dig(s, n, k))
            k++;
        if (!seconds && k - j != 4)
            return 0;
        j = k;
    } else if (!seconds) {
        return 0;
    }
    return j - i;
}

static int month_name(const char *s, size_t n, size_t i)
{
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    if (i + 3 > n)
        return 0;
    for (size_t m = 0; m < 36; m += 3)
        if (memcmp(s + i, months + m, 3) == 0)
            return 1;
    return 0;
}

/* yyyy-MM-dd, yyyy/MM/dd, or (with a time following) MM-dd, dd MMM yyyy, dd-MMM-yyyy. */
static size_t date_len(const char *s, size_t n, size_t i, int *needs_time)
{
    *needs_time = 0;
    if (dig(s, n, i) && dig(s, n, i + 1) && dig(s, n, i + 2) && dig(s, n, i + 3) &&
        i + 4 < n && (s[i + 4] == '-' || s[i + 4] == '/') && dig(s, n, i + 5) &&
        dig(s, n, i + 6) && i + 7 < n && s[i + 7] == s[i + 4] && dig(s, n, i + 8) &&
        dig(s, n, i + 9))
        return 10;
    if (dig(s, n, i) && dig(s, n, i + 1) && i + 2 < n && s[i + 2] == '-' && dig(s, n, i + 3) &&
        dig(s, n, i + 4) && i + 5 < n && s[i + 5] == ' ') {
        *needs_time = 1; /* MM-dd HH:mm:ss */
        return 5;
    }
    if (dig(s, n, i) && dig(s, n, i + 1) && i + 2 < n &&
        (s[i + 2] == ' ' || s[i + 2] == '-') && month_name(s, n, i + 3) && i + 6 < n &&
        s[i + 6] == s[i + 2] && dig(s, n, i + 7) && dig(s, n, i + 8) && dig(s, n, i + 9) &&
        dig(s, n, i + 10)) {
        *needs_time = 1;
        return 11;
    }
    return 0;
}

/* Z, +hh, +hhmm, +hh:mm; or a blank and +hhmm / +hh:mm (logback's %d{… Z}). */
static size_t zone_len(const char *s, size_t n, size_t j)
{
    if (j < n && s[j] == 'Z')
        return 1;
    size_t b = j < n && s[j] == ' ' ? j + 1 : j;
    if (!(b < n && (s[b] == '+' || s[b] == '-') && dig(s, n, b + 1) && dig(s, n, b + 2)))
        return 0;
    size_t e = b + 3;
    if (e < n && s[e] == ':' && dig(s, n, e + 1) && dig(s, n, e + 2))
        e += 3;
    else if (dig(s, n, e) && dig(s, n, e + 1))
        e += 2;
    else if (b != j)
        return 0; /* " +08" alone is more likely text than a zone */
    return field_end(s, n, e) ? e - j : 0;
}

static size_t level_len(const char *s, size_t n, size_t i);

/* A date without a time (%d{yyyy-MM-dd}) is a timestamp only when a level or a bracket
 * group follows: "2021-05-25 is the day the batch ran" is text. */
static int date_alone(const char *s, size_t n, size_t j)
{
    if (j < n && s[j] == ']')
        return 1;
    if (j >= n || !blank(s[j]))
        return 0;
    while (j < n && blank(s[j]))
        j++;
    return j < n && (s[j] == '[' || level_len(s, n, j));
}

/* A timestamp at i ending at a field end, or 0. */
static size_t ts_len(const char *s, size_t n, size_t i)
{
    int needs_time;
    size_t j = i, d = date_len(s, n, i, &needs_time), t;
    if (d) {
        j += d;
        if (j < n && (s[j] == 'T' || s[j] == ' ') && (t = time_len(s, n, j + 1)) > 0)
            j += 1 + t;
        else if (needs_time || !date_alone(s, n, j))
            return 0;
        else
            return j - i;
    } else if ((t = time_len(s, n, i)) > 0) {
        j += t;
    } else {
        return 0;
    }
    j += zone_len(s, n, j);
    return field_end(s, n, j) ? j - i : 0;
}

/* ---- levels, names, separators --------------------------------------------------------- */

/* A level word at i, followed by a field end or ':'. */
static size_t level_len(const char *s, size_t n, size_t i)
{
    static const char *const levels[] = {"TRACE", "DEBUG", "INFO", "WARNING",
                                         "WARN",  "ERROR", "FATAL"};
    for (size_t k = 0; k < sizeof levels / sizeof levels[0]; k++) {
        size_t l = strlen(levels[k]);
        if (i + l <= n && memcmp(s + i, levels[k], l) == 0 &&
            (field_end(s, n, i + l) || s[i + l] == ':'))
            return l;
    }
    return 0;
}

/* The end of a word (no blanks, no ESC) starting at i. */
static size_t word_end(const char *s, size_t n, size_t i)
{
    while (i < n && !blank(s[i]) && s[i] != '\x1b')
        i++;
    return i;
}

static int name_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '$' || c == '.' || c == '-' || c == '[' || c == ']' || c == '/' ||
           c >= 0x80;
}

/* Is s[b..e) a logger name? A Java-like name (Tomcat's "o.a.c.c.C.[.[.[/]" too), starting
 * with a letter, '_', '$' or '.' (Spring's cut "...b.mapper.X"). *dots gets whether it has
 * a dot: only then is it taken as a logger without a separator after it. */
static int logger_name(const char *s, size_t b, size_t e, int *dots)
{
    *dots = 0;
    if (b >= e || e - b > 512)
        return 0;
    unsigned char c0 = (unsigned char)s[b];
    if (!((c0 >= 'a' && c0 <= 'z') || (c0 >= 'A' && c0 <= 'Z') || c0 == '_' || c0 == '$' ||
          c0 == '.' || c0 >= 0x80))
        return 0;
    int letters = 0;
    for (size_t i = b; i < e; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!name_char(c))
            return 0;
        *dots |= c == '.';
        letters |= (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
    }
    return letters;
}

/* A name ending in ":<digits>" (logback %logger:%line, %file:%line): where the name ends. */
static size_t strip_line_number(const char *s, size_t b, size_t e)
{
    size_t k = e;
    while (k > b && (unsigned)((unsigned char)s[k - 1] - '0') < 10)
        k--;
    return k < e && k > b + 1 && s[k - 1] == ':' ? k - 1 : e;
}

/* A source location: "X.java:12", "BaseJdbcLogger.java:145", "Foo.kt:3", "?:?"; not a
 * thread and its relative time ("main:0", log4j "[ %t:%r ]"). */
static int location(const char *s, size_t b, size_t e)
{
    size_t k = strip_line_number(s, b, e);
    if (k < e)
        return memchr(s + b, ' ', k - b) == NULL && memchr(s + b, '.', k - b) != NULL;
    return e - b == 3 && memcmp(s + b, "?:?", 3) == 0;
}

/* log4j's %l at b..e: "pkg.Class.method(File.java:28)"; logback's "%logger.%M(%line)":
 * "c.e.Mapper.debug(143)". */
static int l_location(const char *s, size_t b, size_t e)
{
    const char *par = b < e ? memchr(s + b, '(', e - b) : NULL;
    if (!par || s[e - 1] != ')')
        return 0;
    size_t in = (size_t)(par - s) + 1, k = in;
    while (k < e - 1 && (unsigned)((unsigned char)s[k] - '0') < 10)
        k++;
    int dots;
    return (location(s, in, e - 1) || (k > in && k == e - 1)) &&
           logger_name(s, b, (size_t)(par - s), &dots) && dots;
}

/* A separator between prefix and message at i ("-", "--", ":", "->", "|", "=>", "-->"),
 * followed by a blank or the end of the line: its length, else 0. */
static size_t sep_len(const char *s, size_t n, size_t i)
{
    static const char *const seps[] = {"-->", "--", "->", "=>", "-", ":", "|"};
    for (size_t k = 0; k < sizeof seps / sizeof seps[0]; k++) {
        size_t l = strlen(seps[k]);
        if (i + l <= n && memcmp(s + i, seps[k], l) == 0 &&
            (i + l == n || blank(s[i + l]) || s[i + l] == '\x1b'))
            return l;
    }
    return 0;
}

/* Where a message starts after a separator ending at i: one blank (and SGR) skipped. */
static size_t after_sep(const char *s, size_t n, size_t i)
{
    size_t k;
    while (i < n && (k = qsp_sgr_len(s + i, n - i)) > 0)
        i += k;
    if (i < n && s[i] == ' ')
        i++;
    return i;
}

/* A bracket group "[…]" at i (no newline, at most BRACKET_MAX bytes): the offset of its ']',
 * or 0. Nested brackets (Tomcat loggers) close at the matching bracket. */
static size_t bracket_end(const char *s, size_t n, size_t i, char open, char close)
{
    int depth = 0;
    size_t lim = n - i > BRACKET_MAX ? i + BRACKET_MAX : n;
    for (size_t j = i; j < lim; j++) {
        if (s[j] == open)
            depth++;
        else if (s[j] == close && --depth == 0)
            return j;
    }
    return 0;
}

/* ---- the shape, for --explain ---------------------------------------------------------- */

struct shape {
    char *b;
    size_t cap, len;
};

static void put(struct shape *sh, const char *t, size_t n)
{
    if (!sh->b || !sh->cap)
        return;
    if (sh->len && sh->len + 1 < sh->cap && sh->b[sh->len - 1] != '[')
        sh->b[sh->len++] = ' ';
    for (size_t i = 0; i < n && sh->len + 1 < sh->cap; i++)
        sh->b[sh->len++] = t[i];
    sh->b[sh->len] = '\0';
}

/* Append without a blank before: "%c:" for a logger glued to its colon. */
static void glue(struct shape *sh, const char *t)
{
    for (; sh->b && *t && sh->len + 1 < sh->cap; t++)
        sh->b[sh->len++] = *t;
    if (sh->b && sh->cap)
        sh->b[sh->len] = '\0';
}

static void puts_(struct shape *sh, const char *t)
{
    put(sh, t, strlen(t));
}

/* ---- stdout lines ---------------------------------------------------------------------- */

/* Does s[0..n) hold needle? */
static int has(const char *s, size_t n, const char *needle)
{
    return memmem(s, n, needle, strlen(needle)) != NULL;
}

/* A framework's own stdout line at s (after SGR): its layout, or 0. n is the rest of the
 * line, not cut to SCAN_MAX: JSON keys come in any order. */
static unsigned stdout_line(const char *s, size_t n)
{
    size_t i = 0, lim = n < SCAN_MAX ? n : SCAN_MAX;
    switch (s[0]) {
    case 'N':
        /* datasource-proxy's SystemOutQueryLoggingListener (DefaultQueryLogEntryCreator):
         * "Name:MyDS, Connection:3, Time:5, Success:True…" on one line or the first of
         * several. */
        return n >= 5 && memcmp(s, "Name:", 5) == 0 && has(s, lim, ", Time:") &&
                       has(s, lim, ", Success:")
                   ? QSP_LAYOUT_DSPROXY
                   : 0;
    case '{': {
        /* One JSON object per line (logstash-logback-encoder, logback's JsonEncoder,
         * log4j2 JsonTemplateLayout/ECS): a log event when it has a level and a message
         * key; a JSON value in a message's continuation lines lacks them. */
        size_t e = n;
        while (e > 0 && blank(s[e - 1]))
            e--;
        return e >= 2 && s[1] == '"' && s[e - 1] == '}' &&
                       (has(s, e, "\"level\":") || has(s, e, "\"log.level\":") ||
                        has(s, e, "\"severity\":")) &&
                       (has(s, e, "\"message\":") || has(s, e, "\"msg\":"))
                   ? QSP_LAYOUT_JSON
                   : 0;
    }
    case 'H':
        /* Hibernate's SqlStatementLogger: "Hibernate: " + statement (show_sql). */
        if (n >= 10 && memcmp(s, "Hibernate:", 10) == 0 && (n == 10 || blank(s[10])))
            return QSP_LAYOUT_HIBERNATE;
        return 0;
    case '=':
        /* MyBatis BaseJdbcLogger through StdOutImpl: "==>  Preparing: ", "====> …". */
        while (i < n && s[i] == '=')
            i++;
        return i >= 2 && i < n && s[i] == '>' && (i + 1 == n || blank(s[i + 1]))
                   ? QSP_LAYOUT_MYBATIS
                   : 0;
    case '<':
        /* "<==      Total: 1", "<==    Columns: …", "<====        Row: …". */
        i = 1;
        while (i < n && s[i] == '=')
            i++;
        return i >= 3 && (i == n || blank(s[i])) ? QSP_LAYOUT_MYBATIS : 0;
    case '#':
        /* p6spy MultiLineFormat: "#1605166843960 | took 3ms | statement | connection 1|…" */
        i = 1;
        while (dig(s, n, i))
            i++;
        return i > 1 && i + 8 <= n && memcmp(s + i, " | took ", 8) == 0 ? QSP_LAYOUT_P6SPY : 0;
    default:
        /* p6spy SingleLineFormat and the default custom one: "1605166843960|3|statement|". */
        while (dig(s, n, i))
            i++;
        if (i == 0 || i >= n || s[i] != '|')
            return 0;
        size_t j = ++i;
        while (dig(s, n, i))
            i++;
        if (i == j || i >= n || s[i] != '|')
            return 0;
        j = ++i;
        while (i < n && s[i] >= 'a' && s[i] <= 'z')
            i++;
        return i > j && i < n && s[i] == '|' ? QSP_LAYOUT_P6SPY : 0;
    }
}

/* ---- the prefix ------------------------------------------------------------------------ */

struct parse {
    const char *s;
    size_t n; /* the scanned part of the line */
    struct qsp_prefix *pf;
    struct shape sh;
    int ts, level, thread, logger;
    int thread_early; /* the thread is a bracket before the timestamp and level: maybe an
                       * application tag ("[bbs] 2016-… DEBUG [main] …"), replaced by a
                       * later bracket */
};

/* What a token at i is, when it opens the line: a timestamp, a level, either in brackets,
 * or log4j's relative time. 0 if the line cannot be a record start. */
static int strong_start(const char *s, size_t n, size_t i)
{
    if (ts_len(s, n, i) || level_len(s, n, i))
        return 1;
    if (s[i] == '[') {
        size_t e = bracket_end(s, n, i, '[', ']');
        if (!e)
            return 0;
        size_t b = skip_gap(s, e, i + 1), k;
        if ((k = ts_len(s, e, b)) > 0 && skip_gap(s, e, b + k) == e)
            return 1;
        if ((k = level_len(s, e, b)) > 0 && skip_gap(s, e, b + k) == e)
            return 1;
        /* "[main] DEBUG …", "[app] 2021-…": a bracket group, then a timestamp or level. */
        size_t j = skip_gap(s, n, e + 1);
        return j < n && j > e + 1 && (ts_len(s, n, j) || level_len(s, n, j));
    }
    if (dig(s, n, i)) {
        /* log4j %r: "1234 [main] DEBUG …", "0    [main] …"; a line number before a
         * timestamp (JBoss: "1865 17:18:58,779 INFO  [STDOUT] …"). */
        size_t j = i;
        while (dig(s, n, j) && j - i < 13)
            j++;
        size_t k = skip_gap(s, n, j);
        if (k == j || k >= n)
            return 0;
        if (level_len(s, n, k) || ts_len(s, n, k))
            return 1;
        size_t e = s[k] == '[' ? bracket_end(s, n, k, '[', ']') : 0;
        return e && level_len(s, n, skip_gap(s, n, e + 1));
    }
    return 0;
}

/* A bracket group's content b..e: what it is, given what was found before it. */
static void bracket(struct parse *p, size_t b, size_t e)
{
    const char *s = p->s;
    struct qsp_prefix *pf = p->pf;
    b = skip_gap(s, e, b);
    while (e > b && blank(s[e - 1]))
        e--;
    size_t k;
    int dots;
    if (!p->ts && b < e && (k = ts_len(s, e, b)) == e - b) {
        p->ts = 1;
        pf->ts_off = b;
        pf->ts_len = k;
        puts_(&p->sh, "[%d]");
    } else if (!p->level && b < e && (k = level_len(s, e, b)) == e - b) {
        p->level = 1;
        pf->level_off = b;
        pf->level_len = k;
        puts_(&p->sh, "[%p]");
    } else if (location(s, b, e)) {
        puts_(&p->sh, "[%F:%L]");
    } else if (!p->logger && logger_name(s, b, e, &dots) && dots) {
        p->logger = 1;
        pf->logger_off = b;
        pf->logger_len = e - b;
        puts_(&p->sh, "[%c]");
    } else if (!p->thread || (p->thread_early && (p->ts || p->level))) {
        p->thread_early = !p->thread && !p->ts && !p->level;
        p->thread = 1;
        pf->thread_off = b;
        pf->thread_len = e - b;
        puts_(&p->sh, "[%t]");
    } else {
        puts_(&p->sh, "[%X]");
    }
}

/* A word ending at e followed (after blanks) by a level, with no thread or level read yet:
 * a bare thread name before the level ("%d %thread %level"). */
static int bare_thread(const struct parse *p, size_t e)
{
    size_t j = skip_gap(p->s, p->n, e);
    return !p->thread && !p->level && j > e && j < p->n && level_len(p->s, p->n, j);
}

/* What reading one token of the prefix did. */
enum step {
    STEP_NOT,  /* not this kind of token: try the next reader */
    STEP_NEXT, /* read: on to the next token */
    STEP_STOP, /* the message starts at this token ("%m" still to write) */
    STEP_DONE, /* the message starts at *i and the shape is complete */
};

/* A bracket group ("[main]", "[X.java:12]") or a source location in parentheses. */
static enum step group_token(struct parse *p, size_t *i)
{
    const char *s = p->s;
    size_t n = p->n, e;
    if (s[*i] == '[' && (e = bracket_end(s, n, *i, '[', ']')) > 0) {
        bracket(p, *i + 1, e);
        *i = e + 1;
        return STEP_NEXT;
    }
    if (s[*i] == '(' && (e = bracket_end(s, n, *i, '(', ')')) > 0 && location(s, *i + 1, e)) {
        puts_(&p->sh, "(%F:%L)");
        *i = e + 1;
        return STEP_NEXT;
    }
    return STEP_NOT;
}

/* A bare timestamp or level, the first of its kind and before any logger. */
static enum step ts_level_token(struct parse *p, size_t *i)
{
    const char *s = p->s;
    size_t n = p->n, k;
    struct qsp_prefix *pf = p->pf;
    if (p->logger)
        return STEP_NOT;
    if (!p->ts && (k = ts_len(s, n, *i)) > 0) {
        p->ts = 1;
        pf->ts_off = *i;
        pf->ts_len = k;
        puts_(&p->sh, "%d");
        *i += k;
        return STEP_NEXT;
    }
    if (!p->level && (k = level_len(s, n, *i)) > 0) {
        p->level = 1;
        pf->level_off = *i;
        pf->level_len = k;
        *i += k;
        if (*i < n && s[*i] == ':') { /* log4j "%-5p: %c - %m" */
            ++*i;
            puts_(&p->sh, "%p:");
        } else {
            puts_(&p->sh, "%p");
        }
        return STEP_NEXT;
    }
    return STEP_NOT;
}

/* After a separator, at j: a field the grammar knows, so the separator is one between
 * prefix fields, not the one before the message. A bar followed by a bracket group or a
 * level ("%d | %p | %t | %c - %m"), or a dash followed by a level in brackets
 * ("%d [ %t:%r ] - [ %p ] %m", the log4j template of many Chinese tutorials). */
static int field_follows(const struct parse *p, char sep, size_t j)
{
    const char *s = p->s;
    size_t n = p->n, be;
    if (j >= n || p->logger)
        return 0;
    if (sep == '|' && (s[j] == '[' || (!p->level && level_len(s, n, j))))
        return '|';
    if (!p->level && s[j] == '[' && (be = bracket_end(s, n, j, '[', ']')) > 0) {
        size_t lb = skip_gap(s, be, j + 1), ll = level_len(s, be, lb);
        return ll && skip_gap(s, be, lb + ll) == be;
    }
    return 0;
}

/* log4j %l between two separators, "… - pkg.Class.method(File.java:28) - msg": the
 * location at j; on a match the message starts at *i. */
static int location_between_seps(struct parse *p, size_t *i, size_t j)
{
    const char *s = p->s;
    size_t n = p->n, le = word_end(s, n, j), l2;
    if (p->logger || !l_location(s, j, le) || skip_gap(s, n, le) == le ||
        (l2 = sep_len(s, n, skip_gap(s, n, le))) == 0)
        return 0;
    puts_(&p->sh, "%l");
    *i = skip_gap(s, n, le);
    put(&p->sh, s + *i, l2);
    puts_(&p->sh, "%m");
    *i = after_sep(s, n, *i + l2);
    return 1;
}

/* A separator of k bytes at *i: between two prefix fields, or where the message starts. */
static enum step separator(struct parse *p, size_t *i, size_t k)
{
    const char *s = p->s;
    size_t n = p->n, j = skip_gap(s, n, *i + k);
    int between = field_follows(p, s[*i], j);
    if (between) {
        /* The bar alone goes into the shape; any other separator as written. */
        if (between == '|')
            put(&p->sh, "|", 1);
        else
            put(&p->sh, s + *i, k);
        *i = j;
        return STEP_NEXT;
    }
    put(&p->sh, s + *i, k);
    if (!location_between_seps(p, i, j)) {
        puts_(&p->sh, "%m");
        *i = after_sep(s, n, *i + k);
    }
    return STEP_DONE;
}

/* Spring Boot's "---" after the timestamp, and the pid before it (digits, then "---" or
 * '['); the word is *i..e. */
static enum step spring_token(struct parse *p, size_t *i, size_t e)
{
    const char *s = p->s;
    size_t n = p->n;
    if (!p->ts || p->logger)
        return STEP_NOT;
    if (e - *i == 3 && memcmp(s + *i, "---", 3) == 0) {
        puts_(&p->sh, "---");
        *i = e;
        return STEP_NEXT;
    }
    if (dig(s, n, *i)) {
        size_t d = *i;
        while (dig(s, n, d))
            d++;
        size_t j = skip_gap(s, n, d);
        if (d == e && j > d && j < n && (s[j] == '[' || s[j] == '-')) {
            puts_(&p->sh, "%pid");
            *i = e;
            return STEP_NEXT;
        }
    }
    return STEP_NOT;
}

/* log4j "%c %M - %m": a method name at j after the logger, then a separator. Returns the
 * separator's length and sets *at to where it starts; 0 when there is none. */
static size_t method_then_sep(const struct parse *p, size_t j, size_t *at)
{
    const char *s = p->s;
    size_t n = p->n, m_end = word_end(s, n, j), m_sep = skip_gap(s, n, m_end), sl;
    int mdots;
    if (m_sep > m_end && logger_name(s, j, m_end, &mdots) && !mdots &&
        (sl = sep_len(s, n, m_sep)) > 0) {
        *at = m_sep;
        return sl;
    }
    return 0;
}

/* A logger, the word *i..e: "c.e.Mapper - ", "c.e.Mapper:42 - ", "p6spy - ",
 * "c.e.Mapper: ", "c.e.Mapper msg". */
static enum step logger_token(struct parse *p, size_t *i, size_t e)
{
    const char *s = p->s;
    size_t n = p->n, name_e = e, m_sep = 0;
    int dots, colon = name_e > *i + 1 && s[name_e - 1] == ':';
    if (colon)
        name_e--;
    name_e = strip_line_number(s, *i, name_e);
    if (!logger_name(s, *i, name_e, &dots))
        return STEP_NOT;
    size_t j = skip_gap(s, n, e);
    size_t sl = j > e || j == n ? sep_len(s, n, j) : 0;
    if (!colon && !sl && j > e && j < n)
        sl = method_then_sep(p, j, &m_sep);
    if (!colon && !sl && !(dots && !bare_thread(p, e)))
        return STEP_NOT;
    p->logger = 1;
    p->pf->logger_off = *i;
    p->pf->logger_len = name_e - *i;
    puts_(&p->sh, name_e < (colon ? e - 1 : e) ? "%c:%L" : "%c");
    if (colon) {
        glue(&p->sh, ":");
        puts_(&p->sh, "%m");
        *i = after_sep(s, n, e);
        return STEP_DONE;
    }
    if (m_sep) {
        puts_(&p->sh, "%M");
        j = m_sep;
    }
    if (sl) {
        put(&p->sh, s + j, sl);
        puts_(&p->sh, "%m");
        *i = after_sep(s, n, j + sl);
        return STEP_DONE;
    }
    *i = e;
    return STEP_NEXT;
}

/* A word that is no timestamp, level or separator: Spring's pid and "---", log4j's %l, a
 * logger, a bare thread name; anything else starts the message. */
static enum step word_token(struct parse *p, size_t *i)
{
    const char *s = p->s;
    size_t n = p->n, e = word_end(s, n, *i);
    enum step st = spring_token(p, i, e);
    if (st != STEP_NOT)
        return st;
    if (p->logger) /* after the logger only brackets and a separator */
        return STEP_STOP;
    if (l_location(s, *i, e) && skip_gap(s, n, e) > e &&
        sep_len(s, n, skip_gap(s, n, e))) { /* log4j "%l - ": "pkg.C.m(C.java:159) - " */
        puts_(&p->sh, "%l");
        *i = e;
        return STEP_NEXT;
    }
    if ((st = logger_token(p, i, e)) != STEP_NOT)
        return st;
    if (bare_thread(p, e)) {
        p->thread = 1;
        p->pf->thread_off = *i;
        p->pf->thread_len = e - *i;
        puts_(&p->sh, "%t");
        *i = e;
        return STEP_NEXT;
    }
    return STEP_STOP;
}

/* One token of the prefix at *i, tried by each reader in the grammar's order. */
static enum step token(struct parse *p, size_t *i)
{
    const char *s = p->s;
    char c = s[*i];
    size_t k;
    if ((c == 'H' || c == '=' || c == '<' || c == '#') && stdout_line(s + *i, p->n - *i))
        return STEP_STOP; /* a framework's stdout behind a prefix (JBoss "[STDOUT] Hibernate: …") */
    enum step st = group_token(p, i);
    if (st == STEP_NOT)
        st = ts_level_token(p, i);
    if (st == STEP_NOT && (k = sep_len(s, p->n, *i)) > 0)
        st = separator(p, i, k);
    if (st == STEP_NOT)
        st = word_token(p, i);
    return st;
}

/* Read the prefix's fields from i; returns where the message starts. */
static size_t fields(struct parse *p, size_t i)
{
    for (int tok = 0; tok < TOKENS_MAX; tok++) {
        i = skip_gap(p->s, p->n, i);
        if (i >= p->n)
            return i;
        enum step st = token(p, &i);
        if (st == STEP_DONE)
            return i;
        if (st == STEP_STOP)
            break;
    }
    puts_(&p->sh, "%m");
    return i;
}

/* A line opening with one blank: log4j's %5p (" INFO [main] - …", " WARN …"), or MyBatis-
 * Plus' p6spy format (" Consume Time：24 ms 2022-04-07 20:04:20", then " Execute SQL：…" on
 * the next line of the same message). Two blanks are indentation. */
static int padded(struct parse *p)
{
    static const char mp[] = " Consume Time\xef\xbc\x9a"; /* full-width colon */
    const char *s = p->s;
    size_t n = p->n;
    if (n < 2 || blank(s[1]))
        return 0;
    if (n >= sizeof mp - 1 && memcmp(s, mp, sizeof mp - 1) == 0) {
        p->pf->layout = QSP_LAYOUT_P6SPY;
        p->pf->msg_off = 1;
        puts_(&p->sh, qsp_layout_name(QSP_LAYOUT_P6SPY));
        return 1;
    }
    if (!level_len(s, n, 1))
        return 0;
    p->pf->layout = QSP_LAYOUT_PREFIX;
    p->pf->msg_off = fields(p, 1);
    return 1;
}

int qsp_layout_match(const char *line, size_t len, struct qsp_prefix *pf, char *shape,
                     size_t cap)
{
    memset(pf, 0, sizeof *pf);
    if (shape && cap)
        shape[0] = '\0';
    if (!line || !len || !qsp_layout_first[(unsigned char)line[0]])
        return 0;
    size_t n = len < SCAN_MAX ? len : SCAN_MAX, i = 0, k;
    struct parse p = {.s = line, .n = n, .pf = pf, .sh = {shape, cap, 0}};
    if (line[0] == ' ')
        return padded(&p);
    while (i < n && (k = qsp_sgr_len(line + i, n - i)) > 0)
        i += k;
    if (i >= n)
        return 0;
    unsigned so = stdout_line(line + i, len - i);
    if (so) {
        /* The whole line is the message, for the recognizers to find the statement; but
         * not a JSON event's: a marker inside its message field would have the rest of
         * the object taken for SQL. It is a record of its own, left as it is. */
        pf->layout = so;
        pf->msg_off = so == QSP_LAYOUT_JSON ? len : i;
        puts_(&p.sh, qsp_layout_name(so));
        return 1;
    }
    if (!strong_start(line, n, i))
        return 0;
    k = ts_len(line, n, i);
    if (k && i + k < n && line[i + k] == '|') {
        /* p6spy with a dateformat: "2021-05-25 18:32:35|3|statement|…". */
        pf->layout = QSP_LAYOUT_P6SPY;
        pf->msg_off = i;
        puts_(&p.sh, qsp_layout_name(QSP_LAYOUT_P6SPY));
        return 1;
    }
    if (dig(line, n, i) && !k) { /* log4j %r, relative milliseconds */
        size_t j = i;
        while (dig(line, n, j))
            j++;
        puts_(&p.sh, "%r");
        i = j;
    }
    pf->layout = QSP_LAYOUT_PREFIX;
    pf->msg_off = fields(&p, i);
    if (pf->msg_off > len)
        pf->msg_off = len;
    return 1;
}
